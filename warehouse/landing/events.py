"""Data-quality events: one row per broken rule, with the file, row, column and raw value."""

from __future__ import annotations

import polars as pl

from warehouse.contract.spec import ALL_FILES

from .reader import SOURCE_ROW

ERROR = "error"  # a rule of the contract is broken
INFO = "info"  # a note: something could not be checked

EVENT_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    SOURCE_ROW: pl.Int64(),
    "rule": pl.String(),
    "column_name": pl.String(),
    "value": pl.String(),
    "severity": pl.String(),
    "detail": pl.String(),
}
PII_COLUMNS = frozenset(c.name for spec in ALL_FILES for c in spec.columns if c.pii)
MASK = "***"
_RAW = "__raw"


def raw(name: str) -> str:
    """Name of the column holding the field's string as written in the file, next to its typed value."""
    return name + _RAW


def no_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENT_SCHEMA)


def flag(
    frame: pl.DataFrame,
    mask: pl.Expr,
    *,
    file: str,
    rule: str,
    column: str | None,
    detail: str | pl.Expr,
    value: pl.Expr | None = None,
    severity: str = ERROR,
) -> pl.DataFrame:
    """An event for every row of `frame` (which has `source_row`) where `mask` is true.

    The value is the field as written (`raw(column)`) unless `value` is given.
    """
    if frame.is_empty() or not frame.select(mask.fill_null(False).any()).item():
        return no_events()  # the common case: evaluate the mask only, build nothing
    if value is None:
        value = pl.col(raw(column)) if column is not None else pl.lit(None, pl.String)
    # lazily, so the filter only gathers the columns the event needs
    return frame.lazy().filter(mask.fill_null(False)).select(
        pl.lit(file, pl.String).alias("file"),
        pl.col(SOURCE_ROW).cast(pl.Int64),
        pl.lit(rule, pl.String).alias("rule"),
        pl.lit(column, pl.String).alias("column_name"),
        value.cast(pl.String).alias("value"),
        pl.lit(severity, pl.String).alias("severity"),
        (pl.lit(detail, pl.String) if isinstance(detail, str) else detail.cast(pl.String)).alias("detail"),
    ).collect()


def package_event(rule: str, detail: str, severity: str = INFO) -> pl.DataFrame:
    """An event about the package as a whole (no file, no row)."""
    row = {"file": None, SOURCE_ROW: None, "rule": rule, "column_name": None, "value": None}
    return pl.DataFrame([row | {"severity": severity, "detail": detail}], schema=EVENT_SCHEMA)


def combine(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """All events, personal data masked, in a stable order: file order, row, then the order checked."""
    events = pl.concat([no_events(), *parts], how="vertical")
    return events.with_columns(
        pl.when(pl.col("column_name").is_in(list(PII_COLUMNS)) & pl.col("value").is_not_null())
        .then(pl.lit(MASK))
        .otherwise(pl.col("value"))
        .alias("value")
    )


def rules_by_row(events: pl.DataFrame, file: str) -> pl.DataFrame:
    """`source_row` -> `dq_rules` (comma-joined rule ids, in checking order) of one file's error events."""
    return (
        events.filter(
            (pl.col("file") == file) & pl.col(SOURCE_ROW).is_not_null() & (pl.col("severity") == ERROR)
        )
        .group_by(SOURCE_ROW, maintain_order=True)
        .agg(pl.col("rule").unique(maintain_order=True).str.join(",").alias("dq_rules"))
    )

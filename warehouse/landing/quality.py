"""Summaries of what landing recorded: landed packages, rows, rule violations, quarantine, refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.contract.spec import HQ
from warehouse.lake.layout import DQ_EVENTS, LANDED_PACKAGES, REFUSED_PACKAGES

from .events import ERROR

_HIVE = {"business_date": pl.Date(), "branch": pl.String()}


def _scan(lake: Path, table: str) -> pl.LazyFrame | None:
    files = sorted((lake / table).glob("business_date=*/branch=*/*.parquet"))
    return pl.scan_parquet(files, hive_partitioning=True, hive_schema=_HIVE) if files else None


@dataclass(frozen=True)
class QualitySummary:
    errors: int = 0  # dq events of broken contract rules
    quarantined: int = 0  # rows that could not be typed
    refused: int = 0  # package attempts refused whole
    by_rule: dict[str, int] = field(default_factory=dict)  # rule -> events (refusals included)


@dataclass(frozen=True)
class LakeStatus:
    packages: int
    first_date: date | None
    last_date: date | None
    branches: int  # branch codes landed, head office not counted
    rows_by_table: dict[str, int]
    quality: QualitySummary


def quality_summary(lake: Path, head_office: bool | None = None) -> QualitySummary:
    """Counts over the whole lake; `head_office` True/False limits them to HQ's or the branches'."""

    def scope(frame: pl.LazyFrame) -> pl.LazyFrame:
        if head_office is None:
            return frame
        return frame.filter((pl.col("branch") == HQ) == head_office)

    by_rule: dict[str, int] = {}
    errors = quarantined = refused = 0
    if (events := _scan(lake, DQ_EVENTS)) is not None:
        counts = scope(events).group_by("rule", "severity").len().collect()
        for rule, severity, n in counts.sort("rule").iter_rows():
            by_rule[rule] = by_rule.get(rule, 0) + n
            errors += n if severity == ERROR else 0
    if (landed := _scan(lake, LANDED_PACKAGES)) is not None:
        quarantined = int(scope(landed).select(pl.col("quarantined").sum()).collect().item() or 0)
    if (refusals := _scan(lake, REFUSED_PACKAGES)) is not None:
        rules = scope(refusals).group_by("rule").len().collect()
        for rule, n in rules.sort("rule").iter_rows():
            by_rule[rule] = by_rule.get(rule, 0) + n
            refused += n
    return QualitySummary(errors, quarantined, refused, by_rule)


def refusals(lake: Path) -> pl.DataFrame:
    """Every refused package attempt: business_date, branch, file, source_row, rule, detail."""
    columns = ["business_date", "branch", "file", "source_row", "rule", "detail"]
    if (refused := _scan(lake, REFUSED_PACKAGES)) is None:
        return pl.DataFrame(schema={**_HIVE, "file": pl.String(), "source_row": pl.Int64(),
                                    "rule": pl.String(), "detail": pl.String()})
    return refused.select(columns).sort("business_date", "branch").collect()


def lake_status(lake: Path) -> LakeStatus:
    landed = _scan(lake, LANDED_PACKAGES)
    if landed is None:
        return LakeStatus(0, None, None, 0, {}, quality_summary(lake))
    frame = landed.select("business_date", "branch", "rows").collect()
    rows = (
        frame.select(pl.col("rows").explode().struct.unnest())
        .group_by("file").agg(pl.col("rows").sum()).sort("file")
    )
    return LakeStatus(
        packages=frame.height,
        first_date=frame["business_date"].min(),  # type: ignore[arg-type]
        last_date=frame["business_date"].max(),  # type: ignore[arg-type]
        branches=frame.filter(pl.col("branch") != HQ)["branch"].n_unique(),
        rows_by_table={f.removesuffix(".csv"): n for f, n in rows.iter_rows()},
        quality=quality_summary(lake),
    )

"""Typing the string columns of a file from its spec (named `fields`, not `typing`, to keep the stdlib's).

Each kind of column has a strict pattern; a field that does not match it (or a required field left
empty, a code outside its list, an id of the wrong length) sends its row to quarantine with a dq
event per failure. Decimals are typed from their validated strings, so no float is ever involved.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from warehouse.contract.spec import DECIMAL_PRECISION, DECIMAL_SCALE, Column, FileSpec, Kind

from .events import flag, no_events, raw
from .reader import SOURCE_ROW

#: integer digits each decimal kind may have: precision minus scale
_INT_DIGITS = {kind: DECIMAL_PRECISION[kind] - scale for kind, scale in DECIMAL_SCALE.items()}
_PARSE_RULE = {
    Kind.DATE: ("invalid_date", "not a valid YYYYMMDD date"),
    Kind.TIME: ("invalid_time", "not a valid HHMMSS time"),
    Kind.MONEY: ("invalid_decimal", "not a decimal with at most 2 decimals"),
    Kind.PRICE: ("invalid_decimal", "not a decimal >= 0 with at most 3 decimals"),
    Kind.RATE: ("invalid_decimal", "not a decimal >= 0 with at most 8 decimals"),
    Kind.PCT: ("invalid_decimal", "not a decimal >= 0 with at most 4 decimals"),
    Kind.QTY: ("invalid_qty", "not a whole number of shares"),
    Kind.INT: ("invalid_int", "not an integer"),
}


@dataclass(frozen=True)
class Typed:
    rows: pl.DataFrame  # rows that typed: typed columns, raw(column) strings, source_row
    quarantine: pl.DataFrame  # rows that did not: the strings as written, source_row, dq_rules
    events: pl.DataFrame


def dtype(col: Column) -> pl.DataType:
    """The lake type of a column."""
    if col.kind in DECIMAL_SCALE:
        return pl.Decimal(DECIMAL_PRECISION[col.kind], DECIMAL_SCALE[col.kind])
    kinds: dict[Kind, pl.DataType] = {
        Kind.DATE: pl.Date(),
        Kind.TIME: pl.Time(),
        Kind.QTY: pl.Int64(),
        Kind.INT: pl.Int32(),
    }
    return kinds.get(col.kind, pl.String())


def _digits(s: pl.Expr, longest: int) -> pl.Expr:
    """`s` as an integer where it is 1 to `longest` ASCII digits (the pattern ^[0-9]{1,longest}$), else null.

    Polars' integer cast also takes a leading '+' (and '-' for signed types): the cast to an unsigned
    type refuses '-', and a '+' is refused here; `longest` <= 18 keeps every value within Int64.
    """
    value = s.cast(pl.UInt64, strict=False)
    return pl.when((s.str.len_bytes() <= longest) & ~s.str.starts_with("+")).then(value).cast(pl.Int64)


def _all_digits(s: pl.Expr, length: int) -> pl.Expr:
    """`s` is exactly `length` ASCII digits (the pattern ^[0-9]{length}$), without a regex."""
    if length > 19:
        return s.str.contains(rf"^[0-9]{{{length}}}$")
    digits = s.cast(pl.UInt64, strict=False).is_not_null() & ~s.str.starts_with("+")
    return (s.str.len_bytes() == length) & digits


def _typed(col: Column) -> pl.Expr:
    """The typed value of a column, null where the field is empty or does not match its kind's pattern.

    The strings are never copied: each field is cast once and the pattern test only masks the result.
    """
    s = pl.col(raw(col.name))
    kind = col.kind
    if kind in (Kind.CODE, Kind.TEXT):
        return s
    if kind is Kind.DATE:
        return pl.when(s.str.contains(r"^[0-9]{8}$")).then(s.str.strptime(pl.Date, "%Y%m%d", strict=False))
    if kind is Kind.TIME:
        v = _digits(s, 6)
        h, m, sec = v // 10000, v // 100 % 100, v % 100
        nanos = (h * 3600 + m * 60 + sec) * 1_000_000_000
        return pl.when((h < 24) & (m < 60) & (sec < 60)).then(nanos).cast(pl.Time)
    if kind in DECIMAL_SCALE:
        sign = "-?" if kind is Kind.MONEY else ""
        pattern = rf"^{sign}[0-9]{{1,{_INT_DIGITS[kind]}}}(\.[0-9]{{1,{DECIMAL_SCALE[kind]}}})?$"
        value = s.cast(pl.Decimal(DECIMAL_PRECISION[kind], DECIMAL_SCALE[kind]), strict=False)
        return pl.when(s.str.contains(pattern)).then(value)
    if kind is Kind.QTY:
        return _digits(s, 18)
    return _digits(s, 9).cast(pl.Int32)  # Kind.INT


def _checks(col: Column) -> list[tuple[str, pl.Expr, str]]:
    """(rule, failure mask, detail) for one column, on the frame holding its raw and typed values."""
    s, typed = pl.col(raw(col.name)), pl.col(col.name)
    checks = []
    if not col.nullable:
        checks.append(("missing_value", s.is_null(), "required field is empty"))
    if col.kind in _PARSE_RULE:
        rule, detail = _PARSE_RULE[col.kind]
        checks.append((rule, s.is_not_null() & typed.is_null(), detail))
    if col.codes is not None:
        checks.append(
            ("invalid_code", s.is_not_null() & ~s.is_in(col.codes), f"not one of {', '.join(col.codes)}")
        )
    if col.digits is not None:
        bad_id = s.is_not_null() & ~_all_digits(s, col.digits)
        checks.append(("invalid_id", bad_id, f"not {col.digits} digits"))
    return checks


def type_file(strings: pl.DataFrame, spec: FileSpec) -> Typed:
    """Split a file's string rows into typed rows and quarantined rows, with an event per failure."""
    frame = strings.rename({c: raw(c) for c in spec.column_names})
    frame = frame.with_columns(_typed(c).alias(c.name) for c in spec.columns)
    checks = [(col.name, *check) for col in spec.columns for check in _checks(col)]
    masks = [f"__bad{i}" for i in range(len(checks))]
    frame = frame.with_columns(mask.alias(name) for name, (_, _, mask, _) in zip(masks, checks, strict=True))
    failed = [(name, check) for name, check in zip(masks, checks, strict=True) if frame[name].any()]
    if not failed:
        return Typed(frame.drop(masks), _quarantine(frame.clear(), spec, []), no_events())
    events = pl.concat(
        [
            flag(frame, pl.col(name), file=spec.name, rule=rule, column=column, detail=detail)
            for name, (column, rule, _, detail) in failed
        ]
    )
    bad = pl.any_horizontal(pl.col(name) for name, _ in failed)
    return Typed(frame.filter(~bad).drop(masks), _quarantine(frame.filter(bad), spec, failed), events)


def _quarantine(
    bad: pl.DataFrame, spec: FileSpec, failed: list[tuple[str, tuple[str, str, pl.Expr, str]]]
) -> pl.DataFrame:
    rules: dict[str, list[str]] = {}
    for name, (_, rule, _, _) in failed:
        rules.setdefault(rule, []).append(name)
    dq_rules = pl.concat_str(
        [
            pl.when(pl.any_horizontal(pl.col(n) for n in names)).then(pl.lit(rule))
            for rule, names in rules.items()
        ]
        or [pl.lit(None, pl.String)],
        separator=",",
        ignore_nulls=True,
    )
    return bad.select(
        *(pl.col(raw(c)).alias(c) for c in spec.column_names),
        pl.col(SOURCE_ROW),
        dq_rules.cast(pl.String).alias("dq_rules"),
    )

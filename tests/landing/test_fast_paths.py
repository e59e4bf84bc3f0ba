"""The fast paths of landing give exactly what the strict ones give: polars' CSV reader for files
without quotes (pyarrow's RFC 4180 reader otherwise), typing by casts instead of regex-then-cast, and
integer keys for grouping and joining."""

from __future__ import annotations

import polars as pl
import pytest

from warehouse.contract.spec import BALANCES, DECIMAL_PRECISION, DECIMAL_SCALE, Column, Kind
from warehouse.landing import package_rules
from warehouse.landing.errors import FileRejected
from warehouse.landing.events import raw
from warehouse.landing.fields import _all_digits, _typed
from warehouse.landing.reader import SOURCE_ROW, _read_rfc4180, _read_unquoted, read_strings

HEADER = b"client_id,cash_balance"


def strict(data: bytes) -> list[tuple] | tuple[str, int | None]:
    """What pyarrow's strict reader alone gives: the rows, or (rule, row) of the refusal."""
    try:
        frame = _read_rfc4180(data, ["client_id", "cash_balance"], BALANCES)
    except FileRejected as rejected:
        return rejected.rule, rejected.row
    return frame.rows()


def landed(data: bytes) -> list[tuple] | tuple[str, int | None]:
    try:
        frame = read_strings(data, BALANCES)
    except FileRejected as rejected:
        return rejected.rule, rejected.row
    return frame.drop(SOURCE_ROW).rows()


@pytest.mark.parametrize(
    "body",
    [
        b"\n1,2\n3,4\n",
        b"\n1,2\n3,4",  # no newline at the end
        b"\r\n1,2\r\n3,\r\n",
        b"\n,\n3,4\n",  # every field empty: nulls
        b"\n1,2\n\n3,4\n",  # a blank line: skipped by the strict reader
        b"\n1,2\n3,4\n\n\n",
        b"\r\n1,2\r\n\r\n3,4\r\n",
        b"\n1,2\r3,4\n",  # a lone CR ends a line
        b"\n1,2\n3\n",  # too few fields
        b"\n1\n3,4,5\n",  # too few, then too many: the comma count alone would match
        b"\n1,2,5\n3\n",
        b"\n1,2\n3,4,5\n",  # too many fields
        b'\n"1",2\n"3,4\n',  # quotes: the strict reader
        b"\n\xe4\xb8\xad,2\n3,4\n",
        b"\n1, 2\n3 ,4\n",  # blanks are kept
    ],
)
def test_fast_reader_matches_strict(body: bytes) -> None:
    assert landed(HEADER + body) == strict(HEADER + body)


def test_fast_reader_used_for_plain_files() -> None:
    assert _read_unquoted(HEADER + b"\n1,2\n3,4\n", ["client_id", "cash_balance"]) is not None
    assert _read_unquoted(HEADER + b'\n"1",2\n', ["client_id", "cash_balance"]) is None


@pytest.mark.parametrize("bad", [b"1", b"1,2,3", b"", b"1,2,", b",1,2"])
@pytest.mark.parametrize("where", [0, 150_000, 299_999])
def test_wrong_field_count_in_a_big_file_is_refused(bad: bytes, where: int) -> None:
    """Polars splits big files into chunks read in parallel: a bad record anywhere still refuses the file
    (a blank line is skipped, as by the strict reader)."""
    lines = [b"%010d,%d.00" % (i, i) for i in range(300_000)]
    lines[where] = bad
    data = HEADER + b"\n" + b"\n".join(lines) + b"\n"
    if bad == b"":
        assert read_strings(data, BALANCES).height == 299_999
    else:
        with pytest.raises(FileRejected) as refused:
            read_strings(data, BALANCES)
        assert refused.value.rule == "malformed_csv"
        assert landed(data) == strict(data)  # the row: where the strict reader finds the record's text


def test_extra_columns_ignored_in_any_order() -> None:
    data = b"note,cash_balance,client_id,note\nx,1.00,0000000001,y\nz,2.00,0000000002,\n"
    frame = read_strings(data, BALANCES)
    assert frame.columns == ["client_id", "cash_balance", SOURCE_ROW]
    assert frame.rows() == [("0000000001", "1.00", 1), ("0000000002", "2.00", 2)]


TRICKY = [
    None, "", "0", "1", "12", "93015", "235959", "240000", "236000", "235960", "1234567", "+93015",
    "-93015", " 93015", "93015 ", "9301５", "1e3", "0x10", "1_000", "12.5", "1.", ".5", "+1.5", "-1.5",
    "-0.01", "1.234", "1.2345", "1.23456789", "1.234567891", "1,5", "1.2.3", "-", "+", ".", "NaN", "inf",
    "00000000000000000001",
    "999999999999999999", "9999999999999999999", "100", "100.0000", "20240229", "20230229", "2024022",
    "+2024022", "２0240101", "99.99", "-99999999999999999.99", "9999999999999999.99", "99999999999999999.99",
]
PATTERNS = {
    Kind.TIME: r"^[0-9]{1,6}$",
    Kind.QTY: r"^[0-9]{1,18}$",
    Kind.INT: r"^[0-9]{1,9}$",
    Kind.DATE: r"^[0-9]{8}$",
}


@pytest.mark.parametrize("kind", [Kind.TIME, Kind.QTY, Kind.INT, Kind.DATE, *DECIMAL_SCALE])
def test_typing_matches_the_patterns(kind: Kind) -> None:
    """A field types exactly where it matches its kind's pattern (and, for times and dates, is valid),
    to the value the pattern-checked cast gives."""
    frame = pl.DataFrame({raw("x"): TRICKY}, schema={raw("x"): pl.String})
    got = frame.select(_typed(Column("x", kind)).alias("x"))["x"].to_list()
    s = pl.col(raw("x"))
    if kind in DECIMAL_SCALE:
        digits = DECIMAL_PRECISION[kind] - DECIMAL_SCALE[kind]
        sign = "-?" if kind is Kind.MONEY else ""
        pattern = rf"^{sign}[0-9]{{1,{digits}}}(\.[0-9]{{1,{DECIMAL_SCALE[kind]}}})?$"
        target = pl.Decimal(DECIMAL_PRECISION[kind], DECIMAL_SCALE[kind])
        want = pl.when(s.str.contains(pattern)).then(s).cast(target)
    elif kind is Kind.DATE:
        want = pl.when(s.str.contains(PATTERNS[kind])).then(s).str.strptime(pl.Date, "%Y%m%d", strict=False)
    elif kind is Kind.TIME:
        v = pl.when(s.str.contains(PATTERNS[kind])).then(s).cast(pl.Int64)
        h, m, sec = v // 10000, v // 100 % 100, v % 100
        nanos = (h * 3600 + m * 60 + sec) * 1_000_000_000
        want = pl.when((h < 24) & (m < 60) & (sec < 60)).then(nanos).cast(pl.Time)
    else:
        target = pl.Int64 if kind is Kind.QTY else pl.Int32
        want = pl.when(s.str.contains(PATTERNS[kind])).then(s).cast(target)
    assert got == frame.select(want.alias("x"))["x"].to_list()


def _groups(frames: list[pl.DataFrame], key: list[str]) -> list[list[int]]:
    """Which rows (numbered across the frames) share a key, by the key columns and by `_KEY`."""
    keyed = package_rules._keyed(frames, key)
    both = pl.concat([f.select(*key, package_rules._KEY) for f in keyed]).with_row_index("n")
    by_columns = both.group_by(key, maintain_order=True).agg("n")["n"].to_list()
    by_key = both.group_by(package_rules._KEY, maintain_order=True).agg("n")["n"].to_list()
    assert by_columns == by_key
    return by_key


@pytest.mark.parametrize(
    "codes",
    [["600000", "000001", "600000"], ["600000", "1", "000001"], ["60000a", "600000"], ["+60000", "060000"]],
)
def test_position_keys(codes: list[str]) -> None:
    frame = pl.DataFrame(
        {
            "client_id": ["0000000001", "0000000001", "0000000002"][: len(codes)],
            "market": ["SH", "SZ", "SH"][: len(codes)],
            "security_code": codes,
        }
    )
    key = ["client_id", "market", "security_code"]
    _groups([frame, frame.reverse()], key)
    _groups([frame, frame.with_columns(pl.lit("SZ").alias("market"))], key)


@pytest.mark.parametrize(
    "ids", [["0001", "0002", "0001"], ["1", "01", "001"], ["0001", "1", None], ["+001", "0001"], ["a1", "a1"]]
)
def test_id_keys(ids: list[str | None]) -> None:
    frame = pl.DataFrame({"order_id": ids}, schema={"order_id": pl.String})
    keyed = package_rules._id_keyed([frame, frame.reverse()], "order_id")
    both = pl.concat([f.select("order_id", package_rules._ID) for f in keyed]).with_row_index("n")
    by_id = both.group_by("order_id", maintain_order=True).agg("n")["n"].to_list()
    by_key = both.group_by(package_rules._ID, maintain_order=True).agg("n")["n"].to_list()
    assert by_id == by_key



@pytest.mark.parametrize("length", [1, 4, 6, 10, 19, 20])
def test_all_digits_matches_the_pattern(length: int) -> None:
    values = [*TRICKY, "0" * length, "9" * length, "+" + "1" * (length - 1), " " + "1" * (length - 1)]
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    s = pl.col("x")
    got = frame.select(s.is_not_null() & _all_digits(s, length))["x"].to_list()
    assert got == frame.select(s.is_not_null() & s.str.contains(rf"^[0-9]{{{length}}}$"))["x"].to_list()

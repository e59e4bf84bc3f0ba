"""Decode a package file and read it as strings: RFC 4180, header line, required columns only."""

from __future__ import annotations

import csv
import re

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from warehouse.contract.spec import FileSpec

from .errors import FileRejected

SOURCE_ROW = "source_row"  # 1-based data row number in its file
_UTF8_BOM = b"\xef\xbb\xbf"
_COLUMN_COUNT = re.compile(r"Expected (\d+) columns, got (\d+): (.*)", re.DOTALL)


def _line_of(data: bytes, offset: int) -> int:
    """Data row number (header = 0) of the physical line holding byte `offset`."""
    return data.count(b"\n", 0, offset)


def _find_line(data: bytes, line: bytes, start: int) -> int:
    """Offset of the first whole physical line equal to `line` after `start` (-1 when none)."""
    position = start
    while (position := data.find(b"\n" + line, position)) >= 0:
        end = position + 1 + len(line)
        if end == len(data) or data[end : end + 1] in (b"\n", b"\r"):
            return position + 1
        position += 1
    return -1


def to_utf8(data: bytes, encoding: str) -> bytes:
    """The file's bytes as UTF-8, refusing any byte sequence the declared encoding does not allow."""
    if data.startswith(_UTF8_BOM) and encoding == "utf-8":
        data = data[len(_UTF8_BOM) :]
    if data.isascii():
        return data
    if encoding == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            row = _line_of(data, exc.start)
            raise FileRejected("encoding_error", f"not valid utf-8 (byte {exc.start})", row) from exc
        return data
    try:
        # GB18030 is the superset of GBK that Chinese counters export under the name "GBK"
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "encoding_error", f"not valid gbk (byte {exc.start})", _line_of(data, exc.start)
        ) from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return text.encode("utf-8")
    raise FileRejected("encoding_error", "declared gbk, but the file is utf-8 text")


def _header(data: bytes) -> list[str]:
    end = data.find(b"\n")
    line = (data if end < 0 else data[:end]).rstrip(b"\r").decode("utf-8")
    return next(csv.reader([line]), [])


def read_strings(data: bytes, spec: FileSpec) -> pl.DataFrame:
    """The spec's columns (in spec order) as strings, empty fields null, plus `source_row`.

    Extra columns are ignored; a missing or repeated required column, or a record with the wrong
    number of fields (a truncated file, a stray quote), rejects the file.
    """
    header = _header(data)
    missing = [c for c in spec.column_names if c not in header]
    if missing:
        raise FileRejected(
            "missing_column", f"required column(s) missing from the header: {', '.join(missing)}"
        )
    repeated = sorted({c for c in spec.column_names if header.count(c) > 1})
    if repeated:
        raise FileRejected("malformed_csv", f"column(s) repeated in the header: {', '.join(repeated)}")
    names = [f"{name}#{i}" if name not in spec.column_names else name for i, name in enumerate(header)]
    body_start = data.find(b"\n")
    if body_start < 0 or not data[body_start + 1 :].strip(b"\r\n"):
        frame = pl.DataFrame(schema={c: pl.String for c in spec.column_names})
    else:
        fast = _read_unquoted(data, names)
        frame = fast.select(spec.column_names) if fast is not None else _read_rfc4180(data, names, spec)
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(SOURCE_ROW))


def _read_unquoted(data: bytes, names: list[str]) -> pl.DataFrame | None:
    """Every column of a file without any quote, read by polars' multi-threaded reader; None when the
    file needs the strict RFC 4180 reader: quotes, lone CRs, blank lines (which the strict reader skips
    and polars reads as rows of nulls) or a record with the wrong number of fields (the strict reader
    then says which).

    Polars fills a record with too few fields with nulls, so the field count is checked here: polars
    refuses a record with too many fields, and the file's commas must then number exactly
    (header fields - 1) per line read, which no line with too few fields (a blank line has none) can
    make up for.
    """
    if b'"' in data:
        return None
    carriage_returns = data.count(b"\r")
    if carriage_returns and carriage_returns != data.count(b"\r\n"):
        return None  # a lone CR ends a line for the RFC 4180 reader, not for polars
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            skip_lines=1,
            schema={name: pl.String for name in names},
            quote_char=None,
            truncate_ragged_lines=False,
            empty_string_is_null=True,
            extra_columns="raise",
            missing_columns="raise",
        )
    except pl.exceptions.PolarsError:
        return None
    if data.count(b",") != (len(names) - 1) * (frame.height + 1):
        return None
    return frame


def _read_rfc4180(data: bytes, names: list[str], spec: FileSpec) -> pl.DataFrame:
    """The spec's columns as strings, read by pyarrow's strict RFC 4180 reader."""
    body_start = data.find(b"\n")
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in spec.column_names},
                include_columns=list(spec.column_names),
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        # the message quotes the offending line: use it to find the row, never repeat it (personal data)
        found = _COLUMN_COUNT.search(str(exc))
        if found is None:
            raise FileRejected("malformed_csv", "not a well-formed RFC 4180 CSV file") from exc
        offset = _find_line(data, found.group(3).encode("utf-8"), body_start)
        row = _line_of(data, offset) if offset >= 0 else None
        fields, expected = found.group(2), found.group(1)
        detail = f"a record has {fields} fields, the header has {expected} (truncated or malformed)"
        raise FileRejected("malformed_csv", detail, row) from exc
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame

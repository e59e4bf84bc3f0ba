"""Writing a branch-day into the lake atomically: stage every table, swap partition folders, record last.

Files hold no timestamps and rows keep file order, so landing the same package again writes the same
bytes. A crash before the landed_packages record leaves the branch-day to be landed again.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from warehouse.lake.layout import LANDED_PACKAGES, PART_FILE, REFUSED_PACKAGES, partition_dir

from .threads import map_on_threads

STAGING = "_staging"  # prefix of a branch-day's folder inside the lake: every rename stays on one file system
ROW_GROUP_ROWS = 1_000_000
ZSTD_LEVEL = 3
DICTIONARY, PLAIN = "dictionary", "PLAIN"  # column_encoding answers not given as column_encoding=


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """zstd Parquet with each column's encoding chosen by what it holds (`column_encoding`): about a
    quarter smaller than one encoding for all columns. The Arrow schema is not stored: Parquet's
    logical types (DECIMAL, DATE, STRING) carry the types to every reader (DuckDB, Spark, polars)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    encodings = {name: column_encoding(frame[name]) for name in frame.columns}
    pq.write_table(
        frame.to_arrow(),
        path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        row_group_size=ROW_GROUP_ROWS,
        store_schema=False,
        store_decimal_as_integer=True,
        use_dictionary=[name for name, encoding in encodings.items() if encoding == DICTIONARY],
        column_encoding={
            name: encoding for name, encoding in encodings.items() if encoding not in (DICTIONARY, PLAIN)
        }
        or None,
    )



def column_encoding(column: pl.Series) -> str:
    """Prefix deltas for text in sorted order (client ids of positions and balances, trade ids); a
    dictionary where values repeat, each twice on average (codes, a day's active clients, round
    quantities); deltas for other whole numbers (row numbers); the bytes of money split by position,
    which zstd then packs (DECIMAL as INT64); plain for the rest. All of them read by DuckDB and Spark."""
    kind = column.dtype
    if kind == pl.String and len(column) > 1 and column.null_count() == 0 and column.is_sorted():
        return "DELTA_BYTE_ARRAY"
    if (kind == pl.String or kind.is_integer()) and column.n_unique() * 2 <= len(column):
        return DICTIONARY
    if kind.is_integer():
        return "DELTA_BINARY_PACKED"
    if isinstance(kind, pl.Decimal):
        return "BYTE_STREAM_SPLIT"
    return PLAIN


def staging_dir(lake: Path, business_date: date, branch: str) -> Path:
    """Where a branch-day's tables are written before they are swapped in: its own folder, since the
    branches land side by side."""
    return lake / f"{STAGING}_{business_date.isoformat()}_{branch}"


def replace_branch_day(
    lake: Path,
    business_date: date,
    branch: str,
    tables: dict[str, pl.DataFrame],
    owned: list[str],
    record: pl.DataFrame,
) -> None:
    """Make `tables` the branch-day's partitions, remove its partitions of the other `owned` tables,
    then write the landed_packages `record`."""
    staging = staging_dir(lake, business_date, branch)
    shutil.rmtree(staging, ignore_errors=True)
    map_on_threads(lambda name: write_parquet(tables[name], staging / "new" / name / PART_FILE), list(tables))
    write_parquet(record, staging / "new" / LANDED_PACKAGES / PART_FILE)
    for table in owned:
        target = partition_dir(lake, table, business_date, branch)
        if target.exists():
            (staging / "old").mkdir(parents=True, exist_ok=True)
            os.replace(target, staging / "old" / table)
        if table in tables:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / "new" / table, target)
    record_dir = partition_dir(lake, LANDED_PACKAGES, business_date, branch)
    record_dir.mkdir(parents=True, exist_ok=True)
    os.replace(staging / "new" / LANDED_PACKAGES / PART_FILE, record_dir / PART_FILE)
    shutil.rmtree(staging)


def write_refusal(lake: Path, business_date: date, branch: str, name: str, record: pl.DataFrame) -> None:
    """One file per refused package content: trying the same package again rewrites the same file."""
    target = partition_dir(lake, REFUSED_PACKAGES, business_date, branch) / f"{name}.parquet"
    temporary = target.with_suffix(".tmp")
    write_parquet(record, temporary)
    os.replace(temporary, target)

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

STAGING = "_staging"  # inside the lake, so every rename stays on one file system
ROW_GROUP_ROWS = 1_000_000
ZSTD_LEVEL = 3


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """zstd Parquet with each column's encoding chosen by what it holds: a dictionary where values
    repeat (codes, ids of a day's active clients, round quantities), delta for other integers (row
    numbers), plain for the rest (money). About a fifth smaller than one encoding for all columns.
    The Arrow schema is not stored: Parquet's logical types (DECIMAL, DATE, STRING) carry the types
    to every reader (DuckDB, Spark, polars)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dictionary = [name for name in frame.columns if _repeats(frame[name])]
    pq.write_table(
        frame.to_arrow(),
        path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        row_group_size=ROW_GROUP_ROWS,
        store_schema=False,
        store_decimal_as_integer=True,
        use_dictionary=dictionary,
        column_encoding={
            name: "DELTA_BINARY_PACKED"
            for name, kind in frame.schema.items()
            if kind.is_integer() and name not in dictionary
        }
        or None,
    )


def _repeats(column: pl.Series) -> bool:
    """Worth a dictionary: text or whole numbers where each value appears twice on average."""
    return (column.dtype == pl.String or column.dtype.is_integer()) and column.n_unique() * 2 <= len(column)


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
    staging = lake / STAGING / f"{business_date.isoformat()}_{branch}"
    shutil.rmtree(staging, ignore_errors=True)
    for table, frame in tables.items():
        write_parquet(frame, staging / "new" / table / PART_FILE)
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
    if not any((lake / STAGING).iterdir()):
        (lake / STAGING).rmdir()


def write_refusal(lake: Path, business_date: date, branch: str, name: str, record: pl.DataFrame) -> None:
    """One file per refused package content: trying the same package again rewrites the same file."""
    target = partition_dir(lake, REFUSED_PACKAGES, business_date, branch) / f"{name}.parquet"
    temporary = target.with_suffix(".tmp")
    write_parquet(record, temporary)
    os.replace(temporary, target)

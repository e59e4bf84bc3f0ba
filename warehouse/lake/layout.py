"""Where things live in the Parquet lake.

    <lake>/<table>/business_date=YYYY-MM-DD/branch=<code>/part-0.parquet

Every landed table (branch files and head-office files, whose branch is `HQ`) uses the same Hive
partitioning, so a branch-day is one folder per table and can be replaced whole. Besides the
contract's tables the lake holds:

- `<table>_quarantine`: rows whose fields could not be typed, kept as the raw strings;
- `dq_events`: one row per broken rule (branch, date, file, row, rule, column, value);
- `landed_packages`: one row per landed branch-day (revision, manifest digest, rows per file);
- `refused_packages`: one row per refused package attempt, with the reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

PART_FILE = "part-0.parquet"
DQ_EVENTS = "dq_events"
LANDED_PACKAGES = "landed_packages"
REFUSED_PACKAGES = "refused_packages"
QUARANTINE_SUFFIX = "_quarantine"


def partition_dir(lake: Path, table: str, business_date: date, branch: str) -> Path:
    return lake / table / f"business_date={business_date.isoformat()}" / f"branch={branch}"


def partition_file(lake: Path, table: str, business_date: date, branch: str) -> Path:
    return partition_dir(lake, table, business_date, branch) / PART_FILE


def table_glob(lake: Path, table: str) -> str:
    return str(lake / table / "*" / "*" / "*.parquet")

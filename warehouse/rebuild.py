"""Which business date the next warehouse build must rebuild from, after a correction or a late package.

A daily build rebuilds each model from the day after its last built date. A branch-day re-sent with a
higher revision, or landed late for a date the warehouse already holds, changes a date before that:
the build must then run with `--vars '{rebuild_from: <date>}'` (macros/incremental.sql). The date is
found by comparing what the lake holds (`landed_packages`: one row per branch-day, with its manifest's
sha256) with what the published warehouse was built from (`marts.fct_landed_packages` of the serving
file, written only after a build succeeded, on either engine), so it needs no record of its own and a
failed build is simply retried from the same date.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse.contract.spec import HQ
from warehouse.lake.layout import LANDED_PACKAGES
from warehouse.landing.state import landed_days

BUILT_PACKAGES = ("marts", "fct_landed_packages")
TEST_FROM = "WAREHOUSE_TEST_FROM"


@dataclass(frozen=True)
class BuildWindow:
    """What the next build rebuilds: `rebuild_from` (a corrected or late branch-day of a built date, or
    None) and `test_from`, the first date it writes (the data tests read from there on,
    macros/tests/test_window.sql); both None for a full build (no published warehouse). `days` is the
    number of landed business dates it writes. `head_office_changed`: one of the corrected or late
    packages is head office's (its reference data may undo a security's move to another board or
    industry, which the cubes by board and industry then regroup on every day)."""

    rebuild_from: date | None
    test_from: date | None
    days: int
    head_office_changed: bool = False

    def dbt_vars(self) -> dict[str, str | bool]:
        """The build's `--vars` (macros/incremental.sql); empty for a daily or a full build."""
        if self.rebuild_from is None:
            return {}
        return {
            "rebuild_from": self.rebuild_from.isoformat(),
            "head_office_changed": self.head_office_changed,
        }

    def test_env(self) -> dict[str, str]:
        """The environment the build's data tests read their window from (WAREHOUSE_TEST_FROM,
        macros/tests/test_window.sql; "" for a full build: every test reads everything)."""
        return {TEST_FROM: "" if self.test_from is None else self.test_from.isoformat()}


def build_window(lake: Path, warehouse_file: Path) -> BuildWindow:
    changed = changed_branch_days(lake, warehouse_file)
    rebuild_from = min((day for day, _ in changed), default=None)
    last = last_built_date(warehouse_file)
    test_from = None
    if last is not None:
        after_last = last + timedelta(days=1)
        test_from = after_last if rebuild_from is None else min(rebuild_from, after_last)
    days = [day for day in landed_days(lake) if test_from is None or day >= test_from]
    return BuildWindow(rebuild_from, test_from, len(days), any(branch == HQ for _, branch in changed))


def last_built_date(warehouse_file: Path) -> date | None:
    """The last business date the published DuckDB `warehouse_file` was built with (None: none)."""
    schema, table = BUILT_PACKAGES
    with _built(warehouse_file) as con:
        if con is None:
            return None
        return con.execute(f"select max(business_date) from built.{schema}.{table}").fetchall()[0][0]


@contextmanager
def _built(warehouse_file: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A connection with `warehouse_file` attached read-only as `built`; None when there is no such file
    or it has no record of the packages it was built from."""
    if not warehouse_file.exists():
        yield None
        return
    schema, table = BUILT_PACKAGES
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse_file}' as built (read_only)")
        found = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'built' "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        yield con if found else None


def changed_branch_days(lake: Path, warehouse_file: Path) -> list[tuple[date, str]]:
    """(business date, branch code or HQ) of the landed packages, up to the last date the warehouse
    holds, that are not the ones the DuckDB `warehouse_file` was built from (a package re-sent with
    other content, or one landed late), oldest first. Empty when it is up to date but for days after
    its last one, or when there is no warehouse yet (a full build follows)."""
    landed = lake / LANDED_PACKAGES
    if not any(landed.glob("*/*/*.parquet")):
        return []
    schema, table = BUILT_PACKAGES
    with _built(warehouse_file) as con:
        if con is None:
            return []
        rows = con.execute(
            f"""
            with landed as (
                select cast(business_date as date) as business_date, branch as branch_code, manifest_sha256
                from read_parquet('{landed}/*/*/*.parquet', hive_partitioning = true,
                                  hive_types_autocast = false)
            ),
            built as (select business_date, branch_code, manifest_sha256 from built.{schema}.{table})
            select l.business_date, l.branch_code
            from landed as l
            left join built as b
                on b.business_date = l.business_date
                and b.branch_code = l.branch_code
                and b.manifest_sha256 = l.manifest_sha256
            where b.business_date is null
                and l.business_date <= (select max(business_date) from built)
            order by 1, 2
            """
        ).fetchall()
    return [(day, branch) for day, branch in rows]


# the folders of the Spark build's incremental tables (dbt_project.yml location_root), under
# WAREHOUSE_SPARK_DIR, and the partition column of each kind of model (macros/incremental.sql)
SPARK_TABLE_FOLDERS = ("intermediate", "marts")
# column -> by month
DATE_PARTITIONS = {"business_date": False, "month_start_date": True, "first_landed_date": False}


def drop_spark_partitions_from(spark_dir: Path, rebuild_from: date) -> list[Path]:
    """Before a Spark build with `rebuild_from`: delete every business-date partition from that date on
    (every month partition from its month on) of the Spark build's tables; returns the folders deleted.

    On Spark an incremental run overwrites the partitions its new rows have (insert_overwrite). A
    corrected branch-day can leave a date of a sparse model with no row at all (a day re-sent without
    its cash flows), and that date's old partition would stay. DuckDB's `replace_dates` strategy
    deletes those dates itself; Spark has no DELETE on Parquet tables, so the folders are removed here.
    Every model then rebuilds from its last remaining date (macros/incremental.sql `build_from`), which
    is at most `rebuild_from`. Only a build directory this machine can write is cleared (the session
    target, or a Thrift server sharing it)."""
    month = rebuild_from.replace(day=1)
    dropped: list[Path] = []
    for folder in SPARK_TABLE_FOLDERS:
        for column, by_month in DATE_PARTITIONS.items():
            for partition in sorted((spark_dir / folder).glob(f"*/{column}=*")):
                value = date.fromisoformat(partition.name.split("=", 1)[1][:10])
                if value >= (month if by_month else rebuild_from):
                    shutil.rmtree(partition)
                    dropped.append(partition)
    return dropped

"""Which business date the next warehouse build must rebuild from, after a correction or a late package.

A daily build rebuilds each model from the day after its last built date. A branch-day re-sent with a
higher revision, or landed late for a date the warehouse already holds, changes a date before that:
the build must then run with `--vars '{rebuild_from: <date>}'` (macros/incremental.sql). The date is
found by comparing what the lake holds (`landed_packages`: one row per branch-day, with its manifest's
sha256) with what the warehouse was built from (`marts.fct_landed_packages`), so it needs no record
of its own and gives the same answer however many builds failed or ran in between.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from warehouse.lake.layout import LANDED_PACKAGES

BUILT_PACKAGES = ("marts", "fct_landed_packages")


def first_changed_date(
    lake: Path, build_file: Path | None = None, spark_dir: Path | None = None
) -> date | None:
    """The earliest business date, up to the last one the warehouse holds, whose landed branch-days are
    not the ones the warehouse was built from (a package re-sent with other content, or one landed late).
    The warehouse is the DuckDB `build_file` or the Spark build in `spark_dir`. None when it is up to
    date but for days after its last one, or when there is no warehouse yet (a full build follows)."""
    landed = lake / LANDED_PACKAGES
    if not any(landed.glob("*/*/*.parquet")):
        return None
    with duckdb.connect() as con:
        built = _built_packages(con, build_file, spark_dir)
        if built is None:
            return None
        row = con.execute(
            f"""
            with landed as (
                select cast(business_date as date) as business_date, branch as branch_code, manifest_sha256
                from read_parquet('{landed}/*/*/*.parquet', hive_partitioning = true,
                                  hive_types_autocast = false)
            ),
            built as (select business_date, branch_code, manifest_sha256 from {built})
            select min(l.business_date)
            from landed as l
            left join built as b
                on b.business_date = l.business_date
                and b.branch_code = l.branch_code
                and b.manifest_sha256 = l.manifest_sha256
            where b.business_date is null
                and l.business_date <= (select max(business_date) from built)
            """
        ).fetchall()
    return row[0][0] if row else None


def _built_packages(
    con: duckdb.DuckDBPyConnection, build_file: Path | None, spark_dir: Path | None
) -> str | None:
    """The relation holding the warehouse's landed packages, or None when it has none."""
    schema, table = BUILT_PACKAGES
    if build_file is not None:
        if not build_file.exists():
            return None
        con.execute(f"attach '{build_file}' as built (read_only)")
        found = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'built' "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        return f"built.{schema}.{table}" if found else None
    if spark_dir is not None:
        folder = spark_dir / schema / table
        if not any(folder.rglob("*.parquet")):
            return None
        return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    return None

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

from datetime import date
from pathlib import Path

import duckdb

from warehouse.lake.layout import LANDED_PACKAGES

BUILT_PACKAGES = ("marts", "fct_landed_packages")


def first_changed_date(lake: Path, warehouse_file: Path) -> date | None:
    """The earliest business date, up to the last one the warehouse holds, whose landed branch-days are
    not the ones the DuckDB `warehouse_file` was built from (a package re-sent with other content, or
    one landed late). None when it is up to date but for days after its last one, or when there is no
    warehouse yet (a full build follows)."""
    landed = lake / LANDED_PACKAGES
    if not warehouse_file.exists() or not any(landed.glob("*/*/*.parquet")):
        return None
    schema, table = BUILT_PACKAGES
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse_file}' as built (read_only)")
        found = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'built' "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not found:
            return None
        row = con.execute(
            f"""
            with landed as (
                select cast(business_date as date) as business_date, branch as branch_code, manifest_sha256
                from read_parquet('{landed}/*/*/*.parquet', hive_partitioning = true,
                                  hive_types_autocast = false)
            ),
            built as (select business_date, branch_code, manifest_sha256 from built.{schema}.{table})
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

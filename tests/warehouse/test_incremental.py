"""Incremental daily builds give the same warehouse as a full rebuild.

The `tiny` synthetic brokerage (its ten business days moved to span a month end, so the monthly
look-backs and the month-start rebuild of the client status are crossed) is landed day by day into a
temporary lake: built on its first N-2 days, then day N-1 and day N are landed and built
incrementally; then day N-1 is corrected (every branch re-sends it with no cash flow at all, so that
date has no row left in the sparse cash-flow models) and re-run with `rebuild_from`, as Dagster does.
Every mart, cube and intermediate table must then hold exactly the rows of a full build from scratch
on the same lake (EXCEPT ALL both ways).

On day N-1 a client of February changes its record (risk level and city): the client-month
presentation table refreshes that client's February row, which a daily build otherwise leaves as it
was. On day N head office renames a branch (every month's rows get the new name) and moves the stocks
of an industry to another one (the cubes by industry regroup every day). Then head office re-sends day
N without that move (the cubes regroup every day back), and only after that are the branches' day N-1
corrected: the cubes by industry are then rebuilt from that day, not whole.

The client status's look-backs (90 calendar days and 5 trading days in the seed) are shortened to 3
and 2 days, so the days built incrementally look their running totals up in the days built before,
and one branch never sends days N-3 and N-2, so some of those look-ups find no row on the day they land
on.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
from conftest import correct_without_cash_flows, land_until, month_end_tiny, run_dbt_on

from tests.landing.helpers import edit, manifest_of, set_manifest
from warehouse.landing import land_package
from warehouse.rebuild import BuildWindow, build_window

SCHEMAS = ("marts", "intermediate")


# the client status's look-backs shortened (90 calendar days, 5 trading days in the seed) so that the
# days built incrementally look back into the days built before them
SHORT_LOOKBACKS = {"churn_lookback_days": 3, "churn_warning_trading_days": 2}


def _build(database: Path, lake: Path, command: str = "run", *extra: str) -> list:
    if not database.exists():
        run_dbt_on(lake, database, ["seed"])
        con = duckdb.connect(str(database))
        try:
            for name, value in SHORT_LOOKBACKS.items():
                con.execute("update reference.thresholds set threshold_value = ? where threshold_name = ?",
                            [value, name])
        finally:
            con.close()
    return run_dbt_on(lake, database, [command, *extra])


def _next_build(lake: Path, database: Path) -> BuildWindow:
    """What Dagster's build passes after this build was published (a copy: dbt-duckdb keeps the build
    file attached in this process, and its last writes may still be in the write-ahead log)."""
    with duckdb.connect(str(database)) as con:
        con.execute("checkpoint")
    published = database.with_name("published.duckdb")
    shutil.copyfile(database, published)
    return build_window(lake, published)


def _change_a_february_client(inbox: Path, days: list) -> tuple[str, str, str]:
    """Day N-1's package of branch 1101 carries a changed record of a client it sent on the first day:
    (client_id, risk level, city) of the new record."""

    first = (inbox / f"{days[0]:%Y%m%d}" / "1101" / "clients.csv").read_bytes()
    package = inbox / f"{days[-2]:%Y%m%d}" / "1101"
    encoding = json.loads((package / "manifest.json").read_text())["encoding"]
    record = first.decode(encoding).splitlines()[1].split(",")
    client_id, record[11], record[12] = record[0], "C5" if record[11] != "C5" else "C1", "天津"
    edit(package, "clients.csv", lambda text: text.rstrip("\n") + "\n" + ",".join(record) + "\n")
    return client_id, record[11], record[12]


def _rename_a_branch(inbox: Path, day) -> None:

    def rename(text: str) -> str:
        assert "北京金融街营业部" in text
        return text.replace("北京金融街营业部", "北京西城金融街营业部")

    edit(inbox / f"{day:%Y%m%d}" / "HQ", "branches.csv", rename)


def _reclassify_an_industry(inbox: Path, days: list) -> str:
    """Head office moves every stock of the first day's first industry to another one on day N: the
    cubes by industry then regroup every day. The industry emptied."""

    listed = (inbox / f"{days[0]:%Y%m%d}" / "HQ" / "securities.csv").read_text(encoding="utf-8").splitlines()
    stocks = [line.split(",") for line in listed[1:] if line.split(",")[3] == "STOCK"]
    industry = stocks[0][5]
    moved = [",".join([*row[:5], "综合" if industry != "综合" else "电子", *row[6:]]) for row in stocks
             if row[5] == industry]
    edit(inbox / f"{days[-1]:%Y%m%d}" / "HQ", "securities.csv", lambda text: text.rstrip("\n") + "\n"
         + "\n".join(moved) + "\n")
    return industry


def _march_rows_of_branch(database: Path, branch: str) -> dict[str, list[tuple]]:
    """The March rows of a branch's clients in the month-end positions and the client profile."""
    with duckdb.connect(str(database)) as con:
        return {
            table: con.execute(
                f"select * from marts.{table} where month_start_date = '2024-03-01' and branch_code = ? "
                "order by all",
                [branch],
            ).fetchall()
            for table in ("fct_positions_monthly", "fct_client_profile_monthly")
        }


def _differences(incremental: Path, full: Path) -> list[str]:
    # dbt-duckdb keeps both files open in this process: connect to each the way it does and bring the
    # incremental tables over as Arrow
    inc = duckdb.connect(str(incremental))
    con = duckdb.connect(str(full))
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in {SCHEMAS} order by 1, 2"
        ).fetchall()
        assert len(tables) > 20, tables
        problems = []
        for schema, table in tables:
            columns = ", ".join(
                f'"{r[0]}"'
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                    "order by column_index",
                    [schema, table],
                ).fetchall()
            )
            built = inc.sql(f"select {columns} from {schema}.{table}").to_arrow_table()
            con.register("built_incrementally", built)
            full_rows = f"select {columns} from {schema}.{table}"
            only_inc = con.execute(
                f"select count(*) from (select * from built_incrementally except all {full_rows})"
            ).fetchall()[0][0]
            only_full = con.execute(
                f"select count(*) from ({full_rows} except all select * from built_incrementally)"
            ).fetchall()[0][0]
            con.unregister("built_incrementally")
            if only_inc or only_full:
                rows = con.execute(f"select count(*) from {schema}.{table}").fetchall()[0][0]
                problems.append(f"{schema}.{table}: {only_inc} rows only incremental, "
                                f"{only_full} only full (of {rows})")
        return problems
    finally:
        con.close()
        inc.close()


def test_incremental_builds_equal_full_rebuild(tmp_path: Path) -> None:
    # the first build holds February and March's first two days, the incremental days are in March
    inbox, days = month_end_tiny(tmp_path)
    # one branch never sends days N-2 and N-1: its clients have no row those days, so the look-ups of
    # the days built after them that land on those days (the client status's windows, the previous
    # row of a tier or broker change) search the clients' earlier rows, and the build of day N-1
    # leaves their month-end rows of March (N-3) as they were
    for day in days[-3:-1]:
        missing = sorted(p for p in (inbox / f"{day:%Y%m%d}").iterdir() if p.name != "HQ")[-1]
        shutil.rmtree(missing)
    absent_branch = missing.name
    lake = tmp_path / "lake"
    incremental = tmp_path / "incremental.duckdb"

    changed = _change_a_february_client(inbox, days)
    _rename_a_branch(inbox, days[-1])
    head_office = inbox / f"{days[-1]:%Y%m%d}" / "HQ"
    securities = (head_office / "securities.csv").read_text(encoding="utf-8")
    emptied = _reclassify_an_industry(inbox, days)

    land_until(inbox, lake, days[-3])
    _build(incremental, lake)
    absent_rows = _march_rows_of_branch(incremental, absent_branch)
    land_until(inbox, lake, days[-2])
    _build(incremental, lake)
    # the clients of the branch absent on days N-2 and N-1 end March (so far) on day N-3: the build of
    # N-1 leaves their month-end rows as they were
    assert _march_rows_of_branch(incremental, absent_branch) == absent_rows
    assert all(rows for rows in absent_rows.values()), absent_rows
    # the February row of the changed client has its new record (the other rows of February are kept)
    with duckdb.connect(str(incremental)) as con:
        february = con.execute(
            "select client_id, risk_level, city from marts.bi_client_monthly "
            "where business_date = '2024-02-01' and client_id = ?",
            [changed[0]],
        ).fetchall()
    assert february == [changed]
    land_until(inbox, lake, days[-1])
    # the data tests hold on the incremental build too (`build` would load the seeds again)
    _build(incremental, lake, "build", "--exclude", "thresholds")
    with duckdb.connect(str(incremental)) as con:
        names = con.execute(
            "select distinct business_date, branch_name from marts.bi_client_monthly "
            "where branch_code = '1101' order by 1"
        ).fetchall()
        # the cubes by industry hold the moved stocks under their new industry on every day
        emptied_rows = [
            con.execute(f"select count(*) from marts.{cube} where industry = ?", [emptied]).fetchall()[0][0]
            for cube in ("agg_holdings_daily", "agg_turnover_daily")
        ]
    renamed = "北京西城金融街营业部"
    assert names == [(dt.date(2024, 2, 1), renamed), (dt.date(2024, 3, 1), renamed)]
    assert emptied_rows == [0, 0]

    # head office re-sends day N without the move: the cubes regroup every built day back
    edit(head_office, "securities.csv", lambda _: securities)
    set_manifest(head_office, revision=manifest_of(head_office)["revision"] + 1)
    assert land_package(head_office, lake).outcome == "landed"
    window = _next_build(lake, incremental)
    assert window.dbt_vars() == {"rebuild_from": days[-1].isoformat(), "head_office_changed": True}
    assert window.test_env() == {"WAREHOUSE_TEST_FROM": days[-1].isoformat()}
    _build(incremental, lake, "run", "--vars", json.dumps(window.dbt_vars()))
    with duckdb.connect(str(incremental)) as con:
        restored_days = [
            con.execute(f"select count(distinct business_date) from marts.{cube} where industry = ?",
                        [emptied]).fetchall()[0][0]
            for cube in ("agg_holdings_daily", "agg_turnover_daily")
        ]
    assert restored_days[0] == len(days) and restored_days[1] > 1, restored_days

    correct_without_cash_flows(inbox, lake, days[-2])
    # the branch-days of day N-1 re-landed: the build re-runs from that day, the cubes by industry too
    # (no security changed its industry from that day on)
    window = _next_build(lake, incremental)
    assert window.rebuild_from == days[-2] and not window.head_office_changed
    results = _build(incremental, lake, "run", "--vars", json.dumps(window.dbt_vars()))
    cubes = ("agg_holdings_daily", "agg_turnover_daily")
    cube_sql = [r.node.compiled_code for r in results if r.node.name in cubes]
    assert len(cube_sql) == 2
    assert all(f"business_date >= cast('{days[-2].isoformat()}' as date)" in sql for sql in cube_sql)

    full = tmp_path / "full.duckdb"
    _build(full, lake)

    assert _differences(incremental, full) == []

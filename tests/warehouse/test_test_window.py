"""Data tests of a daily build read the dates it built (WAREHOUSE_TEST_FROM, macros/tests/test_window.sql):
a fault on an earlier date is not read again, one on a built date fails the build, and a full test run
(no date) reads everything. On the contract's example packages (2023-10-09 and 2023-10-10)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import CONTRACT_EXAMPLE_INBOX, land_inbox, run_dbt_on

FILLS = ["--select", "fct_fills"]


def _test(lake: Path, database: Path, args: list[str], test_from: str = "") -> list:
    """`dbt test` with WAREHOUSE_TEST_FROM (as Dagster sets it for a daily build; "" for a full build)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_TEST_FROM", test_from)
        return run_dbt_on(lake, database, ["test", *args])


def _duplicate_a_fill(database: Path, day: str) -> None:
    con = duckdb.connect(str(database))  # as dbt-duckdb, which keeps the file open in this process
    try:
        con.execute(
            f"insert into marts.fct_fills select * from marts.fct_fills where business_date = '{day}' limit 1"
        )
    finally:
        con.close()


def test_daily_build_tests_read_the_built_dates(tmp_path: Path) -> None:
    lake, database = tmp_path / "lake", tmp_path / "build.duckdb"
    land_inbox(CONTRACT_EXAMPLE_INBOX, lake)
    run_dbt_on(lake, database, ["seed"])
    run_dbt_on(lake, database, ["run"])
    windowed = _test(lake, database, [], "2023-10-10")  # every test compiles and holds on a window
    assert len(windowed) > 300

    _duplicate_a_fill(database, "2023-10-09")
    _test(lake, database, FILLS, "2023-10-10")  # before the window: not read again
    with pytest.raises(AssertionError, match="unique_fct_fills_fill_id"):
        _test(lake, database, FILLS)  # a full test run reads it

    _duplicate_a_fill(database, "2023-10-10")
    with pytest.raises(AssertionError, match="unique_fct_fills_fill_id"):
        _test(lake, database, FILLS, "2023-10-10")

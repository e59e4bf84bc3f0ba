"""The dbt warehouse built once per test session from the contract's example packages.

The example inbox is landed with the real landing code into a temporary lake, then `dbt seed` and
`dbt build` run in-process (dbtRunner) into a temporary DuckDB file. Tests read that file.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONTRACT_EXAMPLE_INBOX = PROJECT_DIR / "tests" / "fixtures" / "contract_example" / "inbox"
WAREHOUSE_CASES_INBOX = PROJECT_DIR / "tests" / "fixtures" / "warehouse_cases" / "inbox"


@dataclass(frozen=True)
class Warehouse:
    lake: Path
    database: Path
    build_results: list  # dbt RunResult of every node of `dbt build`

    def connect(self) -> duckdb.DuckDBPyConnection:
        # dbt-duckdb keeps its own (read-write) connection to the file open in this process, and DuckDB
        # only shares a database file between connections of the same configuration
        return duckdb.connect(str(self.database))

    def copy_to(self, folder: Path) -> Path:
        """A copy of the build file in `folder`, holding every table (checkpointed first)."""
        database = folder / "build.duckdb"
        with self.connect() as built:
            built.execute("checkpoint")
        shutil.copyfile(self.database, database)
        return database


def data_test_results(results: list, test_name: str) -> list[tuple[str, int]]:
    """The status and failing row count of one data test (by name) among dbt's test results."""
    return [
        (str(r.status), r.failures)
        for r in results
        if r.node.unique_id.startswith(f"test.brokerage.{test_name}")
    ]


def month_end_tiny(folder: Path) -> tuple[Path, list[date]]:
    """The `tiny` brokerage moved to 2024-02-22 .. 2024-03-06 (its business days span a month end),
    generated into <folder>/inbox: the inbox and its business dates."""
    from warehouse.landing import find_packages
    from warehouse.synthetic import PRESETS, generate

    inbox = folder / "inbox"
    tiny = dataclasses.replace(PRESETS["tiny"], start=date(2024, 2, 22), end=date(2024, 3, 6))
    generate(tiny, inbox, folder / "directory")
    days = sorted({ref.business_date for ref in find_packages(inbox)})
    assert len(days) >= 5 and days[0].month < days[-2].month
    return inbox, days


def land_until(inbox: Path, lake: Path, last_day: date) -> None:
    """Land the inbox's packages up to `last_day` (those not landed yet)."""
    from warehouse.landing import land_package, pending_packages

    for package in pending_packages(inbox, lake):
        if package.business_date <= last_day:
            result = land_package(package.path, lake)
            assert result.outcome == "landed", (package.path, result.reason)


def correct_without_cash_flows(inbox: Path, lake: Path, day: date) -> None:
    """Every branch re-sends `day` as the next revision with an empty cash_flows.csv."""
    from tests.landing.helpers import edit, manifest_of, set_manifest
    from warehouse.landing import land_package

    files = lake / "cash_flows" / f"business_date={day}" / "*" / "*.parquet"
    # the date had cash flows: the correction empties it
    assert duckdb.sql(f"select count(*) from read_parquet('{files}')").fetchall()[0][0] > 0
    for package in sorted((inbox / f"{day:%Y%m%d}").iterdir()):
        if package.name == "HQ":
            continue
        edit(package, "cash_flows.csv", lambda text: text.splitlines(keepends=True)[0])
        set_manifest(package, revision=manifest_of(package)["revision"] + 1)
        result = land_package(package, lake)
        assert result.outcome == "landed", (package, result.reason)


def land_inbox(inbox: Path, lake: Path) -> None:
    from warehouse.landing import find_packages, land_package

    for ref in find_packages(inbox):
        assert ref.complete, ref.path
        result = land_package(ref.path, lake)
        assert result.outcome == "landed", (ref.path, result.reason)


def run_dbt(args: list[str], work: Path) -> list:
    from dbt.cli.main import dbtRunner

    common = [
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    result = dbtRunner().invoke([*args, *common])
    if not result.success:
        failed = [
            f"{r.node.unique_id}: {r.status} {r.message}"
            for r in (result.result or [])
            if str(r.status) not in ("success", "pass")
        ]
        raise AssertionError(f"dbt {args[0]} failed: {result.exception or ''}\n" + "\n".join(failed))
    return list(result.result) if hasattr(result.result, "__iter__") else []  # docs: a catalog


def run_dbt_on(lake: Path, database: Path, args: list[str]) -> list:
    """One dbt command on the lake and the DuckDB file (target and logs beside the file)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_LAKE", str(lake))
        env.setenv("WAREHOUSE_BUILD_DB", str(database))
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.chdir(PROJECT_DIR)
        return run_dbt(args, database.parent)


def build_warehouse(inbox: Path, work: Path) -> Warehouse:
    lake = work / "lake"
    database = work / "build.duckdb"
    land_inbox(inbox, lake)
    run_dbt_on(lake, database, ["seed"])
    results = run_dbt_on(lake, database, ["build"])
    assert os.path.exists(database)
    return Warehouse(lake, database, results)


@pytest.fixture(scope="session")
def contract_example_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    yield build_warehouse(CONTRACT_EXAMPLE_INBOX, tmp_path_factory.mktemp("warehouse"))


@pytest.fixture(scope="session")
def wh(contract_example_warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    con = contract_example_warehouse.connect()
    yield con
    con.close()


@pytest.fixture(scope="session")
def cases_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The hand-made package set of tests/fixtures/warehouse_cases (tests/warehouse/case_writer.py)."""
    yield build_warehouse(WAREHOUSE_CASES_INBOX, tmp_path_factory.mktemp("warehouse_cases"))


@pytest.fixture(scope="session")
def cases(cases_warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    con = cases_warehouse.connect()
    yield con
    con.close()

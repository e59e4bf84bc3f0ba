"""The scenario's warehouse, built once per session: the contract example plus the hand-made packages
of scenario.py, landed with the real landing code, built with dbt (only what the digests need) and
published; and a fresh outbox / directory per test."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from tests.digest.scenario import RECIPIENTS, write_packages
from warehouse.settings import Paths

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONTRACT_EXAMPLE_INBOX = PROJECT_DIR / "tests" / "fixtures" / "contract_example" / "inbox"


def _dbt(args: list[str], work: Path) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ]
    )
    if not result.success:
        failed = [
            f"{r.node.unique_id}: {r.status} {r.message}"
            for r in (result.result or [])
            if str(r.status) not in ("success", "pass")
        ]
        raise AssertionError(f"dbt {args[0]} failed: {result.exception or ''}\n" + "\n".join(failed))


@pytest.fixture(scope="session")
def scenario_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse folder holding serving.duckdb of the scenario."""
    from warehouse.landing import find_packages, land_package
    from warehouse.publish import BUILD_FILE, publish

    work = tmp_path_factory.mktemp("digest_warehouse")
    inbox, lake, warehouse = work / "inbox", work / "lake", work / "warehouse"
    shutil.copytree(CONTRACT_EXAMPLE_INBOX, inbox)
    write_packages(inbox)
    for ref in find_packages(inbox):
        result = land_package(ref.path, lake)
        assert result.outcome == "landed", (ref.path, result.reason)
    warehouse.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_LAKE", str(lake))
        env.setenv("WAREHOUSE_BUILD_DB", str(warehouse / BUILD_FILE))
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.chdir(PROJECT_DIR)
        _dbt(["seed"], work)
        # only what the digests read (other marts may be half-built by their own work in progress)
        _dbt(["run", "--select", "+path:models/marts/digests", "+agg_broker_daily"], work)
        _dbt(["test", "--select", "path:models/marts/digests"], work)
    # dbt-duckdb keeps its connection open in this process: write its WAL into the file before copying
    import duckdb

    with duckdb.connect(str(warehouse / BUILD_FILE)) as build:
        build.execute("checkpoint")
    publish(warehouse)
    return warehouse


@pytest.fixture
def digest_paths(scenario_warehouse: Path, tmp_path: Path) -> Paths:
    directory = tmp_path / "directory"
    directory.mkdir()
    (directory / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    return dataclasses.replace(
        Paths.from_env(),
        data=tmp_path,
        warehouse=scenario_warehouse,
        directory=directory,
        outbox=tmp_path / "outbox",
        dagster_home=tmp_path / "dagster",
    )

"""Incremental builds on Spark (insert_overwrite of business-date and month partitions) give the
warehouse a full DuckDB build gives.

The month-end `tiny` brokerage (tests/warehouse/test_incremental.py) is built on Spark from its first
N-1 days (February and March's first days), then day N is landed and built incrementally, then day N is
rebuilt as Dagster does after a corrected branch-day (`rebuild_from`). Every mart must then hold exactly
the rows of a DuckDB build of all N days from scratch.
"""

from __future__ import annotations

import pytest

from tests.spark.engines import MARTS, SAME, SPARK, EngineBuilds, dbt_env, differences
from tests.warehouse.conftest import land_inbox, land_until, month_end_tiny, run_dbt


@pytest.fixture(scope="module")
def incremental_builds(tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    work = tmp_path_factory.mktemp("spark_incremental")
    inbox, days = month_end_tiny(work)
    full_lake, lake = work / "full_lake", work / "lake"
    builds = EngineBuilds(work / "full.duckdb", work / "spark", {})
    land_inbox(inbox, full_lake)
    with dbt_env(full_lake, builds.duckdb_file, builds.spark_dir):
        run_dbt(["seed"], work)
        run_dbt(["run"], work)
    land_until(inbox, lake, days[-2])
    with dbt_env(lake, builds.duckdb_file, builds.spark_dir):
        run_dbt(["seed", *SPARK, "--full-refresh"], work)
        run_dbt(["run", *SPARK, "--full-refresh"], work)
        land_until(inbox, lake, days[-1])
        built = run_dbt(["run", *SPARK], work)
        rebuilt = run_dbt(["run", *SPARK, "--vars", f"{{rebuild_from: '{days[-1].isoformat()}'}}"], work)
    # the second and third runs were incremental runs, not rebuilds from scratch
    for results in (built, rebuilt):
        incremental = [r for r in results if r.node.config.materialized == "incremental"]
        assert len(incremental) >= 10
    return builds


@pytest.mark.parametrize("mart", MARTS)
def test_incremental_spark_equals_full_duckdb(incremental_builds: EngineBuilds, mart: str) -> None:
    assert differences(incremental_builds, mart) == SAME

"""Incremental builds on Spark (insert_overwrite of business-date and month partitions) give the
warehouse a full DuckDB build gives.

The month-end `tiny` brokerage (tests/warehouse/test_incremental.py) is built on Spark from its first
N-1 days (February and March's first days); then day N lands and day N-1 is corrected (every branch
re-sends it with no cash flow, so the sparse cash-flow models have no row left on that date), and one
incremental run builds both as Dagster does (`drop_spark_partitions_from` the corrected day, then
`rebuild_from` it): the rebuilt day and the new day after it. Every mart must then hold exactly the rows
of a DuckDB build of the corrected lake from scratch.
"""

from __future__ import annotations

import pytest

from tests.spark.engines import MARTS, SAME, SPARK, EngineBuilds, dbt_env, differences
from tests.warehouse.conftest import correct_without_cash_flows, land_until, month_end_tiny, run_dbt
from warehouse.rebuild import drop_spark_partitions_from


@pytest.fixture(scope="module")
def incremental_builds(tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    work = tmp_path_factory.mktemp("spark_incremental")
    inbox, days = month_end_tiny(work)
    lake = work / "lake"
    builds = EngineBuilds(work / "full.duckdb", work / "spark", {})
    land_until(inbox, lake, days[-2])
    with dbt_env(lake, builds.duckdb_file, builds.spark_dir):
        run_dbt(["seed", *SPARK, "--full-refresh"], work)
        run_dbt(["run", *SPARK, "--full-refresh"], work)
        land_until(inbox, lake, days[-1])
        correct_without_cash_flows(inbox, lake, days[-2])
        dropped = drop_spark_partitions_from(builds.spark_dir, days[-2])
        assert any(p.parent.name == "fct_cash_flows" for p in dropped), dropped
        rebuilt = run_dbt(["run", *SPARK, "--vars", f"{{rebuild_from: '{days[-2].isoformat()}'}}"], work)
        # the same corrected lake, built from scratch on DuckDB
        run_dbt(["seed"], work)
        run_dbt(["run"], work)
    # the second run was an incremental run, not a rebuild from scratch
    incremental = [r for r in rebuilt if r.node.config.materialized == "incremental"]
    assert len(incremental) >= 10
    return builds


@pytest.mark.parametrize("mart", MARTS)
def test_incremental_spark_equals_full_duckdb(incremental_builds: EngineBuilds, mart: str) -> None:
    assert differences(incremental_builds, mart) == SAME

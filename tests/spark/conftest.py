"""The package sets built on DuckDB and on Spark, once per session: the hand-made set in this process
(dbt-spark's session method), the tiny brokerage through the whole pipeline (Dagster, dbt on a Spark
Thrift server)."""

from __future__ import annotations

import pytest

from tests.spark.engines import EngineBuilds, PipelineRun, build_on_both_engines, run_pipeline_on_thrift
from tests.warehouse.conftest import WAREHOUSE_CASES_INBOX


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    return run_pipeline_on_thrift("tiny", tmp_path_factory.mktemp("spark_tiny"))


@pytest.fixture(scope="session")
def tiny_builds(tiny_pipeline: PipelineRun) -> EngineBuilds:
    return tiny_pipeline.builds


@pytest.fixture(scope="session")
def cases_builds(tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    return build_on_both_engines(WAREHOUSE_CASES_INBOX, tmp_path_factory.mktemp("spark_cases"))

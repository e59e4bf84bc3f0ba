"""The tiny brokerage and the hand-made package set, each built on DuckDB and on Spark once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spark.engines import EngineBuilds, build_on_both_engines
from tests.warehouse.conftest import WAREHOUSE_CASES_INBOX


@pytest.fixture(scope="session")
def tiny_builds(tiny_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    return build_on_both_engines(tiny_inbox, tmp_path_factory.mktemp("spark_tiny"))


@pytest.fixture(scope="session")
def cases_builds(tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    return build_on_both_engines(WAREHOUSE_CASES_INBOX, tmp_path_factory.mktemp("spark_cases"))

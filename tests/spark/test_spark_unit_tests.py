"""The dbt unit tests pass on Spark as they do on DuckDB: the macros dispatched per engine (the cost
replay, list sums, exact averages) give the hand-checked values on both."""

from __future__ import annotations

import yaml

from tests.spark.engines import EngineBuilds
from tests.warehouse.conftest import PROJECT_DIR


def _unit_tests_in_project() -> set[str]:
    return {
        test["name"]
        for models_yml in (PROJECT_DIR / "models").rglob("_*__models.yml")
        for test in yaml.safe_load(models_yml.read_text()).get("unit_tests", [])
    }


def test_every_unit_test_passes_on_spark(cases_builds: EngineBuilds) -> None:
    assert len(_unit_tests_in_project()) >= 5
    assert cases_builds.spark_unit_tests == dict.fromkeys(_unit_tests_in_project(), "pass")

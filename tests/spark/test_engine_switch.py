"""The Dagster transform and publish steps follow the dbt target: DuckDB by default, Spark on request."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtCliResource

from pipelines.defs.resources import DataPaths
from pipelines.defs.transform.assets import DBT_EXECUTABLE, dbt, runs_on_spark
from warehouse.settings import PROJECT_ROOT


def test_duckdb_by_default_spark_by_target() -> None:
    assert dbt.target == "duckdb"
    assert not runs_on_spark(dbt)
    for target in ("spark", "spark_thrift"):
        resource = DbtCliResource(project_dir=str(PROJECT_ROOT), target=target, dbt_executable=DBT_EXECUTABLE)
        assert runs_on_spark(resource)


def test_dbt_gets_the_spark_folder(tmp_path: Path) -> None:
    paths = DataPaths(
        inbox=str(tmp_path / "inbox"),
        lake=str(tmp_path / "lake"),
        warehouse=str(tmp_path / "warehouse"),
        directory=str(tmp_path / "directory"),
        outbox=str(tmp_path / "outbox"),
        spark=str(tmp_path / "warehouse" / "spark"),
    )
    assert paths.dbt_env() == {
        "WAREHOUSE_LAKE": str(tmp_path / "lake"),
        "WAREHOUSE_BUILD_DB": str(tmp_path / "warehouse" / "build.duckdb"),
        "WAREHOUSE_SPARK_DIR": str(tmp_path / "warehouse" / "spark"),
    }

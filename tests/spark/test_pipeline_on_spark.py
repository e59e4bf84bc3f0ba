"""The whole pipeline through Dagster with its transform on Spark through a Thrift server.

`python -m warehouse run --preset tiny` with WAREHOUSE_DBT_TARGET=spark_thrift, as a brokerage with a
Spark cluster runs it (the tiny_pipeline fixture: a real Thrift server started by
warehouse/spark_server.py, real Dagster runs): the tiny brokerage is generated and landed (unchanged),
built by dbt on the server with its data tests as asset checks, its Spark marts published into the
serving file, and the digests sent. Every served mart must equal the same mart built by dbt on DuckDB
from the run's lake (test_spark_equals_duckdb compares the Spark tables themselves).
"""

from __future__ import annotations

import yaml

from tests.spark.engines import MARTS, PipelineRun, mart_columns, rows_apart
from tests.warehouse.conftest import PROJECT_DIR
from warehouse import spark_server


def test_the_pipeline_runs_its_transform_on_spark(tiny_pipeline: PipelineRun) -> None:
    warehouse = tiny_pipeline.data / "warehouse"
    assert not (warehouse / "build.duckdb").exists(), "the build ran on DuckDB"
    assert any((warehouse / "spark" / "marts" / "fct_fills").rglob("*.parquet"))
    outbox = tiny_pipeline.data / "outbox"
    assert any(outbox.rglob("*.eml")), "no digest sent from the Spark-built warehouse"

    con = tiny_pipeline.builds.connect()
    try:
        con.execute(f"attach '{warehouse / 'serving.duckdb'}' as served (read_only)")
        apart = {}
        for mart in MARTS:
            apart[mart] = rows_apart(con, mart, mart_columns(con, mart), f"served.marts.{mart}")
        rows = con.sql("select count(*) from served.marts.fct_fills").fetchall()[0][0]
    finally:
        # the DuckDB build's instance outlives this connection (dbt holds it): leave it as it was
        con.execute("detach database if exists served")
        con.close()
    assert rows > 0
    assert {mart: counts for mart, counts in apart.items() if counts != (0, 0)} == {}


def test_every_spark_target_has_the_server_settings() -> None:
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    outputs = profiles["brokerage"]["outputs"]
    for target in ("spark", "spark_thrift", "spark_thrift_login"):
        parameters = outputs[target]["server_side_parameters"]
        assert spark_server.SETTINGS.items() <= parameters.items(), target
    assert "password" not in outputs["spark_thrift"]  # PyHive refuses one with auth NONE

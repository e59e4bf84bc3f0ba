"""The whole pipeline through Dagster with its transform on Spark (real Dagster runs, dbt on pyspark).

`python -m warehouse run --preset tiny` with WAREHOUSE_DBT_TARGET=spark, as a brokerage switches its
engine: the tiny brokerage is generated and landed (unchanged), built by dbt on Spark with its data
tests as asset checks, its Spark marts published into the serving file, and the digests sent. Every
served mart must equal the same mart built by dbt on DuckDB from the same packages (tiny_builds).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.spark.engines import MARTS, SMALL_SPARK, EngineBuilds, mart_columns, rows_apart


def test_the_pipeline_runs_its_transform_on_spark(tiny_builds: EngineBuilds, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WAREHOUSE_")}
    env |= {"WAREHOUSE_DATA": str(tmp_path), "WAREHOUSE_DBT_TARGET": "spark", **SMALL_SPARK}
    out = subprocess.run([sys.executable, "-m", "warehouse", "run", "--preset", "tiny"],
                         env=env, capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]

    warehouse = tmp_path / "warehouse"
    assert not (warehouse / "build.duckdb").exists(), "the build ran on DuckDB"
    assert any((warehouse / "spark" / "marts" / "fct_fills").rglob("*.parquet"))
    assert any((tmp_path / "outbox").rglob("*.eml")), "no digest sent from the Spark-built warehouse"

    con = tiny_builds.connect()
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

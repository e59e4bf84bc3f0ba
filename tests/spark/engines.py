"""Building the same package set with dbt on DuckDB and on Spark.

Each package set is landed into a temporary lake; dbt builds it into a DuckDB file (target duckdb) and
into Parquet tables under a temporary Spark folder (target spark, the session method: pyspark in this
process). Spark starts once, on the first Spark build, and serves every later one: dbt runs in-process
(dbtRunner) and the session stays up between invocations. The Spark builds share one in-memory
catalog (no metastore to start), so each one runs with --full-refresh into its own folder. The dbt
unit tests (the trickiest logic on fixed inputs) then run on Spark too, once its tables exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.conftest import PROJECT_DIR, land_inbox, run_dbt

MARTS = sorted(p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.sql"))


@dataclass(frozen=True)
class EngineBuilds:
    duckdb_file: Path
    spark_dir: Path  # <spark_dir>/marts/<mart>/ holds the mart's Parquet files
    spark_unit_tests: dict[str, str]  # unit test name -> status on Spark

    def connect(self) -> duckdb.DuckDBPyConnection:
        # the configuration dbt-duckdb opened the file with in this process
        return duckdb.connect(str(self.duckdb_file))


def build_on_both_engines(inbox: Path, work: Path) -> EngineBuilds:
    lake = work / "lake"
    duckdb_file, spark_dir = work / "build.duckdb", work / "spark"
    land_inbox(inbox, lake)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_LAKE", str(lake))
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.chdir(PROJECT_DIR)
        env.setenv("WAREHOUSE_BUILD_DB", str(duckdb_file))
        run_dbt(["seed"], work)
        run_dbt(["run"], work)
        env.setenv("WAREHOUSE_SPARK_DIR", str(spark_dir))
        env.setenv("WAREHOUSE_SPARK_CATALOG", "in-memory")
        env.setenv("WAREHOUSE_SPARK_SHUFFLE_PARTITIONS", "1")
        # a short-lived JVM on small data: the quick JIT tier only (about 40 % less CPU than the default)
        env.setenv(
            "WAREHOUSE_SPARK_JAVA_OPTIONS",
            "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=512m -XX:+UseSerialGC",
        )
        spark = ["--target", "spark", "--threads", "4"]
        run_dbt(["seed", *spark, "--full-refresh"], work)
        run_dbt(["run", *spark, "--full-refresh"], work)
        unit_tests = run_dbt(["test", "--select", "test_type:unit", *spark], work)
    return EngineBuilds(duckdb_file, spark_dir, {r.node.name: str(r.status) for r in unit_tests})

"""Building the same package set with dbt on DuckDB and on Spark.

build_on_both_engines: the package set is landed into a temporary lake; dbt builds it into a DuckDB
file (target duckdb) and into Parquet tables under a temporary Spark folder (target spark, the session
method: pyspark in this process). Spark starts once, on the first such build, and serves every later
one: dbt runs in-process (dbtRunner) and the session stays up between invocations. These builds share
one in-memory catalog (no metastore to start), so each one runs with --full-refresh into its own
folder. The dbt unit tests (the trickiest logic on fixed inputs) then run on Spark too, once its tables
exist.

run_pipeline_on_thrift: the whole pipeline (Dagster) with its dbt build on a Spark Thrift server, the
other way a brokerage runs Spark; its lake is then built on DuckDB to compare with.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.bi.conftest import _free_port
from tests.warehouse.conftest import PROJECT_DIR, land_inbox, run_dbt
from warehouse import spark_server

MARTS = sorted(p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.sql"))


@dataclass(frozen=True)
class EngineBuilds:
    duckdb_file: Path
    spark_dir: Path  # <spark_dir>/marts/<mart>/ holds the mart's Parquet files
    spark_unit_tests: dict[str, str]  # unit test name -> status on Spark

    def connect(self) -> duckdb.DuckDBPyConnection:
        # the configuration dbt-duckdb opened the file with in this process
        return duckdb.connect(str(self.duckdb_file))


SPARK = ["--target", "spark", "--threads", "4"]
# Spark on the tests' small data: one shuffle partition, and a short-lived JVM on the quick JIT tier only
# (about 40 % less CPU than the default)
SMALL_SPARK = {
    "WAREHOUSE_SPARK_SHUFFLE_PARTITIONS": "1",
    "WAREHOUSE_SPARK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=512m -XX:+UseSerialGC",
}


@contextmanager
def dbt_env(lake: Path, duckdb_file: Path, spark_dir: Path) -> Iterator[None]:
    """dbt in this process on `lake`: target duckdb builds `duckdb_file`, target spark `spark_dir`."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_LAKE", str(lake))
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        env.chdir(PROJECT_DIR)
        env.setenv("WAREHOUSE_BUILD_DB", str(duckdb_file))
        env.setenv("WAREHOUSE_SPARK_DIR", str(spark_dir))
        env.setenv("WAREHOUSE_SPARK_CATALOG", "in-memory")
        for name, value in SMALL_SPARK.items():
            env.setenv(name, value)
        yield


@dataclass(frozen=True)
class PipelineRun:
    data: Path  # WAREHOUSE_DATA of the run: inbox, lake, warehouse (spark/, serving.duckdb), outbox
    builds: EngineBuilds  # its Spark build, and a DuckDB build of its lake


def _wait_for(port: int, server: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the Thrift server stopped:\n{log.read_text()[-3000:]}", pytrace=False)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(1)
    pytest.fail(
        f"no Thrift server on port {port} after {seconds} s:\n{log.read_text()[-3000:]}", pytrace=False
    )


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL if it has not stopped within 30 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def thrift_server(spark_dir: Path, log: Path) -> Iterator[int]:
    """A Spark Thrift server (warehouse/spark_server.py, as a brokerage runs one) for the build in
    `spark_dir`, on a free port of 127.0.0.1 (yielded), stopped with its process group."""
    port = _free_port()
    spark_dir.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        server = subprocess.Popen(
            spark_server.command(spark_dir, port, master="local[2]"),
            env=spark_server.environment(),
            cwd=spark_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole below
        )
    try:
        _wait_for(port, server, log)
        yield port
    finally:
        _stop(server)


def run_pipeline_on_thrift(preset: str, work: Path) -> PipelineRun:
    """`python -m warehouse run --preset <preset>` (real Dagster runs: generate, land, build, publish,
    digests) with WAREHOUSE_DBT_TARGET=spark_thrift, dbt building through a Thrift server; then the run's
    lake built by dbt on DuckDB in this process, to compare with."""
    data = work / "data"
    spark_dir = data / "warehouse" / "spark"
    env = {key: value for key, value in os.environ.items() if not key.startswith("WAREHOUSE_")}
    env |= {"WAREHOUSE_DATA": str(data), "WAREHOUSE_DBT_TARGET": "spark_thrift", **SMALL_SPARK}
    with thrift_server(spark_dir, work / "thrift-server.log") as port:
        env |= {"WAREHOUSE_SPARK_HOST": "127.0.0.1", "WAREHOUSE_SPARK_PORT": str(port)}
        out = subprocess.run([sys.executable, "-m", "warehouse", "run", "--preset", preset],
                             env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        pytest.fail(
            f"the pipeline failed on Spark:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}", pytrace=False
        )
    duckdb_file = work / "build.duckdb"
    with dbt_env(data / "lake", duckdb_file, spark_dir):
        run_dbt(["seed"], work)
        run_dbt(["run"], work)
    return PipelineRun(data, EngineBuilds(duckdb_file, spark_dir, {}))


def build_on_both_engines(inbox: Path, work: Path) -> EngineBuilds:
    lake = work / "lake"
    duckdb_file, spark_dir = work / "build.duckdb", work / "spark"
    land_inbox(inbox, lake)
    with dbt_env(lake, duckdb_file, spark_dir):
        run_dbt(["seed"], work)
        run_dbt(["run"], work)
        run_dbt(["seed", *SPARK, "--full-refresh"], work)
        run_dbt(["run", *SPARK, "--full-refresh"], work)
        unit_tests = run_dbt(["test", "--select", "test_type:unit", *SPARK], work)
    statuses = {r.node.name: str(r.status) for r in unit_tests if r.node.resource_type == "unit_test"}
    return EngineBuilds(duckdb_file, spark_dir, statuses)


SAME = {"types": {}, "extra_spark_columns": [], "only_duckdb": 0, "only_spark": 0}


def differences(builds: EngineBuilds, mart: str) -> dict[str, object]:
    """How the Spark build's mart differs from the DuckDB build's (SAME: the same columns, types, rows)."""
    con = builds.connect()
    try:
        duck = mart_columns(con, mart)
        assert duck, f"marts.{mart} missing from the DuckDB build"
        folder = builds.spark_dir / "marts" / mart
        assert folder.is_dir(), f"no Spark table at {folder}"
        if not any(folder.rglob("*.parquet")):
            rows = con.sql(f"select count(*) from marts.{mart}").fetchall()[0][0]
            return {**SAME, "only_duckdb": rows}
        files = folder / "**" / "*.parquet"
        spark_relation = f"read_parquet('{files}', hive_partitioning = true)"
        spark = con.sql(f"select * from {spark_relation}")
        spark_types = dict(zip(spark.columns, [str(t) for t in spark.types], strict=True))
        only_duckdb, only_spark = rows_apart(con, mart, duck, spark_relation)
        return {
            "types": {
                name: spark_types.get(name) for name, data_type in duck if spark_types.get(name) != data_type
            },
            "extra_spark_columns": sorted(set(spark_types) - {name for name, _ in duck}),
            "only_duckdb": only_duckdb,
            "only_spark": only_spark,
        }
    finally:
        con.close()


def mart_columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    """(name, type) of marts.<mart> in the connection's own database, in column order."""
    return con.sql(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'marts' and table_name = ? order by column_index",
        params=[mart],
    ).fetchall()


def rows_apart(
    con: duckdb.DuckDBPyConnection, mart: str, columns: list[tuple[str, str]], other: str
) -> tuple[int, int]:
    """Rows of marts.<mart> not in the relation `other`, and of `other` not in the mart (EXCEPT ALL),
    over the mart's `columns` (name, type); DOUBLEs and the DECIMALs of more than 12 decimals (sums of
    logarithms) rounded to 12 decimals: Spark sums in another order, and its ln and its cast of a DOUBLE
    to a DECIMAL differ from DuckDB's in the last binary digits."""

    def normalised(name: str, data_type: str) -> str:
        return f'round("{name}", 12)' if data_type == "DOUBLE" or _scale(data_type) > 12 else f'"{name}"'

    selected = ", ".join(normalised(name, data_type) for name, data_type in columns)
    mine, theirs = f"select {selected} from marts.{mart}", f"select {selected} from {other}"

    def count(query: str) -> int:
        return con.sql(f"select count(*) from ({query})").fetchall()[0][0]

    return count(f"{mine} except all {theirs}"), count(f"{theirs} except all {mine}")


def _scale(data_type: str) -> int:
    """The scale of a DECIMAL(p,s) type name, else 0."""
    return int(data_type.rstrip(")").split(",")[1]) if data_type.startswith("DECIMAL(") else 0

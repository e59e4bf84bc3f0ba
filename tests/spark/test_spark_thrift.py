"""The dbt target spark_thrift: the `tiny` brokerage built through a real Spark Thrift server (started
by warehouse/spark_server.py, as a brokerage would run one) gives every mart of the DuckDB build."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.bi.conftest import _free_port
from tests.spark.engines import MARTS, SAME, EngineBuilds, dbt_env, differences
from tests.warehouse.conftest import PROJECT_DIR, run_dbt
from warehouse import spark_server

THRIFT = ["--target", "spark_thrift"]


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


@pytest.fixture(scope="module")
def thrift_build(
    tiny_builds: EngineBuilds, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineBuilds]:
    work = tmp_path_factory.mktemp("spark_thrift")
    spark_dir, port, log = work / "spark", _free_port(), work / "server.log"
    spark_dir.mkdir()
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
        lake = tiny_builds.duckdb_file.parent / "lake"
        with dbt_env(lake, tiny_builds.duckdb_file, spark_dir), pytest.MonkeyPatch.context() as env:
            env.setenv("WAREHOUSE_SPARK_PORT", str(port))
            env.setenv("WAREHOUSE_SPARK_HOST", "127.0.0.1")
            run_dbt(["seed", *THRIFT], work)
            run_dbt(["run", *THRIFT], work)
        yield EngineBuilds(tiny_builds.duckdb_file, spark_dir, {})
    finally:
        _stop(server)


@pytest.mark.parametrize("mart", MARTS)
def test_thrift_build_equals_duckdb(thrift_build: EngineBuilds, mart: str) -> None:
    assert differences(thrift_build, mart) == SAME


def test_every_spark_target_has_the_server_settings() -> None:
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    outputs = profiles["brokerage"]["outputs"]
    for target in ("spark", "spark_thrift", "spark_thrift_login"):
        parameters = outputs[target]["server_side_parameters"]
        assert spark_server.SETTINGS.items() <= parameters.items(), target
    assert "password" not in outputs["spark_thrift"]  # PyHive refuses one with auth NONE

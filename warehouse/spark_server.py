"""A local Spark Thrift server for the dbt target `spark_thrift` (profiles.yml), from pyspark's own jars.

    python -m warehouse.spark_server [--port 10000] [--master 'local[*]']    # runs until stopped

A cluster's Thrift server works the same way if it is started with `SETTINGS` (the spark target sets
them in its own session; a Thrift server takes them when it starts, not from the client). Its Hive
metastore (Derby) and managed tables live under WAREHOUSE_SPARK_DIR, where the models' tables are
(dbt_project.yml location_root), so the next build is incremental.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import pyspark

from warehouse.settings import Paths

# every Spark build of the warehouse needs these (profiles.yml, target spark)
SETTINGS = {
    "spark.sql.timeType.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.hive.manageFilesourcePartitions": "false",
    "spark.sql.legacy.allowNonEmptyLocationInCTAS": "true",
}
SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
SPARK_HOME = Path(pyspark.__file__).parent


def command(spark_dir: Path, port: int, master: str = "local[*]", driver_memory: str = "2g") -> list[str]:
    """The spark-submit command line of a Thrift server on 127.0.0.1:`port` for the build in `spark_dir`."""
    settings = {
        **SETTINGS,
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(spark_dir / "managed"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
    }
    args = [
        str(SPARK_HOME / "bin" / "spark-submit"),
        "--class",
        SERVER_CLASS,
        "--master",
        master,
        "--driver-memory",
        driver_memory,
    ]
    for name, value in settings.items():
        args += ["--conf", f"{name}={value}"]
    args += [
        "--hiveconf",
        f"hive.server2.thrift.port={port}",
        "--hiveconf",
        "hive.server2.thrift.bind.host=127.0.0.1",
        "spark-internal",
    ]
    return args


def environment() -> dict[str, str]:
    return {**os.environ, "SPARK_HOME": str(SPARK_HOME)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("WAREHOUSE_SPARK_PORT", "10000")))
    parser.add_argument("--master", default=os.environ.get("WAREHOUSE_SPARK_MASTER", "local[*]"))
    args = parser.parse_args()
    spark_dir = Path(os.environ.get("WAREHOUSE_SPARK_DIR", Paths.from_env().warehouse / "spark")).resolve()
    spark_dir.mkdir(parents=True, exist_ok=True)
    raise SystemExit(
        subprocess.call(command(spark_dir, args.port, args.master), env=environment(), cwd=spark_dir)
    )


if __name__ == "__main__":
    main()

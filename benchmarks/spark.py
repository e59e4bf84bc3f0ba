"""Benchmark: the warehouse built by dbt on DuckDB and on Spark from the same lake (default: tiny).

    python benchmarks/spark.py [--preset tiny --preset demo] [--workdir /tmp/brokerage-bench] [--days N]

The preset's inbox is generated and landed once into <workdir>/<preset>/lake (both reused when present,
e.g. after benchmarks/landing.py); `--days N` builds only its first N landed days (hard links, as in
dbt_builds.py: a bench preset too large to build whole on Spark here). Each engine then builds that lake
from scratch, one child process per dbt command: `dbt seed`, then `dbt run` (the models; no data tests;
DuckDB one model at a time from 5 days, as Dagster builds them). Spark is the `spark` target of
profiles.yml (pyspark local[*] inside the dbt process, a new Hive metastore and table folder), so
each of its commands includes starting Spark; `spark start` is that start alone. Prints a table.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from dbt_builds import MANY_DAYS, landed_days, link_days
from dbt_child import run_dbt
from landing import GENERATE, LAND, run_child
from report import print_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipelines.defs.transform.assets import ONE_MODEL_AT_A_TIME_FROM_DAYS  # noqa: E402

SPARK_START = """
from pyspark.sql import SparkSession
SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false").getOrCreate().stop()
"""


def build(target: str, lake: Path, work: Path, run_options: list[str]) -> dict[str, float]:
    """`dbt seed` and `dbt run` of the target into a fresh <work>/<target>: seconds of each."""
    out = work / target
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return {
        "seed": run_dbt(["seed"], lake, out / "build.duckdb", out, target)["seconds"],
        "run": run_dbt(["run", *run_options], lake, out / "build.duckdb", out, target)["seconds"],
    }


def spark_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", SPARK_START], check=True)
    return time.perf_counter() - started


def bench(preset: str, workdir: Path, day_count: int | None) -> dict[str, str]:
    root = workdir / preset
    if not (root / "inbox").is_dir():
        run_child(GENERATE, preset, str(root))
    run_child(LAND, str(root))  # lands only what is pending
    lake = root / "lake"
    work = root / "spark-bench"
    days = landed_days(lake)[:day_count]
    if day_count is not None:
        shutil.rmtree(work / "lake", ignore_errors=True)
        link_days(lake, work / "lake", days)
        lake = work / "lake"
    duck = build("duckdb", lake, work, MANY_DAYS if len(days) >= ONE_MODEL_AT_A_TIME_FROM_DAYS else [])
    spark = build("spark", lake, work, [])
    start = spark_start()
    return {
        "preset": preset,
        "days built": f"{len(days)}",
        "lake MB": f"{sum(f.stat().st_size for f in lake.rglob('*.parquet')) / 1e6:,.0f}",
        "DuckDB: dbt seed (s)": f"{duck['seed']:,.1f}",
        "DuckDB: dbt run (s)": f"{duck['run']:,.1f}",
        "Spark: dbt seed (s)": f"{spark['seed']:,.1f}",
        "Spark: dbt run (s)": f"{spark['run']:,.1f}",
        "Spark: start alone (s)": f"{start:,.1f}",
        "dbt run, Spark / DuckDB": f"{spark['run'] / duck['run']:,.1f}x",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", action="append", help="preset to measure (repeatable); default tiny")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_DIR", "/tmp/brokerage-bench"))
    parser.add_argument("--days", type=int, help="build only the first N landed days")
    args = parser.parse_args()
    print_table([bench(preset, Path(args.workdir), args.days) for preset in args.preset or ["tiny"]])


if __name__ == "__main__":
    main()

"""Benchmark: full and incremental dbt builds of the warehouse, at the presets given (default: demo).

    python benchmarks/warehouse.py [--preset demo] [--workdir /tmp/brokerage-bench] [--fresh]

The preset's inbox is generated and landed once into <workdir>/<preset>/lake (both are reused when
present, e.g. after benchmarks/landing.py; --fresh regenerates). The benchmark then grows a second
lake day by day (hard links into the landed one) and builds it into its own DuckDB file:

  1. the first half of the days, full build                          (1x history)
  2. one more day, incremental build                                 -> one day on top of 1x history
  3. the days up to the second-to-last, incremental (catch-up)
  4. the last day, incremental build                                 -> one day on top of 2x history
  5. all days from scratch into a new file, full build               -> full build time and peak memory

Every dbt command runs in its own child process, so its peak memory (max RSS) is its own. `run` is the
models only; `build` adds the data tests (which read whole tables, so they grow with the history).
Prints a table. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from landing import GENERATE, LAND, run_child
from report import print_table

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")

def landed_days(lake: Path) -> list[str]:
    return sorted(p.name.split("=", 1)[1] for p in (lake / "landed_packages").glob("business_date=*"))


def link_days(source: Path, target: Path, days: list[str]) -> None:
    """Hard-link the given business dates of every lake table from `source` into `target`."""
    for table in sorted(p for p in source.iterdir() if p.is_dir()):
        for day in days:
            folder = table / f"business_date={day}"
            if folder.is_dir() and not (target / table.name / folder.name).exists():
                shutil.copytree(folder, target / table.name / folder.name, copy_function=os.link)


def dbt(command: list[str], lake: Path, database: Path, work: Path) -> dict[str, float]:
    """Run one dbt command in a child process: wall seconds and the child's peak RSS."""
    env = {
        **os.environ,
        "WAREHOUSE_LAKE": str(lake),
        "WAREHOUSE_BUILD_DB": str(database),
        "WAREHOUSE_DUCKDB_TEMP": str(work / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    args = [str(DBT), *command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=PROJECT_DIR, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dbt {' '.join(command)} failed (lake {lake}, database {database})")
    return {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024}


def bench(preset: str, workdir: Path, fresh: bool) -> dict[str, str]:
    root = workdir / preset
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    if not (root / "inbox").is_dir():
        run_child(GENERATE, preset, str(root))
    run_child(LAND, str(root))  # lands only what is pending
    days = landed_days(root / "lake")
    half = (len(days) - 1) // 2

    work = root / "warehouse-bench"
    shutil.rmtree(work, ignore_errors=True)
    lake = work / "lake"
    lake.mkdir(parents=True)
    staged = work / "incremental.duckdb"
    results: dict[str, dict[str, float]] = {}

    link_days(root / "lake", lake, days[:half])
    dbt(["seed"], lake, staged, work)
    results["full 1x"] = dbt(["run"], lake, staged, work)
    link_days(root / "lake", lake, days[half:half + 1])
    results["day on 1x"] = dbt(["run"], lake, staged, work)
    results["day on 1x tests"] = dbt(["test"], lake, staged, work)
    link_days(root / "lake", lake, days[half + 1:-1])
    results["catch-up"] = dbt(["run"], lake, staged, work)
    link_days(root / "lake", lake, days[-1:])
    results["day on 2x"] = dbt(["run"], lake, staged, work)
    results["day on 2x tests"] = dbt(["test"], lake, staged, work)

    full = work / "full.duckdb"
    dbt(["seed"], lake, full, work)
    results["full 2x"] = dbt(["build"], lake, full, work)
    (work / "results.json").write_text(json.dumps(results, indent=2))

    r = results
    return {
        "preset": preset,
        "days landed": f"{len(days)}",
        "1x history (days)": f"{half}",
        "2x history (days)": f"{len(days) - 1}",
        "full build, all days (s)": f"{r['full 2x']['seconds']:,.0f}",
        "full build peak MB": f"{r['full 2x']['max_rss_mb']:,.0f}",
        "full run, 1x days (s)": f"{r['full 1x']['seconds']:,.0f}",
        "day added on 1x": days[half],
        "+1 day on 1x: run s": f"{r['day on 1x']['seconds']:,.1f}",
        "+1 day on 1x: run peak MB": f"{r['day on 1x']['max_rss_mb']:,.0f}",
        "+1 day on 1x: tests s": f"{r['day on 1x tests']['seconds']:,.1f}",
        "catch-up run (s)": f"{r['catch-up']['seconds']:,.0f}",
        "day added on 2x": days[-1],
        "+1 day on 2x: run s": f"{r['day on 2x']['seconds']:,.1f}",
        "+1 day on 2x: run peak MB": f"{r['day on 2x']['max_rss_mb']:,.0f}",
        "+1 day on 2x: tests s": f"{r['day on 2x tests']['seconds']:,.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", action="append", help="preset to measure (repeatable); default demo")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_DIR", "/tmp/brokerage-bench"))
    parser.add_argument("--fresh", action="store_true", help="regenerate and re-land the inbox")
    args = parser.parse_args()
    results = [bench(preset, Path(args.workdir), args.fresh) for preset in args.preset or ["demo"]]
    print_table(results)


if __name__ == "__main__":
    main()

"""One dbt command of the project in a child process, timed: what the benchmark scripts build with."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


def run_dbt(
    command: list[str], lake: Path, database: Path, work: Path, target: str = "duckdb"
) -> dict[str, float]:
    """`dbt <command>` on `lake` into `database` (Spark: its tables under <work>/spark), target and logs
    under `work`: wall seconds and the child's peak RSS (its own, as it is a child process)."""
    env = {
        **os.environ,
        "WAREHOUSE_LAKE": str(lake),
        "WAREHOUSE_BUILD_DB": str(database),
        "WAREHOUSE_SPARK_DIR": str(work / "spark"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    args = [str(DBT), *command, "--target", target, "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR), "--target-path", str(work / "target"),
            "--log-path", str(work / "logs"), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=PROJECT_DIR, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dbt {' '.join(command)} on {target} failed (lake {lake}, database {database})")
    return {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024}

"""Benchmark: synthetic generation and landing, at the presets given (default: demo).

    python benchmarks/landing.py [--preset demo --preset bench10m] [--workdir /tmp/brokerage-bench]
                                 [--workers N]

Each phase runs in a fresh child process so its peak memory (max RSS) is its own. Prints a table:
generation rate (fills/s), landing rate (rows/s, fill rows/s, CSV MB/s), CSV bytes vs Parquet bytes.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from report import print_table

from warehouse.landing.batch import land_workers

GENERATE = """
import json, resource, sys
from pathlib import Path
from warehouse.synthetic import generate
r = generate(sys.argv[1], Path(sys.argv[2]) / "inbox", Path(sys.argv[2]) / "directory")
print(json.dumps({"fills": r.fills, "seconds": r.seconds, "bytes": r.bytes_written, "days": r.days,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

LAND = """
import json, resource, sys, time
from pathlib import Path
from warehouse.landing import land_packages, pending_packages
root, workers = Path(sys.argv[1]), int(sys.argv[2])
started = time.perf_counter()
rows = fills = 0
pending = [(p.business_date, p.branch, p.path) for p in pending_packages(root / "inbox", root / "lake")]
for attempt in land_packages(pending, root / "lake", workers):
    rows += sum(attempt.result.rows.values())
    fills += attempt.result.rows.get("trades.csv", 0)
print(json.dumps({"rows": rows, "fills": fills, "seconds": time.perf_counter() - started,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_child(script: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _bytes(folder: Path, suffix: str) -> int:
    return sum(f.stat().st_size for f in folder.rglob(f"*{suffix}") if f.is_file())


def bench(preset: str, workdir: Path, workers: int) -> dict[str, str]:
    root = workdir / preset
    subprocess.run(["rm", "-rf", str(root)], check=True)
    root.mkdir(parents=True)
    gen = run_child(GENERATE, preset, str(root))
    land = run_child(LAND, str(root), str(workers))
    csv_bytes = _bytes(root / "inbox", ".csv")
    parquet_bytes = _bytes(root / "lake", ".parquet")
    return {
        "preset": preset,
        "days": f"{gen['days']:.0f}",
        "fills": f"{gen['fills']:,.0f}",
        "generate s": f"{gen['seconds']:,.1f}",
        "generate fills/s": f"{gen['fills'] / gen['seconds']:,.0f}",
        "generate peak MB": f"{gen['max_rss_kb'] / 1024:,.0f}",
        "land workers": str(workers),
        "land s": f"{land['seconds']:,.1f}",
        "land rows/s": f"{land['rows'] / land['seconds']:,.0f}",
        "land fill rows/s": f"{land['fills'] / land['seconds']:,.0f}",
        "land CSV MB/s": f"{csv_bytes / 1e6 / land['seconds']:,.1f}",
        "land peak MB": f"{land['max_rss_kb'] / 1024:,.0f}",
        "CSV MB": f"{csv_bytes / 1e6:,.1f}",
        "Parquet MB": f"{parquet_bytes / 1e6:,.1f}",
        "lake / CSV": f"{parquet_bytes / csv_bytes:.1%}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", action="append", help="preset to measure (repeatable); default demo")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_DIR", "/tmp/brokerage-bench"))
    parser.add_argument("--workers", type=int, default=land_workers(),
                        help="branches landed side by side (default: the machine's cores, at most 4)")
    args = parser.parse_args()
    results = [bench(preset, Path(args.workdir), args.workers) for preset in args.preset or ["demo"]]
    print_table(results)


if __name__ == "__main__":
    main()

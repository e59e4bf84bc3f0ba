"""Benchmark: build and deliver every digest of one business day, from a published warehouse.

    python benchmarks/digests.py --data /tmp/brokerage-bench/demo [--date 2024-12-31]

`--data` is a data folder as `make run` leaves it (warehouse/serving.duckdb, directory/recipients.csv).
The digests go to a fresh outbox in a temporary folder (nothing is sent), in a child process so its
peak memory is its own. Prints recipients, messages, seconds, messages/s and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = """
import dataclasses, json, resource, sys, time
from datetime import date
from pathlib import Path
from warehouse.digest import send_digests
from warehouse.settings import Paths
data, outbox, day = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
paths = dataclasses.replace(Paths.from_env(), warehouse=data / "warehouse", directory=data / "directory",
                            outbox=outbox)
started = time.perf_counter()
report = send_digests(paths, date.fromisoformat(day) if day else None)
print(json.dumps({"date": str(report.business_date), "messages": len(report.outcomes),
                  "seconds": time.perf_counter() - started,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="data folder with warehouse/ and directory/")
    parser.add_argument("--date", default="", help="business date (default: the last published)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as outbox:
        out = subprocess.run([sys.executable, "-c", CHILD, args.data, outbox, args.date],
                             check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rows = {
        "business date": result["date"],
        "messages": f"{result['messages']:,}",
        "seconds": f"{result['seconds']:,.1f}",
        "messages/s": f"{result['messages'] / result['seconds']:,.1f}",
        "peak MB": f"{result['max_rss_kb'] / 1024:,.0f}",
    }
    width = max(len(k) for k in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows.items():
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()

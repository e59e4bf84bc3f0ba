"""Benchmark: build and deliver every digest of one business day, from a published warehouse.

    python benchmarks/digests.py --data data [--date 2024-12-31]       # a data folder as `make run` leaves it
    python benchmarks/digests.py --preset bench100m --days 6 [--workdir /tmp/brokerage-bench]

`--data` is a data folder with warehouse/serving.duckdb and directory/recipients.csv. `--preset` makes
one: the preset's first `--days` business days are generated (the preset's whole organisation and
client base, a short window), landed, built with `dbt seed` + `dbt run` and published, under
<workdir>/<preset>-<days>d (reused when present). The digests of the last day go to a fresh outbox in
a temporary folder (nothing is sent), in a child process so its peak memory and CPU time are its own
(CPU time includes the composing worker processes), once per `--workers` value. Prints a table.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from dbt_child import run_dbt
from landing import LAND, run_child
from report import print_table

GENERATE = """
import json, sys
from pathlib import Path
from warehouse.synthetic import generate
r = generate(sys.argv[1], Path(sys.argv[2]) / "inbox", Path(sys.argv[2]) / "directory", days=int(sys.argv[3]))
print(json.dumps({"fills": r.fills, "seconds": r.seconds, "days": r.days, "clients": r.clients}))
"""

PUBLISH = """
import sys
from pathlib import Path
from warehouse.publish import publish
publish(Path(sys.argv[1]))
print("{}")
"""

SEND = """
import dataclasses, json, resource, sys, time
from datetime import date
from pathlib import Path
from warehouse.digest import DigestOptions, send_digests
from warehouse.settings import Paths
data, outbox, day, workers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
paths = dataclasses.replace(Paths.from_env(), warehouse=data / "warehouse", directory=data / "directory",
                            outbox=outbox)
options = dataclasses.replace(DigestOptions.from_env(), workers=workers)
started, cpu = time.perf_counter(), time.process_time()
report = send_digests(paths, date.fromisoformat(day) if day else None, options=options)
seconds = time.perf_counter() - started
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"date": str(report.business_date), "outcomes": dict(report.counts), "seconds": seconds,
                  "cpu": time.process_time() - cpu + children.ru_utime + children.ru_stime,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def prepare(preset: str, days: int, workdir: Path) -> Path:
    """The preset's first `days` days generated, landed, built and published (steps already done are
    skipped); prints how long each step took."""
    root = workdir / f"{preset}-{days}d"
    if not (root / "inbox").is_dir():
        gen = run_child(GENERATE, preset, str(root), str(days))
        print(f"generated {gen['days']} days, {gen['clients']:,} clients, {gen['fills']:,} fills "
              f"in {gen['seconds']:,.0f} s", file=sys.stderr)
    if not (root / "warehouse" / "serving.duckdb").exists():
        land = run_child(LAND, str(root))
        print(f"landed {land['rows']:,} rows in {land['seconds']:,.0f} s", file=sys.stderr)
        (root / "warehouse").mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        database = root / "warehouse" / "build.duckdb"
        run_dbt(["seed"], root / "lake", database, root / "dbt")
        run_dbt(["run"], root / "lake", database, root / "dbt")
        run_child(PUBLISH, str(root / "warehouse"))
        print(f"built and published in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    return root


def measure(data: Path, day: str, workers: int) -> dict[str, str]:
    with open(data / "directory" / "recipients.csv", encoding="utf-8") as handle:
        roles = Counter(r["role"] for r in csv.DictReader(handle) if r["active"] == "1")
    with tempfile.TemporaryDirectory() as outbox:
        result = run_child(SEND, str(data), outbox, day, str(workers))
    messages = sum(n for status, n in result["outcomes"].items() if status in ("written", "sent"))
    return {
        "business date": result["date"],
        "brokers (incl. team leads)": f"{roles['broker'] + roles['team_lead']:,}",
        "active recipients": f"{sum(roles.values()):,}",
        "messages": f"{messages:,}",
        "composing processes": str(workers),
        "seconds": f"{result['seconds']:,.1f}",
        "CPU seconds": f"{result['cpu']:,.1f}",
        "messages/s": f"{messages / result['seconds']:,.0f}",
        "CPU ms per message": f"{result['cpu'] / max(messages, 1) * 1000:,.1f}",
        "peak MB (main process)": f"{result['max_rss_kb'] / 1024:,.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="data folder with warehouse/ and directory/")
    source.add_argument("--preset", help="generate, land and build this preset's first --days days")
    parser.add_argument("--days", type=int, default=6, help="business days of the preset (default 6)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "brokerage-bench")
    parser.add_argument("--date", default="", help="business date (default: the last published)")
    parser.add_argument("--workers", type=int, action="append",
                        help="composing processes, once per value (default: 1 and 2)")
    args = parser.parse_args()
    data = args.data if args.data else prepare(args.preset, args.days, args.workdir)
    print_table([measure(data, args.date, workers) for workers in args.workers or [1, 2]])


if __name__ == "__main__":
    main()

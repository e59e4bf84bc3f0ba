"""Profile: does landing a day cost the same however much history the lake holds?

    python benchmarks/landing_profile.py [--workdir /tmp/landing-profile] [--days 20 --days 200]

Generates one small synthetic branch over about 220 business days, lands the days in order, and times
landing the next day (head office, then the branch) after 20 and after 200 landed days. With the derived
state partitions (`warehouse.landing.state`) a day reads one state partition of the previous landed day,
so both figures should be about the same. Prints a table; not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date
from pathlib import Path

from warehouse.landing import find_packages, land_package
from warehouse.synthetic import Preset, generate

PROFILE = Preset(
    "profile", date(2023, 1, 3), date(2023, 11, 30), branches=1, clients=300, stocks=120, etfs=12,
    new_clients_per_day=1.0, closes=2, ipos=12, activity=2.0, allot_rate=0.15, custody_rate=0.004,
    clients_per_broker=25, dividend_share=0.2,
)


def _timed(path: Path, lake: Path) -> float:
    started = time.perf_counter()
    result = land_package(path, lake)
    assert result.outcome == "landed", result.reason
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", default="/tmp/landing-profile")
    parser.add_argument("--days", type=int, action="append", help="landed days before the timed day")
    args = parser.parse_args()
    marks = sorted(args.days or [20, 200])
    root = Path(args.workdir)
    shutil.rmtree(root, ignore_errors=True)
    generate(PROFILE, root / "inbox", root / "directory")
    refs = find_packages(root / "inbox")
    days = sorted({r.business_date for r in refs})
    if len(days) <= marks[-1]:
        raise SystemExit(f"only {len(days)} business days generated")
    lake = root / "lake"
    rows = []
    for i, day in enumerate(days[: marks[-1] + 1]):
        today = [r for r in refs if r.business_date == day]  # head office first
        if i in marks:
            seconds = [_timed(r.path, lake) for r in today]
            rows.append((i, day.isoformat(), *seconds))
        else:
            for r in today:
                land_package(r.path, lake)
    print("| landed days before | timed day  | HQ s  | branch s |")
    print("|-------------------:|------------|------:|---------:|")
    for i, day_iso, hq, branch in rows:
        print(f"| {i:18d} | {day_iso} | {hq:5.3f} | {branch:8.3f} |")


if __name__ == "__main__":
    main()

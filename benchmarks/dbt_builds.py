"""Benchmark: full and incremental dbt builds of the warehouse, at the presets given (default: demo).
(Not named warehouse.py: beside the other scripts, that name would hide the `warehouse` package.)

    python benchmarks/dbt_builds.py [--preset demo] [--workdir /tmp/brokerage-bench] [--fresh] [--days N]

The preset's inbox is generated and landed once into <workdir>/<preset>/lake (both are reused when
present, e.g. after benchmarks/landing.py; --fresh regenerates). The benchmark then grows a second
lake day by day (hard links into the landed one) and builds it into its own DuckDB file:

  1. the days before the first trading day of a month about a third into the history, full build
  2. that day, incremental build                                     -> one day on top of 1x history
  3. the days up to the first trading day of a month after twice that history, incremental (catch-up)
  4. that day, incremental build                                     -> one day on top of 2x history
  5. all days from scratch into a new file, full build               -> full build time and peak memory
  6. publish that build (warehouse/publish.py)                        -> publish time, file sizes

`--days N` builds only the first N landed days (a bench preset whose whole warehouse does not fit the
disk); with too few days for a second month start, step 4's day is the last one. The full build and
its serving file are left in <workdir>/<preset>/warehouse-bench/warehouse for benchmarks/charts.py
(`--data <workdir>/<preset>/warehouse-bench`).

Both timed days are the first trading day of their month, so they do the same work but for the
history before them (a month's models grow with the days of the month so far). The slowest models of
both runs are printed too (from dbt's run_results.json).

Every dbt command runs in its own child process, so its peak memory (max RSS) is its own. `run` is the
models only; `build` adds the data tests (the full build's read whole tables; a day's, as Dagster runs
them, read the day built: test_from).
Prints a table. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from dbt_child import run_dbt
from landing import GENERATE, LAND, run_child
from report import print_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from warehouse.landing.state import landed_days as landed_dates  # noqa: E402
from warehouse.publish import BUILD_FILE, publish  # noqa: E402

# builds of many days run one model at a time, as Dagster runs them (pipelines/defs/transform/assets.py)
MANY_DAYS = ["--threads", "1"]


def landed_days(lake: Path) -> list[str]:
    return [day.isoformat() for day in landed_dates(lake)]


def link_days(source: Path, target: Path, days: list[str]) -> None:
    """Hard-link the given business dates of every lake table from `source` into `target`."""
    for table in sorted(p for p in source.iterdir() if p.is_dir()):
        for day in days:
            folder = table / f"business_date={day}"
            if folder.is_dir() and not (target / table.name / folder.name).exists():
                shutil.copytree(folder, target / table.name / folder.name, copy_function=os.link)


def first_of_month_from(days: list[str], index: int) -> int:
    """The index of the first trading day of a month at or after `index` (else the last day's)."""
    starts = (i for i in range(max(index, 1), len(days)) if days[i][:7] != days[i - 1][:7])
    return next(starts, len(days) - 1)


def slowest_models(work: Path, label: str, count: int = 5) -> list[tuple[str, float]]:
    """The slowest models of the last dbt command, kept as <label>.run_results.json."""
    kept = work / f"{label}.run_results.json"
    shutil.copyfile(work / "target" / "run_results.json", kept)
    results = json.loads(kept.read_text())["results"]
    timed = sorted(((r["unique_id"].rsplit(".", 1)[-1], r["execution_time"]) for r in results),
                   key=lambda item: -item[1])
    return timed[:count]


def bench(preset: str, workdir: Path, fresh: bool, day_count: int | None) -> tuple[dict[str, str], list[str]]:
    root = workdir / preset
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    if not (root / "inbox").is_dir():
        run_child(GENERATE, preset, str(root))
    run_child(LAND, str(root))  # lands only what is pending
    days = landed_days(root / "lake")[:day_count]
    one = first_of_month_from(days, len(days) // 3)
    two = first_of_month_from(days, 2 * one)

    work = root / "warehouse-bench"
    shutil.rmtree(work, ignore_errors=True)
    lake = work / "lake"
    lake.mkdir(parents=True)
    staged = work / "incremental.duckdb"
    results: dict[str, dict[str, float]] = {}
    slowest: dict[str, list[tuple[str, float]]] = {}

    link_days(root / "lake", lake, days[:one])
    run_dbt(["seed"], lake, staged, work)
    results["full 1x"] = run_dbt(["run", *MANY_DAYS], lake, staged, work)
    for label, index in (("1x", one), ("2x", two)):
        if index > one:
            link_days(root / "lake", lake, days[one + 1:index])
            results["catch-up"] = run_dbt(["run", *MANY_DAYS], lake, staged, work)
        link_days(root / "lake", lake, days[index:index + 1])
        results[f"day on {label}"] = run_dbt(["run"], lake, staged, work)
        slowest[label] = slowest_models(work, f"day-on-{label}")
        # the data tests of that day, as Dagster's daily build runs them (macros/tests/test_window.sql)
        window = ["--vars", json.dumps({"test_from": days[index]})]
        results[f"day on {label} tests"] = run_dbt(["test", *window], lake, staged, work)

    staged.unlink()  # room on the disk for the full build
    link_days(root / "lake", lake, days[two + 1:])
    full = work / "warehouse" / BUILD_FILE
    full.parent.mkdir()
    run_dbt(["seed"], lake, full, work)
    results["full all"] = run_dbt(["build", *MANY_DAYS], lake, full, work)
    started = time.perf_counter()
    serving = publish(full.parent)
    results["publish"] = {"seconds": time.perf_counter() - started}
    (work / "results.json").write_text(json.dumps(results, indent=2))

    r = results
    summary = {
        "preset": preset,
        "days landed": f"{len(days)}",
        "full build, all days (s)": f"{r['full all']['seconds']:,.0f}",
        "full build peak MB": f"{r['full all']['max_rss_mb']:,.0f}",
        "catch-up run (s)": f"{r['catch-up']['seconds']:,.0f}",
        "build file MB": f"{full.stat().st_size / 1e6:,.0f}",
        "publish (s)": f"{r['publish']['seconds']:,.1f}",
        "serving file MB": f"{serving.stat().st_size / 1e6:,.0f}",
    }
    for label, index in (("1x", one), ("2x", two)):
        day = r[f"day on {label}"]
        summary |= {
            f"+1 day on {label}: day (history days)": f"{days[index]} ({index})",
            f"+1 day on {label}: run s": f"{day['seconds']:,.1f}",
            f"+1 day on {label}: run peak MB": f"{day['max_rss_mb']:,.0f}",
            f"+1 day on {label}: tests s": f"{r[f'day on {label} tests']['seconds']:,.1f}",
        }
    models = [
        f"| {preset} | {rank + 1} | "
        + " | ".join(f"{slowest[label][rank][0]} {slowest[label][rank][1]:.1f} s" for label in ("1x", "2x"))
        + " |"
        for rank in range(min(len(slowest["1x"]), len(slowest["2x"])))
    ]
    return summary, models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", action="append", help="preset to measure (repeatable); default demo")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_DIR", "/tmp/brokerage-bench"))
    parser.add_argument("--fresh", action="store_true", help="regenerate and re-land the inbox")
    parser.add_argument("--days", type=int, help="build only the first N landed days")
    args = parser.parse_args()
    presets = args.preset or ["demo"]
    measured = [bench(preset, Path(args.workdir), args.fresh, args.days) for preset in presets]
    print_table([summary for summary, _ in measured])
    print("\n| preset | slowest | model on +1 day on 1x | model on +1 day on 2x |\n|---|--:|---|---|")
    print("\n".join(row for _, models in measured for row in models))


if __name__ == "__main__":
    main()

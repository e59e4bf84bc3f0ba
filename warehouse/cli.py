"""Command line: `python -m warehouse <command>` (or `warehouse <command>` once installed).

    generate   write a synthetic brokerage's packages into the inbox
    land       validate the inbox's complete packages and land them in the lake
    status     what the lake holds: landed branch-days, rows, refusals, rule violations
    digest     send the daily reminder e-mails of a business date
    run        the whole pipeline through Dagster: land, build the warehouse with dbt, publish it
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from warehouse.publish import SERVING_FILE
from warehouse.settings import Paths

if TYPE_CHECKING:
    from dagster import DagsterInstance

console = Console(soft_wrap=True)


class UserError(Exception):
    """A mistake the user can fix; shown as one line, without a traceback."""


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=False)


def cmd_generate(args: argparse.Namespace, paths: Paths) -> None:
    from warehouse.synthetic import PRESETS, generate

    if args.preset not in PRESETS:
        raise UserError(f"unknown preset {args.preset!r}; choose one of {', '.join(PRESETS)}")
    inbox = Path(args.inbox) if args.inbox else paths.inbox
    if inbox.exists() and any(inbox.iterdir()) and not args.force:
        raise UserError(f"inbox {inbox} is not empty; pass --force to write into it anyway")
    with _progress() as bar:
        task = bar.add_task(f"generating {args.preset}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = generate(
            args.preset, inbox, paths.directory, seed=args.seed, progress=advance, days=args.days
        )
    console.print(
        f"generated [bold]{report.preset}[/]: {report.days} days, {report.branches} branches, "
        f"{report.clients:,} clients, {report.orders:,} orders, {report.fills:,} fills, "
        f"{report.bytes_written / 1e6:,.1f} MB in {report.seconds:,.1f} s "
        f"({report.fills_per_second:,.0f} fills/s) -> {inbox}"
    )


def cmd_land(args: argparse.Namespace, paths: Paths) -> None:
    from warehouse.landing import land_packages, pending_packages
    from warehouse.landing.batch import land_workers

    inbox = Path(args.inbox) if args.inbox else paths.inbox
    if not inbox.is_dir():
        raise UserError(f"inbox {inbox} does not exist (run `python -m warehouse generate` first?)")
    try:
        workers = land_workers() if args.workers is None else args.workers
    except ValueError as bad:
        raise UserError(str(bad)) from bad
    if workers < 1:
        raise UserError("--workers must be at least 1")
    pending = pending_packages(inbox, paths.lake)
    outcomes: dict[str, int] = {}
    rows = 0
    started = time.perf_counter()
    with _progress() as bar:
        task = bar.add_task("landing", total=len(pending))
        packages = [(p.business_date, p.branch, p.path) for p in pending]
        for attempt in land_packages(packages, paths.lake, workers):
            bar.update(task, description=f"landed {attempt.business_date} {attempt.branch}")
            if attempt.result is None:
                console.print(f"[yellow]waiting[/]: {attempt.waiting}")
                outcomes["waiting"] = outcomes.get("waiting", 0) + 1
            else:
                outcomes[attempt.result.outcome] = outcomes.get(attempt.result.outcome, 0) + 1
                rows += sum(attempt.result.rows.values())
                if attempt.result.outcome == "refused":
                    console.print(f"[red]refused[/]: {attempt.result.reason}")
            bar.advance(task)
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing pending"
    console.print(f"{summary}; {rows:,} rows in {seconds:,.1f} s -> {paths.lake}")


def cmd_status(args: argparse.Namespace, paths: Paths) -> None:
    from warehouse.landing.quality import lake_status, refusals

    status = lake_status(paths.lake)
    if status.packages == 0:
        console.print(f"the lake at {paths.lake} holds no landed package yet")
        return
    console.print(f"lake {paths.lake}: {status.packages:,} packages landed, "
                  f"{status.first_date} .. {status.last_date}, {status.branches} branches + HQ")
    rows = Table("table", "rows", title="rows landed")
    for table, count in status.rows_by_table.items():
        rows.add_row(table, f"{count:,}")
    console.print(rows)
    if status.quality.by_rule:
        quality = Table("rule", "events", title="data-quality events")
        for rule, count in status.quality.by_rule.items():
            quality.add_row(rule, f"{count:,}")
        console.print(quality)
    else:
        console.print("no data-quality events")
    console.print(f"{status.quality.quarantined:,} rows quarantined, "
                  f"{status.quality.refused:,} packages refused")
    for day, branch, file, row, rule, detail in refusals(paths.lake).iter_rows():
        where = f"{file or 'package'}" + (f" row {row}" if row is not None else "")
        console.print(f"  refused {day} {branch}: {where}, rule {rule}: {detail}")


def _dagster_instance(paths: Paths) -> DagsterInstance:
    """The Dagster instance whose run history lives in DAGSTER_HOME (data/dagster_home by default)."""
    import dagster as dg

    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return dg.DagsterInstance.get()


def cmd_run(args: argparse.Namespace, paths: Paths) -> None:
    from pipelines.run import build_and_publish, land_pending, send_digests

    if not paths.inbox.is_dir() or not any(paths.inbox.iterdir()):
        console.print(f"inbox {paths.inbox} is empty: generating the {args.preset} brokerage first")
        cmd_generate(
            argparse.Namespace(preset=args.preset, seed=args.seed, inbox=None, force=False, days=args.days),
            paths,
        )
    with _dagster_instance(paths) as instance:
        runs = land_pending(instance, paths, report=lambda line: console.print(line))
        console.print(f"{runs} Dagster landing run(s) finished")
        cmd_status(args, paths)
        console.print("building the warehouse (dbt build: models and their tests), then publishing")
        build_and_publish(instance, paths)
        console.print(f"digests of the last business day: {send_digests(instance, paths)}")
    console.print(f"warehouse published: {paths.warehouse / SERVING_FILE} "
                  f"(open it read-only: duckdb -readonly {paths.warehouse / SERVING_FILE})")


def cmd_digest(args: argparse.Namespace, paths: Paths) -> None:
    from pipelines.run import send_digests

    try:
        business_date = date.fromisoformat(args.date) if args.date else None
    except ValueError as bad:
        raise UserError(f"--date {args.date!r} is not a date like 2024-06-28") from bad
    if not (paths.warehouse / SERVING_FILE).exists():
        raise UserError(f"no published warehouse at {paths.warehouse / SERVING_FILE}: run `make run` first")
    with _dagster_instance(paths) as instance:
        console.print(send_digests(instance, paths, business_date))


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace, Paths], None], str]] = {
    "generate": (cmd_generate, "write a synthetic brokerage's daily packages into the inbox"),
    "land": (cmd_land, "validate and land every complete package of the inbox into the lake"),
    "status": (cmd_status, "show what the lake holds and the data-quality events"),
    "digest": (cmd_digest, "send the daily reminder digests of a business date (default: the last one); "
                           "messages already delivered are not sent again"),
    "run": (cmd_run, "the whole pipeline through Dagster: generate if the inbox is empty, land, build, "
                     "publish"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name in ("generate", "run"):
            command.add_argument("--preset", default="demo", help="tiny, demo, bench10m or bench100m")
            command.add_argument("--seed", type=int, default=20240101, help="same seed, same brokerage")
            command.add_argument("--days", type=int, help="only the preset's first N business days "
                                 "(the same packages as the full run's first N days; default: all)")
        if name in ("generate", "land"):
            command.add_argument("--inbox", help="inbox folder (default: $WAREHOUSE_INBOX or data/inbox)")
        if name == "land":
            command.add_argument("--workers", type=int, help="branches landed side by side "
                                 "(default: $WAREHOUSE_LAND_WORKERS, else the machine's cores, at most 4)")
        if name == "digest":
            command.add_argument("--date", help="business date YYYY-MM-DD (default: the last published)")
        if name == "generate":
            command.add_argument("--force", action="store_true", help="write into a non-empty inbox")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*is currently in beta.*")  # Dagster's API notes
    args = build_parser().parse_args(argv)
    handler, _ = COMMANDS[args.command]
    try:
        handler(args, Paths.from_env())
    except UserError as mistake:
        print(f"error: {mistake}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0

"""Landing one package: verify, read, type, check, write. The entry points of the landing layer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Literal

import polars as pl

from warehouse.contract.spec import (
    CLIENT_BROKERS,
    CLIENTS,
    HQ,
    ORDERS,
    SECURITIES,
    TRADES,
    FileSpec,
    files_for,
)
from warehouse.lake.layout import DQ_EVENTS, LANDED_PACKAGES, QUARANTINE_SUFFIX, partition_file

from . import package_rules, row_rules
from .errors import FileRejected, PackageNotReady, PackageRefused
from .events import combine, rules_by_row
from .fields import Typed, dtype, type_file
from .history import branch_context, hq_branch_codes, hq_relations, hq_securities
from .inbox import package_key
from .lake_writer import replace_branch_day, write_parquet, write_refusal
from .manifest import Manifest, content_digest, read_manifest, verified_files
from .pending import landed_records
from .reader import SOURCE_ROW, read_strings, to_utf8
from .state import (
    CLIENT_RATES,
    RELATIONS_STATE,
    SECURITIES_STATE,
    SUBSCRIPTIONS,
    fold,
    partitions_to_write,
    refresh_later,
    states_for,
)
from .threads import map_on_threads

Outcome = Literal["landed", "unchanged", "refused"]


@dataclass(frozen=True)
class LandingResult:
    business_date: date
    branch: str
    revision: int
    outcome: Outcome
    rows: dict[str, int]  # file -> rows landed in its typed table
    violations: dict[str, int]  # rule -> number of dq events
    quarantined: int  # rows sent to quarantine, all files
    reason: str | None = None  # why the package was refused


_RECORD_SCHEMA: dict[str, pl.DataType] = {
    "revision": pl.Int64(),
    "manifest_sha256": pl.String(),
    "encoding": pl.String(),
    "rows": pl.List(pl.Struct({"file": pl.String(), "rows": pl.Int64()})),
    "violations": pl.List(pl.Struct({"rule": pl.String(), "events": pl.Int64()})),
    "quarantined": pl.Int64(),
}


def landed_state(lake: Path) -> dict[tuple[date, str], int]:
    """(business_date, branch) -> revision landed."""
    return {(d, b): revision for d, b, revision, _ in landed_records(lake).iter_rows()}


def _landed_record(lake: Path, business_date: date, branch: str) -> dict[str, object] | None:
    path = partition_file(lake, LANDED_PACKAGES, business_date, branch)
    return pl.read_parquet(path).row(0, named=True) if path.is_file() else None


def _owned_tables(branch: str) -> list[str]:
    tables = [s.table for s in files_for(branch)]
    states = [s.table for s in states_for(branch)]
    return [*tables, *(t + QUARANTINE_SUFFIX for t in tables), DQ_EVENTS, *states]


def land_package(package_dir: Path, lake: Path) -> LandingResult:
    """Land one package folder into the lake (see the module docs of `warehouse.landing`).

    Raises `PackageNotReady` (or its `PackageIncomplete`) when the package cannot be landed yet.
    """
    business_date, branch = package_key(package_dir)
    manifest: Manifest | None = None
    try:
        manifest = read_manifest(package_dir, business_date, branch)
        landed = _landed_record(lake, business_date, branch)
        if landed is not None:
            if landed["revision"] == manifest.revision and landed["manifest_sha256"] == manifest.digest:
                return LandingResult(
                    business_date,
                    branch,
                    manifest.revision,
                    "unchanged",
                    {r["file"]: r["rows"] for r in landed["rows"]},  # type: ignore[union-attr]
                    {v["rule"]: v["events"] for v in landed["violations"]},  # type: ignore[union-attr]
                    int(landed["quarantined"]),  # type: ignore[call-overload]
                )
            if manifest.revision <= landed["revision"]:  # type: ignore[operator]
                raise PackageRefused(
                    branch,
                    business_date,
                    "revision_not_higher",
                    f"revision {manifest.revision} with other content than the landed revision "
                    f"{landed['revision']}; a correction needs a higher revision",
                    file="manifest.json",
                )
        if branch != HQ:
            if not partition_file(lake, LANDED_PACKAGES, business_date, HQ).is_file():
                raise PackageNotReady(f"head office's package of {business_date} is not landed yet")
            if branch not in hq_branch_codes(lake, business_date).to_list():
                raise PackageRefused(
                    branch,
                    business_date,
                    "unknown_branch",
                    "branch code not in head office's branches.csv of that date",
                )
        return _land(package_dir, lake, manifest)
    except PackageRefused as refused:
        _record_refusal(lake, package_dir, manifest, refused)
        revision = manifest.revision if manifest is not None else 0
        return LandingResult(
            business_date, branch, revision, "refused", {}, {refused.rule: 1}, 0, str(refused)
        )


def _record_refusal(
    lake: Path, package_dir: Path, manifest: Manifest | None, refused: PackageRefused
) -> None:
    digest = content_digest(package_dir)
    record = pl.DataFrame(
        [
            {
                "revision": manifest.revision if manifest else None,
                "manifest_sha256": manifest.digest if manifest else None,
                "package_sha256": digest,
                "file": refused.file,
                SOURCE_ROW: refused.row,
                "rule": refused.rule,
                "detail": refused.detail,
            }
        ],
        schema={
            "revision": pl.Int64,
            "manifest_sha256": pl.String,
            "package_sha256": pl.String,
            "file": pl.String,
            SOURCE_ROW: pl.Int64,
            "rule": pl.String,
            "detail": pl.String,
        },
    )
    write_refusal(lake, refused.business_date, refused.branch, digest[:16], record)


def _read(package_dir: Path, manifest: Manifest, specs: tuple[FileSpec, ...]) -> dict[str, Typed]:
    return _typed_files(verified_files(package_dir, manifest, specs), manifest, specs)


def _typed_files(
    contents: dict[str, bytes], manifest: Manifest, specs: tuple[FileSpec, ...]
) -> dict[str, Typed]:
    """Each file decoded, read and typed, the files side by side; a refusal names the first refused
    file in the contract's order."""

    def read(spec: FileSpec) -> Typed:
        try:
            strings = read_strings(to_utf8(contents.pop(spec.name), manifest.encoding), spec)
        except FileRejected as rejected:
            raise PackageRefused(
                manifest.branch,
                manifest.business_date,
                rejected.rule,
                rejected.detail,
                file=spec.name,
                row=rejected.row,
            ) from rejected
        expected = manifest.files[spec.name].rows
        if strings.height != expected:
            raise PackageRefused(
                manifest.branch,
                manifest.business_date,
                "row_count_mismatch",
                f"{strings.height} data rows, manifest says {expected}",
                file=spec.name,
            )
        return type_file(strings, spec)

    return dict(zip((spec.name for spec in specs), map_on_threads(read, specs), strict=True))


Checked = tuple[list[pl.DataFrame], dict[str, pl.DataFrame]]  # dq events, state table -> its new partition


def _branch_events(lake: Path, manifest: Manifest, files: dict[str, Typed]) -> Checked:
    day = manifest.business_date
    ctx = branch_context(lake, day, manifest.branch, files[CLIENTS.name])
    enriched = dict(files)
    for spec, quotes in ((ORDERS, False), (TRADES, True)):
        rows = row_rules.with_reference(files[spec.name].rows, ctx, quotes=quotes)
        enriched[spec.name] = dataclasses.replace(files[spec.name], rows=rows)
    checks: list[Callable[[], list[pl.DataFrame]]] = [
        lambda: row_rules.order_rules(enriched[ORDERS.name].rows),
        lambda: row_rules.trade_rules(enriched[TRADES.name].rows, day),
        *(partial(package_rules.duplicate_keys, files[s.name], s) for s in files_for(manifest.branch)),
        lambda: package_rules.unknown_clients(files, ctx),
        lambda: package_rules.unknown_securities(files, ctx),
        lambda: package_rules.order_fill_rules(files, ctx),
        lambda: package_rules.roll_forward_rules(enriched, ctx),
    ]
    # independent of each other: side by side, their events kept in this order
    events = [event for found in map_on_threads(lambda check: check(), checks) for event in found]
    states = {
        CLIENT_RATES.table: ctx.rates,
        SUBSCRIPTIONS.table: fold(SUBSCRIPTIONS, SUBSCRIPTIONS.empty(), files[ORDERS.name].rows, day),
    }
    return events, states


def _hq_events(lake: Path, manifest: Manifest, files: dict[str, Typed]) -> Checked:
    day = manifest.business_date
    events = row_rules.relation_rules(files[CLIENT_BROKERS.name].rows)
    for spec in files_for(HQ):
        events += package_rules.duplicate_keys(files[spec.name], spec)
    securities = hq_securities(lake, day, files[SECURITIES.name].rows)
    earlier_relations = hq_relations(lake, day)
    events += package_rules.hq_rules(files, securities, earlier_relations, day)
    relations = fold(RELATIONS_STATE, earlier_relations, files[CLIENT_BROKERS.name].rows, day)
    return events, {SECURITIES_STATE.table: securities, RELATIONS_STATE.table: relations}


def _land(package_dir: Path, lake: Path, manifest: Manifest) -> LandingResult:
    specs = files_for(manifest.branch)
    files = _read(package_dir, manifest, specs)
    parse_events = [t.events for t in files.values()]
    checks, states = (_hq_events if manifest.branch == HQ else _branch_events)(lake, manifest, files)
    order = {spec.name: i for i, spec in enumerate(specs)}
    events = combine([*parse_events, *checks])
    events = (
        events.with_columns(
            pl.col("file").replace_strict(order, default=-1, return_dtype=pl.Int32).alias("__file")
        )
        .sort(["__file", SOURCE_ROW], nulls_last=False, maintain_order=True)
        .drop("__file")
    )

    tables: dict[str, pl.DataFrame] = {}
    for spec in specs:
        typed = files[spec.name]
        rows = typed.rows.select(*(pl.col(c.name).cast(dtype(c)) for c in spec.columns), SOURCE_ROW)
        by_row = rules_by_row(events, spec.name)
        if by_row.is_empty():
            rows = rows.with_columns(pl.lit(None, pl.String).alias("dq_rules"))
        else:
            rows = rows.join(by_row, on=SOURCE_ROW, how="left", maintain_order="left")
        tables[spec.table] = rows
        if not typed.quarantine.is_empty():
            tables[spec.table + QUARANTINE_SUFFIX] = typed.quarantine
    if not events.is_empty():
        tables[DQ_EVENTS] = events
    tables.update(partitions_to_write(lake, manifest.branch, manifest.business_date, states))

    rows_landed = {spec.name: files[spec.name].rows.height for spec in specs}
    violations = dict(events.group_by("rule", maintain_order=True).len().iter_rows())
    quarantined = sum(f.quarantine.height for f in files.values())
    record = pl.DataFrame(
        [
            {
                "revision": manifest.revision,
                "manifest_sha256": manifest.digest,
                "encoding": manifest.encoding,
                "rows": [{"file": k, "rows": v} for k, v in rows_landed.items()],
                "violations": [{"rule": k, "events": v} for k, v in violations.items()],
                "quarantined": quarantined,
            }
        ],
        schema=_RECORD_SCHEMA,
    )
    replace_branch_day(
        lake, manifest.business_date, manifest.branch, tables, _owned_tables(manifest.branch), record
    )
    refresh_later(lake, manifest.branch, manifest.business_date, write_parquet)
    return LandingResult(
        manifest.business_date,
        manifest.branch,
        manifest.revision,
        "landed",
        rows_landed,
        violations,
        quarantined,
    )

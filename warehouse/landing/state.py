"""Derived per-branch state: what landing needs from a branch's (or head office's) earlier days, kept
small and carried forward one landed day at a time, so landing day t never scans earlier days.

Rules that look back in history need, for each branch-day, only a folded summary of all earlier days:

    _state_client_rates    branch  client_id, commission_rate: every client's latest record
    _state_subscriptions   branch  order_id, client_id, market, security_code: the day's IPO
                                   subscriptions only (see below)
    _state_securities      HQ      market, security_code, security_type, board, list_date: latest record
    _state_client_brokers  HQ      the latest client_brokers row of every relation key still open
                                   (a relation whose end_date is before the day can never be open again)

Each is a lake table partitioned like the others (`business_date=.../branch=...`). The partition of
day t is "the state as of the end of day t": the state of the branch's previous landed day plus the
typed rows of day t's file, folded (latest row per key wins). It is written
with the branch-day in the same atomic swap (`replace_branch_day`), so it is replaced whole with the
branch-day, a re-run writes the same bytes, and a correction of day t re-derives day t's state from the
previous landed day's state. Landing day t reads one state partition: that of the previous landed day
(or, for head office's securities seen by a branch, head office's state of day t itself).

Subscriptions are the exception. By the contract an allotment may name a subscription of any earlier
day, so none can ever be dropped, and a state holding all of them, rewritten every day, would grow with
the square of the history (nearly half the `demo` lake's state after one year). Each partition of
`_state_subscriptions` holds its own day's subscriptions (a small extract of that day's orders), and
the rules read every earlier partition of the branch (`partitions_before`), only for a package that
has an allotment or a security head office does not know.

The state holds codes, rates, dates and relation shares only, never personal data (no names, id
numbers or phone numbers).

Out of order: when a day earlier than the branch's last landed day is landed (a late package or a
correction), the states of the branch's later landed days are re-derived forward from it, one landed
day at a time (`refresh_later`). A lake landed before these states existed has no state partition; the
state of such a day is rebuilt once from the landed partitions up to it (`state_as_of`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.contract.spec import CLIENT_BROKERS, CLIENTS, HQ, ORDERS, SECURITIES, FileSpec
from warehouse.lake.layout import LANDED_PACKAGES, PART_FILE, partition_file

from .fields import dtype
from .inbox import parse_date_dir


@dataclass(frozen=True)
class StateTable:
    table: str  # lake table name, starts with "_state_"
    source: FileSpec  # the package file it is derived from
    columns: tuple[str, ...]  # columns of the source kept in the state
    key: tuple[str, ...] | None  # the latest row per key is kept; None: every row is kept
    keep: pl.Expr | None = None  # only source rows passing this enter the state
    drop_on: Callable[[date], pl.Expr] | None = None  # state rows dropped once the state is as of a date
    cumulative: bool = True  # False: a partition holds its own day's rows only

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema={c: dtype(self.source.column(c)) for c in self.columns})


CLIENT_RATES = StateTable("_state_client_rates", CLIENTS, ("client_id", "commission_rate"), ("client_id",))
SUBSCRIPTIONS = StateTable(
    "_state_subscriptions",
    ORDERS,
    ("order_id", "client_id", "market", "security_code"),
    None,
    keep=pl.col("biz_type") == "1",
    cumulative=False,
)
SECURITIES_STATE = StateTable(
    "_state_securities",
    SECURITIES,
    ("market", "security_code", "security_type", "board", "list_date"),
    ("market", "security_code"),
)
RELATIONS_STATE = StateTable(
    "_state_client_brokers",
    CLIENT_BROKERS,
    ("client_id", "broker_id", "relation_type", "share_pct", "start_date", "end_date"),
    ("client_id", "broker_id", "relation_type", "start_date"),
    drop_on=lambda day: pl.col("end_date").is_not_null() & (pl.col("end_date") < pl.lit(day)),
)
BRANCH_STATES = (CLIENT_RATES, SUBSCRIPTIONS)
HQ_STATES = (SECURITIES_STATE, RELATIONS_STATE)


def states_for(branch: str) -> tuple[StateTable, ...]:
    return HQ_STATES if branch == HQ else BRANCH_STATES


def fold(state: StateTable, previous: pl.DataFrame, rows: pl.DataFrame, day: date) -> pl.DataFrame:
    """The state as of `day`: the previous state plus the day's typed `rows` of the source file (only
    the day's rows for a state that is not cumulative)."""
    today = rows if state.keep is None else rows.filter(state.keep)
    if not state.cumulative:
        return today.select(state.columns)
    frame = pl.concat([previous.select(state.columns), today.select(state.columns)])
    if state.key is not None:
        frame = frame.unique(list(state.key), keep="last", maintain_order=True)
    if state.drop_on is not None:
        frame = frame.filter(~state.drop_on(day))
    return frame


def landed_days(lake: Path, branch: str) -> list[date]:
    """Every landed business date of the branch, oldest first (a directory listing, no file read)."""
    found = []
    for path in (lake / LANDED_PACKAGES).glob(f"business_date=*/branch={branch}/{PART_FILE}"):
        day = parse_date_dir(path.parent.parent.name.removeprefix("business_date=").replace("-", ""))
        if day is not None:
            found.append(day)
    return sorted(found)


def _source_rows(lake: Path, state: StateTable, day: date, branch: str) -> pl.DataFrame:
    path = partition_file(lake, state.source.table, day, branch)
    if not path.is_file():
        empty = state.empty()
        return empty if state.keep is None else empty.with_columns(pl.lit(None, pl.String).alias("biz_type"))
    columns = [*state.columns, *(["biz_type"] if state.keep is not None else [])]
    return pl.read_parquet(path, columns=columns)


def state_as_of(lake: Path, state: StateTable, branch: str, day: date) -> pl.DataFrame:
    """The state at the end of the landed day `day` of the branch: its partition, or, in a lake landed
    before states were kept, folded once from the landed partitions up to that day."""
    path = partition_file(lake, state.table, day, branch)
    if path.is_file():
        return pl.read_parquet(path)
    if not state.cumulative:
        return fold(state, state.empty(), _source_rows(lake, state, day, branch), day)
    frame = state.empty()
    for earlier in (d for d in landed_days(lake, branch) if d <= day):
        frame = fold(state, frame, _source_rows(lake, state, earlier, branch), earlier)
    return frame


def state_before(lake: Path, state: StateTable, branch: str, day: date) -> pl.DataFrame:
    """The state at the end of the branch's latest landed day before `day` (empty on its first day)."""
    earlier = [d for d in landed_days(lake, branch) if d < day]
    return state_as_of(lake, state, branch, earlier[-1]) if earlier else state.empty()


def partitions_before(lake: Path, state: StateTable, branch: str, day: date) -> pl.DataFrame:
    """Every row of a state that is not cumulative from the branch's landed days before `day`."""
    assert not state.cumulative, state.table
    kept: list[Path] = []
    derived: list[pl.DataFrame] = []  # days landed before the state was kept: from their source file
    for earlier in (d for d in landed_days(lake, branch) if d < day):
        path = partition_file(lake, state.table, earlier, branch)
        if path.is_file():
            kept.append(path)
        else:
            derived.append(state_as_of(lake, state, branch, earlier))
    frames = ([pl.read_parquet(kept)] if kept else []) + derived
    return pl.concat(frames) if frames else state.empty()


def refresh_later(lake: Path, branch: str, day: date, write: Callable[[pl.DataFrame, Path], None]) -> None:
    """After landing `day`, re-derive the states of the branch's later landed days, in date order."""
    later = [d for d in landed_days(lake, branch) if d > day]
    for state in (s for s in states_for(branch) if s.cumulative):
        previous = state_as_of(lake, state, branch, day) if later else None
        for u in later:
            assert previous is not None
            previous = fold(state, previous, _source_rows(lake, state, u, branch), u)
            target = partition_file(lake, state.table, u, branch)
            temporary = target.with_name(PART_FILE + ".tmp")
            write(previous, temporary)
            os.replace(temporary, target)

"""Derived per-branch state: what landing needs from a branch's (or head office's) earlier days, kept
small and carried forward one landed day at a time, so landing day t never scans earlier days.

Rules that look back in history need, for each branch-day, only a folded summary of all earlier days:

    _state_client_rates    branch  client_id, commission_rate: every client's latest record
    _state_subscriptions   branch  order_id, client_id, market, security_code: the day's IPO
                                   subscriptions only (see below)
    _state_securities      HQ      market, security_code, security_type, board, list_date: latest record
    _state_client_brokers  HQ      the latest client_brokers row of every relation key still open
                                   (a relation whose end_date is before the day can never be open again)

Each is a lake table partitioned like the others (`business_date=.../branch=...`). A partition of
day t is "the state as of the end of day t": the state of the branch's previous landed day plus the
typed rows of day t's file, folded (latest row per key wins). It is written with the branch-day in the
same atomic swap (`replace_branch_day`), so it is replaced whole with the branch-day, a re-run writes
the same bytes, and a correction of day t re-derives day t's state from the previous landed day's.

Head office's securities state, read by every branch every day, has a partition on every landed day.
The two big ones (client rates, service relations: a row per client) have one only on the branch's
first landed day of each month (`monthly`): the state of any other day is that snapshot folded with
the source files of the days after it (at most a month of one small file a day: the clients and
client_brokers files hold the day's changes). Written every day, each partition a full copy, they
grew with the square of the history (921 MB after one year of `bench10m`, for 24 MB of source rows).
Landing day t reads one state partition and, for a monthly state, the source files of the month's
earlier days (or, for head office's securities seen by a branch, head office's state of day t itself).

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
day at a time, and those that have a partition are rewritten (`refresh_later`). A lake landed before
these states existed has no state partition: the state of a day is folded from all the landed
partitions up to it (`state_as_of`).
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
    monthly: bool = False  # True: a partition on the branch's first landed day of each month only

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema={c: dtype(self.source.column(c)) for c in self.columns})


CLIENT_RATES = StateTable(
    "_state_client_rates", CLIENTS, ("client_id", "commission_rate"), ("client_id",), monthly=True
)
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
    monthly=True,
)
BRANCH_STATES = (CLIENT_RATES, SUBSCRIPTIONS)
HQ_STATES = (SECURITIES_STATE, RELATIONS_STATE)


def states_for(branch: str) -> tuple[StateTable, ...]:
    return HQ_STATES if branch == HQ else BRANCH_STATES


def fold(state: StateTable, previous: pl.DataFrame, rows: pl.DataFrame, day: date) -> pl.DataFrame:
    """The state as of `day`: the previous state plus the day's typed `rows` of the source file (only
    the day's rows for a state that is not cumulative)."""
    return fold_days(state, previous, [(day, rows)])


def fold_days(
    state: StateTable, previous: pl.DataFrame, days: list[tuple[date, pl.DataFrame]]
) -> pl.DataFrame:
    """`previous` folded with each (day, typed source rows) in date order, in one pass: the latest row
    of every key over all of them, less the rows dropped as of the last day. The same as folding one
    day at a time, as `drop_on` holds from some day on: a row dropped on a day is dropped on every
    later day, unless a later row of its key replaces it."""
    if not days:
        return previous
    todays = [rows if state.keep is None else rows.filter(state.keep) for _, rows in days]
    if not state.cumulative:
        return todays[-1].select(state.columns)
    frame = pl.concat([previous.select(state.columns), *(today.select(state.columns) for today in todays)])
    if state.key is not None:
        frame = frame.unique(list(state.key), keep="last", maintain_order=True)
    if state.drop_on is not None:
        frame = frame.filter(~state.drop_on(days[-1][0]))
    return frame


def writes_partition(lake: Path, state: StateTable, branch: str, day: date) -> bool:
    """Whether the state has a partition on the branch's landed day `day`: every day, or, for a
    monthly state, the first landed day of its month."""
    if not state.monthly:
        return True
    month = (day.year, day.month)
    return not any(d < day and (d.year, d.month) == month for d in landed_days(lake, branch))


def landed_days(lake: Path, branch: str = "*") -> list[date]:
    """Every landed business date of the branch (default: of any branch), oldest first (a directory
    listing, no file read)."""
    found = set()
    for path in (lake / LANDED_PACKAGES).glob(f"business_date=*/branch={branch}/{PART_FILE}"):
        day = parse_date_dir(path.parent.parent.name.removeprefix("business_date=").replace("-", ""))
        if day is not None:
            found.add(day)
    return sorted(found)


def _source_rows(lake: Path, state: StateTable, day: date, branch: str) -> pl.DataFrame:
    path = partition_file(lake, state.source.table, day, branch)
    if not path.is_file():
        empty = state.empty()
        return empty if state.keep is None else empty.with_columns(pl.lit(None, pl.String).alias("biz_type"))
    columns = [*state.columns, *(["biz_type"] if state.keep is not None else [])]
    return pl.read_parquet(path, columns=columns)


def state_as_of(lake: Path, state: StateTable, branch: str, day: date) -> pl.DataFrame:
    """The state at the end of the landed day `day` of the branch: its partition, or the latest earlier
    partition (none: an empty state) folded with the source files of the days after it."""
    own = _partition(lake, state, day, branch)
    if own is not None:
        return pl.read_parquet(own)
    if not state.cumulative:
        return fold(state, state.empty(), _source_rows(lake, state, day, branch), day)
    earlier = [d for d in landed_days(lake, branch) if d < day]
    frame, after = state.empty(), earlier
    for i in reversed(range(len(earlier))):
        snapshot = _partition(lake, state, earlier[i], branch)
        if snapshot is not None:
            frame, after = pl.read_parquet(snapshot), earlier[i + 1 :]
            break
    return fold_days(state, frame, [(d, _source_rows(lake, state, d, branch)) for d in [*after, day]])


def _partition(lake: Path, state: StateTable, day: date, branch: str) -> Path | None:
    path = partition_file(lake, state.table, day, branch)
    return path if path.is_file() else None


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


def partitions_to_write(
    lake: Path, branch: str, day: date, frames: dict[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """Of the states as of `day` (by table), those with a partition on that day."""
    states = {state.table: state for state in states_for(branch)}
    return {
        table: frame for table, frame in frames.items() if writes_partition(lake, states[table], branch, day)
    }


def refresh_later(lake: Path, branch: str, day: date, write: Callable[[pl.DataFrame, Path], None]) -> None:
    """After landing `day`, re-derive the states of the branch's later landed days, in date order, and
    rewrite those that have a partition."""
    later = [d for d in landed_days(lake, branch) if d > day]
    for state in (s for s in states_for(branch) if s.cumulative):
        kept = [u for u in later if _partition(lake, state, u, branch)]
        if not kept:
            continue
        previous, done = state_as_of(lake, state, branch, day), day
        for u in kept:
            days = [d for d in later if done < d <= u]
            previous = fold_days(state, previous, [(d, _source_rows(lake, state, d, branch)) for d in days])
            target = partition_file(lake, state.table, u, branch)
            temporary = target.with_name(PART_FILE + ".tmp")
            write(previous, temporary)
            os.replace(temporary, target)
            done = u

"""What landing needs from the lake: earlier landed days of a branch and head office's reference data.

Reads prune by the Hive path (`business_date=.../branch=...`), so a branch-day only ever opens its
own branch's partitions and head office's, never the whole lake. What rules need from all earlier days
(clients' rates, securities, service relations) comes from one derived state partition of the
previous landed day (see `state`), so landing a day costs the same after 20 or 2,000 landed days; IPO
subscriptions of every earlier day are read only for a package that needs them. Data of the day
being landed is never read back from the lake: a correction must not be checked against the revision
it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import polars as pl

from warehouse.contract.spec import HQ
from warehouse.lake.layout import LANDED_PACKAGES, PART_FILE, partition_file

from .fields import Typed
from .inbox import parse_date_dir
from .state import (
    CLIENT_RATES,
    RELATIONS_STATE,
    SECURITIES_STATE,
    SUBSCRIPTIONS,
    fold,
    partitions_before,
    state_as_of,
    state_before,
)

SECURITY_KEY = ["market", "security_code"]
POSITION_KEY = ["client_id", "market", "security_code"]


def partitions(lake: Path, table: str, branch: str) -> list[tuple[date, Path]]:
    """(business date, file) of every partition of one branch in a table, oldest first."""
    found = []
    for path in (lake / table).glob(f"business_date=*/branch={branch}/{PART_FILE}"):
        day = parse_date_dir(path.parent.parent.name.removeprefix("business_date=").replace("-", ""))
        if day is not None:
            found.append((day, path))
    return sorted(found)


def landed_dates(lake: Path, branch: str) -> list[date]:
    return [day for day, _ in partitions(lake, LANDED_PACKAGES, branch)]


@dataclass(frozen=True)
class Previous:
    """End-of-day holdings and cash of the branch's previous trading day."""

    business_date: date
    positions: pl.DataFrame  # client_id, market, security_code, qty
    balances: pl.DataFrame  # client_id, cash_balance


@dataclass(frozen=True)
class BranchContext:
    lake: Path
    business_date: date
    branch: str
    securities: pl.DataFrame  # latest record of every security listed up to the date
    quotes: pl.DataFrame  # market, security_code, prev_close of the date
    rates: pl.DataFrame  # client_id, commission_rate: the latest client record up to the date
    known_clients: pl.Series  # every client id of the branch up to the date
    previous: Previous | None  # None on the branch's first landed day or after a gap
    gap_from: date | None  # the previous landed date when it is not the previous trading day

    @cached_property
    def subscriptions(self) -> pl.DataFrame:
        """IPO subscription orders (biz_type 1) of the branch's earlier landed days: order_id, client_id,
        market, security_code (read on first use: every earlier day's partition)."""
        return partitions_before(self.lake, SUBSCRIPTIONS, self.branch, self.business_date)


def hq_securities(lake: Path, business_date: date, today: pl.DataFrame | None = None) -> pl.DataFrame:
    """Latest record of every security up to the date: head office's securities state of the date, or,
    while head office's package of the date is being landed, the state before it folded with `today`."""
    if today is None:
        return state_as_of(lake, SECURITIES_STATE, HQ, business_date)
    earlier = state_before(lake, SECURITIES_STATE, HQ, business_date)
    return fold(SECURITIES_STATE, earlier, today, business_date)


def hq_branch_codes(lake: Path, business_date: date) -> pl.Series:
    return pl.read_parquet(partition_file(lake, "branches", business_date, HQ), columns=["branch_code"])[
        "branch_code"
    ]


def branch_context(lake: Path, business_date: date, branch: str, clients: Typed) -> BranchContext:
    securities = hq_securities(lake, business_date)
    quotes = pl.read_parquet(
        partition_file(lake, "quotes", business_date, HQ), columns=[*SECURITY_KEY, "prev_close"]
    ).unique(SECURITY_KEY, keep="first", maintain_order=True)
    before = state_before(lake, CLIENT_RATES, branch, business_date)
    rates = fold(CLIENT_RATES, before, clients.rows, business_date)
    known = pl.concat([rates["client_id"], clients.quarantine["client_id"].drop_nulls()]).unique()

    trading_days = [d for d in landed_dates(lake, HQ) if d < business_date]
    branch_days = [d for d in landed_dates(lake, branch) if d < business_date]
    previous, gap_from = None, None
    if branch_days and trading_days and branch_days[-1] == trading_days[-1]:
        day = branch_days[-1]
        previous = Previous(
            day,
            pl.read_parquet(partition_file(lake, "positions", day, branch), columns=[*POSITION_KEY, "qty"]),
            pl.read_parquet(
                partition_file(lake, "balances", day, branch), columns=["client_id", "cash_balance"]
            ),
        )
    elif branch_days:
        gap_from = branch_days[-1]
    return BranchContext(lake, business_date, branch, securities, quotes, rates, known, previous, gap_from)


def hq_relations(lake: Path, business_date: date) -> pl.DataFrame:
    """The service relations state of head office's landed day before the date: the latest row of every
    relation that can still be open."""
    return state_before(lake, RELATIONS_STATE, HQ, business_date)

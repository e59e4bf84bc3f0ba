"""What landing needs from the lake: earlier landed days of a branch and head office's reference data.

Reads prune by the Hive path (`business_date=.../branch=...`), so a branch-day only ever opens its
own branch's partitions and head office's, never the whole lake. Data of the day being landed is
never read back from the lake: a correction must not be checked against the revision it replaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.contract.spec import CLIENT_BROKERS, CLIENTS, HQ, ORDERS, SECURITIES, FileSpec
from warehouse.lake.layout import LANDED_PACKAGES, PART_FILE, partition_file

from .fields import Typed, dtype
from .inbox import parse_date_dir

BUSINESS_DATE = "business_date"
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


def scan(
    lake: Path, spec: FileSpec, branch: str, columns: list[str], keep: Callable[[date], bool]
) -> pl.DataFrame:
    """The given columns of a branch's partitions whose date passes `keep`, with `business_date`."""
    frames = [
        pl.scan_parquet(path).select(columns).with_columns(pl.lit(day).alias(BUSINESS_DATE))
        for day, path in partitions(lake, spec.table, branch)
        if keep(day)
    ]
    if not frames:
        return pl.DataFrame(schema={c: dtype(spec.column(c)) for c in columns} | {BUSINESS_DATE: pl.Date()})
    return pl.concat(frames).collect()


def latest(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The latest business date's row per key (rows of one date keep their file order: last wins)."""
    return (
        frame.with_row_index("__order")
        .sort([BUSINESS_DATE, "__order"])
        .unique(key, keep="last", maintain_order=True)
        .drop("__order")
    )


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

    def subscriptions(self) -> pl.DataFrame:
        """IPO subscription orders (biz_type 1) of the branch's earlier landed days."""
        frame = scan(
            self.lake,
            ORDERS,
            self.branch,
            ["order_id", "client_id", "market", "security_code", "biz_type"],
            lambda d: d < self.business_date,
        )
        return frame.filter(pl.col("biz_type") == "1").drop("biz_type", BUSINESS_DATE)


def hq_securities(lake: Path, business_date: date, today: pl.DataFrame | None = None) -> pl.DataFrame:
    """Latest record of every security up to the date: from landed HQ days up to it, or, while head
    office's package of the date is being landed, from the days before plus `today`."""
    columns = ["market", "security_code", "security_type", "board", "list_date"]
    if today is None:
        return latest(scan(lake, SECURITIES, HQ, columns, lambda d: d <= business_date), SECURITY_KEY).drop(
            BUSINESS_DATE
        )
    earlier = scan(lake, SECURITIES, HQ, columns, lambda d: d < business_date)
    today = today.select(columns).with_columns(pl.lit(business_date).alias(BUSINESS_DATE))
    return latest(pl.concat([earlier, today]), SECURITY_KEY).drop(BUSINESS_DATE)


def hq_branch_codes(lake: Path, business_date: date) -> pl.Series:
    return pl.read_parquet(partition_file(lake, "branches", business_date, HQ), columns=["branch_code"])[
        "branch_code"
    ]


def branch_context(lake: Path, business_date: date, branch: str, clients: Typed) -> BranchContext:
    securities = hq_securities(lake, business_date)
    quotes = pl.read_parquet(
        partition_file(lake, "quotes", business_date, HQ), columns=[*SECURITY_KEY, "prev_close"]
    ).unique(SECURITY_KEY, keep="first", maintain_order=True)
    before = scan(lake, CLIENTS, branch, ["client_id", "commission_rate"], lambda d: d < business_date)
    today = clients.rows.select("client_id", "commission_rate").with_columns(
        pl.lit(business_date).alias(BUSINESS_DATE)
    )
    rates = latest(pl.concat([before, today]), ["client_id"]).drop(BUSINESS_DATE)
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
    """client_brokers rows of head office's landed days before the date."""
    columns = ["client_id", "broker_id", "relation_type", "share_pct", "start_date", "end_date"]
    return scan(lake, CLIENT_BROKERS, HQ, columns, lambda d: d < business_date)

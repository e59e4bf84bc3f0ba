"""Runs the synthetic brokerage day by day and writes each day's branch and head-office packages."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from warehouse.contract import spec
from warehouse.contract.rules import stamp_duty_ppm
from warehouse.synthetic.calendar import business_days
from warehouse.synthetic.clients import Clients
from warehouse.synthetic.custody import Transfers, transfers
from warehouse.synthetic.flows import Flows, inflows, outflows
from warehouse.synthetic.ipo import IpoDesk, Subscriptions
from warehouse.synthetic.ledger import opening_book
from warehouse.synthetic.market import Quotes, Universe
from warehouse.synthetic.money import prorate
from warehouse.synthetic.organisation import Organisation
from warehouse.synthetic.presets import PRESETS, Preset
from warehouse.synthetic.records import BRANCH, Fills, Formatter, Orders, ids, session_clock
from warehouse.synthetic.reference import BRANCHES
from warehouse.synthetic.trading import FILLED, trade
from warehouse.synthetic.writer import write_package

RECIPIENTS = "recipients.csv"
LISTING_HORIZON = timedelta(days=45)  # business days beyond the period, for IPOs listing after it


@dataclass
class GenerationReport:
    preset: str
    days: int
    branches: int
    clients: int
    orders: int
    fills: int
    bytes_written: int
    seconds: float

    @property
    def fills_per_second(self) -> float:
        return self.fills / self.seconds if self.seconds > 0 else 0.0


def _rng(*key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(list(key))))


def _interest_days(days: list[date]) -> set[int]:
    """利息归本: interest is settled on the 21st of each quarter's last month, posted that business day or the
    next one."""
    posted: dict[tuple[int, int], int] = {}
    for i, d in enumerate(days):
        if d.month % 3 == 0 and d.day >= 21:
            posted.setdefault((d.year, d.month), i)
    return set(posted.values())


def _split(frame: pl.DataFrame, branches: int) -> list[pl.DataFrame]:
    parts = frame.partition_by(BRANCH, as_dict=True)
    return [parts.get((b,), frame.clear()) for b in range(branches)]


class Brokerage:
    """The whole simulated company: market, clients, organisation and books, moved on one day at a time."""

    def __init__(self, preset: Preset, seed: int) -> None:
        self.preset = preset
        self.seed = seed
        self.days = business_days(preset.start, preset.end)
        self.horizon = business_days(preset.start, preset.end + LISTING_HORIZON)
        self.branches = BRANCHES[: preset.branches]
        setup = _rng(seed, 0)
        self.universe = Universe(
            setup, preset.stocks, preset.etfs, preset.ipos, preset.dividend_share, self.days
        )
        self.clients = Clients(setup, preset, self.branches, self.days)
        self.org = Organisation(
            setup,
            self.branches,
            np.bincount(self.clients.branch, minlength=len(self.branches)),
            preset.clients_per_broker,
            preset.leaver_share,
            self.days,
        )
        existing = np.flatnonzero(self.clients.open_day < 0)
        self.org.assign(setup, existing, self.clients.branch[existing], self.clients.open_ord[existing], 0)
        self.book = opening_book(setup, self.clients, self.universe)
        self.ipo = IpoDesk()
        self.fmt = Formatter(self.universe, self.clients.client_id, self.clients.branch)
        self.counters = {
            k: np.ones(len(self.branches), dtype=np.int64) for k in ("order", "trade", "flow", "custody")
        }
        self.interest_days = _interest_days(self.days)

    def day(self, t: int) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
        """Simulate business day t; returns the day's branch frames (with the branch column) and HQ frames."""
        clients, book, universe, org = self.clients, self.book, self.universe, self.org
        rng = _rng(self.seed, 1, t)
        n = clients.size
        quotes = universe.step(t, rng)
        live = (clients.open_day <= t) & ((clients.close_day < 0) | (clients.close_day >= t))
        new = np.flatnonzero(clients.open_day == t)
        closing = np.flatnonzero(clients.close_day == t)
        relation_rows = [
            org.assign(rng, new, clients.branch[new], clients.open_ord[new], t),
            org.brokers_leaving(rng, t),
        ]
        reassessed = np.flatnonzero(live & (clients.open_day < t) & (rng.random(n) < 0.0003))
        clients.risk[reassessed] = (clients.risk[reassessed] + rng.choice([-1, 1], reassessed.size)).clip(
            0, 4
        )

        # cash and securities movements before trading
        flows_in = inflows(rng, t, clients, book, quotes, live, t in self.interest_days)
        available = book.cash + flows_in.per_client(n)
        moved = transfers(rng, t, clients, book, universe, quotes, live, self.preset.custody_rate)
        blocked = book.keys(moved.client[~moved.inward], moved.sec[~moved.inward])
        won, pay = self.ipo.allot(rng, t, universe, available, self.preset.allot_rate)
        np.subtract.at(available, won.client, pay)
        subs = self.ipo.subscribe(
            rng, t, clients, universe, self._market_value(quotes), live, self.preset.activity
        )
        flows_out = outflows(rng, t, clients, available, live)
        available = available + flows_out.per_client(n)
        orders, fills = trade(
            rng, t, clients, book, universe, quotes, available, blocked, live, stamp_duty_ppm(self.days[t])
        )
        orders, fills, order_ids = self._with_ipo(rng, orders, fills, subs, won, pay)
        flows = Flows.join([flows_in, flows_out])
        self._settle(flows, fills, moved)
        clients.status[closing] = 3
        if (book.cash[closing] != 0).any() or np.isin(book.client, closing).any():
            raise RuntimeError("an account closed with cash or positions left")
        relation_rows.append(org.end_for_clients(closing, t))

        # the day's files
        changed = np.flatnonzero(live) if t == 0 else np.unique(np.concatenate([new, closing, reassessed]))
        fill_order = np.lexsort((fills.time, clients.branch[fills.client]))
        fills = fills.take(fill_order)
        trade_ids = ids(clients.branch[fills.client], self.counters["trade"])
        flow_order = np.lexsort((flows.time, clients.branch[flows.client]))
        custody_order = np.argsort(clients.branch[moved.client], kind="stable")
        open_now = np.flatnonzero(
            (clients.open_day <= t) & ((clients.close_day < 0) | (clients.close_day > t))
        )
        branch_frames = {
            spec.CLIENTS.name: clients.frame(changed, self.days).with_columns(
                pl.Series(BRANCH, clients.branch[changed])
            ),
            spec.ORDERS.name: self.fmt.orders(orders, order_ids),
            spec.TRADES.name: self.fmt.trades(fills, trade_ids),
            spec.CASH_FLOWS.name: self.fmt.cash_flows(
                flows.client[flow_order],
                flows.kind[flow_order],
                flows.amount[flow_order],
                flows.time[flow_order],
                ids(clients.branch[flows.client[flow_order]], self.counters["flow"]),
            ),
            spec.CUSTODY_TRANSFERS.name: self.fmt.custody(
                moved.client[custody_order],
                moved.sec[custody_order],
                moved.inward[custody_order],
                moved.qty[custody_order],
                moved.cost[custody_order],
                ids(clients.branch[moved.client[custody_order]], self.counters["custody"]),
            ),
            spec.POSITIONS.name: self.fmt.positions(book.client, book.sec, book.qty, book.cost),
            spec.BALANCES.name: self.fmt.balances(open_now, book.cash[open_now]),
        }
        relations = (
            np.flatnonzero(org.relations.end == 0) if t == 0 else np.unique(np.concatenate(relation_rows))
        )
        announced = (
            np.flatnonzero(~universe.is_ipo | (universe.sub_day == 0))
            if t == 0
            else np.flatnonzero(universe.is_ipo & (universe.sub_day == t))
        )
        listed = np.flatnonzero(quotes.listed)
        hq_frames = {
            spec.BRANCHES.name: org.branches_frame(),
            spec.BROKERS.name: org.brokers_frame(t),
            spec.CLIENT_BROKERS.name: org.relations_frame(relations, clients.client_id),
            spec.SECURITIES.name: universe.frame(announced, self.horizon),
            spec.QUOTES.name: self.fmt.quotes(
                listed,
                {
                    c: getattr(quotes, a)[listed]
                    for c, a in (
                        ("prev_close", "prev"),
                        ("open", "open"),
                        ("high", "high"),
                        ("low", "low"),
                        ("close", "close"),
                    )
                },
                quotes.volume[listed],
                quotes.amount[listed],
            ),
            spec.INDEX_QUOTES.name: Formatter.index_quotes(
                spec.INDEX_CODES, quotes.index_prev, quotes.index_close
            ),
        }
        return branch_frames, hq_frames

    def _market_value(self, quotes: Quotes) -> np.ndarray:
        """Holdings at yesterday's close per client and market (cents), for IPO subscription quotas."""
        book, universe = self.book, self.universe
        value = book.qty * quotes.prev[book.sec] / 10 * quotes.listed[book.sec]
        cell = book.client * 3 + universe.market[book.sec]
        return np.bincount(cell, weights=value, minlength=self.clients.size * 3).reshape(-1, 3)

    def _with_ipo(
        self,
        rng: np.random.Generator,
        orders: Orders,
        fills: Fills,
        subs: Subscriptions,
        won: Subscriptions,
        pay: np.ndarray,
    ) -> tuple[Orders, Fills, np.ndarray]:
        """Add the day's subscription orders and allotment fills; number the orders per branch."""
        clients = self.clients
        m = subs.client.size
        zeros = np.zeros(m, dtype=np.int64)
        sub_orders = Orders(
            client=subs.client,
            sec=subs.sec,
            sell=np.zeros(m, dtype=bool),
            ipo=np.ones(m, dtype=bool),
            price=self.universe.ipo_price[subs.sec],
            qty=subs.qty,
            time=session_clock(rng.integers(0, 14_000, m)),
            channel=clients.channel[subs.client],
            status=np.full(m, FILLED),
            filled=zeros,
            cancelled=zeros,
        )
        all_orders = Orders.join([orders, sub_orders])
        order = np.lexsort((all_orders.time, clients.branch[all_orders.client]))
        numbers = np.empty(len(all_orders), dtype=np.int64)
        numbers[order] = ids(clients.branch[all_orders.client[order]], self.counters["order"])
        subs.order_id = numbers[len(orders) :]
        self.ipo.remember(subs)
        k = won.client.size
        zeros = np.zeros(k, dtype=np.int64)
        allotments = Fills(
            order=np.full(k, -1),
            order_id=won.order_id,
            client=won.client,
            sec=won.sec,
            sell=np.zeros(k, dtype=bool),
            ipo=np.ones(k, dtype=bool),
            price=self.universe.ipo_price[won.sec],
            qty=won.qty,
            amount=pay,
            commission=zeros,
            stamp=zeros,
            transfer=zeros,
            time=session_clock(rng.integers(0, 14_400, k)),
            channel=clients.channel[won.client],
        )
        fills.order_id = numbers[fills.order]
        return all_orders.take(order), Fills.join([fills, allotments]), numbers[order]

    def _settle(self, flows: Flows, fills: Fills, moved: Transfers) -> None:
        book = self.book
        book.move_cash(
            np.concatenate([flows.client, fills.client]), np.concatenate([flows.amount, fills.cash])
        )
        sells = fills.sell
        at = np.searchsorted(book.key, book.keys(fills.client[sells], fills.sec[sells]))
        sold_cost = prorate(book.cost[at], fills.qty[sells], book.qty[at])
        qty = np.where(sells, -fills.qty, fills.qty)
        cost = np.zeros(len(fills), dtype=np.int64)
        cost[~sells] = fills.amount[~sells] + (fills.commission + fills.stamp + fills.transfer)[~sells]
        cost[sells] = -sold_cost
        book.move_positions(
            np.concatenate([fills.client, moved.client]),
            np.concatenate([fills.sec, moved.sec]),
            np.concatenate([qty, np.where(moved.inward, moved.qty, -moved.qty)]),
            np.concatenate([cost, np.where(moved.inward, moved.cost, -moved.cost)]),
        )


def generate(
    preset: str | Preset,
    inbox: Path,
    directory: Path,
    seed: int = 20240101,
    progress: Callable[[int, int], None] | None = None,
    days: int | None = None,
) -> GenerationReport:
    """Write every business day's packages of the preset into `inbox`, and recipients.csv into `directory`.

    `days`: only the preset's first `days` business days (the same packages as the full run's first
    days: the brokerage is set up for the whole period and each day draws from its own seed)."""
    started = time.perf_counter()
    chosen = PRESETS[preset] if isinstance(preset, str) else preset
    firm = Brokerage(chosen, seed)
    inbox, directory = Path(inbox), Path(directory)
    written = orders = fills = 0
    total = len(firm.days) if days is None else max(1, min(days, len(firm.days)))
    for t, d in enumerate(firm.days[:total]):
        branch_frames, hq_frames = firm.day(t)
        stamp = d.strftime("%Y%m%d")
        split = {name: _split(frame, len(firm.branches)) for name, frame in branch_frames.items()}
        for b, branch in enumerate(firm.branches):
            files = [(s, split[s.name][b]) for s in spec.BRANCH_FILES]
            written += write_package(inbox / stamp / branch.code, stamp, branch.code, branch.encoding, files)
        written += write_package(
            inbox / stamp / spec.HQ, stamp, spec.HQ, "utf-8", [(s, hq_frames[s.name]) for s in spec.HQ_FILES]
        )
        orders += branch_frames[spec.ORDERS.name].height
        fills += branch_frames[spec.TRADES.name].height
        if progress is not None:
            progress(t + 1, total)
    directory.mkdir(parents=True, exist_ok=True)
    recipients = firm.org.recipients_frame(total - 1).write_csv().encode("utf-8")
    (directory / RECIPIENTS).write_bytes(recipients)
    written += len(recipients)
    return GenerationReport(
        chosen.name,
        total,
        len(firm.branches),
        firm.clients.size,
        orders,
        fills,
        written,
        time.perf_counter() - started,
    )

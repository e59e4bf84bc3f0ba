"""New-share subscriptions (新股申购) and allotments (中签缴款).

A client holding enough market value on the IPO's exchange subscribes on the subscription day: an
order biz_type 1 at the IPO price, status 8, nothing filled or cancelled, no cash moved. Two business
days later a few subscriptions win a lot; the allotment is a biz_type 1 buy fill naming the subscription's
order, paid from cash (a winner short of cash forfeits) and added to positions at the IPO price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warehouse.synthetic.clients import Clients
from warehouse.synthetic.market import SH_MAIN, Universe
from warehouse.synthetic.money import amount_cents

ALLOT_AFTER = 2  # business days from subscription to allotment
MV_PER_UNIT = 1_000_000  # 10,000 yuan of holdings (cents) per subscription unit


@dataclass
class Subscriptions:
    client: np.ndarray
    sec: np.ndarray
    qty: np.ndarray
    order_id: np.ndarray  # filled in when the day's orders get their ids
    day: np.ndarray


class IpoDesk:
    def __init__(self) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self.pending = Subscriptions(empty, empty, empty, empty, empty)

    def subscribe(
        self,
        rng: np.random.Generator,
        day: int,
        clients: Clients,
        universe: Universe,
        market_value: np.ndarray,
        live: np.ndarray,
        activity: float,
    ) -> Subscriptions:
        """Today's subscriptions; `market_value` per client and market (cents, shape clients × 3)."""
        ipos = np.flatnonzero(universe.sub_day == day)
        leaving = ((clients.close_day >= 0) & (clients.close_day <= day + 15)) | (clients.churn_day >= 0)
        parts = []
        for sec in ipos:  # a handful of IPOs a day at most
            market = universe.market[sec]
            unit = 1_000 if universe.board[sec] == SH_MAIN else 500
            units = np.minimum(market_value[:, market] // MV_PER_UNIT, 20).astype(np.int64)
            keen = rng.random(clients.size) < np.minimum(0.35 * activity, 0.9)
            who = np.flatnonzero(live & ~leaving & (clients.p_trade > 0) & (units > 0) & keen)
            parts.append((who, np.full(who.size, sec), units[who] * unit))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return Subscriptions(empty, empty, empty, empty, empty)
        client, sec, qty = (np.concatenate(x) for x in zip(*parts, strict=True))
        return Subscriptions(
            client, sec, qty, np.zeros(client.size, dtype=np.int64), np.full(client.size, day)
        )

    def remember(self, subs: Subscriptions) -> None:
        self.pending = Subscriptions(
            *(
                np.concatenate([getattr(self.pending, f), getattr(subs, f)])
                for f in ("client", "sec", "qty", "order_id", "day")
            )
        )

    def allot(
        self, rng: np.random.Generator, day: int, universe: Universe, available: np.ndarray, rate: float
    ) -> tuple[Subscriptions, np.ndarray]:
        """Winning subscriptions due today that the client can pay for, and the amount of each (cents).
        Each IPO has at least one winner when anyone can pay."""
        due = self.pending.day + ALLOT_AFTER == day
        subs = self.pending
        self.pending = Subscriptions(
            *(getattr(subs, f)[~due] for f in ("client", "sec", "qty", "order_id", "day"))
        )
        rows = np.flatnonzero(due)
        lot = np.where(universe.board[subs.sec[rows]] == SH_MAIN, 1_000, 500)
        cost = amount_cents(universe.ipo_price[subs.sec[rows]], lot)
        payable = available[subs.client[rows]] >= cost
        wins = (rng.random(rows.size) < rate) & payable
        # make sure each IPO has a winner: the payable subscriber with the largest order
        for sec in np.unique(subs.sec[rows]):
            mine = (subs.sec[rows] == sec) & payable
            if mine.any() and not wins[mine].any():
                wins[np.flatnonzero(mine)[np.argmax(subs.qty[rows][mine])]] = True
        # one client wins at most once per day here, so paying never overdraws
        chosen = rows[wins]
        _, first = np.unique(subs.client[chosen], return_index=True)
        chosen = chosen[np.sort(first)]
        won = Subscriptions(
            subs.client[chosen],
            subs.sec[chosen],
            np.where(universe.board[subs.sec[chosen]] == SH_MAIN, 1_000, 500),
            subs.order_id[chosen],
            subs.day[chosen],
        )
        return won, amount_cents(universe.ipo_price[won.sec], won.qty)

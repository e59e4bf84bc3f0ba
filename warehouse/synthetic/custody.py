"""Custody transfers (转托管) of shares in from and out to other brokers, with their cost basis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warehouse.contract.rules import LOT
from warehouse.synthetic.clients import Clients
from warehouse.synthetic.ledger import Book
from warehouse.synthetic.market import Quotes, Universe
from warehouse.synthetic.money import prorate


@dataclass
class Transfers:
    client: np.ndarray
    sec: np.ndarray
    inward: np.ndarray  # bool: I (in) or O (out)
    qty: np.ndarray
    cost: np.ndarray  # cents carried with the shares


def transfers(
    rng: np.random.Generator,
    day: int,
    clients: Clients,
    book: Book,
    universe: Universe,
    quotes: Quotes,
    live: np.ndarray,
    rate: float,
) -> Transfers:
    """Closing accounts move every position out on their last day, some churners on their churn day;
    otherwise a few clients move one position out or bring one in."""
    closing = clients.close_day == day
    churn_all = (clients.churn_day == day) & (rng.random(clients.size) < 0.3)
    owner = book.client
    listed = universe.list_day[book.sec] <= day
    eligible = np.flatnonzero(live[owner] & (listed | closing[owner]))
    pick = rng.random(eligible.size)
    # one random position of each client drawn for a transfer out
    order = eligible[np.lexsort((pick, owner[eligible]))]
    first = np.r_[True, owner[order][1:] != owner[order][:-1]] if order.size else np.zeros(0, dtype=bool)
    single = order[first & (rng.random(order.size) < rate)]
    everything = eligible[closing[owner[eligible]] | churn_all[owner[eligible]]]
    out = np.union1d(single, everything)
    whole = (
        closing[owner[out]] | churn_all[owner[out]] | (rng.random(out.size) < 0.7) | (book.qty[out] < 2 * LOT)
    )
    part = (book.qty[out] * rng.uniform(0.2, 0.8, out.size)).astype(np.int64) // LOT * LOT
    qty_out = np.where(whole, book.qty[out], np.maximum(part, LOT))
    cost_out = prorate(book.cost[out], qty_out, book.qty[out])

    # transfers in: a listed stock the client does not hold yet
    takers = np.flatnonzero(live & ~closing & (clients.churn_day < 0) & (rng.random(clients.size) < rate))
    weight = universe.popularity * quotes.listed * ~universe.is_etf
    sec = rng.choice(universe.size, size=takers.size, p=weight / weight.sum())
    fresh = ~np.isin(book.keys(takers, sec), book.key)
    takers, sec = takers[fresh], sec[fresh]
    lots = np.exp(rng.normal(np.log(10), 1.0, takers.size)).astype(np.int64) + 2
    qty_in = lots * LOT
    cost_in = np.rint(qty_in * quotes.prev[sec] / 10 * np.exp(rng.normal(0.05, 0.25, takers.size))).astype(
        np.int64
    )
    return Transfers(
        np.concatenate([owner[out], takers]),
        np.concatenate([book.sec[out], sec]),
        np.r_[np.zeros(out.size, dtype=bool), np.ones(takers.size, dtype=bool)],
        np.concatenate([qty_out, qty_in]),
        np.concatenate([cost_out, cost_in]),
    )

"""The counter's books: cash per client (cents) and positions per client and security (qty, cost in cents).

Positions are parallel arrays sorted by key = client × securities + security. A day's changes are
applied at once; each (client, security) changes on only one side a day, so the order within the day
does not matter and the moving-average cost rule gives one exact answer.
"""

from __future__ import annotations

import numpy as np

from warehouse.contract.rules import LOT, STAR_MIN_BUY
from warehouse.synthetic.clients import Clients
from warehouse.synthetic.market import RISKY_BOARDS, STAR, Universe


class Book:
    def __init__(self, clients: int, securities: int) -> None:
        self.securities = securities
        self.cash = np.zeros(clients, dtype=np.int64)
        self.key = np.zeros(0, dtype=np.int64)
        self.qty = np.zeros(0, dtype=np.int64)
        self.cost = np.zeros(0, dtype=np.int64)

    @property
    def client(self) -> np.ndarray:
        return self.key // self.securities

    @property
    def sec(self) -> np.ndarray:
        return self.key % self.securities

    def keys(self, client: np.ndarray, sec: np.ndarray) -> np.ndarray:
        return client.astype(np.int64) * self.securities + sec

    def move_cash(self, client: np.ndarray, cents: np.ndarray) -> None:
        np.add.at(self.cash, client, cents)
        if (self.cash < 0).any():
            raise RuntimeError("cash went negative")

    def move_positions(self, client: np.ndarray, sec: np.ndarray, qty: np.ndarray, cost: np.ndarray) -> None:
        """Add signed qty and cost changes; positions that reach 0 are dropped."""
        key = np.concatenate([self.key, self.keys(client, sec)])
        if key.size == 0:
            return
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        total_qty = np.add.reduceat(np.concatenate([self.qty, qty])[order], starts)
        total_cost = np.add.reduceat(np.concatenate([self.cost, cost])[order], starts)
        if (total_qty < 0).any() or ((total_qty == 0) & (total_cost != 0)).any():
            raise RuntimeError("a position went negative or kept cost without shares")
        keep = total_qty > 0
        self.key, self.qty, self.cost = key[starts][keep], total_qty[keep], total_cost[keep]

    def market_value(self, price: np.ndarray) -> np.ndarray:
        """Market value per client in cents at the given prices (1/1000 yuan)."""
        return np.bincount(self.client, weights=self.qty * price[self.sec] / 10, minlength=self.cash.size)


def pick_securities(
    rng: np.random.Generator, universe: Universe, weight: np.ndarray, cautious: np.ndarray
) -> np.ndarray:
    """A security per row, by weight; rows of cautious (C1/C2) clients mostly avoid STAR, ChiNext and BSE."""
    choice = rng.choice(universe.size, size=cautious.size, p=weight / weight.sum())
    risky = np.isin(universe.board, RISKY_BOARDS) & ~universe.is_etf
    redo = cautious & risky[choice] & (rng.random(cautious.size) < 0.97)
    safe = np.where(risky, 0, weight)
    choice[redo] = rng.choice(universe.size, size=int(redo.sum()), p=safe / safe.sum())
    return choice


def opening_book(rng: np.random.Generator, clients: Clients, universe: Universe) -> Book:
    """Cash and holdings of the accounts open before the first day: wealth split between cash and a few
    positions, bought at costs above or below today's price (some clients are trapped)."""
    book = Book(clients.size, universe.size)
    existing = np.flatnonzero(clients.open_day < 0)
    wealth = np.rint(clients.wealth[existing] * 100).astype(np.int64)
    holders = existing[(rng.random(existing.size) > 0.15) & (clients.wealth[existing] >= 3000)]
    k = np.clip(1 + rng.poisson(np.log10(clients.wealth[holders] / 1e4).clip(0) + 1.5), 1, 12)
    rows = np.repeat(holders, k)
    weight = universe.popularity * ~universe.is_ipo
    sec = pick_securities(rng, universe, weight, clients.risk[rows] <= 1)
    share = rng.exponential(1, rows.size)
    ratio = rng.uniform(0.3, 0.95, clients.size)
    per_client = np.bincount(rows, weights=share, minlength=clients.size)
    value = clients.wealth[rows] * 100 * ratio[rows] * share / per_client[rows]  # cents
    price = universe.close[sec]
    qty = (value * 10 / price).astype(np.int64) // LOT * LOT
    qty = np.where((universe.board[sec] == STAR) & (qty < STAR_MIN_BUY), 0, qty)
    odd = (rng.random(rows.size) < 0.05) & (qty > 0)
    qty = qty + odd * rng.integers(1, LOT, rows.size)
    key = book.keys(rows, sec)
    _, first = np.unique(key, return_index=True)
    keep = first[qty[first] > 0]
    rows, sec, qty = rows[keep], sec[keep], qty[keep]
    spent = qty * price[keep] // 10
    cost = np.rint(spent * np.exp(rng.normal(0.02, 0.25, keep.size))).astype(np.int64).clip(1)
    book.move_positions(rows, sec, qty, cost)
    book.cash[existing] = wealth
    np.subtract.at(book.cash, rows, spent)
    book.cash = np.maximum(book.cash, 0)
    return book

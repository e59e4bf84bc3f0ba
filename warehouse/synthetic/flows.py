"""Cash movements other than trade settlement (资金流水): bank transfers, dividends, interest, fees.

Inflows and fees come first; bank transfers out are drawn after IPO allotments are paid, from what is
left, so cash never goes negative. Closing accounts take all their cash out on their last day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warehouse.contract.rules import round_half_away_np
from warehouse.synthetic.clients import Clients
from warehouse.synthetic.ledger import Book
from warehouse.synthetic.market import Quotes

BANK_IN, BANK_OUT, DIVIDEND, INTEREST, FEE = 1, 2, 3, 4, 5
QUARTER_INTEREST_PPM = 506  # 0.2 % a year on the demand balance, for a quarter
YUAN_100 = 10_000  # bank transfers are round sums of 100 yuan


@dataclass
class Flows:
    client: np.ndarray
    kind: np.ndarray
    amount: np.ndarray  # signed cents
    time: np.ndarray  # seconds after midnight

    @staticmethod
    def of(client: np.ndarray, kind: int, amount: np.ndarray, time: np.ndarray) -> Flows:
        keep = amount != 0
        return Flows(client[keep], np.full(int(keep.sum()), kind), amount[keep], time[keep])

    @staticmethod
    def join(parts: list[Flows]) -> Flows:
        return Flows(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("client", "kind", "amount", "time"))
        )

    def per_client(self, clients: int) -> np.ndarray:
        total = np.zeros(clients, dtype=np.int64)
        np.add.at(total, self.client, self.amount)
        return total


def _times(rng: np.random.Generator, n: int, earliest: int, latest: int) -> np.ndarray:
    return rng.integers(earliest, latest, n)


def inflows(
    rng: np.random.Generator,
    day: int,
    clients: Clients,
    book: Book,
    quotes: Quotes,
    live: np.ndarray,
    interest_day: bool,
) -> Flows:
    """Dividends, quarterly interest, bank transfers in and fees (fees only when covered)."""
    parts = []
    ex = quotes.dividend[book.sec] > 0
    holders = np.flatnonzero(ex & live[book.client])
    if holders.size:
        amount = round_half_away_np(book.qty[holders] * quotes.dividend[book.sec[holders]], 10)
        parts.append(
            Flows.of(book.client[holders], DIVIDEND, amount, _times(rng, holders.size, 21_600, 32_400))
        )
    if interest_day:
        payees = np.flatnonzero(live & (book.cash > 0))
        amount = round_half_away_np(book.cash[payees] * QUARTER_INTEREST_PPM, 1_000_000)
        parts.append(Flows.of(payees, INTEREST, amount, _times(rng, payees.size, 3_600, 21_600)))
    u = rng.random((3, clients.size))
    new = clients.open_day == day
    p_in = np.array([0.03, 0.012, 0.005, 0.002])[clients.behaviour]
    quiet = (clients.churn_day >= 0) | (clients.close_day >= 0)
    depositors = np.flatnonzero(live & ((new & (u[0] < 0.9)) | (~new & ~quiet & (u[0] < p_in))))
    size = np.where(
        new[depositors],
        rng.uniform(0.3, 1.0, depositors.size),
        np.exp(rng.normal(np.log(0.1), 0.8, depositors.size)),
    )
    amount = (clients.wealth[depositors] * size * 100).astype(np.int64) // YUAN_100 * YUAN_100
    amount = np.maximum(amount, 1_000 * 100)
    parts.append(Flows.of(depositors, BANK_IN, amount, _times(rng, depositors.size, 32_400, 57_600)))
    so_far = Flows.join(parts)
    covered = book.cash + so_far.per_client(clients.size)
    fee = np.array([500, 1_000, 2_000, 5_000])[rng.integers(0, 4, clients.size)]
    payers = np.flatnonzero(live & (u[1] < 0.0005) & (covered >= fee))
    parts.append(Flows.of(payers, FEE, -fee[payers], _times(rng, payers.size, 57_600, 61_200)))
    return Flows.join(parts)


def outflows(
    rng: np.random.Generator, day: int, clients: Clients, available: np.ndarray, live: np.ndarray
) -> Flows:
    """Bank transfers out of what is available; churners take most, closing accounts everything."""
    u = rng.random((2, clients.size))
    closing = clients.close_day == day
    churning = (clients.churn_day >= day) & (clients.churn_day - 4 <= day)
    p_out = np.array([0.02, 0.01, 0.004, 0.001])[clients.behaviour]
    share = np.where(churning, rng.uniform(0.5, 1.0, clients.size), rng.uniform(0.05, 0.6, clients.size))
    amount = (available * share).astype(np.int64) // YUAN_100 * YUAN_100
    amount = np.where(closing, available, amount)
    takers = np.flatnonzero(live & (available > 0) & (closing | (u[0] < np.where(churning, 0.6, p_out))))
    return Flows.of(takers, BANK_OUT, -amount[takers], _times(rng, takers.size, 32_400, 57_600))

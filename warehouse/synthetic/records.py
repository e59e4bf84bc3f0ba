"""A day's orders, fills and other rows in numeric form, and their contract text form (one frame per file).

Every frame carries a `_branch` column (branch index) so the day can be split into branch packages.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from warehouse.contract.spec import MARKETS
from warehouse.synthetic.market import Universe
from warehouse.synthetic.money import money_text, price_text

BRANCH = "_branch"
SESSION_SECONDS = 14_400  # 09:30-11:30 and 13:00-15:00


def hhmmss(seconds: np.ndarray) -> np.ndarray:
    """Seconds after midnight as the integer HHMMSS (no leading zero)."""
    return seconds // 3600 * 10_000 + seconds % 3600 // 60 * 100 + seconds % 60


def session_clock(seconds: np.ndarray) -> np.ndarray:
    """Seconds into the trading session (0..14400) as HHMMSS within 93000..113000 and 130000..150000."""
    return hhmmss(np.where(seconds <= 7_200, 34_200 + seconds, 46_800 + seconds - 7_200))


class Rows:
    """Parallel arrays, one element per row."""

    def take(self, index: np.ndarray) -> Rows:
        return type(self)(**{f.name: getattr(self, f.name)[index] for f in fields(self)})  # type: ignore[call-overload]

    @classmethod
    def join(cls, parts: list[Rows]) -> Rows:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})  # type: ignore[call-overload]

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))  # type: ignore[arg-type]


@dataclass
class Orders(Rows):
    client: np.ndarray
    sec: np.ndarray
    sell: np.ndarray  # bool
    ipo: np.ndarray  # bool: biz_type 1
    price: np.ndarray  # 1/1000 yuan
    qty: np.ndarray
    time: np.ndarray  # HHMMSS
    channel: np.ndarray
    status: np.ndarray  # 8, 5, 6, 9
    filled: np.ndarray
    cancelled: np.ndarray


@dataclass
class Fills(Rows):
    order: np.ndarray  # row of the day's orders, or -1 for an allotment
    order_id: np.ndarray  # the order's id (an allotment: its subscription's)
    client: np.ndarray
    sec: np.ndarray
    sell: np.ndarray
    ipo: np.ndarray
    price: np.ndarray
    qty: np.ndarray
    amount: np.ndarray  # cents
    commission: np.ndarray
    stamp: np.ndarray
    transfer: np.ndarray
    time: np.ndarray  # HHMMSS
    channel: np.ndarray

    @property
    def cash(self) -> np.ndarray:
        """Signed cash effect in cents."""
        fees = self.commission + self.stamp + self.transfer
        return np.where(self.sell, self.amount - fees, -(self.amount + fees))


def ids(branch: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """Running numbers per branch for rows already sorted by branch; moves the counters on."""
    counts = np.bincount(branch, minlength=counters.size)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    numbers = counters[branch] + np.arange(branch.size) - first[branch]
    counters += counts
    return numbers


class Formatter:
    """Turns numeric rows into contract frames (all codes as text, money as 2-decimal text)."""

    def __init__(self, universe: Universe, client_ids: pl.Series, client_branch: np.ndarray) -> None:
        self.market = pl.Series(np.array(MARKETS)[universe.market])
        self.code = pl.Series(universe.code)
        self.decimals = np.where(universe.tick == 1, 3, 2)
        self.client_ids = client_ids
        self.client_branch = client_branch

    def _base(self, client: np.ndarray, sec: np.ndarray | None = None) -> dict[str, object]:
        base: dict[str, object] = {
            BRANCH: self.client_branch[client],
            "client_id": self.client_ids.gather(client),
        }
        if sec is not None:
            base["market"] = self.market.gather(sec)
            base["security_code"] = self.code.gather(sec)
        return base

    @staticmethod
    def _id(numbers: np.ndarray) -> pl.Series:
        return pl.Series(numbers).cast(pl.String).str.zfill(10)

    def _price(self, milli: np.ndarray, sec: np.ndarray) -> pl.Expr:
        return price_text(pl.lit(pl.Series(milli)), pl.lit(pl.Series(self.decimals[sec])))

    def orders(self, o: Orders, order_ids: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame(
            {
                **self._base(o.client, o.sec),
                "order_id": self._id(order_ids),
                "side": np.where(o.sell, "S", "B"),
                "biz_type": o.ipo.astype(int).astype(str),
                "order_qty": o.qty,
                "order_time": o.time,
                "channel": o.channel.astype(str),
                "status": o.status.astype(str),
                "filled_qty": o.filled,
                "cancelled_qty": o.cancelled,
            }
        ).with_columns(order_price=self._price(o.price, o.sec))

    def trades(self, f: Fills, trade_ids: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame(
            {
                **self._base(f.client, f.sec),
                "trade_id": self._id(trade_ids),
                "order_id": self._id(f.order_id),
                "side": np.where(f.sell, "S", "B"),
                "biz_type": f.ipo.astype(int).astype(str),
                "qty": f.qty,
                "amount": f.amount,
                "commission": f.commission,
                "stamp_duty": f.stamp,
                "transfer_fee": f.transfer,
                "trade_time": f.time,
                "channel": f.channel.astype(str),
            }
        ).with_columns(
            *(money_text(pl.col(c)).alias(c) for c in ("amount", "commission", "stamp_duty", "transfer_fee")),
            price=self._price(f.price, f.sec),
        )

    def cash_flows(
        self, client: np.ndarray, kind: np.ndarray, amount: np.ndarray, time: np.ndarray, flow_ids: np.ndarray
    ) -> pl.DataFrame:
        return pl.DataFrame(
            {
                **self._base(client),
                "flow_id": self._id(flow_ids),
                "flow_type": kind.astype(str),
                "amount": amount,
                "flow_time": hhmmss(time),
            }
        ).with_columns(amount=money_text(pl.col("amount")))

    def custody(
        self,
        client: np.ndarray,
        sec: np.ndarray,
        inward: np.ndarray,
        qty: np.ndarray,
        cost: np.ndarray,
        transfer_ids: np.ndarray,
    ) -> pl.DataFrame:
        return pl.DataFrame(
            {
                **self._base(client, sec),
                "transfer_id": self._id(transfer_ids),
                "direction": np.where(inward, "I", "O"),
                "qty": qty,
                "cost_amount": cost,
            }
        ).with_columns(cost_amount=money_text(pl.col("cost_amount")))

    def positions(
        self, client: np.ndarray, sec: np.ndarray, qty: np.ndarray, cost: np.ndarray
    ) -> pl.DataFrame:
        return pl.DataFrame({**self._base(client, sec), "qty": qty, "cost_amount": cost}).with_columns(
            cost_amount=money_text(pl.col("cost_amount"))
        )

    def balances(self, client: np.ndarray, cash: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame({**self._base(client), "cash_balance": cash}).with_columns(
            cash_balance=money_text(pl.col("cash_balance"))
        )

    def quotes(
        self, sec: np.ndarray, columns: dict[str, np.ndarray], volume: np.ndarray, amount: np.ndarray
    ) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "market": self.market.gather(sec),
                "security_code": self.code.gather(sec),
                "volume": volume,
                "amount": amount,
            }
        ).with_columns(
            *(self._price(values, sec).alias(name) for name, values in columns.items()),
            amount=money_text(pl.col("amount")),
        )

    @staticmethod
    def index_quotes(codes: tuple[str, ...], prev: np.ndarray, close: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame({"index_code": codes, "prev_close": prev, "close": close}).with_columns(
            money_text(pl.col("prev_close")).alias("prev_close"), money_text(pl.col("close")).alias("close")
        )

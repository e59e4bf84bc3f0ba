"""The client population (客户): everyone open at the start plus every account opened during the period.

Drawn once up front, so each day only looks up who opens, closes or changes. Assets are heavy tailed,
most clients trade from the mobile app, big ones sometimes by program; behaviours: active traders,
regular, buy-and-hold and dormant (some wake up later); a few churn out and some close their account.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from warehouse.contract.spec import RISK_LEVELS
from warehouse.synthetic import reference as ref
from warehouse.synthetic.names import institution_names, mobiles, person_names, resident_ids
from warehouse.synthetic.organisation import EPOCH
from warehouse.synthetic.presets import Preset

ACTIVE, REGULAR, HOLDER, DORMANT = range(4)
#: negotiated commission rates (units of 1e-8) and their text
RATES_E8 = np.array([10_000, 12_000, 15_000, 18_000, 20_000, 25_000, 30_000, 50_000])
RATE_TEXT = np.array(["0.0001", "0.00012", "0.00015", "0.00018", "0.0002", "0.00025", "0.0003", "0.0005"])
RATE_WEIGHTS = np.array([0.05, 0.05, 0.12, 0.08, 0.2, 0.25, 0.19, 0.06])
CHANNEL_MIX = np.array([0.02, 0.01, 0.2, 0.75, 0.02])  # counter, phone, internet, mobile, program


class Clients:
    def __init__(
        self, rng: np.random.Generator, preset: Preset, branches: tuple[ref.BranchRef, ...], days: list[date]
    ) -> None:
        n_days = len(days)
        weight = np.array([b.weight for b in branches])
        weight /= weight.sum()
        initial_branch = rng.choice(len(branches), size=preset.clients, p=weight)
        new_counts = rng.poisson(preset.new_clients_per_day * weight, size=(n_days, len(branches)))
        new_day, new_branch = np.nonzero(new_counts)
        new_day = np.repeat(new_day, new_counts[new_day, new_branch])
        new_branch = np.repeat(new_branch, new_counts[np.nonzero(new_counts)])
        start = days[0].toordinal()
        day_ord = np.array([d.toordinal() for d in days])

        branch = np.concatenate([initial_branch, new_branch])
        open_day = np.concatenate([np.full(preset.clients, -1), new_day])
        tenure = (rng.exponential(5.0, preset.clients).clip(0.05, 25) * 365).astype(np.int64)
        open_ord = np.concatenate([start - tenure, day_ord[new_day]])
        # client numbers follow the opening order within each branch
        order = np.lexsort((open_ord, branch))
        self.branch = branch[order]
        self.open_day = open_day[order]
        self.open_ord = open_ord[order]
        n = self.size = self.branch.size
        first = np.r_[0, np.flatnonzero(np.diff(self.branch)) + 1]
        counts = np.diff(np.r_[first, n])
        seq = np.arange(n) - np.repeat(first, counts) + 1
        codes = np.array([int(b.code) for b in branches])
        self.client_id = pl.Series("client_id", codes[self.branch] * 1_000_000 + seq).cast(pl.String)
        is_new = self.open_day >= 0

        u = rng.random((8, n))
        self.institution = u[0] < 0.015
        male = u[1] < 0.55
        city = np.array([b.city for b in branches])[self.branch]
        age = np.where(is_new, rng.normal(33, 10, n), rng.normal(45, 13, n)).clip(18, 88)
        age = np.maximum(age, 18.1 + np.maximum(start - self.open_ord, 0) / 365.25)
        birth_ord = (
            np.maximum(self.open_ord, start) - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
        )
        self.birth_ord = np.where(self.institution, 0, birth_ord)
        birth = pl.Series(birth_ord - EPOCH).cast(pl.Date)
        passport = ~self.institution & (u[2] < 0.006)
        self.id_type = np.where(self.institution, 2, np.where(passport, 1, 0))
        self.name = pl.Series(
            np.where(self.institution, institution_names(rng, city), person_names(rng, male))
        )
        region = codes[self.branch] * 100 + rng.integers(1, 12, n)
        resident = resident_ids(region, birth.dt.strftime("%Y%m%d").cast(pl.Int64).to_numpy(), male, rng)
        licence = pl.Series(rng.integers(10**8, 10**9, n)).cast(pl.String)
        self.id_no = pl.select(
            pl.when(pl.Series(self.institution))
            .then("91" + pl.Series(region).cast(pl.String) + "MA" + licence)
            .when(pl.Series(passport))
            .then("E" + licence.str.slice(0, 8))
            .otherwise(resident)
        ).to_series()
        self.mobile = pl.select(
            pl.when(pl.Series(self.institution)).then(None).otherwise(mobiles(rng, n))
        ).to_series()
        self.gender = pl.Series(np.where(self.institution, "", np.where(male, "M", "F"))).replace("", None)
        self.city = pl.Series(city)

        # money and behaviour
        wealth = np.exp(
            np.where(is_new, rng.normal(np.log(20_000), 1.5, n), rng.normal(np.log(40_000), 1.7, n))
        )
        wealth = np.where(self.institution, np.exp(rng.normal(np.log(3e6), 1.5, n)), wealth)
        self.wealth = wealth.clip(1_000, 3e8)  # target total assets, yuan
        low_risk = self.institution | (age > 62)
        risk_p = np.where(low_risk[:, None], [0.1, 0.2, 0.4, 0.2, 0.1], [0.04, 0.12, 0.42, 0.3, 0.12])
        self.risk = (u[3][:, None] > np.cumsum(risk_p, axis=1)).sum(axis=1)
        rate = rng.choice(RATES_E8.size, size=n, p=RATE_WEIGHTS)
        self.rate = np.where(self.wealth > 1e6, np.minimum(rate, rng.integers(0, 5, n)), rate)
        self.behaviour = rng.choice(4, size=n, p=[0.12, 0.36, 0.27, 0.25])
        self.behaviour = np.where(self.institution, rng.choice(2, size=n), self.behaviour)
        self.p_trade = (
            np.choose(
                self.behaviour,
                [
                    rng.uniform(0.15, 0.5, n),
                    rng.uniform(0.03, 0.1, n),
                    rng.uniform(0.003, 0.015, n),
                    np.zeros(n),
                ],
            )
            * preset.activity
        )
        self.reactivate_day = np.where(
            (self.behaviour == DORMANT) & (u[4] < 0.3), rng.integers(0, n_days, n), -1
        )
        channel = rng.choice(5, size=n, p=CHANNEL_MIX)
        channel = np.where((self.wealth > 5e6) & (u[5] < 0.4), 4, channel)
        self.channel = np.where((age > 68) & (u[6] < 0.3), rng.choice(2, size=n), channel)

        # who leaves: closers (initial individual accounts) close on close_day after selling out;
        # churners move most of their assets out around churn_day
        self.close_day = np.full(n, -1)
        self.churn_day = np.full(n, -1)
        candidates = np.flatnonzero(~is_new & ~self.institution)
        if n_days > 5:
            closers = rng.choice(candidates, size=min(preset.closes, candidates.size), replace=False)
            self.close_day[closers] = rng.integers(4, n_days, closers.size)
            rest = np.setdiff1d(candidates, closers)
            churners = rng.choice(rest, size=int(preset.churners * rest.size), replace=False)
            self.churn_day[churners] = rng.integers(5, n_days, churners.size)
        self.status = np.zeros(n, dtype=np.int64)

    def is_open(self, day: int) -> np.ndarray:
        """Open at the end of `day` (opened on or before it and not closed on or before it)."""
        return (self.open_day <= day) & ((self.close_day < 0) | (self.close_day > day))

    def trading_probability(self, day: int) -> np.ndarray:
        woke = self.reactivate_day == day
        self.p_trade = np.where(woke, 0.06, self.p_trade)
        self.reactivate_day = np.where(woke, -1, self.reactivate_day)
        return self.p_trade

    def frame(self, rows: np.ndarray, days: list[date]) -> pl.DataFrame:
        """clients.csv rows (full current record) of the given clients."""

        def text(ordinals: np.ndarray) -> pl.Series:
            series = pl.Series(ordinals - EPOCH).cast(pl.Date).dt.strftime("%Y%m%d")
            return pl.select(pl.when(pl.Series(ordinals) > 0).then(series).otherwise(None)).to_series()

        closed = self.close_day[rows]
        close_ord = np.where(closed >= 0, np.array([d.toordinal() for d in days])[closed.clip(0)], 0)
        return pl.DataFrame(
            {
                "client_id": self.client_id.gather(rows),
                "client_name": self.name.gather(rows),
                "client_type": self.institution[rows].astype(int).astype(str),
                "id_type": self.id_type[rows].astype(str),
                "id_no": self.id_no.gather(rows),
                "mobile": self.mobile.gather(rows),
                "gender": self.gender.gather(rows),
                "birth_date": text(self.birth_ord[rows]),
                "open_date": text(self.open_ord[rows]),
                "close_date": text(np.where(self.status[rows] == 3, close_ord, 0)),
                "status": self.status[rows].astype(str),
                "risk_level": np.array(RISK_LEVELS)[self.risk[rows]],
                "city": self.city.gather(rows),
                "commission_rate": RATE_TEXT[self.rate[rows]],
            }
        )

"""The securities universe and its daily prices (行情), shaped like the A-share market.

Daily log return = beta × market factor + industry factor + idiosyncratic noise (fat tailed); closes are
clipped to each board's price limit from prev_close and rounded to the tick. Some stocks are suspended
for a few days, some pay a cash dividend (the ex-date's prev_close is the ex-dividend reference price),
and a few new stocks are subscribed (IPO) and listed during the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from warehouse.contract.rules import PRICE_LIMIT_PCT, TICK_MILLI, round_half_away_np
from warehouse.contract.spec import BOARDS, INDEX_CODES, MARKETS
from warehouse.synthetic import reference as ref

SH_MAIN, STAR, SZ_MAIN, CHINEXT, BSE = range(5)
MARKET_OF_BOARD = np.array([0, 0, 1, 1, 2])  # index into MARKETS
LIMIT_PCT = np.array([PRICE_LIMIT_PCT[b] for b in BOARDS])
BOARD_SHARE = np.array([0.32, 0.11, 0.28, 0.25, 0.04])
IPO_BOARD_SHARE = np.array([0.3, 0.25, 0.2, 0.25, 0.0])
RISKY_BOARDS = (STAR, CHINEXT, BSE)  # boards a C1/C2 client should not normally buy
CODE_POOLS: dict[int, tuple[tuple[int, int], ...]] = {
    SH_MAIN: ((600000, 602000), (603000, 604000), (605000, 605600)),
    STAR: ((688001, 688800),),
    SZ_MAIN: ((1, 1000), (1200, 1400), (2001, 3000), (3000, 3040)),
    CHINEXT: ((300001, 301600),),
    BSE: ((830000, 840000), (870000, 874000), (920000, 920200)),
}
ETF_POOLS = {0: ((510000, 511000), (512000, 513000), (588000, 588400)), 1: ((159000, 160000),)}
INDEX_BASE = np.array([338_600, 296_200, 947_000, 187_000])  # 0.01 points, near early 2024


@dataclass
class Quotes:
    """One trading day's prices of every security (1/1000 yuan); only `listed` rows are quoted."""

    listed: np.ndarray  # bool
    tradable: np.ndarray  # listed and not suspended
    prev: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    up: np.ndarray  # limit-up price
    down: np.ndarray  # limit-down price
    volume: np.ndarray
    amount: np.ndarray  # cents
    dividend: np.ndarray  # cash dividend per share going ex today, 1/1000 yuan (0 = none)
    index_prev: np.ndarray  # 0.01 points, one per INDEX_CODES
    index_close: np.ndarray


def _codes(rng: np.random.Generator, pools: tuple[tuple[int, int], ...], n: int) -> np.ndarray:
    candidates = np.concatenate([np.arange(a, b) for a, b in pools])
    return rng.choice(candidates, size=n, replace=False)


def _names(rng: np.random.Generator, pool: list[str], n: int) -> list[str]:
    return [pool[i] for i in rng.choice(len(pool), size=n, replace=n > len(pool))]


class Universe:
    """Every security of the period (listed at the start, or an IPO during it) and its price state."""

    def __init__(
        self,
        rng: np.random.Generator,
        stocks: int,
        etfs: int,
        ipos: int,
        dividend_share: float,
        days: list[date],
    ) -> None:
        n_days = len(days)
        board = np.repeat(np.arange(5), rng.multinomial(stocks, BOARD_SHARE))
        ipo_board = np.repeat(np.arange(5), rng.multinomial(ipos, IPO_BOARD_SHARE))
        codes = np.zeros(stocks + ipos, dtype=np.int64)
        all_board = np.concatenate([board, ipo_board])
        for b, pools in CODE_POOLS.items():
            where = np.flatnonzero(all_board == b)
            codes[where] = _codes(rng, pools, where.size)
        etf_market = (rng.random(etfs) < 0.45).astype(np.int64)  # 1 = SZ
        etf_codes = np.zeros(etfs, dtype=np.int64)
        for m, pools in ETF_POOLS.items():
            where = np.flatnonzero(etf_market == m)
            etf_codes[where] = _codes(rng, pools, where.size)

        n_stock = stocks + ipos
        self.size = n_stock + etfs
        self.board = np.concatenate([all_board, np.where(etf_market == 1, SZ_MAIN, SH_MAIN)])
        self.is_etf = np.arange(self.size) >= n_stock
        self.market = MARKET_OF_BOARD[self.board]
        self.code = np.char.zfill(np.concatenate([codes, etf_codes]).astype(str), 6)
        industry_weights = np.array([w for _, w, _ in ref.INDUSTRIES], dtype=float)
        self.industry = np.where(
            self.is_etf,
            -1,
            rng.choice(len(ref.INDUSTRIES), size=self.size, p=industry_weights / industry_weights.sum()),
        )
        names = np.empty(self.size, dtype=object)
        for k, (_, _, endings) in enumerate(ref.INDUSTRIES):
            where = np.flatnonzero(self.industry == k)
            names[where] = _names(rng, [p + e for p in ref.NAME_PREFIXES for e in endings], where.size)
        names[self.is_etf] = _names(rng, [c + t for c in ref.FUND_COMPANIES for t in ref.ETF_THEMES], etfs)
        self.name = names.astype(str)
        self.tick = np.where(self.is_etf, TICK_MILLI["ETF"], TICK_MILLI["STOCK"])

        # listing: existing securities listed years ago, IPOs subscribed and listed in the period
        self.is_ipo = np.zeros(self.size, dtype=bool)
        self.is_ipo[stocks:n_stock] = True
        self.sub_day = np.full(self.size, -1)
        sub = np.sort(rng.integers(0, max(n_days - 2, 1), size=ipos))
        if ipos:
            sub[0] = min(1, n_days - 1)  # the first subscription early, so its allotment is in the period
        self.sub_day[self.is_ipo] = sub
        self.list_day = np.full(self.size, -1)
        self.list_day[self.is_ipo] = sub + rng.integers(6, 10, size=ipos)
        earliest = np.array(
            [date(1991, 1, 1), date(2019, 7, 22), date(1991, 4, 3), date(2009, 10, 30), date(2021, 11, 15)]
        )[self.board]
        span = np.array([(days[0] - e).days for e in earliest])
        back = (rng.random(self.size) ** 0.7 * (span - 30)).astype(np.int64) + 30
        self.list_date_ord = np.array([days[0].toordinal()]) - back

        # prices, shares, behaviour
        price_yuan = np.exp(rng.normal(np.log(12.0), 0.8, self.size)).clip(1.5, 1800)
        price_yuan = np.where(
            self.is_etf, np.exp(rng.normal(np.log(1.5), 0.6, self.size)).clip(0.4, 8), price_yuan
        )
        milli = np.rint(price_yuan * 1000).astype(np.int64)
        self.close = milli // self.tick * self.tick
        self.ipo_price = np.where(self.is_ipo, self.close, 0)
        scale = np.array([6e8, 3e8, 6e8, 2.5e8, 1.2e8])[self.board]
        total = np.exp(rng.normal(0, 1.0, self.size)) * scale
        total = np.where(self.is_etf, np.exp(rng.normal(np.log(2e9), 1.0, self.size)), total)
        self.total_shares = (total // 10_000 * 10_000).astype(np.int64).clip(10_000_000)
        float_share = np.where(
            self.is_etf | (rng.random(self.size) < 0.4), 1.0, rng.uniform(0.25, 1.0, self.size)
        )
        self.float_shares = (self.total_shares * float_share // 100 * 100).astype(np.int64)
        self.beta = np.where(
            self.is_etf, rng.normal(1.0, 0.1, self.size), rng.normal(1.0, 0.25, self.size)
        ).clip(0.3, 2)
        vol = np.array([0.016, 0.024, 0.017, 0.023, 0.03])[self.board] * np.exp(rng.normal(0, 0.3, self.size))
        self.vol = np.where(self.is_etf, 0.002, vol)
        self.popularity = np.exp(rng.normal(0, 1.2, self.size)) * np.where(self.is_etf, 1.5, 1.0)
        self.suspended_left = np.zeros(self.size, dtype=np.int64)
        self.last_return = np.zeros(self.size)

        # cash dividends of existing stocks, ex-dates concentrated in May..July
        pays = ~self.is_etf & ~self.is_ipo & (rng.random(self.size) < dividend_share)
        month_weight = np.array([3.0 if d.month in (5, 6, 7) else 1.0 for d in days])
        self.ex_day = np.where(
            pays, rng.choice(n_days, size=self.size, p=month_weight / month_weight.sum()), -1
        )
        dps = np.rint(milli * rng.uniform(0.004, 0.04, self.size)).astype(np.int64).clip(10)
        self.dps = np.where(pays, dps, 0)

        # index constituents, by free-float market cap at the start
        cap = self.float_shares * self.close * ~self.is_etf * ~self.is_ipo
        members = np.zeros((len(INDEX_CODES), self.size), dtype=bool)
        members[0] = self._top(cap, self.board != BSE, 0.06, 10)
        members[1] = (cap > 0) & (self.market == 0)
        members[2] = self._top(cap, self.market == 1, 0.18, 10)
        members[3] = self._top(cap, self.board == CHINEXT, 0.075, 5)
        self.index_members = members
        self.index_level = INDEX_BASE.copy()

    @staticmethod
    def _top(cap: np.ndarray, among: np.ndarray, share: float, least: int) -> np.ndarray:
        candidates = np.flatnonzero(among & (cap > 0))
        n = min(candidates.size, max(least, int(candidates.size * share)))
        chosen = candidates[np.argsort(-cap[candidates], kind="stable")[:n]]
        mask = np.zeros(cap.size, dtype=bool)
        mask[chosen] = True
        return mask

    def step(self, day: int, rng: np.random.Generator) -> Quotes:
        """Simulate day `day`'s prices; the state moves on to that day's closes."""
        listed = self.list_day <= day
        new = self.list_day == day
        is_stock = ~self.is_etf
        dividend = np.where((self.ex_day == day) & listed, self.dps, 0)
        prev = self.close.copy()
        prev = np.where(dividend > 0, (round_half_away_np(prev - dividend, 10) * 10).clip(10), prev)

        self.suspended_left = np.maximum(self.suspended_left - 1, 0)
        start = listed & is_stock & ~new & (rng.random(self.size) < 0.0012)
        self.suspended_left = np.where(start, rng.geometric(0.35, self.size), self.suspended_left)
        suspended = listed & (self.suspended_left > 0)

        market = 0.0003 + 0.011 * rng.standard_t(5) / np.sqrt(5 / 3)
        industry = 0.007 * rng.standard_normal(len(ref.INDUSTRIES))
        noise = self.vol * rng.standard_t(4, self.size) / np.sqrt(2)
        jump = np.where(
            rng.random(self.size) < 0.008,
            rng.choice([-1.0, 1.0], self.size) * rng.uniform(0.05, 0.25, self.size),
            0,
        )
        ret = self.beta * market + np.where(is_stock, industry[self.industry] + jump, 0.0) + noise
        days_listed = day - self.list_day
        ret = np.where(new, 0.5, np.where(self.is_ipo & (days_listed <= 3), ret + 0.06, ret))
        ret = np.where(self.is_etf, ret.clip(-0.09, 0.09), ret)

        limit = LIMIT_PCT[self.board]
        unit = prev // self.tick  # prev_close in ticks
        up = round_half_away_np(unit * (100 + limit), 100) * self.tick
        down = round_half_away_np(unit * (100 - limit), 100) * self.tick

        def to_tick(price: np.ndarray) -> np.ndarray:
            return np.rint(price / self.tick).astype(np.int64) * self.tick

        close = to_tick(prev * np.exp(ret)).clip(down, up)
        opening = to_tick(prev * np.exp(0.35 * ret + rng.normal(0, 0.004, self.size))).clip(down, up)
        spread = np.abs(rng.normal(0, 0.5, (2, self.size))) * self.vol
        high = np.maximum(
            to_tick(np.maximum(opening, close) * np.exp(spread[0])).clip(down, up), np.maximum(opening, close)
        )
        low = np.minimum(
            to_tick(np.minimum(opening, close) * np.exp(-spread[1])).clip(down, up),
            np.minimum(opening, close),
        )
        turnover = np.exp(rng.normal(np.log(0.012), 0.6, self.size)) * (1 + 8 * np.abs(ret))
        turnover = np.where(close == up, turnover * 0.4, turnover)
        volume = (self.float_shares * turnover.clip(0.0005, 0.3)).astype(np.int64) // 100 * 100 + 100
        vwap = (opening + high + low + close) // 4

        for arr in (opening, high, low, close):
            arr[suspended] = prev[suspended]
        volume[suspended] = 0
        amount = round_half_away_np(volume * vwap, 10)

        # indices move with their members' capitalisation-weighted return
        weight = self.index_members * (self.float_shares * prev.astype(float) * listed)
        change = (weight * (close / prev - 1)).sum(axis=1) / np.maximum(weight.sum(axis=1), 1)
        index_prev = self.index_level
        self.index_level = np.rint(index_prev * (1 + change)).astype(np.int64)

        self.close = np.where(listed, close, self.close)
        self.last_return = np.where(listed, close / prev - 1, 0.0)
        return Quotes(
            listed,
            listed & ~suspended,
            prev,
            opening,
            high,
            low,
            close,
            up,
            down,
            volume,
            amount,
            dividend,
            index_prev,
            self.index_level,
        )

    def frame(self, rows: np.ndarray, calendar: list[date]) -> pl.DataFrame:
        """securities.csv rows of the given securities; `calendar` covers every IPO's listing day."""
        epoch = date(1970, 1, 1).toordinal()
        listing = np.array([d.toordinal() for d in calendar])[self.list_day.clip(0)]
        list_date = np.where(self.is_ipo, listing, self.list_date_ord)[rows] - epoch
        industries = np.array([""] + [name for name, _, _ in ref.INDUSTRIES])
        return pl.DataFrame(
            {
                "market": np.array(MARKETS)[self.market[rows]],
                "security_code": self.code[rows],
                "security_name": self.name[rows],
                "security_type": np.where(self.is_etf[rows], "ETF", "STOCK"),
                "board": np.array(BOARDS)[self.board[rows]],
                "industry": pl.Series(industries[self.industry[rows] + 1]).replace("", None),
                "list_date": pl.Series(list_date).cast(pl.Date).dt.strftime("%Y%m%d"),
                "delist_date": pl.Series([None] * rows.size, dtype=pl.String),
                "total_shares": self.total_shares[rows],
                "float_shares": self.float_shares[rows],
            }
        )

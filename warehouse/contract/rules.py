"""Trading rules of the contract that both the generator and landing apply.

Amounts are handled as integers in their smallest unit (money in cents 分, prices in 1/1000 yuan) so
every calculation is exact; `round_half_away` rounds like a counter does (half away from zero).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

STAMP_DUTY_CUT = date(2023, 8, 28)  # stamp duty halved from this trade date on
STAMP_DUTY_PPM_BEFORE = 1000  # 0.1 %  in parts per million of the amount
STAMP_DUTY_PPM_FROM = 500  # 0.05 %
TRANSFER_FEE_PPM = 10  # 0.001 %, stocks, both sides
MIN_COMMISSION_CENTS = 500  # 5.00 yuan

#: daily price limit by board, in percent of prev_close
PRICE_LIMIT_PCT = {"SH_MAIN": 10, "SZ_MAIN": 10, "STAR": 20, "CHINEXT": 20, "BSE": 30}
#: price tick by security type, in 1/1000 yuan (stocks 0.01, funds and ETFs 0.001)
TICK_MILLI = {"STOCK": 10, "ETF": 1, "FUND": 1, "BOND": 1}
LOT = 100  # board lot for buys; STAR: at least STAR_MIN_BUY, then steps of 1
STAR_MIN_BUY = 200


def stamp_duty_ppm(trade_date: date) -> int:
    return STAMP_DUTY_PPM_BEFORE if trade_date < STAMP_DUTY_CUT else STAMP_DUTY_PPM_FROM


def round_half_away(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """numerator / denominator rounded half away from zero, on integer expressions (exact)."""
    half = denominator // 2
    magnitude = (numerator.abs() + half) // denominator
    return pl.when(numerator < 0).then(-magnitude).otherwise(magnitude)


def round_half_away_np(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """The numpy twin of `round_half_away`, for the generator."""
    magnitude = (np.abs(numerator) + denominator // 2) // denominator
    return np.where(numerator < 0, -magnitude, magnitude)

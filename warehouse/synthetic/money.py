"""Exact integer money arithmetic (cents 分, prices in 1/1000 yuan) and its CSV text form."""

from __future__ import annotations

import numpy as np
import polars as pl

from warehouse.contract.rules import (
    MIN_COMMISSION_CENTS,
    TRANSFER_FEE_PPM,
    round_half_away_np,
)

RATE_SCALE = 100_000_000  # commission rates are held in units of 1e-8
PPM = 1_000_000


def div_round(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half away from zero, elementwise, for positive denominators."""
    magnitude = (np.abs(numerator) * 2 + denominator) // (denominator * 2)
    return np.where(numerator < 0, -magnitude, magnitude)


def prorate(total: np.ndarray, part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """round(total × part / whole) without overflowing int64 (total ≥ 0, 0 < part ≤ whole)."""
    whole_units, rest = np.divmod(total, whole)
    return whole_units * part + div_round(rest * part, whole)


def amount_cents(price_milli: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """round(price × qty, 2) in cents."""
    return round_half_away_np(price_milli * qty, 10)


def fees(
    amount: np.ndarray, rate_e8: np.ndarray, is_stock: np.ndarray, is_sell: np.ndarray, stamp_ppm: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Commission, stamp duty and transfer fee in cents of normal fills (stocks and ETFs)."""
    commission = np.maximum(round_half_away_np(amount * rate_e8, RATE_SCALE), MIN_COMMISSION_CENTS)
    stamp = np.where(is_stock & is_sell, round_half_away_np(amount * stamp_ppm, PPM), 0)
    transfer = np.where(is_stock, round_half_away_np(amount * TRANSFER_FEE_PPM, PPM), 0)
    return commission, stamp, transfer


def money_text(cents: pl.Expr) -> pl.Expr:
    """Cents as a decimal string with 2 decimals, e.g. -1234 -> "-12.34"."""
    magnitude = cents.abs()
    text = pl.concat_str(
        [(magnitude // 100).cast(pl.String), pl.lit("."), (magnitude % 100).cast(pl.String).str.zfill(2)]
    )
    return pl.when(cents < 0).then(pl.lit("-") + text).otherwise(text)


def price_text(milli: pl.Expr, decimals: pl.Expr) -> pl.Expr:
    """A price in 1/1000 yuan as text with 2 decimals (stocks) or 3 (funds and ETFs)."""
    three = pl.concat_str(
        [(milli // 1000).cast(pl.String), pl.lit("."), (milli % 1000).cast(pl.String).str.zfill(3)]
    )
    return pl.when(decimals == 3).then(three).otherwise(three.str.slice(0, three.str.len_chars() - 1))

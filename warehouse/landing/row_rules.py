"""Rules one typed row can be checked against on its own (with the reference data joined to it).

All arithmetic is on exact scaled integers (cents, 1/1000 yuan, 1e-8 of a rate), in Int128.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.contract.rules import (
    LOT,
    MIN_COMMISSION_CENTS,
    PRICE_LIMIT_PCT,
    STAR_MIN_BUY,
    TICK_MILLI,
    TRANSFER_FEE_PPM,
    stamp_duty_ppm,
)
from warehouse.contract.spec import CLIENT_BROKERS, DECIMAL_SCALE, TRADES, Kind

from .events import flag
from .history import SECURITY_KEY, BranchContext

NEW_LISTING_DAYS = 5  # no price limit on a security's first 5 trading days
RATE_UNIT = 10 ** DECIMAL_SCALE[Kind.RATE]
PPM = 1_000_000


def round_half_away(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """`warehouse.contract.rules.round_half_away` for Int128 expressions (which polars cannot negate)."""
    magnitude = (numerator.abs() + denominator // 2) // denominator
    return pl.when(numerator < 0).then(pl.lit(0, pl.Int128) - magnitude).otherwise(magnitude)


def scaled(name: str) -> pl.Expr:
    """A decimal column as its exact scaled integer (Int128)."""
    return pl.col(name).to_physical()


def shown(value: pl.Expr, scale: int) -> pl.Expr:
    """A scaled integer written as a decimal string (19100 cents -> '191.00')."""
    unit = 10**scale
    magnitude = value.abs()
    return pl.concat_str(
        pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // unit).cast(pl.String),
        pl.lit("."),
        (magnitude % unit).cast(pl.String).str.pad_start(scale, "0"),
    )


def lookup(frame: pl.DataFrame, reference: pl.DataFrame, on: str | list[str]) -> pl.DataFrame:
    """`frame` with the columns of `reference` (unique on `on`) added by key: a left join made on the key
    columns only, so the wide frame is never gathered."""
    found = frame.select(on).join(reference, on=on, how="left", maintain_order="left").drop(on)
    return frame.hstack(found)


def with_reference(frame: pl.DataFrame, ctx: BranchContext, quotes: bool = False) -> pl.DataFrame:
    """Join each row to its security (type, board, list date) and, for fills, the day's prev_close and
    the client's commission rate."""
    frame = lookup(frame, ctx.securities, SECURITY_KEY)
    if quotes:
        frame = lookup(frame, ctx.quotes, SECURITY_KEY)
        frame = lookup(frame, ctx.rates, "client_id")
    return frame


def _odd_lot_buy(qty: pl.Expr) -> pl.Expr:
    board = pl.col("board")
    odd = pl.when(board == "STAR").then(qty < STAR_MIN_BUY).otherwise(qty % LOT != 0)
    return (pl.col("side") == "B") & (pl.col("biz_type") == "0") & board.is_not_null() & odd


def order_rules(orders: pl.DataFrame) -> list[pl.DataFrame]:
    """Orders joined `with_reference`."""
    detail = "buy order not in board lots (100 shares; STAR at least 200)"
    mask = _odd_lot_buy(pl.col("order_qty"))
    return [flag(orders, mask, file="orders.csv", rule="odd_lot_buy", column="order_qty", detail=detail)]


def trade_rules(trades: pl.DataFrame, business_date: date) -> list[pl.DataFrame]:
    """Fills joined `with_reference(..., quotes=True)`: amount, fees, lots and price limit."""
    f = TRADES.name
    qty = pl.col("qty").cast(pl.Int128)
    amount = scaled("amount")
    normal, allotment = pl.col("biz_type") == "0", pl.col("biz_type") == "1"
    stock, etf = pl.col("security_type") == "STOCK", pl.col("security_type") == "ETF"
    sell = pl.col("side") == "S"

    expected_amount = round_half_away(scaled("price") * qty, 10)  # 1/1000 yuan -> cents
    commission = pl.max_horizontal(
        round_half_away(amount * scaled("commission_rate"), RATE_UNIT),
        pl.lit(MIN_COMMISSION_CENTS, pl.Int128),
    )
    stamp = (
        pl.when(stock & sell).then(round_half_away(amount * stamp_duty_ppm(business_date), PPM)).otherwise(0)
    )
    transfer = pl.when(stock).then(round_half_away(amount * TRANSFER_FEE_PPM, PPM)).otherwise(0)
    fee_checked = (normal & (stock | etf)) | allotment

    def fee(rule: str, column: str, expected: pl.Expr, what: str, scope: pl.Expr) -> pl.DataFrame:
        expected = pl.when(allotment).then(pl.lit(0, pl.Int128)).otherwise(expected)
        detail = pl.format("{} {} != {}", pl.lit(what), pl.col(column).cast(pl.String), shown(expected, 2))
        return flag(
            trades, scope & (scaled(column) != expected), file=f, rule=rule, column=column, detail=detail
        )

    price, prev = scaled("price"), scaled("prev_close")
    pct = pl.col("board").replace_strict(PRICE_LIMIT_PCT, default=None, return_dtype=pl.Int128)
    tick = pl.col("security_type").replace_strict(TICK_MILLI, default=None, return_dtype=pl.Int128)
    up = (prev * (100 + pct) + 50 * tick) // (100 * tick) * tick
    down = (prev * (100 - pct) + 50 * tick) // (100 * tick) * tick
    listed_days = pl.business_day_count(pl.col("list_date"), pl.lit(business_date))
    limited = normal & prev.is_not_null() & pct.is_not_null() & (listed_days >= NEW_LISTING_DAYS)
    limit_detail = pl.format("price outside the daily limit [{}, {}]", shown(down, 3), shown(up, 3))

    return [
        flag(
            trades,
            amount != expected_amount,
            file=f,
            rule="amount_mismatch",
            column="amount",
            detail=pl.format("amount != round(price x qty, 2) = {}", shown(expected_amount, 2)),
        ),
        fee(
            "commission_mismatch",
            "commission",
            commission,
            "commission",
            fee_checked & (allotment | pl.col("commission_rate").is_not_null()),
        ),
        fee("stamp_duty_mismatch", "stamp_duty", stamp, "stamp duty", fee_checked),
        fee("transfer_fee_mismatch", "transfer_fee", transfer, "transfer fee", fee_checked),
        flag(
            trades,
            _odd_lot_buy(pl.col("qty")),
            file=f,
            rule="odd_lot_buy",
            column="qty",
            detail="buy fill not in board lots (100 shares; STAR at least 200)",
        ),
        flag(
            trades,
            limited & ((price > up) | (price < down)),
            file=f,
            rule="price_limit",
            column="price",
            detail=limit_detail,
        ),
    ]


def relation_rules(relations: pl.DataFrame) -> list[pl.DataFrame]:
    mask = scaled("share_pct") > 100 * 10 ** DECIMAL_SCALE[Kind.PCT]
    return [
        flag(
            relations,
            mask,
            file=CLIENT_BROKERS.name,
            rule="share_pct_range",
            column="share_pct",
            detail="share_pct is not within 0..100",
        )
    ]

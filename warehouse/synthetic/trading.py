"""Normal orders (委托) and their fills (成交) of one day, for all clients at once.

Sells come from the positions held at the start of the day (T+1), at most one sell order per client and
security, filled in one piece; odd lots are only sold with the whole position. Buys are whole lots
(STAR: 200 and more, any step) paid from the cash available after the day's other movements, with
room for the fees. Fill prices lie within the day's low..high, which lies within the price limits.
"""

from __future__ import annotations

import numpy as np

from warehouse.contract.rules import LOT, STAR_MIN_BUY
from warehouse.synthetic.clients import ACTIVE, CHANNEL_MIX, RATES_E8, Clients
from warehouse.synthetic.ledger import Book, pick_securities
from warehouse.synthetic.market import STAR, Quotes, Universe
from warehouse.synthetic.money import amount_cents, fees
from warehouse.synthetic.records import SESSION_SECONDS, Fills, Orders, session_clock

ORDERS_PER_TRADER = np.array([1.2, 0.4, 0.2, 0.3])  # extra orders (Poisson mean) by behaviour
MAX_LOTS = 10_000
FEE_ROOM_CENTS = 600  # per fill: the minimum commission and rounding
FILLED, PARTLY, CANCELLED, REJECTED = 8, 5, 6, 9


def _rank(groups: np.ndarray) -> np.ndarray:
    """Position of each row within its run of equal values (rows sorted by group)."""
    if groups.size == 0:
        return groups
    start = np.r_[True, groups[1:] != groups[:-1]]
    return np.arange(groups.size) - np.maximum.accumulate(np.where(start, np.arange(groups.size), 0))


def _grid(rng: np.random.Generator, low: np.ndarray, high: np.ndarray, tick: np.ndarray) -> np.ndarray:
    """A random price on the tick grid within low..high."""
    steps = (high - low) // tick + 1
    return low + (rng.random(low.size) * steps).astype(np.int64) * tick


def _statuses(rng: np.random.Generator, n: int, cut: tuple[float, float, float]) -> np.ndarray:
    u = rng.random(n)
    return np.select([u < cut[0], u < cut[1], u < cut[2]], [FILLED, PARTLY, CANCELLED], REJECTED)


def _channels(rng: np.random.Generator, preferred: np.ndarray) -> np.ndarray:
    other = rng.choice(CHANNEL_MIX.size, size=preferred.size, p=CHANNEL_MIX)
    return np.where(rng.random(preferred.size) < 0.88, preferred, other)


def trade(
    rng: np.random.Generator,
    day: int,
    clients: Clients,
    book: Book,
    universe: Universe,
    quotes: Quotes,
    available: np.ndarray,
    blocked: np.ndarray,
    live: np.ndarray,
    stamp_ppm: int,
) -> tuple[Orders, Fills]:
    """Orders and fills of the day; `blocked` keys (client, security) must not trade today."""
    n = clients.size
    liquidating = live & (
        ((clients.close_day > day) & (clients.close_day - 3 <= day))
        | ((clients.churn_day >= day) & (clients.churn_day - 4 <= day))
    )
    trader = (
        live & (clients.close_day != day) & ((rng.random(n) < clients.trading_probability(day)) | liquidating)
    )
    n_orders = np.where(trader, 1 + rng.poisson(ORDERS_PER_TRADER[clients.behaviour]), 0)
    n_sell = np.where(liquidating, 1 << 20, rng.binomial(n_orders, 0.45))
    n_buy = np.where(liquidating, 0, n_orders - n_sell)
    tick, low, high = universe.tick, quotes.low, quotes.high

    # sells: distinct positions held since yesterday
    owner = book.client
    cand = np.flatnonzero(trader[owner] & quotes.tradable[book.sec] & ~np.isin(book.key, blocked))
    cand = cand[np.lexsort((rng.random(cand.size), owner[cand]))]
    sold = cand[_rank(owner[cand]) < n_sell[owner[cand]]]
    s_client, s_sec, held = owner[sold], book.sec[sold], book.qty[sold]
    star = universe.board[s_sec] == STAR
    part = (held * rng.uniform(0.2, 0.9, sold.size)).astype(np.int64) // LOT * LOT
    whole = (
        liquidating[s_client] | (rng.random(sold.size) < 0.45) | (part < LOT) | (star & (part < STAR_MIN_BUY))
    )
    s_qty = np.where(whole, held, part)
    s_status = np.where(liquidating[s_client], FILLED, _statuses(rng, sold.size, (0.8, 0.86, 0.97)))
    s_part = (s_qty * rng.uniform(0.1, 0.9, sold.size)).astype(np.int64) // LOT * LOT
    s_part_ok = (s_part >= LOT) & (s_part < s_qty) & (~star | (s_part >= STAR_MIN_BUY))
    s_status = np.where((s_status == PARTLY) & ~s_part_ok, FILLED, s_status)
    s_filled = np.select([s_status == FILLED, s_status == PARTLY], [s_qty, s_part], 0)
    s_tick = tick[s_sec]
    s_base = _grid(rng, low[s_sec], high[s_sec], s_tick)
    s_price = np.maximum(s_base - rng.choice([0, 0, 0, 1, 2, 5], sold.size) * s_tick, quotes.down[s_sec])
    s_price = np.where(s_status == CANCELLED, np.minimum(high[s_sec] + s_tick, quotes.up[s_sec]), s_price)

    # buys: a share of the available cash, split over the client's buy orders
    b_client = np.repeat(np.arange(n), n_buy)
    share = np.where(clients.behaviour == ACTIVE, rng.uniform(0.3, 0.9, n), rng.uniform(0.1, 0.6, n))
    weight = rng.exponential(1.0, b_client.size)
    total = np.bincount(b_client, weights=weight, minlength=n)
    budget = (available[b_client] * share[b_client] * weight / np.maximum(total[b_client], 1e-12)).astype(
        np.int64
    )
    pick = universe.popularity * quotes.tradable * (1 + 15 * np.abs(universe.last_return))
    b_sec = pick_securities(rng, universe, pick, clients.risk[b_client] <= 1)
    keep = ~np.isin(book.keys(b_client, b_sec), np.concatenate([blocked, book.key[sold]]))
    b_client, b_sec, budget = b_client[keep], b_sec[keep], budget[keep]
    b_star = universe.board[b_sec] == STAR
    pieces = np.where(b_star, 1, np.minimum(1 + rng.poisson(0.4, b_client.size), 4))
    b_tick = tick[b_sec]
    b_price = np.minimum(
        _grid(rng, low[b_sec], high[b_sec], b_tick) + rng.choice([0, 0, 0, 1, 2, 5], b_client.size) * b_tick,
        quotes.up[b_sec],
    )
    lots = ((budget - FEE_ROOM_CENTS * pieces - 100) * 1000 // (b_price * 10 * 1001)).clip(0, MAX_LOTS)
    lots = np.where(b_star & (lots < 2), 0, lots)
    b_qty = lots * LOT
    odd_star = b_star & (lots >= 3) & (rng.random(b_client.size) < 0.3)
    b_qty = np.where(odd_star, b_qty - rng.integers(1, LOT, b_client.size), b_qty)
    b_status = _statuses(rng, b_client.size, (0.78, 0.85, 0.97))
    b_status = np.where((b_status == PARTLY) & (b_star | (lots < 2)), FILLED, b_status)
    # an order beyond the client's cash is rejected by the counter (废单), or never placed
    poor = b_qty == 0
    b_status = np.where(poor, REJECTED, b_status)
    b_qty = np.where(poor, np.where(b_star, STAR_MIN_BUY, LOT), b_qty)
    placed = ~poor | (rng.random(b_client.size) < 0.3)
    b_client, b_sec, b_price, b_qty, b_status, lots, pieces, b_star, b_tick = (
        x[placed] for x in (b_client, b_sec, b_price, b_qty, b_status, lots, pieces, b_star, b_tick)
    )
    low_b = low[b_sec]
    b_price = np.where(
        (b_status == CANCELLED) & (low_b > quotes.down[b_sec]),
        np.maximum(low_b - b_tick, quotes.down[b_sec]),
        b_price,
    )
    b_lots_filled = np.select(
        [b_status == FILLED, b_status == PARTLY],
        [lots, 1 + (rng.random(lots.size) * (lots - 1)).astype(np.int64)],
        0,
    )
    b_filled = np.where(b_status == FILLED, b_qty, b_lots_filled * LOT)

    orders = Orders(
        client=np.concatenate([s_client, b_client]),
        sec=np.concatenate([s_sec, b_sec]),
        sell=np.r_[np.ones(sold.size, dtype=bool), np.zeros(b_client.size, dtype=bool)],
        ipo=np.zeros(sold.size + b_client.size, dtype=bool),
        price=np.concatenate([s_price, b_price]),
        qty=np.concatenate([s_qty, b_qty]),
        time=np.zeros(sold.size + b_client.size, dtype=np.int64),
        channel=np.zeros(sold.size + b_client.size, dtype=np.int64),
        status=np.concatenate([s_status, b_status]),
        filled=np.concatenate([s_filled, b_filled]),
        cancelled=np.zeros(sold.size + b_client.size, dtype=np.int64),
    )
    orders.cancelled = np.where(orders.status == REJECTED, 0, orders.qty - orders.filled)
    orders.channel = _channels(rng, clients.channel[orders.client])
    seconds = rng.integers(0, SESSION_SECONDS - 60, len(orders))
    orders.time = session_clock(seconds)

    # fills: sells in one piece, buys in up to `pieces` whole-lot pieces (STAR in one)
    n_pieces = np.where(
        orders.filled > 0,
        np.r_[np.ones(sold.size, dtype=np.int64), np.minimum(pieces, np.maximum(b_lots_filled, 1))],
        0,
    )
    row = np.repeat(np.arange(len(orders)), n_pieces)
    first = np.r_[0, np.cumsum(n_pieces)[:-1]][row]
    is_first = np.arange(row.size) == first
    w = rng.random(row.size) + 0.2
    w_total = np.bincount(row, weights=w, minlength=len(orders))[row]
    filled_lots = orders.filled[row] // LOT
    extra = filled_lots - n_pieces[row]
    lots_piece = 1 + (w / w_total * np.maximum(extra, 0)).astype(np.int64)
    spare = filled_lots - np.bincount(row, weights=lots_piece, minlength=len(orders)).astype(np.int64)[row]
    qty = np.where(n_pieces[row] == 1, orders.filled[row], (lots_piece + np.where(is_first, spare, 0)) * LOT)
    sec = orders.sec[row]
    lo = np.where(orders.sell[row], np.maximum(low[sec], orders.price[row]), low[sec])
    hi = np.where(orders.sell[row], high[sec], np.minimum(high[sec], orders.price[row]))
    price = _grid(rng, lo, hi, tick[sec])
    lag = np.cumsum(rng.exponential(15, row.size).astype(np.int64) + 1)
    lag = lag - np.r_[0, lag][first]
    fill_seconds = np.minimum(seconds[row] + lag, SESSION_SECONDS)
    amount = amount_cents(price, qty)
    commission, stamp, transfer = fees(
        amount, RATES_E8[clients.rate[orders.client[row]]], ~universe.is_etf[sec], orders.sell[row], stamp_ppm
    )
    fills = Fills(
        order=row,
        order_id=np.zeros(row.size, dtype=np.int64),
        client=orders.client[row],
        sec=sec,
        sell=orders.sell[row],
        ipo=np.zeros(row.size, dtype=bool),
        price=price,
        qty=qty,
        amount=amount,
        commission=commission,
        stamp=stamp,
        transfer=transfer,
        time=session_clock(fill_seconds),
        channel=orders.channel[row],
    )
    spent = np.bincount(fills.client, weights=np.minimum(fills.cash, 0), minlength=n)
    if (available + spent < 0).any():
        raise RuntimeError("buys exceeded the available cash")
    return orders, fills

"""Rules across rows and files of a package, and against the branch's earlier landed days."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.contract.rules import LOT, STAR_MIN_BUY
from warehouse.contract.spec import (
    BALANCES,
    CASH_FLOWS,
    CLIENT_BROKERS,
    CUSTODY_TRANSFERS,
    DECIMAL_SCALE,
    MARKETS,
    ORDERS,
    POSITIONS,
    QUOTES,
    TRADES,
    FileSpec,
    Kind,
)

from .events import INFO, flag, package_event, raw
from .fields import Typed
from .history import POSITION_KEY, SECURITY_KEY, BranchContext
from .reader import SOURCE_ROW
from .row_rules import lookup, scaled, shown
from .state import RELATIONS_STATE, SUBSCRIPTIONS, fold

SHARE_TOTAL = 100 * 10 ** DECIMAL_SCALE[Kind.PCT]


_KEY = "__key"  # one column standing for a roll-forward key (see `_keyed`)
_MARKET_NUMBER = {m: i for i, m in enumerate(MARKETS)}


def _keyed(frames: list[pl.DataFrame], key: list[str]) -> list[pl.DataFrame]:
    """The frames with `_KEY`, one column that is equal exactly where the `key` columns are all equal.

    Grouping and joining on one integer is several times cheaper than on strings. Client ids of 10
    digits, markets of the contract and security codes of 6 digits (what every typed row holds in
    practice) pack into an UInt64; otherwise the key is the columns joined by '|' (client ids are 10
    characters and markets 2, so the joined string stands for one key only).
    """
    with_security = key != ["client_id"]
    client, market, code = pl.col("client_id"), pl.col("market"), pl.col("security_code")
    ok = (client.str.len_bytes() == 10) & ~client.str.starts_with("+")
    value = client.cast(pl.UInt64, strict=False)  # null where not digits
    if with_security:
        ok &= market.is_in(MARKETS) & (code.str.len_bytes() == 6) & ~code.str.starts_with("+")
        number = market.replace_strict(_MARKET_NUMBER, default=None, return_dtype=pl.UInt64)
        value = (value * len(MARKETS) + number) * 1_000_000 + code.cast(pl.UInt64, strict=False)
    keyed = [f.with_columns(pl.when(ok).then(value).alias(_KEY)) for f in frames]
    if all(f.get_column(_KEY).null_count() == 0 for f in keyed):
        return keyed
    value = pl.concat_str(key, separator="|")
    return [f.with_columns(value.alias(_KEY)) for f in frames]


_ID = "__id"  # one column standing for an id (see `_id_keyed`)


def _id_keyed(frames: list[pl.DataFrame], column: str) -> list[pl.DataFrame]:
    """The frames with `_ID`, a column equal exactly where `column` (an id, null allowed) is equal: the id
    as an UInt64 when every id of the frames is ASCII digits of one common length up to 19 (so the
    integer stands for one string only), else the id itself. Grouping and joining on integers is cheaper.
    """
    s = pl.col(column)
    digits = s.cast(pl.UInt64, strict=False).is_not_null() & ~s.str.starts_with("+")
    stats = [
        f.select(
            (s.is_null() | digits).all().alias("digits"),
            s.str.len_bytes().min().alias("shortest"),
            s.str.len_bytes().max().alias("longest"),
        ).row(0)
        for f in frames
        if not f.is_empty()
    ]
    lengths = {n for _, shortest, longest in stats for n in (shortest, longest) if n is not None}
    packed = all(d for d, _, _ in stats) and len(lengths) <= 1 and max(lengths, default=0) <= 19
    value = s.cast(pl.UInt64) if packed else s
    return [f.with_columns(value.alias(_ID)) for f in frames]


def duplicate_keys(typed: Typed, spec: FileSpec) -> list[pl.DataFrame]:
    """Every row whose key (spec.key) another row of the file also has."""
    key = list(spec.key)
    value = pl.concat_str([pl.col(raw(c)) for c in key], separator="|")
    detail = f"{'/'.join(key)} is not unique in the file"
    rows = typed.rows
    if len(key) == 1:
        (rows,) = _id_keyed([rows], key[0])
        mask = pl.col(_ID).is_duplicated()
    elif key == POSITION_KEY:
        (rows,) = _keyed([rows], key)
        mask = pl.col(_KEY).is_duplicated()
    else:
        mask = pl.struct(key).is_duplicated()
    return [
        flag(
            rows,
            mask,
            file=spec.name,
            rule="duplicate_key",
            column=",".join(key),
            value=value,
            detail=detail,
        )
    ]


def unknown_clients(files: dict[str, Typed], ctx: BranchContext) -> list[pl.DataFrame]:
    known = ctx.known_clients
    return [
        flag(
            files[spec.name].rows,
            ~pl.col("client_id").is_in(known.implode()),
            file=spec.name,
            rule="unknown_client",
            column="client_id",
            detail="client not in the branch's clients up to this date",
        )
        for spec in (ORDERS, TRADES, CASH_FLOWS, CUSTODY_TRANSFERS, POSITIONS, BALANCES)
    ]


def _unknown_security_mask(frame: pl.DataFrame, known: pl.DataFrame) -> pl.Series:
    return (
        frame.select(SECURITY_KEY)
        .join(known, on=SECURITY_KEY, how="left", maintain_order="left")
        .select(pl.col("__known").is_null())
        .to_series()
    )


def unknown_securities(files: dict[str, Typed], ctx: BranchContext) -> list[pl.DataFrame]:
    """Securities neither in head office's securities up to this date nor subscribed to as an IPO
    (an allotted security may be held before it is listed)."""
    specs = (ORDERS, TRADES, CUSTODY_TRANSFERS, POSITIONS)
    known = ctx.securities.select(SECURITY_KEY).with_columns(pl.lit(True).alias("__known"))
    masks = {s.name: _unknown_security_mask(files[s.name].rows, known) for s in specs}
    if any(m.any() for m in masks.values()):
        subscribed = pl.concat(
            [
                ctx.subscriptions.select(SECURITY_KEY),
                files[ORDERS.name].rows.filter(pl.col("biz_type") == "1").select(SECURITY_KEY),
            ]
        )
        known = pl.concat([known, subscribed.with_columns(pl.lit(True).alias("__known"))]).unique(
            SECURITY_KEY
        )
        masks = {s.name: _unknown_security_mask(files[s.name].rows, known) for s in specs}
    return [
        flag(
            files[s.name].rows.with_columns(masks[s.name].alias("__unknown")),
            pl.col("__unknown"),
            file=s.name,
            rule="unknown_security",
            column="security_code",
            value=pl.concat_str(pl.col(raw("market")), pl.col(raw("security_code")), separator="."),
            detail="security not in head office's securities up to this date",
        )
        for s in specs
    ]


def order_fill_rules(files: dict[str, Typed], ctx: BranchContext) -> list[pl.DataFrame]:
    quarantined = files[ORDERS.name].quarantine.select("order_id")
    has_allotments = (files[TRADES.name].rows["biz_type"] == "1").any()
    subscriptions = ctx.subscriptions if has_allotments else SUBSCRIPTIONS.empty()
    orders, trades, quarantined, subscriptions = _id_keyed(
        [files[ORDERS.name].rows, files[TRADES.name].rows, quarantined, subscriptions], "order_id"
    )
    normal_fills = (
        trades.lazy()
        .filter(pl.col("biz_type") == "0")
        .group_by(_ID)
        .agg(pl.col("qty").sum().alias("__fills_qty"), pl.len().alias("__fills"))
        .collect()
    )
    # only the columns the checks and their events use: joins never gather the wide frames
    order_columns = ["filled_qty", "cancelled_qty", "order_qty", "status", "biz_type"]
    o = lookup(
        orders.select(_ID, *order_columns, SOURCE_ROW, raw("filled_qty"), raw("status")),
        normal_fills,
        _ID,
    ).with_columns(pl.col("__fills_qty").fill_null(0), pl.col("__fills").fill_null(0))
    filled, cancelled, ordered, status = (
        pl.col(c) for c in ("filled_qty", "cancelled_qty", "order_qty", "status")
    )
    normal, subscription = pl.col("biz_type") == "0", pl.col("biz_type") == "1"
    status_broken = (
        ((status == "8") & (filled != ordered))
        | ((status == "6") & (filled != 0))
        | ((status == "5") & ((filled <= 0) | (filled >= ordered)))
        | ((status == "9") & ((filled != 0) | (pl.col("__fills") > 0)))
    )
    f = ORDERS.name
    events = [
        flag(
            o,
            normal & status.is_in(["5", "6", "8"]) & (filled + cancelled != ordered),
            file=f,
            rule="order_qty_mismatch",
            column="filled_qty",
            detail=pl.format("filled_qty + cancelled_qty = {} != order_qty", filled + cancelled),
        ),
        flag(
            o,
            normal & status_broken,
            file=f,
            rule="order_status_mismatch",
            column="status",
            detail="filled_qty does not fit the status (8 all, 5 part, 6 none, 9 rejected without fills)",
        ),
        flag(
            o,
            normal & (pl.col("__fills_qty") != filled),
            file=f,
            rule="fills_sum_mismatch",
            column="filled_qty",
            detail=pl.format("fills of the order sum to {}", pl.col("__fills_qty")),
        ),
        flag(
            o,
            subscription & ((status != "8") | (filled != 0) | (cancelled != 0)),
            file=f,
            rule="ipo_subscription_mismatch",
            column="status",
            detail="an IPO subscription must have status 8, filled_qty 0 and cancelled_qty 0",
        ),
    ]

    same = ["client_id", "market", "security_code", "side", "biz_type"]
    all_ids = pl.concat([orders[_ID], quarantined[_ID].drop_nulls()])
    first = orders.select(_ID, *(pl.col(c).alias(f"__order_{c}") for c in same)).unique(
        _ID, keep="first"
    )
    t = lookup(trades.select(_ID, *same, SOURCE_ROW, raw("order_id")), first, _ID)
    differs = pl.any_horizontal(pl.col(c) != pl.col(f"__order_{c}") for c in same)
    normal_fill = pl.col("biz_type") == "0"
    events += [
        flag(
            t,
            normal_fill & ~pl.col(_ID).is_in(all_ids.implode()),
            file=TRADES.name,
            rule="fill_order_unknown",
            column="order_id",
            detail="the fill's order is not in today's orders",
        ),
        flag(
            t,
            normal_fill & differs,
            file=TRADES.name,
            rule="fill_order_mismatch",
            column="order_id",
            detail="client, security, side or biz_type of the fill differ from its order",
        ),
    ]
    allotments = trades.filter(pl.col("biz_type") == "1")
    if not allotments.is_empty():
        subscriptions = subscriptions.select(_ID, *(pl.col(c).alias(f"__sub_{c}") for c in same[:3]))
        a = lookup(
            trades.select(_ID, *same, SOURCE_ROW, raw("order_id")),
            subscriptions.unique(_ID, keep="first"),
            _ID,
        )
        unmatched = pl.col("__sub_client_id").is_null() | pl.any_horizontal(
            pl.col(c) != pl.col(f"__sub_{c}") for c in same[:3]
        )
        events.append(
            flag(
                a,
                (pl.col("biz_type") == "1") & unmatched,
                file=TRADES.name,
                rule="allotment_order_unknown",
                column="order_id",
                detail="an allotment must name an IPO subscription of the same client and security "
                "from an earlier day",
            )
        )
    return events


def _excluded(files: dict[str, Typed], specs: tuple[FileSpec, ...]) -> pl.Series:
    """Clients with quarantined rows in these files: their roll-forward cannot be complete."""
    return pl.concat([files[s.name].quarantine["client_id"] for s in specs]).drop_nulls().unique()


def roll_forward_rules(files: dict[str, Typed], ctx: BranchContext) -> list[pl.DataFrame]:
    """T+1, odd-lot sells, positions and cash rolled forward from the previous trading day."""
    if ctx.previous is None:
        if ctx.gap_from is None:
            return []
        detail = (
            f"previous landed day {ctx.gap_from.isoformat()} is not the previous trading day: "
            "T+1, odd-lot sells and roll-forwards not checked"
        )
        return [package_event("roll_forward_unchecked", detail, INFO)]
    prev = ctx.previous
    trades, positions = files[TRADES.name].rows, files[POSITIONS.name].rows
    transfers, flows, balances = (files[s.name].rows for s in (CUSTODY_TRANSFERS, CASH_FLOWS, BALANCES))
    previous_positions, trades, transfers, positions = _keyed(
        [prev.positions, trades, transfers, positions], POSITION_KEY
    )
    prev_qty = previous_positions.group_by(_KEY).agg(pl.col("qty").sum().alias("__prev_qty"))
    is_sell = (pl.col("side") == "S") & (pl.col("biz_type") == "0")

    # T+1 and odd lots: only normal sells are checked, on a narrow frame of them
    sells = trades.filter(is_sell).select(_KEY, "qty", "board", SOURCE_ROW, raw("qty"))
    sold = sells.group_by(_KEY).agg(pl.col("qty").sum().alias("__sold"))
    today_qty = positions.group_by(_KEY).agg(pl.col("qty").sum().alias("__today_qty"))
    s = lookup(lookup(lookup(sells, sold, _KEY), prev_qty, _KEY), today_qty, _KEY)
    s = s.with_columns(pl.col("__prev_qty", "__today_qty").fill_null(0))
    odd = (
        pl.when(pl.col("board") == "STAR")
        .then(pl.col("qty") < STAR_MIN_BUY)
        .otherwise(pl.col("qty") % LOT != 0)
    )
    clears = (pl.col("qty") == pl.col("__prev_qty") % LOT) | (pl.col("__today_qty") == 0)
    events = [
        flag(
            s,
            pl.col("__sold") > pl.col("__prev_qty"),
            file=TRADES.name,
            rule="t1_oversell",
            column="qty",
            detail=pl.format(
                "sold {} today but held {} at the previous close", pl.col("__sold"), pl.col("__prev_qty")
            ),
        ),
        flag(
            s,
            odd & ~clears,
            file=TRADES.name,
            rule="odd_lot_sell",
            column="qty",
            detail="odd-lot sell that neither sells the odd remainder nor clears the position",
        ),
    ]

    side_qty = pl.when(pl.col("side") == "B").then(pl.col("qty")).otherwise(-pl.col("qty"))
    zero = pl.lit(0, pl.Int64)
    moves = [
        trades.select(_KEY, zero.alias("__prev_qty"), side_qty.alias("__delta")),
        transfers.select(
            _KEY,
            zero.alias("__prev_qty"),
            pl.when(pl.col("direction") == "I")
            .then(pl.col("qty"))
            .otherwise(-pl.col("qty"))
            .alias("__delta"),
        ),
    ]
    expected_qty = (
        pl.concat([prev_qty.select(_KEY, "__prev_qty", zero.alias("__delta")), *moves])
        .group_by(_KEY)
        .agg(pl.col("__prev_qty").sum(), pl.col("__delta").sum())
    )
    excluded = _excluded(files, (TRADES, CUSTODY_TRANSFERS, POSITIONS)).implode()
    pos = _rolled(
        positions.select(*POSITION_KEY, _KEY, "qty", SOURCE_ROW),
        expected_qty,
        POSITION_KEY,
        "qty",
        zero,
        [previous_positions, trades, transfers],
    ).filter(~pl.col("client_id").is_in(excluded))
    expected = pl.col("__prev_qty") + pl.col("__delta")
    events.append(
        flag(
            pos,
            pl.col("qty") != expected,
            file=POSITIONS.name,
            rule="position_roll_forward",
            column="qty",
            value=pl.col("qty").cast(pl.String),
            detail=pl.format(
                "{} {}.{}: qty {} != previous {} + bought - sold + transferred in - out = {}",
                pl.col("client_id"),
                pl.col("market"),
                pl.col("security_code"),
                pl.col("qty"),
                pl.col("__prev_qty"),
                expected,
            ),
        )
    )

    previous_balances, flows, trades, balances = _keyed(
        [prev.balances, flows, trades.drop(_KEY), balances], ["client_id"]
    )
    fees = scaled("commission") + scaled("stamp_duty") + scaled("transfer_fee")
    trade_cash = (
        pl.when(pl.col("side") == "B")
        .then(pl.lit(0, pl.Int128) - scaled("amount") - fees)
        .otherwise(scaled("amount") - fees)
    )
    zero128 = pl.lit(0, pl.Int128)
    expected_cash = (
        pl.concat(
            [
                previous_balances.select(
                    _KEY, scaled("cash_balance").alias("__prev_cash"), zero128.alias("__delta")
                ),
                flows.select(_KEY, zero128.alias("__prev_cash"), scaled("amount").alias("__delta")),
                trades.select(_KEY, zero128.alias("__prev_cash"), trade_cash.alias("__delta")),
            ]
        )
        .group_by(_KEY)
        .agg(pl.col("__prev_cash").sum(), pl.col("__delta").sum())
    )
    excluded = _excluded(files, (TRADES, CASH_FLOWS, BALANCES)).implode()
    cash = _rolled(
        balances.select("client_id", _KEY, scaled("cash_balance").alias("__cash"), SOURCE_ROW),
        expected_cash,
        ["client_id"],
        "__cash",
        zero128,
        [previous_balances, flows, trades],
    ).filter(~pl.col("client_id").is_in(excluded))
    expected_balance = pl.col("__prev_cash") + pl.col("__delta")
    events.append(
        flag(
            cash,
            pl.col("__cash") != expected_balance,
            file=BALANCES.name,
            rule="cash_roll_forward",
            column="cash_balance",
            value=shown(pl.col("__cash"), 2),
            detail=pl.format(
                "{}: cash {} != previous {} + flows - buys + sells = {}",
                pl.col("client_id"),
                shown(pl.col("__cash"), 2),
                shown(pl.col("__prev_cash"), 2),
                shown(expected_balance, 2),
            ),
        )
    )
    return events


def _rolled(
    today: pl.DataFrame,
    expected: pl.DataFrame,
    key: list[str],
    value: str,
    zero: pl.Expr,
    sources: list[pl.DataFrame],
) -> pl.DataFrame:
    """Today's rows (in file order) with the expected parts of their key (0 where none), then the keys
    expected but absent today (value 0, no source row), in key order.

    Rows are matched on `_KEY`; the `key` columns of an absent key are taken from the `sources` (the
    keyed frames `expected` was summed from), looked up for the absent keys only."""
    parts = ["__prev_qty", "__delta"] if "__prev_qty" in expected.columns else ["__prev_cash", "__delta"]
    present = lookup(today, expected, _KEY).with_columns(pl.col(parts).fill_null(0))
    absent = expected.join(today.select(_KEY), on=_KEY, how="anti")
    if not absent.is_empty():
        wanted = pl.col(_KEY).is_in(absent[_KEY].implode())
        names = pl.concat([f.filter(wanted).select(_KEY, *key) for f in sources]).unique(_KEY)
        absent = absent.join(names, on=_KEY, how="left")
    else:
        absent = absent.with_columns(pl.lit(None, pl.String).alias(c) for c in key)
    absent = absent.sort(key).select(
        *key, _KEY, zero.alias(value), pl.lit(None, pl.Int64).alias(SOURCE_ROW), *parts
    )
    return pl.concat([present, absent.select(present.columns)])


def hq_rules(
    files: dict[str, Typed], securities: pl.DataFrame, earlier_relations: pl.DataFrame, business_date: date
) -> list[pl.DataFrame]:
    """Quotes of unknown securities; servicing shares of each client touched today that do not add to 100.

    `earlier_relations` is the service relations state of head office's previous landed day."""
    quotes = files[QUOTES.name].rows
    known = securities.select(SECURITY_KEY).with_columns(pl.lit(True).alias("__known"))
    q = quotes.with_columns(_unknown_security_mask(quotes, known).alias("__unknown"))
    events = [
        flag(
            q,
            pl.col("__unknown"),
            file=QUOTES.name,
            rule="unknown_security",
            column="security_code",
            value=pl.concat_str(pl.col(raw("market")), pl.col(raw("security_code")), separator="."),
            detail="security not in head office's securities up to this date",
        )
    ]

    today = files[CLIENT_BROKERS.name].rows
    relations = fold(RELATIONS_STATE, earlier_relations, today, business_date)
    d = pl.lit(business_date)
    open_ = (pl.col("start_date") <= d) & (pl.col("end_date").is_null() | (pl.col("end_date") >= d))
    totals = (
        relations.filter(open_ & (pl.col("relation_type") == "2"))
        .group_by("client_id")
        .agg(scaled("share_pct").sum().alias("__total"))
    )
    c = today.join(totals, on="client_id", how="left", maintain_order="left")
    events.append(
        flag(
            c,
            (pl.col("relation_type") == "2")
            & pl.col("__total").is_not_null()
            & (pl.col("__total") != SHARE_TOTAL),
            file=CLIENT_BROKERS.name,
            rule="servicing_share_total",
            column="share_pct",
            detail=pl.format(
                "open servicing shares of the client add up to {}, not 100", shown(pl.col("__total"), 4)
            ),
        )
    )
    return events

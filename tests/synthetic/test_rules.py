"""Every rule of the contract holds on the generated tiny data, recomputed from the CSVs."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest

from .conftest import Generated, cents

LIMIT = {
    "SH_MAIN": Decimal("0.1"),
    "SZ_MAIN": Decimal("0.1"),
    "STAR": Decimal("0.2"),
    "CHINEXT": Decimal("0.2"),
    "BSE": Decimal("0.3"),
}
CENT = Decimal("0.01")
KEY = ["branch", "client_id", "market", "security_code"]


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)  # half away from zero for the positive values here


@pytest.fixture(scope="module")
def t(tiny_run: Generated) -> dict[str, pl.DataFrame]:
    return tiny_run.tables


@pytest.fixture(scope="module")
def securities(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return t["securities.csv"].select("market", "security_code", "security_type", "board").unique()


@pytest.fixture(scope="module")
def rates(t: dict[str, pl.DataFrame]) -> dict[str, Decimal]:
    clients = t["clients.csv"].sort("business_date")
    assert (
        clients.group_by("client_id").agg(pl.col("commission_rate").n_unique())["commission_rate"].max() == 1
    )
    return {c: Decimal(r) for c, r in clients.select("client_id", "commission_rate").iter_rows()}


def test_fill_amounts_and_fees(
    t: dict[str, pl.DataFrame], securities: pl.DataFrame, rates: dict[str, Decimal]
) -> None:
    fills = t["trades.csv"].join(securities, on=["market", "security_code"], how="left")
    assert fills["security_type"].null_count() == 0
    for row in fills.iter_rows(named=True):
        amount = r2(Decimal(row["price"]) * int(row["qty"]))
        assert Decimal(row["amount"]) == amount, row
        fees = [Decimal(row[c]) for c in ("commission", "stamp_duty", "transfer_fee")]
        if row["biz_type"] == "1":
            assert fees == [0, 0, 0] and row["side"] == "B", row
            continue
        stock = row["security_type"] == "STOCK"
        stamp_rate = (
            Decimal("0.001")
            if date(
                int(row["business_date"][:4]), int(row["business_date"][4:6]), int(row["business_date"][6:])
            )
            < date(2023, 8, 28)
            else Decimal("0.0005")
        )
        expected = [
            max(r2(amount * rates[row["client_id"]]), Decimal("5.00")),
            r2(amount * stamp_rate) if stock and row["side"] == "S" else Decimal(0),
            r2(amount * Decimal("0.00001")) if stock else Decimal(0),
        ]
        assert fees == expected, row


def test_orders_and_fills_agree(t: dict[str, pl.DataFrame]) -> None:
    orders, fills = t["orders.csv"], t["trades.csv"]
    keys = ["business_date", "branch", "order_id"]
    assert (
        orders.select(keys).is_unique().all()
        and fills.select(["business_date", "branch", "trade_id"]).is_unique().all()
    )
    normal = fills.filter(pl.col("biz_type") == "0")
    summed = normal.group_by(keys).agg(
        pl.col("qty").cast(pl.Int64).sum().alias("sum_qty"),
        pl.len().alias("n"),
        pl.col("client_id").n_unique().alias("clients"),
        pl.col("side").first().alias("fill_side"),
    )
    o = orders.with_columns(*(pl.col(c).cast(pl.Int64) for c in ("order_qty", "filled_qty", "cancelled_qty")))
    joined = o.join(summed, on=keys, how="left").with_columns(pl.col("sum_qty").fill_null(0))
    assert normal.join(o, on=keys, how="anti").height == 0  # every normal fill has its order that day
    assert (joined["sum_qty"] == joined["filled_qty"]).all()
    done = joined.filter(pl.col("status").is_in(["8", "5", "6"]) & (pl.col("biz_type") == "0"))
    assert (done["filled_qty"] + done["cancelled_qty"] == done["order_qty"]).all()
    assert (joined.filter(pl.col("status") == "9")["filled_qty"] == 0).all()
    regular = joined.filter(pl.col("biz_type") == "0")
    assert (
        regular.filter(pl.col("status") == "8")["filled_qty"]
        == regular.filter(pl.col("status") == "8")["order_qty"]
    ).all()
    partly = regular.filter(pl.col("status") == "5")
    assert ((partly["filled_qty"] > 0) & (partly["filled_qty"] < partly["order_qty"])).all()
    assert (regular.filter(pl.col("status") == "6")["filled_qty"] == 0).all()
    subs = joined.filter(pl.col("biz_type") == "1")
    assert subs.height > 0 and (subs["status"] == "8").all()
    assert (subs["filled_qty"] == 0).all() and (subs["cancelled_qty"] == 0).all()
    matched = normal.join(orders, on=keys).filter(
        (pl.col("client_id") != pl.col("client_id_right"))
        | (pl.col("side") != pl.col("side_right"))
        | (pl.col("security_code") != pl.col("security_code_right"))
    )
    assert matched.height == 0
    # buy fills no dearer than the order's limit, sell fills no cheaper
    priced = normal.join(orders, on=keys).with_columns(
        p=pl.col("price").cast(pl.Float64), lim=pl.col("order_price").cast(pl.Float64)
    )
    assert (priced.filter(pl.col("side") == "B")["p"] <= priced.filter(pl.col("side") == "B")["lim"]).all()
    assert (priced.filter(pl.col("side") == "S")["p"] >= priced.filter(pl.col("side") == "S")["lim"]).all()


def test_allotments_name_an_earlier_subscription(t: dict[str, pl.DataFrame]) -> None:
    allot = t["trades.csv"].filter(pl.col("biz_type") == "1")
    subs = t["orders.csv"].filter(pl.col("biz_type") == "1").rename({"business_date": "sub_date"})
    assert allot.height > 0
    joined = allot.join(subs, on=["branch", "order_id"], how="left")
    assert joined["sub_date"].null_count() == 0
    assert (joined["sub_date"] < joined["business_date"]).all()
    assert (joined["client_id"] == joined["client_id_right"]).all()
    assert (joined["security_code"] == joined["security_code_right"]).all()
    assert (joined["price"] == joined["order_price"]).all()


def test_lots(t: dict[str, pl.DataFrame], securities: pl.DataFrame, tiny_run: Generated) -> None:
    fills = t["trades.csv"].filter(pl.col("biz_type") == "0").join(securities, on=["market", "security_code"])
    orders = (
        t["orders.csv"].filter(pl.col("biz_type") == "0").join(securities, on=["market", "security_code"])
    )
    for frame, qty in ((fills, "qty"), (orders, "order_qty")):
        buys = frame.filter(pl.col("side") == "B").with_columns(q=pl.col(qty).cast(pl.Int64))
        star = buys.filter(pl.col("board") == "STAR")
        assert (star["q"] >= 200).all()
        assert (buys.filter(pl.col("board") != "STAR")["q"] % 100 == 0).all()
    # odd-lot sells only clear the whole position held the day before
    positions = _positions_by_day(t)
    sells = fills.filter(pl.col("side") == "S").with_columns(q=pl.col("qty").cast(pl.Int64))
    odd = sells.filter(pl.col("q") % 100 != 0)
    held = _previous_day(odd, positions, tiny_run)
    assert (held["prev_qty"] == held["q"]).all()


def _days(tiny_run: Generated) -> list[str]:
    return sorted(p.name for p in tiny_run.inbox.iterdir())


def _positions_by_day(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return t["positions.csv"].with_columns(qty=pl.col("qty").cast(pl.Int64), cost=cents("cost_amount"))


def _previous_day(rows: pl.DataFrame, positions: pl.DataFrame, tiny_run: Generated) -> pl.DataFrame:
    days = _days(tiny_run)
    prev = {d: days[i - 1] for i, d in enumerate(days) if i}
    rows = rows.with_columns(prev_date=pl.col("business_date").replace_strict(prev, default=None))
    held = positions.select(*KEY, prev_date="business_date", prev_qty="qty", prev_cost="cost")
    return rows.join(held, on=[*KEY, "prev_date"], how="left").with_columns(pl.col("prev_qty").fill_null(0))


def test_t_plus_one(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    fills = t["trades.csv"].with_columns(q=pl.col("qty").cast(pl.Int64))
    day_keys = ["business_date", *KEY]
    sold = fills.filter(pl.col("side") == "S").group_by(day_keys).agg(pl.col("q").sum())
    out = (
        t["custody_transfers.csv"]
        .filter(pl.col("direction") == "O")
        .group_by(day_keys)
        .agg(pl.col("qty").cast(pl.Int64).sum().alias("out"))
    )
    held = _previous_day(
        sold.join(out, on=day_keys, how="left").with_columns(pl.col("out").fill_null(0)),
        _positions_by_day(t),
        tiny_run,
    )
    held = held.filter(pl.col("prev_date").is_not_null())  # the first day's holdings before it are unknown
    assert held.height > 0
    assert (held["q"] + held["out"] <= held["prev_qty"]).all()
    bought = fills.filter(pl.col("side") == "B").select(day_keys).unique()
    assert sold.join(bought, on=day_keys).height == 0


def test_prices_within_limits(t: dict[str, pl.DataFrame], securities: pl.DataFrame) -> None:
    quotes = t["quotes.csv"].join(securities, on=["market", "security_code"])
    for row in quotes.iter_rows(named=True):
        prev, limit = Decimal(row["prev_close"]), LIMIT[row["board"]]
        up, down = r2(prev * (1 + limit)), r2(prev * (1 - limit))
        o, h, low, c = (Decimal(row[k]) for k in ("open", "high", "low", "close"))
        assert down <= low <= min(o, c) <= max(o, c) <= h <= up, row
        if row["volume"] == "0":
            assert o == h == low == c == prev, row
    fills = (
        t["trades.csv"]
        .filter(pl.col("biz_type") == "0")
        .join(quotes, on=["business_date", "market", "security_code"], how="left")
    )
    assert fills["close"].null_count() == 0
    for row in fills.iter_rows(named=True):
        assert Decimal(row["low"]) <= Decimal(row["price"]) <= Decimal(row["high"]), row
        assert row["volume"] != "0", row


def test_quotes_every_listed_security_every_day(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    quotes, securities = t["quotes.csv"], t["securities.csv"]
    for day in _days(tiny_run):
        listed = securities.filter(pl.col("list_date") <= day).select("market", "security_code").unique()
        quoted = quotes.filter(pl.col("business_date") == day).select("market", "security_code")
        assert quoted.is_unique().all()
        assert listed.sort(pl.all()).equals(quoted.sort(pl.all()))
    assert t["index_quotes.csv"].group_by("business_date").len()["len"].to_list() == [4] * len(
        _days(tiny_run)
    )
    closes = (
        quotes.sort("business_date")
        .group_by("market", "security_code", maintain_order=True)
        .agg("close", "prev_close")
    )
    assert closes.height > 0


def test_positions_roll_forward(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    days = _days(tiny_run)
    positions = _positions_by_day(t)
    assert (positions["qty"] > 0).all() and (positions["cost"] >= 0).all()
    assert positions.select("business_date", *KEY).is_unique().all()
    fills = t["trades.csv"].with_columns(
        q=pl.col("qty").cast(pl.Int64),
        amount=cents("amount"),
        fees=cents("commission") + cents("stamp_duty") + cents("transfer_fee"),
    )
    moves = t["custody_transfers.csv"].with_columns(q=pl.col("qty").cast(pl.Int64), c=cents("cost_amount"))
    for prev_day, day in zip(days, days[1:], strict=False):
        before = {
            tuple(k): (q, c)
            for *k, q, c in positions.filter(pl.col("business_date") == prev_day)
            .select(*KEY, "qty", "cost")
            .iter_rows()
        }
        after = {
            tuple(k): (q, c)
            for *k, q, c in positions.filter(pl.col("business_date") == day)
            .select(*KEY, "qty", "cost")
            .iter_rows()
        }
        state = dict(before)
        for row in fills.filter(pl.col("business_date") == day).sort("trade_id").iter_rows(named=True):
            key = tuple(row[k] for k in KEY)
            q, c = state.get(key, (0, 0))
            if row["side"] == "B":
                state[key] = (q + row["q"], c + row["amount"] + row["fees"])
            else:
                q0, c0 = before[key]
                removed = (2 * c0 * row["q"] + q0) // (2 * q0)  # round half away, positive
                state[key] = (q - row["q"], c - removed)
        for row in moves.filter(pl.col("business_date") == day).iter_rows(named=True):
            key = tuple(row[k] for k in KEY)
            q, c = state.get(key, (0, 0))
            if row["direction"] == "I":
                state[key] = (q + row["q"], c + row["c"])
            else:
                q0, c0 = before[key]
                assert row["c"] == (2 * c0 * row["q"] + q0) // (2 * q0), row
                state[key] = (q - row["q"], c - row["c"])
        rolled = {k: v for k, v in state.items() if v[0] != 0}
        assert all(v[0] > 0 for v in rolled.values())
        assert rolled == after, day


def test_cash_rolls_forward(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    days = _days(tiny_run)
    balances = t["balances.csv"].with_columns(cash=cents("cash_balance"))
    assert (balances["cash"] >= 0).all()
    fills = t["trades.csv"].with_columns(
        net=pl.when(pl.col("side") == "B")
        .then(-(cents("amount") + cents("commission") + cents("stamp_duty") + cents("transfer_fee")))
        .otherwise(cents("amount") - cents("commission") - cents("stamp_duty") - cents("transfer_fee"))
    )
    flows = t["cash_flows.csv"].with_columns(net=cents("amount"))
    moved = pl.concat(
        [fills.select("business_date", "client_id", "net"), flows.select("business_date", "client_id", "net")]
    )
    per_day = moved.group_by("business_date", "client_id").agg(pl.col("net").sum())
    for prev_day, day in zip(days, days[1:], strict=False):
        before = balances.filter(pl.col("business_date") == prev_day).select("client_id", before="cash")
        after = balances.filter(pl.col("business_date") == day).select("client_id", after="cash")
        change = per_day.filter(pl.col("business_date") == day).select("client_id", "net")
        check = (
            before.join(after, on="client_id", how="full", coalesce=True)
            .join(change, on="client_id", how="full", coalesce=True)
            .fill_null(0)
        )
        closed = set(
            t["clients.csv"].filter((pl.col("business_date") == day) & (pl.col("status") == "3"))["client_id"]
        )
        check = check.with_columns(gone=pl.col("client_id").is_in(list(closed)))
        open_rows = check.filter(~pl.col("gone"))
        assert (open_rows["before"] + open_rows["net"] == open_rows["after"]).all(), day
        gone = check.filter(pl.col("gone"))
        assert (gone["before"] + gone["net"] == 0).all() and (gone["after"] == 0).all(), day
        assert (
            after.join(
                pl.DataFrame({"client_id": list(closed)}, schema={"client_id": pl.String}), on="client_id"
            ).height
            == 0
        )


def test_clients_and_balances(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    clients = t["clients.csv"]
    days = _days(tiny_run)
    for name in (
        "clients.csv",
        "orders.csv",
        "trades.csv",
        "cash_flows.csv",
        "positions.csv",
        "balances.csv",
        "custody_transfers.csv",
    ):
        frame = t[name]
        assert (frame["client_id"].str.slice(0, 4) == frame["branch"]).all(), name
    first = clients.filter(pl.col("business_date") == days[0])
    balances = t["balances.csv"]
    assert set(first["client_id"]) == set(balances.filter(pl.col("business_date") == days[0])["client_id"])
    latest = clients.sort("business_date").group_by("client_id").last()
    closed = latest.filter(pl.col("status") == "3")
    assert (closed["close_date"] == closed["business_date"]).all()
    for day in days:
        known = latest.filter(pl.col("open_date") <= day)
        still_open = known.filter((pl.col("close_date").is_null()) | (pl.col("close_date") > day))[
            "client_id"
        ]
        assert set(still_open) == set(balances.filter(pl.col("business_date") == day)["client_id"]), day
    individuals = latest.filter(pl.col("client_type") == "0")
    institutions = latest.filter(pl.col("client_type") == "1")
    assert individuals["birth_date"].null_count() == 0 and individuals["gender"].null_count() == 0
    assert institutions.height == 0 or (
        (institutions["id_type"] == "2").all()
        and institutions["gender"].null_count() == institutions.height
        and institutions["mobile"].null_count() == institutions.height
    )
    ids = individuals.filter(pl.col("id_type") == "0")["id_no"]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for id_no in ids:
        assert (
            "10X98765432"[sum(int(d) * w for d, w in zip(id_no[:17], weights, strict=True)) % 11] == id_no[17]
        )


def test_service_relations(t: dict[str, pl.DataFrame], tiny_run: Generated) -> None:
    rows = t["client_brokers.csv"].sort("business_date")
    key = ["client_id", "broker_id", "relation_type", "start_date"]
    relations = rows.group_by(key).last()  # a later row with the same key sets the end date
    brokers = t["brokers.csv"].filter(pl.col("business_date") == _days(tiny_run)[-1])
    assert relations.join(brokers, on="broker_id", how="anti").height == 0
    for day in _days(tiny_run):
        open_ = relations.filter(
            (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        shares = (
            open_.filter(pl.col("relation_type") == "2")
            .group_by("client_id")
            .agg(pl.col("share_pct").cast(pl.Decimal(9, 4)).sum())
        )
        assert (shares["share_pct"] == 100).all(), day
        left = brokers.filter(pl.col("leave_date") < day)["broker_id"]
        assert open_.filter(pl.col("broker_id").is_in(left.to_list())).height == 0, day


def test_broker_tree(t: dict[str, pl.DataFrame]) -> None:
    brokers = t["brokers.csv"]
    assert brokers.group_by("business_date").len()["len"].n_unique() == 1  # the full list every day
    last = brokers.filter(pl.col("business_date") == brokers["business_date"].max())
    heads = last.filter(pl.col("manager_id").is_null())
    assert sorted(heads["branch_code"]) == sorted(last["branch_code"].unique())
    managers = last.join(
        last.select("broker_id", mb="branch_code"), left_on="manager_id", right_on="broker_id"
    )
    assert (managers["branch_code"] == managers["mb"]).all() and managers.height == last.height - heads.height

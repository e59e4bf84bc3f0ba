"""Rules across rows, files and days, each broken on purpose in the contract example: the exact finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from warehouse.lake.layout import partition_file
from warehouse.landing.state import SUBSCRIPTIONS, partitions_before

from .helpers import edit, events, land_all

D1, D2 = "20231009", "20231010"
SELL = "00000005,1101000101,SZ,000001,S,0,11.10,2000,131500,3,8,2000,0"  # 1101's day-2 sell order
CANCELLED = "SH,688981,B,0,54.50,300,141000,2,6,0,300"  # 1101's day-2 cancelled buy order


def test_t1_oversell(inbox: Path, lake: Path) -> None:
    # held 1,000 at the previous close, sells 2,000 today
    edit(inbox / D1 / "1101", "positions.csv", lambda t: t.replace("000001,5000,", "000001,1000,"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-10", "1101") == [
        ("trades.csv", 1, "t1_oversell", "qty", "2000", "error"),
        ("positions.csv", 1, "position_roll_forward", "qty", "3000", "error"),
    ]


def test_odd_lot_sell(inbox: Path, lake: Path) -> None:
    # sells 1,950 of 5,000: neither the odd remainder (0) nor the whole position;
    # fees, positions and cash agree with it
    package = inbox / D2 / "1101"
    edit(package, "orders.csv", lambda t: t.replace(SELL, SELL.replace(",2000,", ",1950,")))
    fill = ",S,0,11.10,2000,22200.00,5.55,11.10,0.22,"
    edit(package, "trades.csv", lambda t: t.replace(fill, ",S,0,11.10,1950,21645.00,5.41,10.82,0.22,"))
    edit(package, "positions.csv", lambda t: t.replace("000001,3000,", "000001,3050,"))
    edit(package, "balances.csv", lambda t: t.replace("303077.94", "302523.36"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-10", "1101") == [("trades.csv", 1, "odd_lot_sell", "qty", "1950", "error")]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        # status 5 (partly filled) with nothing filled
        (CANCELLED.replace(",2,6,0,300", ",2,5,0,300"), ("order_status_mismatch", "status", "5")),
        # status 8 says 300 filled, but the order has no fill
        (CANCELLED.replace(",2,6,0,300", ",2,8,300,0"), ("fills_sum_mismatch", "filled_qty", "300")),
        # an IPO subscription must be accepted (8) with nothing filled or cancelled
        (CANCELLED.replace(",B,0,", ",B,1,"), ("ipo_subscription_mismatch", "status", "6")),
    ],
)
def test_order_status_rules(inbox: Path, lake: Path, changed: str, expected: tuple[str, str, str]) -> None:
    edit(inbox / D2 / "1101", "orders.csv", lambda t: t.replace(CANCELLED, changed))
    land_all(inbox, lake)
    assert events(lake, "2023-10-10", "1101") == [("orders.csv", 2, *expected, "error")]


@pytest.mark.parametrize("subscribed", [False, True])
def test_allotment_order_unknown(inbox: Path, lake: Path, subscribed: bool) -> None:
    # day 2: an allotment of 200 SH.688981 at 54.50 naming order 00000099, paid from cash, held at close
    if subscribed:  # day 1: the subscription it names
        subscription = "00000099,1101000101,SH,688981,B,1,54.50,200,100000,2,8,0,0"
        edit(inbox / D1 / "1101", "orders.csv", lambda t: t + subscription + "\r\n")
    package = inbox / D2 / "1101"
    allotment = "00000009,00000099,1101000101,SH,688981,B,1,54.50,200,10900.00,0.00,0.00,0.00,141500,2"
    edit(package, "trades.csv", lambda t: t + allotment + "\r\n")
    edit(package, "positions.csv", lambda t: t + "1101000101,SH,688981,200,10900.00\r\n")
    edit(package, "balances.csv", lambda t: t.replace("303077.94", "292177.94"))
    land_all(inbox, lake)
    unknown = ("trades.csv", 2, "allotment_order_unknown", "order_id", "00000099", "error")
    expected = [] if subscribed else [unknown]
    assert events(lake, "2023-10-10", "1101") == expected
    assert events(lake, "2023-10-09", "1101") == []


def test_each_day_keeps_its_own_subscriptions(inbox: Path, lake: Path) -> None:
    """An allotment may name a subscription of any earlier day (the contract sets no limit), so none is
    ever dropped: each day's subscriptions partition holds that day's only (the lake grows with the
    history, not with its square) and the rules read every earlier day's."""
    day_1 = "00000099,1101000101,SH,688981,B,1,54.50,200,100000,2,8,0,0"
    day_2 = "00000098,1101000101,SH,688981,B,1,54.50,100,100000,2,8,0,0"
    edit(inbox / D1 / "1101", "orders.csv", lambda t: t + day_1 + "\r\n")
    edit(inbox / D2 / "1101", "orders.csv", lambda t: t + day_2 + "\r\n")
    land_all(inbox, lake)

    def ids(frame: pl.DataFrame) -> list[str]:
        return sorted(frame["order_id"])

    for day, expected in ((date(2023, 10, 9), ["00000099"]), (date(2023, 10, 10), ["00000098"])):
        assert ids(pl.read_parquet(partition_file(lake, SUBSCRIPTIONS.table, day, "1101"))) == expected
    assert ids(partitions_before(lake, SUBSCRIPTIONS, "1101", date(2023, 10, 11))) == ["00000098", "00000099"]
    assert ids(partitions_before(lake, SUBSCRIPTIONS, "1101", date(2023, 10, 10))) == ["00000099"]
    assert events(lake, "2023-10-10", "1101") == []


def test_servicing_share_total(inbox: Path, lake: Path) -> None:
    # day 1: the client's only servicing relation has 60 %; day 2 adds 40 % to the 100 % of day 1
    edit(inbox / D1 / "HQ", "client_brokers.csv", lambda t: t.replace("K0002,2,100,", "K0002,2,60,"))
    edit(inbox / D2 / "HQ", "client_brokers.csv", lambda t: t + "1101000101,K0001,2,40,20231010,\r\n")
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "HQ") == [
        ("client_brokers.csv", 2, "servicing_share_total", "share_pct", "60", "error")
    ]
    assert events(lake, "2023-10-10", "HQ") == []  # 60 (from day 1) + 40 = 100


def test_servicing_share_total_across_days(inbox: Path, lake: Path) -> None:
    edit(inbox / D2 / "HQ", "client_brokers.csv", lambda t: t + "1101000101,K0001,2,40,20231010,\r\n")
    land_all(inbox, lake)
    assert events(lake, "2023-10-10", "HQ") == [
        ("client_brokers.csv", 1, "servicing_share_total", "share_pct", "40", "error")
    ]


def test_share_pct_range(inbox: Path, lake: Path) -> None:
    edit(inbox / D1 / "HQ", "client_brokers.csv", lambda t: t.replace("K0002,1,100,", "K0002,1,120.5,"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "HQ") == [
        ("client_brokers.csv", 1, "share_pct_range", "share_pct", "120.5", "error")
    ]

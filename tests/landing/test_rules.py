"""Rows that cannot be typed go to quarantine; rows that break a rule stay, flagged. Each finding is exact."""

from __future__ import annotations

import shutil
from pathlib import Path

from warehouse.landing import land_package

from .helpers import edit, events, land_all, set_manifest, table

D1, D2 = "20231009", "20231010"


def test_bad_date_quarantined(inbox: Path, lake: Path) -> None:
    edit(inbox / D1 / "1101", "clients.csv", lambda t: t.replace("19881111", "19881131"))
    results = land_all(inbox, lake)
    assert results[1].quarantined == 1 and results[1].violations == {"invalid_date": 1}
    assert events(lake, "2023-10-09", "1101") == [
        ("clients.csv", 1, "invalid_date", "birth_date", "19881131", "error")
    ]
    assert table(lake, "clients", "2023-10-09", "1101").height == 0
    quarantined = table(lake, "clients_quarantine", "2023-10-09", "1101").row(0, named=True)
    assert quarantined["birth_date"] == "19881131" and quarantined["client_name"] == "孙丽"
    assert (quarantined["source_row"], quarantined["dq_rules"]) == (1, "invalid_date")


def test_bad_time_and_money_quarantined(inbox: Path, lake: Path) -> None:
    edit(
        inbox / D1 / "1101", "orders.csv", lambda t: t.replace("93102", "250000").replace("191.00", "191.0x")
    )
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "1101") == [
        ("orders.csv", 1, "invalid_decimal", "order_price", "191.0x", "error"),
        ("orders.csv", 1, "invalid_time", "order_time", "250000", "error"),
    ]
    row = table(lake, "orders_quarantine", "2023-10-09", "1101").row(0, named=True)
    assert (row["order_id"], row["order_time"], row["dq_rules"]) == (
        "00000001",
        "250000",
        "invalid_decimal,invalid_time",
    )
    assert table(lake, "trades", "2023-10-09", "1101")["dq_rules"].to_list() == [None]  # its order exists


def test_duplicate_ids(inbox: Path, lake: Path) -> None:
    def twice(text: str) -> str:
        lines = text.splitlines()
        return "\r\n".join([*lines, lines[1].replace("93105", "93106")]) + "\r\n"

    edit(inbox / D1 / "1101", "trades.csv", twice)
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "1101") == [
        ("orders.csv", 1, "fills_sum_mismatch", "filled_qty", "100", "error"),
        ("trades.csv", 1, "duplicate_key", "trade_id", "00000002", "error"),
        ("trades.csv", 2, "duplicate_key", "trade_id", "00000002", "error"),
    ]
    assert table(lake, "trades", "2023-10-09", "1101")["dq_rules"].to_list() == ["duplicate_key"] * 2


def test_fee_mismatch(inbox: Path, lake: Path) -> None:
    edit(inbox / D1 / "1101", "trades.csv", lambda t: t.replace(",5.00,0.00,0.19,", ",4.78,0.00,0.20,"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "1101") == [
        ("trades.csv", 1, "commission_mismatch", "commission", "4.78", "error"),
        ("trades.csv", 1, "transfer_fee_mismatch", "transfer_fee", "0.20", "error"),
    ]
    trade = table(lake, "trades", "2023-10-09", "1101").row(0, named=True)
    assert trade["dq_rules"] == "commission_mismatch,transfer_fee_mismatch"
    assert str(trade["commission"]) == "4.78"  # nothing silently changed


def test_broken_roll_forward(inbox: Path, lake: Path) -> None:
    edit(inbox / D2 / "1101", "positions.csv", lambda t: t.replace("000001,3000,", "000001,3100,"))
    edit(inbox / D2 / "1101", "balances.csv", lambda t: t.replace("303077.94", "303077.95"))
    land_all(inbox, lake)
    found = events(lake, "2023-10-10", "1101")
    assert found == [
        ("positions.csv", 1, "position_roll_forward", "qty", "3100", "error"),
        ("balances.csv", 1, "cash_roll_forward", "cash_balance", "303077.95", "error"),
    ]


def test_roll_forward_unchecked_after_gap(inbox: Path, lake: Path) -> None:
    for branch in ("HQ", "1101"):  # 2023-10-11 repeats 2023-10-10; 1101 skips 2023-10-10
        shutil.copytree(inbox / D2 / branch, inbox / "20231011" / branch)
        set_manifest(inbox / "20231011" / branch, business_date="20231011")
    for day, branch in ((D1, "HQ"), (D1, "1101"), (D2, "HQ"), ("20231011", "HQ")):
        assert land_package(inbox / day / branch, lake).outcome == "landed"
    result = land_package(inbox / "20231011" / "1101", lake)
    assert result.violations == {"roll_forward_unchecked": 1}
    assert events(lake, "2023-10-11", "1101") == [(None, None, "roll_forward_unchecked", None, None, "info")]
    assert table(lake, "positions", "2023-10-11", "1101")["dq_rules"].to_list() == [None, None]


def test_odd_lot_buy(inbox: Path, lake: Path) -> None:
    edit(
        inbox / D2 / "1101",
        "orders.csv",
        lambda t: t.replace("54.50,300,141000,2,6,0,300", "54.50,150,141000,2,6,0,150"),
    )
    land_all(inbox, lake)
    assert events(lake, "2023-10-10", "1101") == [
        ("orders.csv", 2, "odd_lot_buy", "order_qty", "150", "error")
    ]


def test_price_beyond_limit(inbox: Path, lake: Path) -> None:
    # CHINEXT 300750, prev_close 192.00: limit up round(192.00 x 1.2, 2) = 230.40
    old = "191.00,100,19100.00,5.00,0.00,0.19,"
    edit(inbox / D1 / "1101", "trades.csv", lambda t: t.replace(old, "231.00,100,23100.00,5.78,0.00,0.23,"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "1101") == [
        ("trades.csv", 1, "price_limit", "price", "231.00", "error")
    ]


def test_unknown_client_and_security(inbox: Path, lake: Path) -> None:
    edit(inbox / D1 / "3301", "balances.csv", lambda t: t + "3301000999,0.00\r\n")
    edit(inbox / D1 / "3301", "positions.csv", lambda t: t.replace("SH,510300,200000", "SH,510999,200000"))
    land_all(inbox, lake)
    assert events(lake, "2023-10-09", "3301") == [
        ("positions.csv", 1, "unknown_security", "security_code", "SH.510999", "error"),
        ("balances.csv", 2, "unknown_client", "client_id", "3301000999", "error"),
    ]

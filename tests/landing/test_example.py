"""The contract example (GBK and UTF-8 branches, head office, two days) lands clean and typed exactly."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

from warehouse.landing import find_packages, land_package, landed_state

from .helpers import EXAMPLE, events, land_all, snapshot, table


def test_find_packages_sorted_hq_first() -> None:
    refs = find_packages(EXAMPLE)
    assert [(r.business_date, r.branch) for r in refs] == [
        (date(2023, 10, 9), "HQ"),
        (date(2023, 10, 9), "1101"),
        (date(2023, 10, 9), "3301"),
        (date(2023, 10, 10), "HQ"),
        (date(2023, 10, 10), "1101"),
        (date(2023, 10, 10), "3301"),
    ]
    assert all(r.complete for r in refs)


def test_example_lands_clean(inbox: Path, lake: Path) -> None:
    results = land_all(inbox, lake)
    assert [r.outcome for r in results] == ["landed"] * 6
    assert all(r.violations == {} and r.quarantined == 0 for r in results)
    assert results[1].rows == {
        "clients.csv": 1,
        "orders.csv": 1,
        "trades.csv": 1,
        "cash_flows.csv": 0,
        "custody_transfers.csv": 0,
        "positions.csv": 2,
        "balances.csv": 1,
    }
    assert landed_state(lake) == {(date(2023, 10, d), b): 1 for d in (9, 10) for b in ("HQ", "1101", "3301")}
    assert not (lake / "dq_events").exists()
    assert not list(lake.glob("_staging*"))


def test_typed_values(inbox: Path, lake: Path) -> None:
    land_all(inbox, lake)
    trade = table(lake, "trades", "2023-10-09", "1101").row(0, named=True)
    assert trade["trade_id"] == "00000002" and trade["order_id"] == "00000001"
    assert trade["amount"] == Decimal("19100.00") and trade["commission"] == Decimal("5.00")
    assert trade["transfer_fee"] == Decimal("0.19") and trade["price"] == Decimal("191.000")
    assert trade["trade_time"] == time(9, 31, 5)
    assert trade["source_row"] == 1 and trade["dq_rules"] is None
    order = table(lake, "orders", "2023-10-09", "1101").row(0, named=True)
    assert order["order_time"] == time(9, 31, 2) and order["order_qty"] == 100
    client = table(lake, "clients", "2023-10-09", "1101").row(0, named=True)
    assert (
        client["client_id"] == "1101000101" and client["client_name"] == "孙丽" and client["city"] == "北京"
    )
    assert client["birth_date"] == date(1988, 11, 11) and client["commission_rate"] == Decimal("0.00025000")
    institution = table(lake, "clients", "2023-10-09", "3301").row(0, named=True)
    assert institution["client_name"] == "钱进" and institution["gender"] is None
    assert institution["birth_date"] is None
    etf = table(lake, "trades", "2023-10-09", "3301").row(0, named=True)
    assert etf["price"] == Decimal("3.715") and etf["commission"] == Decimal("74.30")
    assert table(lake, "positions", "2023-10-09", "1101")["security_code"].to_list() == ["000001", "300750"]
    assert table(lake, "index_quotes", "2023-10-09", "HQ")["index_code"][0] == "000300"
    assert table(lake, "client_brokers", "2023-10-09", "HQ")["share_pct"][0] == Decimal("100.0000")
    assert table(lake, "cash_flows", "2023-10-10", "3301")["amount"][0] == Decimal("-1000000.00")

    schema = pq.read_schema(lake / "trades" / "business_date=2023-10-09" / "branch=1101" / "part-0.parquet")
    assert str(schema.field("amount").type) == "decimal128(18, 2)"
    assert str(schema.field("price").type) == "decimal128(18, 3)"
    assert str(schema.field("qty").type) == "int64"
    assert "business_date" not in schema.names and "branch" not in schema.names
    rate = pq.read_schema(lake / "clients" / "business_date=2023-10-09" / "branch=1101" / "part-0.parquet")
    assert str(rate.field("commission_rate").type) == "decimal128(18, 8)"
    pct = pq.read_schema(
        lake / "client_brokers" / "business_date=2023-10-09" / "branch=HQ" / "part-0.parquet"
    )
    assert str(pct.field("share_pct").type) == "decimal128(9, 4)"
    meta = pq.read_metadata(lake / "trades" / "business_date=2023-10-09" / "branch=1101" / "part-0.parquet")
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_landing_twice_is_byte_identical(inbox: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    land_all(inbox, first)
    before = snapshot(first)
    again = land_all(inbox, first)
    assert [r.outcome for r in again] == ["unchanged"] * 6
    assert again[1].rows["trades.csv"] == 1
    assert snapshot(first) == before
    land_all(inbox, second)
    assert snapshot(second) == before


def test_personal_data_only_in_clients(inbox: Path, lake: Path) -> None:
    (inbox / "20231009" / "1101" / "orders.csv").write_bytes(b"")  # force a refusal record too
    land_all(inbox, lake)
    for path in lake.rglob("*.parquet"):
        if path.parts[len(lake.parts)] in ("clients", "clients_quarantine"):
            continue
        data = path.read_bytes()
        for secret in ("孙丽", "110101198811112222", "13011112222", "钱进", "91330100MA2XXXXX1"):
            assert secret.encode() not in data, (path, secret)
    assert events(lake, "2023-10-09", "1101") == []


def test_not_ready_without_hq(inbox: Path, lake: Path) -> None:
    import pytest

    from warehouse.landing import PackageNotReady

    with pytest.raises(PackageNotReady):
        land_package(inbox / "20231009" / "1101", lake)
    assert not lake.exists() or not any(lake.rglob("*.parquet"))

"""The figures of tests/fixtures/contract_example/README.md, worked out by hand from
docs/contract/metrics.md, read back from the built warehouse exactly (Decimal, to the cent)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

D1, D2 = date(2023, 10, 9), date(2023, 10, 10)


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> tuple:
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]


def rounded(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("day", "cash", "mv", "ta"),
    [
        (D1, "280894.81", "74260.00", "355154.81"),
        (D2, "303077.94", "52400.00", "355477.94"),
    ],
)
def test_client_1101000101_assets(wh, day, cash, mv, ta):
    row = one(
        wh,
        "select cash_balance, market_value, total_assets from marts.fct_client_daily"
        " where client_key = '1101000101' and business_date = ?",
        day,
    )
    assert row == (Decimal(cash), Decimal(mv), Decimal(ta))


def test_client_1101000101_daily_pnl_and_return(wh):
    rows = wh.execute(
        "select business_date, daily_pnl, daily_return from marts.fct_client_daily"
        " where client_key = '1101000101' order by business_date"
    ).fetchall()
    assert [(d, p, rounded(r, 8)) for d, p, r in rows] == [
        (D1, None, None),  # first landed day, opened in 2016: no previous day known
        (D2, Decimal("323.13"), Decimal("0.00090983")),
    ]


@pytest.mark.parametrize(
    ("day", "ta", "nai", "pnl", "ret"),
    [
        (D1, "4998925.70", "0.00", None, None),
        (D2, "3995925.70", "-1000000.00", "-3000.00", "-0.00060013"),
    ],
)
def test_client_3301000201(wh, day, ta, nai, pnl, ret):
    row = one(
        wh,
        "select total_assets, net_asset_inflow, daily_pnl, daily_return from marts.fct_client_daily"
        " where client_key = '3301000201' and business_date = ?",
        day,
    )
    expected = (Decimal(ta), Decimal(nai), pnl and Decimal(pnl), ret and Decimal(ret))
    assert (row[0], row[1], row[2], rounded(row[3], 8)) == expected


@pytest.mark.parametrize(
    ("branch", "day", "turnover", "commission", "net_commission"),
    [
        ("1101", D1, "19100.00", "5.00", "3.97"),
        ("1101", D2, "22200.00", "5.55", "4.35"),
        ("3301", D1, "743000.00", "74.30", "34.10"),
        ("3301", D2, "0.00", "0.00", "0.00"),
    ],
)
def test_branch_trading(wh, branch, day, turnover, commission, net_commission):
    expected = (Decimal(turnover), Decimal(commission), Decimal(net_commission))
    cube = one(
        wh,
        "select turnover, commission, net_commission from marts.agg_branch_daily"
        " where branch_key = ? and business_date = ?",
        branch,
        day,
    )
    assert cube == expected
    # the fill fact gives the same totals
    fills = one(
        wh,
        "select coalesce(sum(amount), 0), coalesce(sum(commission), 0), coalesce(sum(net_commission), 0)"
        " from marts.fct_fills where branch_key = ? and business_date = ?",
        branch,
        day,
    )
    assert tuple(Decimal(v) for v in fills) == expected


@pytest.mark.parametrize(
    ("day", "orders", "fill_to_order", "cancel"),
    [(D1, 1, "1", "0"), (D2, 2, "0.5", "0.5")],
)
def test_branch_1101_orders(wh, day, orders, fill_to_order, cancel):
    row = one(
        wh,
        "select order_count, fill_to_order_ratio, cancel_ratio from marts.agg_branch_daily"
        " where branch_key = '1101' and business_date = ?",
        day,
    )
    assert row == (orders, Decimal(fill_to_order), Decimal(cancel))


@pytest.mark.parametrize(
    ("broker_key", "day", "ta"),
    [
        ("K0002", D1, "355154.81"),
        ("K0002", D2, "355477.94"),
        ("unassigned-3301", D1, "4998925.70"),
        ("unassigned-3301", D2, "3995925.70"),
    ],
)
def test_broker_attributed_total_assets(wh, broker_key, day, ta):
    row = one(
        wh,
        "select total_assets from marts.agg_broker_daily where broker_key = ? and business_date = ?",
        broker_key,
        day,
    )
    assert row == (Decimal(ta),)


def test_unassigned_is_the_branch_member_of_dim_broker(wh):
    row = one(
        wh,
        "select broker_name, branch_key, is_unassigned from marts.dim_broker"
        " where broker_key = 'unassigned-3301'",
    )
    assert row == ("unassigned 无归属", "3301", True)

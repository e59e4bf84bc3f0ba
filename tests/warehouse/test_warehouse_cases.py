"""Measures of docs/contract/metrics.md on the hand-made package set tests/fixtures/warehouse_cases
(written by tests/warehouse/case_writer.py: branch 2101, 2024-01-29 .. 2024-02-05, clients 2101000001-3).
Each expected value is worked out by hand in the comment next to it; the warehouse must give it exactly."""

from __future__ import annotations

import filecmp
import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import case_writer
import duckdb

D1, D2, D3 = date(2024, 1, 29), date(2024, 1, 30), date(2024, 1, 31)
D4, D5, D6 = date(2024, 2, 1), date(2024, 2, 2), date(2024, 2, 5)
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)
C1, C2, C3 = "2101000001", "2101000002", "2101000003"


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> tuple:
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]


def q(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def r8(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.00000001"), ROUND_HALF_UP)


def test_fixture_files_are_the_writer_output(tmp_path):
    written = case_writer.write_inbox(tmp_path / "inbox")
    for day in case_writer.DAYS:
        for branch in ("HQ", case_writer.BRANCH):
            cmp = filecmp.dircmp(written / day / branch, case_writer.INBOX / day / branch)
            assert not (cmp.left_only or cmp.right_only or cmp.diff_files), (day, branch)
            _, mismatch, errors = filecmp.cmpfiles(
                written / day / branch, case_writer.INBOX / day / branch, cmp.common_files, shallow=False
            )
            assert not mismatch and not errors, (day, branch, mismatch)


def test_the_set_obeys_the_contract(cases):
    # landing recorded no rule violation (fees, roll-forward of positions and cash, order / fill rules)
    assert one(cases, "select count(*) from staging.stg_lake__dq_events") == (0,)
    assert one(cases, "select count(*), sum(quarantined_rows) from staging.stg_lake__landed_packages") == (
        12,
        0,
    )


def test_net_commission(cases):
    rows = q(
        cases,
        "select business_date, client_id, handling_fee, regulator_fee, net_commission from marts.fct_fills"
        " order by business_date",
    )
    assert rows == [
        # C3 buys 1000 000002 @ 8.00 = 8000.00, commission max(round(8000 x 0.0003), 5) = 5.00;
        # handling 8000 x 0.0000341 = 0.2728 -> 0.27; regulator 8000 x 0.00002 = 0.16;
        # net 5.00 - 0.27 - 0.16 = 4.57
        (D1, C3, Decimal("0.27"), Decimal("0.16"), Decimal("4.57")),
        # C1 sells 2000 600000 @ 10.50 = 21000.00, commission 21000 x 0.0003 = 6.30;
        # handling 0.71610 -> 0.72; regulator 0.42; net 6.30 - 0.72 - 0.42 = 5.16
        (D2, C1, Decimal("0.72"), Decimal("0.42"), Decimal("5.16")),
        # C1 buys 1000 000002 @ 7.20 = 7200.00, commission 5.00 (2.16 < 5); handling 0.24552 -> 0.25;
        # regulator 0.144 -> 0.14; net 5.00 - 0.25 - 0.14 = 4.61
        (D4, C1, Decimal("0.25"), Decimal("0.14"), Decimal("4.61")),
    ]


def test_realized_pnl_of_a_sell(cases):
    row = one(
        cases,
        "select position_qty_before, position_cost_before, cost_removed, realized_pnl from marts.fct_fills"
        " where client_id = ? and business_date = ?",
        C1,
        D2,
    )
    # held 5000 at cost 45000.00 (01-29); cost removed = round(45000.00 x 2000 / 5000, 2) = 18000.00;
    # fees 6.30 + stamp duty 21000 x 0.0005 = 10.50 + transfer fee 0.21 = 17.01;
    # realized = (21000.00 - 17.01) - 18000.00 = 2982.99
    assert row == (5000, Decimal("45000.00"), Decimal("18000.00"), Decimal("2982.99"))
    # buys have no realized P&L
    assert one(cases, "select count(realized_pnl) from marts.fct_fills where side = 'B'") == (0,)


def test_unrealized_pnl(cases):
    rows = q(
        cases,
        "select client_id, security_code, market_value, cost_amount, unrealized_pnl, unrealized_return,"
        " is_trapped from marts.fct_positions_daily where business_date = ?"
        " order by client_id, security_code",
        D4,
    )
    assert [(c, s, mv, cost, pnl, r8(ret), t) for c, s, mv, cost, pnl, ret, t in rows] == [
        # 3000 x 7.20 = 21600.00; cost 20000.00 + 7200.00 + 5.07 = 27205.07; -5605.07 / 27205.07 = -0.20603035
        (
            C1,
            "000002",
            Decimal("21600.00"),
            Decimal("27205.07"),
            Decimal("-5605.07"),
            Decimal("-0.20603035"),
            True,
        ),
        # 3000 x 10.80 = 32400.00; cost 27000.00; +5400.00 / 27000.00 = 0.2
        (
            C1,
            "600000",
            Decimal("32400.00"),
            Decimal("27000.00"),
            Decimal("5400.00"),
            Decimal("0.20000000"),
            False,
        ),
        # 1000 x 7.20 = 7200.00; cost 8005.08; -805.08 / 8005.08 = -0.10057114 (<= -10%: trapped)
        (
            C3,
            "000002",
            Decimal("7200.00"),
            Decimal("8005.08"),
            Decimal("-805.08"),
            Decimal("-0.10057114"),
            True,
        ),
    ]


def test_daily_pnl_and_return(cases):
    rows = q(
        cases,
        "select business_date, total_assets, net_asset_inflow, daily_pnl, daily_return"
        " from marts.fct_client_daily where client_id = ? and business_date <= ? order by business_date",
        C1,
        D4,
    )
    assert [(d, ta, nai, pnl, ret if ret is None else r8(ret)) for d, ta, nai, pnl, ret in rows] == [
        # 100000.00 + 5000 x 10.00 + 2000 x 8.00 = 166000.00; first landed day: P&L unknown
        (D1, Decimal("166000.00"), Decimal("0.00"), None, None),
        # cash 100000.00 + 20982.99 = 120982.99; MV 3000 x 10.50 + 2000 x 7.80 = 47100.00; TA 168082.99;
        # P&L 168082.99 - 166000.00 = 2082.99; return 2082.99 / 166000.00 = 0.01254813
        (D2, Decimal("168082.99"), Decimal("0.00"), Decimal("2082.99"), Decimal("0.01254813")),
        # MV 3000 x 10.40 + 2000 x 7.50 = 46200.00; TA 167182.99; P&L -900.00; -900 / 168082.99 = -0.00535450
        (D3, Decimal("167182.99"), Decimal("0.00"), Decimal("-900.00"), Decimal("-0.00535450")),
        # cash 120982.99 + 50000 - 7205.07 = 163777.92; MV 3000 x 10.80 + 3000 x 7.20 = 54000.00;
        # TA 217777.92; P&L 217777.92 - 167182.99 - 50000.00 = 594.93;
        # return 594.93 / (167182.99 + 50000.00) = 0.00273930
        (D4, Decimal("217777.92"), Decimal("50000.00"), Decimal("594.93"), Decimal("0.00273930")),
    ]
    # C3 opens on 01-29: TA(t-1) = 0; TA 41994.92 + 8000.00 = 49994.92; P&L 49994.92 - 0 - 50000 = -5.08;
    # return -5.08 / (0 + 50000) = -0.0001016
    row = one(
        cases,
        "select daily_pnl, daily_return from marts.fct_client_daily"
        " where client_id = ? and business_date = ?",
        C3,
        D1,
    )
    assert (row[0], r8(row[1])) == (Decimal("-5.08"), Decimal("-0.00010160"))


def test_period_return_and_relative_return(cases):
    returns = [
        r
        for (r,) in q(
            cases,
            "select daily_return from marts.fct_client_daily"
            " where client_id = ? and business_date between ? and ? order by business_date",
            C1,
            D2,
            D4,
        )
    ]
    product = Decimal(1)
    for r in returns:
        product *= 1 + r
    # (1 + 2082.99/166000)(1 - 900/168082.99)(1 + 594.93/217182.99) - 1 = 0.009885270203
    assert r8(product - 1) == Decimal("0.00988527")
    # the same from the cumulative log-return building block: exp(cum(02-01) - cum(01-29)) - 1
    start, end = (
        one(
            cases,
            "select cumulative_log_return, benchmark_cumulative_log_return from marts.fct_client_daily"
            " where client_id = ? and business_date = ?",
            C1,
            d,
        )
        for d in (D1, D4)
    )
    assert r8(math.exp(end[0] - start[0]) - 1) == Decimal("0.00988527")
    # CSI 300 over 01-30 .. 02-01, close to close: 3333.00 / 3300.00 - 1 = 0.01
    csi = math.exp(end[1] - start[1]) - 1
    assert r8(csi) == Decimal("0.01000000")
    # relative return 0.009885270203 - 0.01 = -0.000114729797
    assert r8(math.exp(end[0] - start[0]) - 1 - csi) == Decimal("-0.00011473")


def test_daily_average_assets_tier_and_turnover_rate(cases):
    rows = q(
        cases,
        "select month_start_date, client_id, daily_average_assets, tier_code, client_turnover_rate"
        " from marts.fct_client_monthly order by 1, 2",
    )
    assert [(m, c, a, t, r8(r)) for m, c, a, t, r in rows] == [
        # (166000.00 + 168082.99 + 167182.99) / 3 = 167088.66; Dec not landed: no tier in January;
        # turnover rate 21000.00 / (2 x 167088.66) = 0.06284089
        (JAN, C1, Decimal("167088.66"), None, Decimal("0.06284089")),
        # 200000.00 on each of the three days
        (JAN, C2, Decimal("200000.00"), None, Decimal("0E-8")),
        # (49994.92 + 49794.92 + 49494.92) / 3 = 49761.586.. -> 49761.59;
        # 8000.00 / (2 x 49761.586..) = 0.08038329
        (JAN, C3, Decimal("49761.59"), None, Decimal("0.08038329")),
        # February: tier by January's daily average assets: 167088.66 in [100k, 500k) -> silver 银卡
        # February daily average 217777.92 x 3 / 3; turnover 7200.00 / (2 x 217777.92) = 0.01653060
        (FEB, C1, Decimal("217777.92"), "silver", Decimal("0.01653060")),
        # 200000.00 -> silver; February (200000.00 + 10000.00 + 9999.99) / 3 = 73333.33
        (FEB, C2, Decimal("73333.33"), "silver", Decimal("0E-8")),
        # 49761.59 < 100k -> regular 普通; February (49194.92 + 49194.92 + 48994.92) / 3 = 49128.25
        (FEB, C3, Decimal("49128.25"), "regular", Decimal("0E-8")),
    ]
    # the tier is on every February client-day too
    assert one(
        cases,
        "select tier_code from marts.fct_client_daily where client_id = ? and business_date = ?",
        C1,
        D6,
    ) == ("silver",)


def test_effective_account(cases):
    rows = q(
        cases,
        "select business_date, total_assets, is_effective_account from marts.fct_client_daily"
        " where client_id = ? and business_date >= ? order by business_date",
        C2,
        D5,
    )
    # 10000.00 >= 10000 is effective; 9999.99 is not
    assert rows == [(D5, Decimal("10000.00"), True), (D6, Decimal("9999.99"), False)]


def test_churned_and_churn_warning(cases):
    rows = q(
        cases,
        "select business_date, lookback_daily_average_assets, lookback_net_asset_inflow, is_churned,"
        " is_newly_churned, warning_net_asset_outflow, warning_start_total_assets, is_churn_warning"
        " from marts.fct_client_daily where client_id = ? order by business_date",
        C2,
    )
    assert rows[-3:] == [
        (D4, Decimal("200000.00"), Decimal("0.00"), False, False, Decimal("0.00"), None, False),
        # 02-02: average of 01-29 .. 02-01 = 200000.00; TA 10000.00 < 20% x 200000 = 40000;
        # net inflow -190000.00 < 0 and 190000 >= 80% x (200000 - 10000) = 152000 -> churned.
        # No warning: the day five trading days before (01-26) is not landed.
        (D5, Decimal("200000.00"), Decimal("-190000.00"), True, True, Decimal("190000.00"), None, False),
        # 02-05: outflow over 01-30 .. 02-05 = 190000.01 >= 50% x TA(01-29) 200000 = 100000 and >= 50000
        # -> warning; average of 01-29 .. 02-02 = 810000 / 5 = 162000.00: still churned, not newly
        (
            D6,
            Decimal("162000.00"),
            Decimal("-190000.01"),
            True,
            False,
            Decimal("190000.01"),
            Decimal("200000.00"),
            True,
        ),
    ]
    assert one(
        cases,
        "select event_type from marts.fct_client_events where client_id = ? and business_date = ?",
        C2,
        D5,
    ) == ("churned",)


def test_trapped_degree(cases):
    rows = q(
        cases,
        "select client_id, trapped_degree, is_trapped_client from marts.fct_client_daily"
        " where business_date = ? and client_id in (?, ?) order by client_id",
        D4,
        C1,
        C3,
    )
    assert rows == [
        # trapped MV 21600.00 (000002 at -20.6%) / MV 54000.00 = 0.4 < 50%
        (C1, Decimal("0.400000000000"), False),
        # the only position is trapped (-10.06%): 7200 / 7200 = 1
        (C3, Decimal("1.000000000000"), True),
    ]


def test_contribution_rate(cases):
    rows = q(
        cases,
        "select attributed_broker_key, net_commission, contribution_rate, new_effective_account_count"
        " from marts.agg_broker_performance_monthly where month_start_date = ? order by 1",
        JAN,
    )
    assert [(b, n, r8(r), e) for b, n, r, e in rows] == [
        # C3's 4.57 split 60 / 40: B001 round(4.57 x 0.6) = 2.74; branch 4.57 + 5.16 = 9.73; 2.74 / 9.73
        # C3 opened in January and effective at month end (49494.92): credited to its developer B001
        ("B001", Decimal("2.74"), Decimal("0.28160329"), 1),
        # B002 gets 4.57 - 2.74 = 1.83 of C3 and all of C1's 5.16: 6.99 / 9.73 = 0.71839671
        ("B002", Decimal("6.99"), Decimal("0.71839671"), 0),
    ]


def test_fill_to_order_and_cancel_ratio(cases):
    row = one(
        cases,
        "select order_count, filled_order_count, cancelled_order_count, fill_to_order_ratio, fill_qty_ratio,"
        " cancel_ratio from marts.agg_branch_daily where branch_key = '2101' and business_date = ?",
        D1,
    )
    # 01-29: O1 filled 1000 of 1000 (status 8), O2 cancelled 500 (status 6): 1 / 2 filled,
    # by quantity 1000 / 1500 = 0.66666667, cancelled 1 / 2
    assert (row[:3], row[3], r8(row[4]), row[5]) == (
        (2, 1, 1),
        Decimal("0.500000000000"),
        Decimal("0.66666667"),
        Decimal("0.500000000000"),
    )
    # the trading cube gives the same counts for the day (summed over brokers, channels, boards, sides)
    cube = one(
        cases,
        "select sum(order_count), sum(filled_order_count), sum(cancelled_order_count), sum(order_qty),"
        " sum(filled_qty) from marts.agg_turnover_daily where business_date = ?",
        D1,
    )
    assert tuple(int(v) for v in cube) == (2, 1, 1, 1500, 1000)

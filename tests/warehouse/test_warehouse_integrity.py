"""Structural promises of the warehouse: broker cube adds up to branches, no personal data, unknown
members, and a clean dbt build."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MONEY = [
    "cash_balance",
    "market_value",
    "total_assets",
    "net_cash_inflow",
    "net_asset_inflow",
    "daily_pnl",
    "turnover",
    "commission",
    "trading_costs",
    "net_commission",
]


def test_dbt_build_has_no_failures(contract_example_warehouse):
    results = contract_example_warehouse.build_results
    # exposures (the dashboards) have nothing to build: dbt reports them as no-op
    statuses = {str(r.status) for r in results if str(r.node.resource_type) != "exposure"}
    assert statuses <= {"success", "pass"}, statuses
    tested = {r.node.resource_type for r in contract_example_warehouse.build_results}
    assert {"model", "test", "unit_test"} <= {str(t) for t in tested}


def test_broker_cube_sums_back_to_branch_totals(wh):
    sums = ", ".join(f"sum({c})" for c in MONEY)
    brokers = wh.execute(
        f"select branch_key, business_date, {sums} from marts.agg_broker_daily group by 1, 2 order by 1, 2"
    ).fetchall()
    cols = ", ".join(MONEY)
    branches = wh.execute(
        f"select branch_key, business_date, {cols} from marts.agg_branch_daily order by 1, 2"
    ).fetchall()
    assert brokers == branches
    assert all(isinstance(v, Decimal) for row in brokers for v in row[2:])


def test_no_personal_data_leaves_the_lake(wh):
    raw_values = ["孙丽", "钱进", "13011112222", "110101198811112222", "91330100MA2XXXXX1"]
    columns = wh.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
        " where data_type = 'VARCHAR'"
    ).fetchall()
    assert not [c for c in columns if c[2] in ("id_no", "client_name", "mobile")]
    placeholders = ", ".join("?" * len(raw_values))
    for schema, table, column in columns:
        hits = wh.execute(
            f'select count(*) from "{schema}"."{table}" where "{column}" in ({placeholders})', raw_values
        ).fetchone()[0]
        assert hits == 0, (schema, table, column)
    masked = wh.execute(
        "select client_key, client_name_masked, mobile_masked from marts.dim_client order by 1"
    ).fetchall()
    assert masked == [
        ("-1", "unknown 未知", None),
        ("1101000101", "孙**", "130****2222"),
        ("3301000201", "钱**", None),
    ]


def test_every_dimension_has_its_unknown_member(wh):
    for table, key, value in [
        ("dim_client", "client_key", "-1"),
        ("dim_branch", "branch_key", "-1"),
        ("dim_broker", "broker_key", "-1"),
        ("dim_security", "security_key", "-1"),
        ("dim_channel", "channel_key", "-1"),
        ("dim_date", "date_key", -1),
    ]:
        assert wh.execute(f"select count(*) from marts.{table} where {key} = ?", [value]).fetchone()[0] == 1


def test_dim_date_follows_the_trading_calendar(wh):
    row = wh.execute(
        "select is_trading_day, prev_trading_day, next_trading_day"
        " from marts.dim_date where date_key = 20231009"
    ).fetchone()
    # National Day holiday: the trading day before 2023-10-09 is 2023-09-28
    assert row == (True, date(2023, 9, 28), date(2023, 10, 10))


def test_broker_tree_is_flattened(wh):
    row = wh.execute(
        "select team_lead_id, branch_head_id, hierarchy_depth, level_1_broker_id, level_2_broker_id,"
        " branch_key, region_code from marts.dim_broker where broker_key = 'K0002'"
    ).fetchone()
    assert row == ("K0001", "K0001", 2, "K0001", "K0002", "1101", "R03")

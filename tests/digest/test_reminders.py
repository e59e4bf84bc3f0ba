"""The exact reminders and market notices of the hand-made scenario (tests/digest/scenario.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import SERVING_FILE


@pytest.fixture(scope="module")
def reminders(scenario_warehouse: Path) -> list[dict]:
    with duckdb.connect(str(scenario_warehouse / SERVING_FILE), read_only=True) as db:
        cursor = db.execute("select * from marts.fct_broker_reminders order by business_date, reminder_key")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _keys(rows: list[dict], day: date) -> set[tuple[str, str, str]]:
    return {
        (r["recipient_broker_id"], r["client_id"], r["reminder_kind"])
        for r in rows
        if r["business_date"] == day
    }


def test_reminders_of_2023_10_10(reminders: list[dict]) -> None:
    # 3301000201 has no broker: its 1,000,000 transfer out goes to the branch head's digest
    assert _keys(reminders, date(2023, 10, 10)) == {("K0301", "3301000201", "large_transfer")}
    [row] = [r for r in reminders if r["business_date"] == date(2023, 10, 10)]
    assert row["is_unassigned"] and row["broker_key"] == "unassigned-3301"
    assert row["amount"] == Decimal("-1000000.00")


def test_reminders_of_2023_10_11(reminders: list[dict]) -> None:
    assert _keys(reminders, date(2023, 10, 11)) == {
        ("K0003", "1101000102", "new_client"),
        ("K0003", "1101000102", "suitability"),  # C1 bought ChiNext 300750
        ("K0002", "1101000103", "new_client"),
        ("K0002", "1101000103", "large_transfer"),  # 120,000 in
        ("K0002", "1101000103", "birthday"),  # born 10-13: two days ahead
        # no suitability for 103 (C4 buying STAR), no new client for 3301000202 (relation from 2020)
    }
    suitability = next(r for r in reminders if r["reminder_kind"] == "suitability")
    assert (suitability["security_code"], suitability["board_code"], suitability["risk_level"]) == (
        "300750",
        "CHINEXT",
        "C1",
    )
    assert suitability["amount"] == Decimal("19000.00")
    assert suitability["client_name_masked"] == "王**"


def test_reminders_of_2023_10_12(reminders: list[dict]) -> None:
    day = date(2023, 10, 12)
    assert _keys(reminders, day) == {
        ("K0002", "1101000101", "large_transfer"),  # 150,000 out
        ("K0002", "1101000101", "limit_down"),  # 000001 at 10.13
        ("K0002", "1101000103", "limit_down"),  # 688981 at 44.00
        ("K0002", "1101000103", "newly_trapped"),  # 0% -> 100%
        ("K0002", "1101000103", "birthday"),  # tomorrow
        ("K0002", "1101000104", "reactivated"),  # first fill since 2023-06-01
        ("K0301", "3301000201", "large_transfer"),  # unassigned: 2,000,000 out
        ("K0301", "3301000201", "custody_transfer_out"),
        # no churn_warning for 3301000201: see test_no_churn_warning_without_the_start_assets
        ("K0301", "3301000202", "account_closed"),  # K0302 left that day: its branch head receives it
    }
    rows = {(r["client_id"], r["reminder_kind"]): r for r in reminders if r["business_date"] == day}
    large = rows["1101000101", "large_transfer"]
    assert (large["amount"], large["value_at_stake"], large["event_count"]) == (
        Decimal("-150000.00"),
        Decimal("150000.00"),
        1,
    )
    # exactly one large-movement reminder for 101, to its broker only
    assert [
        r["recipient_broker_id"]
        for r in reminders
        if r["client_id"] == "1101000101" and r["reminder_kind"] == "large_transfer"
    ] == ["K0002"]
    assert rows["1101000104", "reactivated"]["metric_value"] == 133
    assert rows["1101000104", "reactivated"]["reference_date"] == date(2023, 6, 1)
    assert rows["1101000103", "newly_trapped"]["metric_value"] == 1
    assert rows["1101000103", "newly_trapped"]["amount"] == Decimal("88000.00")
    assert rows["1101000101", "limit_down"]["security_code"] == "000001"
    closed = rows["3301000202", "account_closed"]
    assert closed["broker_key"] == "K0302" and closed["reference_date"] == day
    assert closed["amount"] == Decimal("20000.00")
    assert rows["3301000201", "custody_transfer_out"]["amount"] == Decimal("-740000.00")


def test_no_churn_warning_without_the_start_assets(scenario_warehouse: Path) -> None:
    # Churn warning (docs/contract/metrics.md): outflow of the last 5 trading days >= 50% of TA five
    # trading days earlier. For 2023-10-12 that is the end of 2023-09-27, before the scenario's first
    # landed day (2023-10-09); 3301000201 opened in 2018, so its TA then is unknown and the shared
    # flag (fct_client_daily) is not set, although the outflow is 3,740,000 (1,000,000 + 2,000,000 +
    # 200,000 x 3.70).
    with duckdb.connect(str(scenario_warehouse / SERVING_FILE), read_only=True) as db:
        row = db.execute(
            "select warning_net_asset_outflow, warning_start_total_assets, is_churn_warning "
            "from marts.fct_client_daily where client_id = '3301000201' and business_date = '2023-10-12'"
        ).fetchone()
        warnings = db.execute(
            "select count(*) from marts.fct_broker_reminders where reminder_kind = 'churn_warning'"
        ).fetchone()
    assert row == (Decimal("3740000.00"), None, False)
    assert warnings == (0,)


def test_market_notices(scenario_warehouse: Path) -> None:
    with duckdb.connect(str(scenario_warehouse / SERVING_FILE), read_only=True) as db:
        notices = db.execute(
            "select recipient_broker_id, security_code, notice_kind, holder_count "
            "from marts.fct_broker_market_notices "
            "where business_date = '2023-10-12' order by 1, 2"
        ).fetchall()
    assert notices == [
        ("K0002", "000001", "limit_down", 1),
        ("K0002", "300750", "limit_up", 1),
        ("K0002", "600519", "big_fall", 1),
        ("K0002", "688981", "limit_down", 1),
        ("K0003", "300750", "limit_up", 1),
    ]

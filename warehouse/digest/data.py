"""What the digests read: the published serving file only, opened read-only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from warehouse.publish import SERVING_FILE

Row = dict[str, Any]
TREND_DAYS = 20  # business days shown in the trend charts


@contextmanager
def open_serving(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    serving = Path(warehouse_dir) / SERVING_FILE
    if not serving.exists():
        raise FileNotFoundError(f"no published warehouse at {serving}: build and publish it first")
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[Row]:
    cursor = connection.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def group(rows: Iterable[Row], column: str) -> dict[Any, list[Row]]:
    """Rows by the value of one column, each group in the rows' order."""
    groups: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[column]].append(row)
    return dict(groups)


def last_business_date(connection: duckdb.DuckDBPyConnection) -> date | None:
    return connection.execute("select max(business_date) from marts.agg_branch_daily").fetchone()[0]


@dataclass
class DayFacts:
    """Everything one business day's digests need, read in a handful of queries."""

    business_date: date
    reminders: list[Row]
    notices: list[Row]
    branch_days: list[Row]  # agg_digest_branch_daily, last TREND_DAYS business days
    broker_days: list[Row]  # agg_broker_daily with names, last TREND_DAYS business days
    data_quality: list[Row]
    branches: dict[str, Row] = field(default_factory=dict)
    brokers: dict[str, Row] = field(default_factory=dict)
    trend_dates: list[date] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(r["business_date"] == self.business_date for r in self.branch_days)

    # indexes: each digest looks up its own rows instead of scanning the company's
    @cached_property
    def reminders_by_recipient(self) -> dict[str, list[Row]]:
        return group(self.reminders, "recipient_broker_id")

    @cached_property
    def reminders_by_branch(self) -> dict[str, list[Row]]:
        return group(self.reminders, "branch_code")

    @cached_property
    def notices_by_recipient(self) -> dict[str, list[Row]]:
        return group(self.notices, "recipient_broker_id")

    @cached_property
    def branch_days_by_branch(self) -> dict[str, list[Row]]:
        return group(self.branch_days, "branch_code")

    @cached_property
    def broker_days_by_broker(self) -> dict[str, list[Row]]:
        """agg_broker_daily rows by the broker the clients are attributed to, oldest day first."""
        return group(self.broker_days, "attributed_broker_key")

    @cached_property
    def broker_today_by_branch(self) -> dict[str, list[Row]]:
        return group((r for r in self.broker_days if r["business_date"] == self.business_date), "branch_code")

    @cached_property
    def data_quality_by_branch(self) -> dict[str, list[Row]]:
        return group(self.data_quality, "package_branch")

    @cached_property
    def team_members(self) -> dict[str, list[Row]]:
        """dim_broker rows by their team lead (direct manager), in broker id order."""
        return group(
            sorted((b for b in self.brokers.values() if b.get("team_lead_id")), key=lambda b: b["broker_id"]),
            "team_lead_id",
        )


def read_day(connection: duckdb.DuckDBPyConnection, business_date: date) -> DayFacts:
    trend_dates = [
        r[0]
        for r in connection.execute(
            "select distinct business_date from marts.agg_branch_daily where business_date <= ? "
            "order by business_date desc limit ?",
            [business_date, TREND_DAYS],
        ).fetchall()
    ][::-1]
    first = trend_dates[0] if trend_dates else business_date
    reminders = _rows(
        connection,
        "select * from marts.fct_broker_reminders where business_date = ? "
        "order by value_at_stake desc, kind_priority, client_id",
        [business_date],
    )
    notices = _rows(
        connection,
        "select * from marts.fct_broker_market_notices where business_date = ? "
        "order by value_at_stake desc, security_key",
        [business_date],
    )
    branch_days = _rows(
        connection,
        "select a.*, b.branch_name, b.region_name from marts.agg_digest_branch_daily as a "
        "left join marts.dim_branch as b on b.branch_key = a.branch_key "
        "where a.business_date between ? and ? order by a.business_date, a.branch_code",
        [first, business_date],
    )
    broker_days = _rows(
        connection,
        """
        select a.business_date, a.branch_code, a.broker_key, a.attributed_broker_key, b.broker_id,
               b.broker_name, b.is_unassigned, a.client_count, a.total_assets, a.net_asset_inflow,
               a.turnover, a.net_commission, a.net_commission_rate
        from marts.agg_broker_daily as a
        left join marts.dim_broker as b on b.broker_key = a.attributed_broker_key
        where a.business_date between ? and ?
        order by a.business_date, a.branch_code, a.attributed_broker_key
        """,
        [first, business_date],
    )
    data_quality = _rows(
        connection,
        "select * from marts.fct_digest_data_quality where business_date = ? "
        "order by problem_count desc, package_branch, rule_id",
        [business_date],
    )
    branches = {
        r["branch_code"]: r
        for r in _rows(connection, "select * from marts.dim_branch where branch_key <> '-1'")
    }
    brokers = {
        r["broker_id"]: r
        for r in _rows(connection, "select * from marts.dim_broker where broker_id is not null")
    }
    return DayFacts(
        business_date,
        reminders,
        notices,
        branch_days,
        broker_days,
        data_quality,
        branches,
        brokers,
        trend_dates,
    )

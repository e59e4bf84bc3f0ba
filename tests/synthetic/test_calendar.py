"""The SSE trading calendar seed."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from warehouse.synthetic.calendar import CALENDAR_CSV, business_days


def test_calendar_covers_2019_to_2026() -> None:
    frame = pl.read_csv(CALENDAR_CSV, infer_schema=False)
    assert frame.columns == ["calendar_date", "is_trading_day"]
    assert frame["calendar_date"][0] == "2019-01-01" and frame["calendar_date"][-1] == "2026-12-31"
    assert frame.height == (date(2026, 12, 31) - date(2019, 1, 1)).days + 1
    assert set(frame["is_trading_day"]) == {"true", "false"}


def test_known_years() -> None:
    counts = {y: len(business_days(date(y, 1, 1), date(y, 12, 31))) for y in range(2019, 2026)}
    assert counts == {2019: 244, 2020: 243, 2021: 243, 2022: 242, 2023: 242, 2024: 242, 2025: 243}


def test_2024_holidays() -> None:
    days = set(business_days(date(2024, 1, 1), date(2024, 12, 31)))
    closed = [
        date(2024, 1, 1),
        *(date(2024, 2, 9) + timedelta(i) for i in range(8)),
        date(2024, 4, 4),
        date(2024, 4, 5),
        date(2024, 5, 1),
        date(2024, 5, 2),
        date(2024, 5, 3),
        date(2024, 6, 10),
        date(2024, 9, 16),
        date(2024, 9, 17),
        *(date(2024, 10, 1) + timedelta(i) for i in range(7)),
    ]
    assert not days & set(closed)
    assert date(2024, 2, 8) in days and date(2024, 2, 19) in days and date(2024, 10, 8) in days
    assert date(2024, 2, 4) not in days  # a make-up working Sunday is not a trading day
    assert all(d.weekday() < 5 for d in days)

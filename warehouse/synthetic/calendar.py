"""Business dates from the SSE trading calendar seed (`seeds/trading_calendar.csv`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

CALENDAR_CSV = Path(__file__).resolve().parents[2] / "seeds" / "trading_calendar.csv"


def business_days(start: date, end: date, calendar: Path = CALENDAR_CSV) -> list[date]:
    """The SSE trading days from start to end, both inclusive."""
    frame = pl.read_csv(calendar, schema={"calendar_date": pl.Date, "is_trading_day": pl.Boolean})
    if start < frame["calendar_date"].min() or end > frame["calendar_date"].max():
        raise ValueError(f"{start}..{end} is outside the trading calendar {calendar.name}")
    days = frame.filter(pl.col("is_trading_day") & pl.col("calendar_date").is_between(start, end))[
        "calendar_date"
    ]
    return days.to_list()

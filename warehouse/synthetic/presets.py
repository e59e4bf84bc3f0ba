"""Sizes of the synthetic brokerage: how many branches, clients, securities and days to generate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Preset:
    name: str
    start: date  # first business date (inclusive)
    end: date  # last business date (inclusive)
    branches: int  # taken in order from `reference.BRANCHES`
    clients: int  # accounts open before the first business date
    stocks: int  # listed stocks at the start
    etfs: int
    new_clients_per_day: float  # accounts opened per business day, company-wide
    closes: int  # accounts closed during the period
    ipos: int  # new listings whose subscription falls in the period
    activity: float = 1.0  # multiplier on how often clients trade
    allot_rate: float = 0.002  # chance that an IPO subscription wins a lot
    custody_rate: float = 0.0004  # custody transfers per client per day, each direction
    leaver_share: float = 0.08  # share of brokers (below team lead) leaving during the period
    clients_per_broker: int = 150
    churners: float = 0.01  # share of clients that move most of their assets out in the period
    dividend_share: float = 0.6  # share of stocks paying a cash dividend in the period


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "tiny",
            date(2024, 3, 11),
            date(2024, 3, 22),
            branches=2,
            clients=200,
            stocks=120,
            etfs=12,
            new_clients_per_day=1.0,
            closes=2,
            ipos=2,
            activity=2.0,
            allot_rate=0.15,
            custody_rate=0.004,
            leaver_share=0.2,
            clients_per_broker=25,
            churners=0.02,
            dividend_share=0.2,
        ),
        Preset(
            "demo",
            date(2024, 1, 2),
            date(2024, 12, 31),
            branches=12,
            clients=30_000,
            stocks=2_400,
            etfs=160,
            new_clients_per_day=20.0,
            closes=300,
            ipos=40,
        ),
        Preset(
            "bench10m",
            date(2024, 1, 2),
            date(2024, 12, 31),
            branches=24,
            clients=420_000,
            stocks=5_000,
            etfs=400,
            new_clients_per_day=150.0,
            closes=3_000,
            ipos=90,
            clients_per_broker=250,
        ),
        Preset(
            "bench100m",
            date(2024, 1, 2),
            date(2024, 12, 31),
            branches=32,
            clients=2_000_000,
            stocks=5_000,
            etfs=400,
            new_clients_per_day=800.0,
            closes=15_000,
            ipos=90,
            activity=2.0,
            clients_per_broker=400,
        ),
    )
}

"""The landing state (warehouse/landing/state.py): the monthly states have a partition on the first
landed day of each month only, and the state of every landed day, read from that snapshot and the days'
source files, equals the state folded one day at a time from the first day; landed out of order too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.warehouse.conftest import land_until, month_end_tiny
from warehouse.contract.spec import HQ
from warehouse.lake.layout import partition_file
from warehouse.landing import land_package, pending_packages
from warehouse.landing.state import (
    CLIENT_RATES,
    RELATIONS_STATE,
    SECURITIES_STATE,
    StateTable,
    fold,
    landed_days,
    state_as_of,
)

STATES = [(SECURITIES_STATE, "hq"), (RELATIONS_STATE, "hq"), (CLIENT_RATES, "branches")]


@pytest.fixture(scope="module")
def brokerage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[date], Path]:
    """The month-end `tiny` landed in date order: its inbox, business dates and lake."""
    folder = tmp_path_factory.mktemp("state")
    inbox, days = month_end_tiny(folder)
    land_until(inbox, folder / "lake", days[-1])
    return inbox, days, folder / "lake"


def _branches(lake: Path, which: str) -> list[str]:
    found = sorted(p.name.removeprefix("branch=") for p in (lake / "landed_packages").glob("*/branch=*"))
    return [HQ] if which == "hq" else sorted(set(found) - {HQ})


def _folded_day_by_day(lake: Path, state: StateTable, branch: str, day: date) -> pl.DataFrame:
    frame = state.empty()
    for landed in (d for d in landed_days(lake, branch) if d <= day):
        source = partition_file(lake, state.source.table, landed, branch)
        rows = pl.read_parquet(source, columns=list(state.columns)) if source.is_file() else state.empty()
        frame = fold(state, frame, rows, landed)
    return frame


def _sorted(frame: pl.DataFrame, state: StateTable) -> pl.DataFrame:
    return frame.sort(list(state.key or state.columns), nulls_last=True)


def _states(lake: Path) -> dict[tuple[str, str, date], pl.DataFrame]:
    return {
        (state.table, branch, day): _sorted(state_as_of(lake, state, branch, day), state)
        for state, which in STATES
        for branch in _branches(lake, which)
        for day in landed_days(lake, branch)
    }


@pytest.mark.parametrize(("state", "which"), STATES, ids=[s.table for s, _ in STATES])
def test_partitions_daily_or_on_each_months_first_day(brokerage, state: StateTable, which: str) -> None:
    _, days, lake = brokerage
    first_of_month = {d for i, d in enumerate(days) if i == 0 or days[i - 1].month != d.month}
    assert len(first_of_month) == 2
    for branch in _branches(lake, which):
        with_partition = {
            d for d in landed_days(lake, branch) if partition_file(lake, state.table, d, branch).is_file()
        }
        assert with_partition == (first_of_month if state.monthly else set(days)), (state.table, branch)


@pytest.mark.parametrize(("state", "which"), STATES, ids=[s.table for s, _ in STATES])
def test_every_days_state_equals_folding_day_by_day(brokerage, state: StateTable, which: str) -> None:
    _, days, lake = brokerage
    for branch in _branches(lake, which):
        for day in days:
            got = state_as_of(lake, state, branch, day)
            expected = _folded_day_by_day(lake, state, branch, day)
            assert not expected.is_empty()
            assert _sorted(got, state).equals(_sorted(expected, state)), (state.table, branch, day)


def test_a_day_landed_late_re_derives_the_later_states(brokerage, tmp_path: Path) -> None:
    """The last day of the first month, which changes relations and client records, landed last: the
    next month's snapshot was taken without it, and must be re-derived when it lands; then every day's
    state is the one of the lake landed in order."""
    inbox, days, in_order = brokerage
    late = next(d for i, d in enumerate(days) if days[i + 1].month != d.month)
    for table, branch in [("client_brokers", HQ), *(("clients", b) for b in _branches(in_order, "branches"))]:
        assert pl.read_parquet(partition_file(in_order, table, late, branch)).height, (table, branch)
    lake = tmp_path / "lake"
    for package in pending_packages(inbox, lake):
        if package.business_date != late:
            assert land_package(package.path, lake).outcome == "landed", package.path
    assert partition_file(lake, RELATIONS_STATE.table, days[days.index(late) + 1], HQ).is_file()
    for package in pending_packages(inbox, lake):
        assert package.business_date == late
        assert land_package(package.path, lake).outcome == "landed", package.path
    got, expected = _states(lake), _states(in_order)
    assert got.keys() == expected.keys()
    for key, frame in expected.items():
        assert got[key].equals(frame), key

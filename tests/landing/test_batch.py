"""Landing many packages (warehouse/landing/batch.py): the branches side by side give the lake that
landing one package at a time gives, byte for byte; a branch-day whose head office is missing waits;
a failure in one branch's worker stops the others and reaches the caller."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from tests.warehouse.conftest import month_end_tiny
from warehouse.contract.spec import HQ
from warehouse.landing import find_packages, land_package, land_packages, landed_state
from warehouse.landing.lake_writer import staging_dir

Package = tuple[date, str, Path]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> list[Package]:
    inbox, _ = month_end_tiny(tmp_path_factory.mktemp("batch"))
    return [(ref.business_date, ref.branch, ref.path) for ref in find_packages(inbox) if ref.complete]


def _contents(lake: Path) -> dict[str, str]:
    return {
        str(path.relative_to(lake)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(lake.rglob("*"))
        if path.is_file()
    }


def test_branches_side_by_side_give_the_lake_of_one_at_a_time(tiny: list[Package], tmp_path: Path) -> None:
    branches = {branch for _, branch, _ in tiny} - {HQ}
    assert len(branches) >= 2 and len({day for day, _, _ in tiny}) >= 5
    for _, _, folder in tiny:
        assert land_package(folder, tmp_path / "one").outcome == "landed"

    attempts = list(land_packages(list(reversed(tiny)), tmp_path / "side_by_side", workers=2))

    assert sorted((a.business_date, a.branch) for a in attempts) == sorted((d, b) for d, b, _ in tiny)
    assert {a.result.outcome for a in attempts if a.result is not None} == {"landed"}
    head_office = [a.business_date for a in attempts if a.branch == HQ]
    assert head_office == sorted(head_office) and attempts[: len(head_office)] == [
        a for a in attempts if a.branch == HQ
    ]
    assert _contents(tmp_path / "side_by_side") == _contents(tmp_path / "one")
    assert not list((tmp_path / "side_by_side").glob("_staging*"))


def test_a_branch_day_without_its_head_office_waits(tiny: list[Package], tmp_path: Path) -> None:
    first_day = min(day for day, _, _ in tiny)
    without_hq = [p for p in tiny if not (p[1] == HQ and p[0] > first_day)]

    attempts = {(a.business_date, a.branch): a for a in land_packages(without_hq, tmp_path / "lake", 2)}

    waiting = sorted(key for key, a in attempts.items() if a.result is None)
    assert waiting == sorted((d, b) for d, b, _ in tiny if b != HQ and d > first_day)
    assert all("head office" in (attempts[key].waiting or "") for key in waiting)
    assert {a.result.outcome for a in attempts.values() if a.result is not None} == {"landed"}


def test_a_failure_stops_the_branches_and_reaches_the_caller(tiny: list[Package], tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    first_day = min(day for day, _, _ in tiny)
    broken = min(branch for _, branch, _ in tiny if branch != HQ)
    lake.mkdir()
    # a file where the branch-day stages its tables: writing them fails in the worker process
    staging_dir(lake, first_day, broken).write_text("in the way")

    with pytest.raises(OSError):
        list(land_packages(tiny, lake, workers=2))

    landed = landed_state(lake)
    assert not [key for key in landed if key[1] == broken]
    assert {key for key in landed if key[1] == HQ} == {(day, HQ) for day, branch, _ in tiny if branch == HQ}
    others = [(day, branch) for day, branch, _ in tiny if branch not in (HQ, broken)]
    assert len([key for key in landed if key in others]) < len(others)  # they stopped after the failure

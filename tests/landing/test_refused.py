"""Packages that break the contract as a whole: refused, recorded once, nothing of them landed."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from warehouse.landing import PackageIncomplete, find_packages, land_package, landed_state

from .helpers import edit, land_all, set_manifest, snapshot, write_file

DAY1 = "20231009"


def land_hq(inbox: Path, lake: Path) -> None:
    assert land_package(inbox / DAY1 / "HQ", lake).outcome == "landed"


def refusals(lake: Path) -> list[tuple]:
    frames = [pl.read_parquet(p) for p in sorted((lake / "refused_packages").rglob("*.parquet"))]
    columns = ["file", "source_row", "rule"]
    return [tuple(r) for f in frames for r in f.select(columns).iter_rows()]


def refuse(inbox: Path, lake: Path, branch: str = "1101") -> str:
    """Land the branch's day-1 package, expect a refusal, and check nothing of it was landed."""
    result = land_package(inbox / DAY1 / branch, lake)
    assert result.outcome == "refused"
    assert (result.business_date.isoformat(), result.branch) == ("2023-10-09", branch)
    assert not list(lake.glob(f"*/business_date=2023-10-09/branch={branch}/part-0.parquet"))
    assert (inbox / DAY1 / branch / "manifest.json").exists()  # left in the inbox
    assert result.reason is not None
    return result.reason


def test_missing_manifest_is_incomplete(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    (inbox / DAY1 / "1101" / "manifest.json").unlink()
    ref = next(r for r in find_packages(inbox) if r.branch == "1101" and r.business_date.day == 9)
    assert not ref.complete
    with pytest.raises(PackageIncomplete):
        land_package(ref.path, lake)
    assert not (lake / "refused_packages").exists()
    assert (ref.business_date, "1101") not in landed_state(lake)


def test_wrong_sha256_recorded_once(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    path = inbox / DAY1 / "1101" / "trades.csv"
    path.write_bytes(path.read_bytes().replace(b"5.00", b"6.00"))
    reason = refuse(inbox, lake)
    assert reason.startswith("package 1101 2023-10-09 refused: file trades.csv, row -, rule sha256_mismatch:")
    refuse(inbox, lake)  # retried: the same record, not a second one
    assert refusals(lake) == [("trades.csv", None, "sha256_mismatch")]


def test_truncated_file(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    package = inbox / DAY1 / "1101"
    data = (package / "trades.csv").read_bytes()
    write_file(package, "trades.csv", data[: len(data) - 40])
    reason = refuse(inbox, lake)
    assert "row 1, rule malformed_csv" in reason and "00000002" not in reason
    assert refusals(lake) == [("trades.csv", 1, "malformed_csv")]


def test_malformed_record_names_its_own_row(inbox: Path, lake: Path) -> None:
    """The short record `1` is row 3; row 2 merely contains a `1`: the reported row is 3."""
    land_hq(inbox, lake)
    package = inbox / DAY1 / "1101"
    header, row1 = (package / "balances.csv").read_text(encoding="gbk").splitlines()[:2]
    lines = [header, row1, "1101000102,1.00", "1"]
    write_file(package, "balances.csv", ("\n".join(lines) + "\n").encode("gbk"), rows=3)
    reason = refuse(inbox, lake)
    assert "file balances.csv, row 3, rule malformed_csv" in reason
    assert refusals(lake) == [("balances.csv", 3, "malformed_csv")]


def test_missing_column(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    package = inbox / DAY1 / "1101"
    edit(
        package, "balances.csv", lambda t: "\r\n".join(line.split(",")[0] for line in t.splitlines()) + "\r\n"
    )
    assert "missing from the header: cash_balance" in refuse(inbox, lake)
    assert refusals(lake) == [("balances.csv", None, "missing_column")]


def test_wrong_encoding(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    set_manifest(inbox / DAY1 / "1101", encoding="utf-8")  # the GBK branch declared as UTF-8
    refuse(inbox, lake)
    set_manifest(inbox / DAY1 / "3301", encoding="gbk")  # the UTF-8 branch declared as GBK
    refuse(inbox, lake, "3301")
    assert refusals(lake) == [("clients.csv", 1, "encoding_error"), ("clients.csv", None, "encoding_error")]


def test_empty_file(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    write_file(inbox / DAY1 / "1101", "cash_flows.csv", b"", rows=0)
    refuse(inbox, lake)
    assert refusals(lake) == [("cash_flows.csv", None, "empty_file")]


def test_unknown_branch(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    shutil.copytree(inbox / DAY1 / "3301", inbox / DAY1 / "9901")
    set_manifest(inbox / DAY1 / "9901", branch_code="9901")
    refuse(inbox, lake, "9901")
    assert refusals(lake) == [(None, None, "unknown_branch")]


def test_manifest_naming_another_day(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    set_manifest(inbox / DAY1 / "1101", business_date="20231010")
    refuse(inbox, lake)
    assert refusals(lake) == [("manifest.json", None, "manifest_mismatch")]


def test_row_count_mismatch(inbox: Path, lake: Path) -> None:
    land_hq(inbox, lake)
    package = inbox / DAY1 / "1101"
    write_file(package, "positions.csv", (package / "positions.csv").read_bytes(), rows=3)
    refuse(inbox, lake)
    assert refusals(lake) == [("positions.csv", None, "row_count_mismatch")]


def test_revisions(inbox: Path, lake: Path) -> None:
    land_all(inbox, lake)
    package = inbox / DAY1 / "1101"
    before = snapshot(lake)
    edit(package, "trades.csv", lambda t: t.replace("93105", "250000"))  # bad time: quarantined
    result = land_package(package, lake)  # same revision, other content
    assert result.outcome == "refused" and "rule revision_not_higher" in (result.reason or "")
    assert {k: v for k, v in snapshot(lake).items() if "refused_packages" not in k} == before

    set_manifest(package, revision=2)
    result = land_package(package, lake)
    assert (result.outcome, result.revision, result.quarantined) == ("landed", 2, 1)
    assert landed_state(lake)[(result.business_date, "1101")] == 2
    assert (lake / "trades_quarantine" / "business_date=2023-10-09" / "branch=1101").exists()

    set_manifest(package, revision=1)
    assert land_package(package, lake).outcome == "refused"  # lower revision

    edit(package, "trades.csv", lambda t: t.replace("250000", "93105"))
    set_manifest(package, revision=3)
    assert land_package(package, lake).outcome == "landed"
    after = snapshot(lake)
    assert not (lake / "trades_quarantine" / "business_date=2023-10-09" / "branch=1101").exists()
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert {k.split("/")[0] for k in changed} == {"landed_packages", "refused_packages"}  # data as before
    assert all("business_date=2023-10-09/branch=1101" in k for k in changed if "landed_packages" in k)

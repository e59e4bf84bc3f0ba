"""The date a build must rebuild from: the lake's landed branch-days against the published warehouse's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from warehouse.rebuild import changed_branch_days, drop_spark_partitions_from

BUILT = [("2024-03-01", "1101", "a"), ("2024-03-01", "HQ", "b"), ("2024-03-04", "1101", "c")]
# what Dagster runs: `dbt build` without the unit tests (the test suite runs those), written out here
# rather than taken from the module, so that the test pins the command
BUILD = ["build", "--exclude-resource-type", "unit_test"]


def _land(lake: Path, packages: list[tuple[str, str, str]]) -> None:
    for day, branch, sha in packages:
        folder = lake / "landed_packages" / f"business_date={day}" / f"branch={branch}"
        folder.mkdir(parents=True, exist_ok=True)
        duckdb.sql(f"copy (select 1 as revision, '{sha}' as manifest_sha256) to '{folder}/part-0.parquet'")


def _warehouse(path: Path, packages: list[tuple[str, str, str]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_landed_packages (business_date date, branch_code varchar, "
                    "revision bigint, manifest_sha256 varchar)")
        for day, branch, sha in packages:
            con.execute("insert into marts.fct_landed_packages values (?, ?, 1, ?)", [day, branch, sha])
    return path


MARCH_1, MARCH_4 = date(2024, 3, 1), date(2024, 3, 4)


@pytest.mark.parametrize(
    ("lake_packages", "expected"),
    [
        (BUILT, []),  # what the warehouse was built from
        (BUILT + [("2024-03-05", "1101", "d")], []),  # a new day: the usual incremental build
        ([BUILT[0], BUILT[1], ("2024-03-04", "1101", "c2")], [(MARCH_4, "1101")]),  # 03-04 re-sent
        (BUILT + [("2024-03-01", "3301", "e")], [(MARCH_1, "3301")]),  # a branch's late package for 03-01
        (BUILT[1:] + [("2024-03-01", "1101", "a2"), ("2024-03-05", "1101", "d")], [(MARCH_1, "1101")]),
        # head office re-sent 03-01, and a branch 03-04
        ([BUILT[0], ("2024-03-01", "HQ", "b2"), ("2024-03-04", "1101", "c2")],
         [(MARCH_1, "HQ"), (MARCH_4, "1101")]),
    ],
)
def test_changed_branch_days(tmp_path: Path, lake_packages: list, expected: list) -> None:
    lake = tmp_path / "lake"
    _land(lake, lake_packages)
    serving = _warehouse(tmp_path / "serving.duckdb", BUILT)
    assert changed_branch_days(lake, serving) == expected


def test_no_warehouse_yet_means_a_full_build(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _land(lake, BUILT)
    assert changed_branch_days(lake, tmp_path / "missing.duckdb") == []
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert changed_branch_days(lake, empty) == []


def test_dagster_build_passes_the_first_changed_date(tmp_path: Path) -> None:
    from pipelines.defs.resources import DataPaths
    from pipelines.defs.transform.assets import build_args, next_build

    paths = DataPaths(lake=str(tmp_path / "lake"), warehouse=str(tmp_path / "warehouse"))
    _land(paths.lake_path, [BUILT[0], BUILT[1], ("2024-03-04", "1101", "c2")])
    paths.warehouse_path.mkdir()
    # nothing published yet: a full build (its data tests, not the unit tests), every test reading everything
    assert build_args(next_build(paths)) == BUILD
    assert next_build(paths).test_env() == {"WAREHOUSE_TEST_FROM": ""}
    _warehouse(paths.warehouse_path / "serving.duckdb", BUILT)  # what the last successful build published
    assert build_args(next_build(paths)) == [
        *BUILD,
        "--vars",
        '{"rebuild_from": "2024-03-04", "head_office_changed": false}',
    ]
    assert next_build(paths).test_env() == {"WAREHOUSE_TEST_FROM": "2024-03-04"}
    # head office re-sends 03-01 too: the cubes by board and industry are rebuilt whole
    _land(paths.lake_path, [("2024-03-01", "HQ", "b2")])
    assert build_args(next_build(paths)) == [
        *BUILD,
        "--vars",
        '{"rebuild_from": "2024-03-01", "head_office_changed": true}',
    ]
    assert next_build(paths).test_env() == {"WAREHOUSE_TEST_FROM": "2024-03-01"}


def test_a_daily_build_tests_from_the_day_after_the_published_one(tmp_path: Path) -> None:
    from pipelines.defs.resources import DataPaths
    from pipelines.defs.transform.assets import build_args, next_build

    paths = DataPaths(lake=str(tmp_path / "lake"), warehouse=str(tmp_path / "warehouse"))
    _land(paths.lake_path, [*BUILT, ("2024-03-05", "1101", "d")])
    paths.warehouse_path.mkdir()
    _warehouse(paths.warehouse_path / "serving.duckdb", BUILT)
    # no --vars: dbt parses only what changed since the last build, not the whole project
    assert build_args(next_build(paths)) == BUILD
    assert next_build(paths).test_env() == {"WAREHOUSE_TEST_FROM": "2024-03-05"}


def test_a_build_of_many_days_runs_one_model_at_a_time_on_duckdb(tmp_path: Path) -> None:
    from pipelines.defs.resources import DataPaths
    from pipelines.defs.transform.assets import ONE_MODEL_AT_A_TIME_FROM_DAYS, build_args, next_build

    paths = DataPaths(lake=str(tmp_path / "lake"), warehouse=str(tmp_path / "warehouse"))
    days = [f"2024-03-{day:02d}" for day in range(5, 5 + ONE_MODEL_AT_A_TIME_FROM_DAYS)]
    _land(paths.lake_path, [*BUILT, *((day, "1101", "e") for day in days[1:])])
    paths.warehouse_path.mkdir()
    _warehouse(paths.warehouse_path / "serving.duckdb", BUILT)
    # one day short: two threads
    assert next_build(paths).days == ONE_MODEL_AT_A_TIME_FROM_DAYS - 1
    assert "--threads" not in build_args(next_build(paths))
    _land(paths.lake_path, [(days[0], "1101", "e")])
    window = next_build(paths)
    assert window.days == ONE_MODEL_AT_A_TIME_FROM_DAYS
    assert build_args(window) == [*BUILD, "--threads", "1"]
    assert build_args(window, on_spark=True) == BUILD


def test_spark_partitions_from_the_rebuilt_date_are_dropped(tmp_path: Path) -> None:
    daily = [f"intermediate/int_client_daily/business_date=2024-03-0{d}" for d in (1, 4, 5)]
    monthly = [f"marts/fct_client_monthly/month_start_date={m}" for m in ("2024-02-01", "2024-03-01")]
    for folder in [*daily, *monthly, "marts/dim_client"]:
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "part-0.parquet").write_bytes(b"")
    dropped = drop_spark_partitions_from(tmp_path, date(2024, 3, 4))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in dropped) == [
        daily[1], daily[2], monthly[1]
    ]
    left = sorted(p.parent.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("part-0.parquet"))
    assert left == [daily[0], "marts/dim_client", monthly[0]]

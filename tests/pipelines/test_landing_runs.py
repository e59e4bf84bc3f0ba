"""Real Dagster runs land the inbox: the sensor asks for head office first, then the branches."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.run import land_pending
from warehouse.landing import landed_state
from warehouse.landing.quality import quality_summary
from warehouse.settings import Paths


def _paths(root: Path, inbox: Path) -> Paths:
    return Paths(data=root, inbox=inbox, lake=root / "lake", warehouse=root / "warehouse",
                 directory=root / "directory", outbox=root / "outbox", dagster_home=root / "dagster")


@pytest.fixture
def instance() -> dg.DagsterInstance:
    with dg.DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def test_sensor_requests_head_office_before_branches(example_inbox: Path, tmp_path: Path,
                                                      instance: dg.DagsterInstance) -> None:
    paths = _paths(tmp_path, example_inbox)
    sensor = defs.get_sensor_def("inbox_sensor")
    context = dg.build_sensor_context(instance=instance, resources={"paths": _resource(paths)})
    result = sensor(context)
    assert isinstance(result, dg.SensorResult)
    [request] = result.run_requests
    assert request.job_name == "land_head_office"
    assert request.tags["dagster/asset_partition_range_start"] == "2023-10-09"
    assert request.tags["dagster/asset_partition_range_end"] == "2023-10-10"
    assert set(instance.get_dynamic_partitions("branch")) == {"1101", "3301"}


def test_land_pending_lands_every_package_once(example_inbox: Path, tmp_path: Path,
                                               instance: dg.DagsterInstance) -> None:
    paths = _paths(tmp_path, example_inbox)
    assert land_pending(instance, paths, report=lambda _: None) == 2  # head office, then branches
    landed = landed_state(paths.lake)
    assert sorted((d.isoformat(), b) for d, b in landed) == [
        ("2023-10-09", "1101"), ("2023-10-09", "3301"), ("2023-10-09", "HQ"),
        ("2023-10-10", "1101"), ("2023-10-10", "3301"), ("2023-10-10", "HQ"),
    ]
    runs = instance.get_runs()
    assert len(runs) == 2 and all(run.is_success for run in runs)
    # nothing pending any more: a second pass starts no run and changes nothing
    assert land_pending(instance, paths, report=lambda _: None) == 0


def test_tiny_brokerage_lands_through_dagster(tiny_inbox: Path, tmp_path: Path,
                                             instance: dg.DagsterInstance) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(tiny_inbox, inbox)
    paths = _paths(tmp_path, inbox)
    land_pending(instance, paths, report=lambda _: None)
    packages = {(p.parent.name, p.name) for p in inbox.glob("*/*") if (p / "manifest.json").exists()}
    landed = {(d.strftime("%Y%m%d"), b) for d, b in landed_state(paths.lake)}
    assert landed == packages
    # the generator keeps every contract rule, so landing its output records no finding at all
    quality = quality_summary(paths.lake)
    assert (quality.errors, quality.quarantined, quality.refused, quality.by_rule) == (0, 0, 0, {})


def _resource(paths: Paths):
    from pipelines.defs.resources import DataPaths

    return DataPaths(inbox=str(paths.inbox), lake=str(paths.lake), warehouse=str(paths.warehouse))

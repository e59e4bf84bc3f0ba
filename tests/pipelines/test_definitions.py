"""The Dagster code location loads, and holds what the pipeline needs."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import defs


def test_all_definitions_load() -> None:
    repository = defs.get_repository_def()
    asset_keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {"hq_reference", "branch_packages"} <= asset_keys
    assert {s.name for s in repository.sensor_defs} >= {"inbox_sensor"}
    checks = {key.name for key in repository.asset_graph.asset_check_keys}
    assert {"branch_contract_rules", "hq_contract_rules"} <= checks


def test_branch_packages_are_partitioned_by_date_and_branch() -> None:
    asset = defs.get_assets_def("branch_packages")
    partitions = asset.partitions_def
    assert isinstance(partitions, dg.MultiPartitionsDefinition)
    assert {d.name for d in partitions.partitions_defs} == {"business_date", "branch"}

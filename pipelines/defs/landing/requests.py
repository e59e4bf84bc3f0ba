"""What to land next: the run requests that cover the inbox's pending packages.

Head office comes first: a branch package is requested only once its date's head-office package is
landed (branch validation needs that day's branches, securities and quotes). The same function
serves the inbox sensor (one tick at a time) and `land_pending` (in-process, until nothing is left).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.defs.landing.partitions import (
    branch_day_key,
    branch_days,
    branches,
    business_dates,
    date_key,
    range_tags,
)
from warehouse.contract.spec import HQ
from warehouse.landing import landed_state, pending_packages


@dataclass(frozen=True)
class LandingRequest:
    asset_key: dg.AssetKey
    job_name: str
    tags: dict[str, str]
    run_key: str
    packages: int


def _register(instance: dg.DagsterInstance, definition: dg.DynamicPartitionsDefinition,
              keys: list[str]) -> None:
    assert definition.name is not None
    known = set(instance.get_dynamic_partitions(definition.name))
    new = sorted({k for k in keys if k not in known})
    if new:
        instance.add_dynamic_partitions(definition.name, new)


def next_landing_request(instance: dg.DagsterInstance, inbox: Path, lake: Path) -> LandingRequest | None:
    """One run request for the pending head-office days, else for the branch-days that are ready."""
    pending = pending_packages(inbox, lake)
    if not pending:
        return None
    _register(instance, business_dates, [date_key(p.business_date) for p in pending])
    _register(instance, branches, [p.branch for p in pending if p.branch != HQ])

    hq_days = [p for p in pending if p.branch == HQ]
    if hq_days:
        keys = {date_key(p.business_date) for p in hq_days}
        all_keys = business_dates.get_partition_keys(dynamic_partitions_store=instance)
        return _request(dg.AssetKey("hq_reference"), "land_head_office", all_keys, keys, hq_days)

    hq_landed = {d for (d, branch) in landed_state(lake) if branch == HQ}
    ready = [p for p in pending if p.business_date in hq_landed]
    if not ready:
        return None
    keys = {str(branch_day_key(p.business_date, p.branch)) for p in ready}
    all_keys = branch_days.get_partition_keys(dynamic_partitions_store=instance)
    return _request(dg.AssetKey("branch_packages"), "land_branches", all_keys, keys, ready)


def _request(asset_key: dg.AssetKey, job_name: str, all_keys: list[str], keys: set[str],
             packages: list) -> LandingRequest:
    digest = hashlib.sha256()
    for package in sorted(packages, key=lambda p: (p.business_date, p.branch)):
        digest.update(f"{package.business_date}/{package.branch}/{package.manifest_sha256}".encode())
    return LandingRequest(asset_key, job_name, range_tags(all_keys, keys),
                          f"{asset_key.to_user_string()}:{digest.hexdigest()[:16]}", len(packages))

"""Run the pipeline's assets in this process, as real Dagster runs recorded in DAGSTER_HOME.

`make run` uses this so the demo needs no daemon; in production the inbox sensor and schedules
launch the same assets from `dagster-daemon`.
"""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from pipelines.defs.landing.assets import branch_packages, hq_reference
from pipelines.defs.landing.checks import branch_contract_rules, hq_contract_rules
from pipelines.defs.landing.lake_tables import lake_tables
from pipelines.defs.landing.requests import next_landing_request
from pipelines.defs.publish.assets import serving_warehouse
from pipelines.defs.resources import DataPaths
from pipelines.defs.transform.assets import dbt, warehouse_models
from warehouse.settings import Paths

#: Dagster's console logger shows warnings and errors only; every event stays in the run history
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def land_pending(instance: dg.DagsterInstance, paths: Paths,
                 report: Callable[[str], None] = print) -> int:
    """Land every complete package of the inbox through the landing assets; returns the runs made."""
    resources = {"paths": _data_paths(paths)}
    runs = 0
    seen: set[str] = set()
    while (request := next_landing_request(instance, paths.inbox, paths.lake)) is not None:
        if request.run_key in seen:  # nothing changed since the last run: those packages wait
            break
        seen.add(request.run_key)
        report(f"landing {request.packages} package(s) with {request.asset_key.to_user_string()}")
        result = dg.materialize(
            [hq_reference, branch_packages, branch_contract_rules, hq_contract_rules],
            selection=[request.asset_key],
            instance=instance,
            resources=resources,
            run_config=QUIET,
            tags={**request.tags, "dagster/run_key": request.run_key},
        )
        runs += 1
        if not result.success:
            raise RuntimeError(f"landing run {result.run_id} failed")
    return runs


def build_and_publish(instance: dg.DagsterInstance, paths: Paths) -> None:
    """dbt build of every model (its tests run as asset checks), then the atomic publish."""
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    result = dg.materialize(
        [*lake_tables, warehouse_models, serving_warehouse],
        instance=instance,
        resources={"paths": _data_paths(paths), "dbt": dbt},
        run_config=QUIET,
    )
    if not result.success:
        raise RuntimeError(f"warehouse build run {result.run_id} failed")


def _data_paths(paths: Paths) -> DataPaths:
    return DataPaths(inbox=str(paths.inbox), lake=str(paths.lake), warehouse=str(paths.warehouse))

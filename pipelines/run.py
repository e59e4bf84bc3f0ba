"""Run the pipeline's assets in this process, as real Dagster runs recorded in DAGSTER_HOME.

`make run` uses this so the demo needs no daemon; in production the inbox sensor and schedules
launch the same assets from `dagster-daemon`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import dagster as dg

from pipelines.defs.digest.assets import daily_digests
from pipelines.defs.landing.assets import branch_packages, hq_reference
from pipelines.defs.landing.checks import branch_contract_rules, hq_contract_rules
from pipelines.defs.landing.lake_tables import lake_tables
from pipelines.defs.landing.partitions import business_dates
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
    resources = {"paths": DataPaths.of(paths)}
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
        resources={"paths": DataPaths.of(paths), "dbt": dbt},
        run_config=QUIET,
    )
    if not result.success:
        raise RuntimeError(f"warehouse build run {result.run_id} failed")


def send_digests(instance: dg.DagsterInstance, paths: Paths, business_date: date | None = None) -> str:
    """The daily_digests asset for `business_date` (default: the last business day published) as a
    Dagster run: SMTP when WAREHOUSE_SMTP_HOST is set, else .eml files in the outbox. Returns the
    run's summary line; already delivered messages are not sent again."""
    from warehouse.digest.data import last_business_date, open_serving

    if business_date is None:
        with open_serving(paths.warehouse) as connection:
            business_date = last_business_date(connection)
        if business_date is None:
            return "the published warehouse holds no business day: no digests"
    key = business_date.isoformat()
    if not instance.has_dynamic_partition(business_dates.name, key):
        instance.add_dynamic_partitions(business_dates.name, [key])
    result = dg.materialize(
        [daily_digests],
        partition_key=key,
        instance=instance,
        resources={"paths": DataPaths.of(paths)},
        run_config=QUIET,
    )
    if not result.success:
        raise RuntimeError(f"digest run {result.run_id} failed")
    [materialization] = result.asset_materializations_for_node("daily_digests")
    return str(materialization.metadata["summary"].value)



"""Build and publish the warehouse after landing has written new data."""

import dagster as dg

from pipelines.defs.landing.assets import branch_packages, hq_reference
from pipelines.defs.publish.assets import serving_warehouse
from pipelines.defs.transform.assets import warehouse_models

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(warehouse_models, serving_warehouse),
    description="dbt build of every model (tests included), then publish the serving file.",
)


@dg.multi_asset_sensor(
    monitored_assets=[hq_reference.key, branch_packages.key],
    job=build_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a landing run, one warehouse build (landings that arrive meanwhile wait for "
                "the next build).",
)
def build_after_landing(context: dg.MultiAssetSensorEvaluationContext):
    latest = context.latest_materialization_records_by_key()
    if not any(latest.values()):
        return dg.SkipReason("nothing landed since the last build")
    context.advance_all_cursors()
    newest = max(record.storage_id for record in latest.values() if record is not None)
    return dg.RunRequest(run_key=f"build-after-{newest}")

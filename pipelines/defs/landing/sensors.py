"""The inbox sensor: launches landing for every complete package that is not landed yet."""

import dagster as dg

from pipelines.defs.landing.assets import land_branches_job, land_head_office_job
from pipelines.defs.landing.requests import next_landing_request
from pipelines.defs.resources import DataPaths


@dg.sensor(
    name="inbox_sensor",
    minimum_interval_seconds=30,
    jobs=[land_head_office_job, land_branches_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the inbox; a package counts once its manifest.json exists (producers write it "
                "last). Head office is landed before the branches of the same date.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, paths: DataPaths) -> dg.SensorResult:
    request = next_landing_request(context.instance, paths.inbox_path, paths.lake_path)
    if request is None:
        return dg.SensorResult(skip_reason=dg.SkipReason("no complete package waiting in the inbox"))
    return dg.SensorResult(run_requests=[
        dg.RunRequest(run_key=request.run_key, job_name=request.job_name, tags=request.tags),
    ])

"""The daily digests as a Dagster asset, one partition per business date, read from the published
serving warehouse. A schedule sends each weekday's digests in the evening, after the daily build; any
past business date can be (re)sent by materializing its partition (already delivered messages are
skipped: the delivery log keeps re-runs from sending twice)."""

from datetime import date

import dagster as dg

from pipelines.defs.landing.partitions import business_dates
from pipelines.defs.publish.assets import serving_warehouse
from pipelines.defs.resources import DataPaths
from warehouse.digest import send_digests
from warehouse.digest.delivery import FAILED_PERMANENT, FAILED_TRANSIENT


@dg.asset(
    partitions_def=business_dates,
    deps=[serving_warehouse],
    group_name="digests",
    kinds={"email"},
    description="每日提醒: the business date's digest e-mails (SMTP, or .eml files in the outbox), "
    "recorded in the delivery log.",
)
def daily_digests(context: dg.AssetExecutionContext, paths: DataPaths) -> dg.MaterializeResult:
    business_date = date.fromisoformat(context.partition_key)
    report = send_digests(paths.to_paths(), business_date)
    context.log.info(report.summary())
    counts = report.counts
    failed = counts.get(FAILED_PERMANENT, 0) + counts.get(FAILED_TRANSIENT, 0)
    if failed:
        context.log.warning(f"{failed} digest(s) failed; see the delivery log in the outbox")
    return dg.MaterializeResult(
        metadata={
            "business_date": business_date.isoformat(),
            "transport": report.transport,
            "summary": report.summary(),
            **{f"count_{status}": dg.MetadataValue.int(n) for status, n in sorted(counts.items())},
        }
    )


daily_digests_job = dg.define_asset_job(
    "daily_digests_job",
    selection=dg.AssetSelection.assets(daily_digests),
    description="Send one business date's digests (pick the date as the partition).",
)


@dg.schedule(
    job=daily_digests_job,
    cron_schedule="30 19 * * 1-5",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekdays 19:30 Beijing time, after the evening build: that day's digests.",
)
def daily_digests_schedule(context: dg.ScheduleEvaluationContext):
    key = context.scheduled_execution_time.date().isoformat()
    if not context.instance.has_dynamic_partition(business_dates.name, key):
        return dg.SkipReason(f"no package of {key} has arrived (holiday or late): no digests")
    return dg.RunRequest(run_key=f"digests-{key}", partition_key=key)


defs = dg.Definitions(
    assets=[daily_digests],
    jobs=[daily_digests_job],
    schedules=[daily_digests_schedule],
)

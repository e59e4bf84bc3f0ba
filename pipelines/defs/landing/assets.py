"""Landing assets: one materialization per head-office day and per branch-day.

Both use a single-run backfill policy: a backfill of years of history is one run that lands the
packages in date order (head office first; the branches side by side, each in date order), and
re-running it skips what is already landed.
"""

from collections import Counter
from datetime import date

import dagster as dg

from pipelines.defs.landing.partitions import branch_days, business_dates
from pipelines.defs.resources import DataPaths
from warehouse.landing import land_packages
from warehouse.landing.inbox import package_dir

LANDING_GROUP = "landing"


def _land_keys(context: dg.AssetExecutionContext, paths: DataPaths,
               packages: list[tuple[date, str]]) -> dg.MaterializeResult:
    outcomes: Counter[str] = Counter()
    violations: Counter[str] = Counter()
    rows = 0
    present = []
    for business_date, branch in packages:
        folder = package_dir(paths.inbox_path, business_date, branch)
        if (folder / "manifest.json").exists():
            present.append((business_date, branch, folder))
        else:
            outcomes["absent"] += 1
    for attempt in land_packages(present, paths.lake_path):
        result = attempt.result
        if result is None:
            context.log.warning(attempt.waiting or "not ready")
            outcomes["not_ready"] += 1
            continue
        outcomes[result.outcome] += 1
        violations.update(result.violations)
        rows += sum(result.rows.values())
        if result.outcome == "refused":
            context.log.error(result.reason or "refused")
        elif result.outcome == "landed":
            context.log.info(f"{result.business_date} {result.branch}: landed revision {result.revision}, "
                             f"{sum(result.rows.values())} rows, "
                             f"{sum(result.violations.values())} violations")
    return dg.MaterializeResult(metadata={
        "packages": dg.MetadataValue.json(dict(outcomes)),
        "rows_landed": rows,
        "violations_by_rule": dg.MetadataValue.json(dict(violations)),
    })


@dg.asset(
    partitions_def=business_dates,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=LANDING_GROUP,
    kinds={"parquet"},
    description="Head-office reference data (branches, brokers, service relations, securities, quotes, "
                "index quotes) of each business date, validated and landed in the lake.",
)
def hq_reference(context: dg.AssetExecutionContext, paths: DataPaths) -> dg.MaterializeResult:
    return _land_keys(context, paths, [(date.fromisoformat(k), "HQ") for k in context.partition_keys])


@dg.asset(
    partitions_def=branch_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=LANDING_GROUP,
    kinds={"parquet"},
    deps=[dg.AssetDep(hq_reference,
                      partition_mapping=dg.MultiToSingleDimensionPartitionMapping("business_date"))],
    description="A branch's daily package (clients, orders, trades, cash flows, custody transfers, "
                "positions, balances), validated and landed in the lake as one atomic branch-day.",
)
def branch_packages(context: dg.AssetExecutionContext, paths: DataPaths) -> dg.MaterializeResult:
    keys = [branch_days.get_partition_key_from_str(k).keys_by_dimension for k in context.partition_keys]
    return _land_keys(context, paths, [(date.fromisoformat(k["business_date"]), k["branch"]) for k in keys])


land_head_office_job = dg.define_asset_job(
    "land_head_office", selection=[hq_reference], partitions_def=business_dates,
    description="Land head office's packages (one run may cover a range of dates).",
)
land_branches_job = dg.define_asset_job(
    "land_branches", selection=[branch_packages], partitions_def=branch_days,
    description="Land branch packages (one run may cover a range of branch-days).",
)

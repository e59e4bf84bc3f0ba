"""Asset checks that surface the data-quality events recorded while landing."""

import dagster as dg

from pipelines.defs.landing.assets import branch_packages, hq_reference
from pipelines.defs.resources import DataPaths
from warehouse.landing.quality import quality_summary


def _check(paths: DataPaths, head_office: bool) -> dg.AssetCheckResult:
    summary = quality_summary(paths.lake_path, head_office=head_office)
    return dg.AssetCheckResult(
        passed=summary.errors == 0 and summary.refused == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "contract_violations": summary.errors,
            "quarantined_rows": summary.quarantined,
            "refused_packages": summary.refused,
            "violations_by_rule": dg.MetadataValue.json(summary.by_rule),
        },
    )


@dg.asset_check(asset=branch_packages, description="Branch packages broke no contract rule and none "
                "was refused (counts over the whole lake; details in the dq_events table).")
def branch_contract_rules(paths: DataPaths) -> dg.AssetCheckResult:
    return _check(paths, head_office=False)


@dg.asset_check(asset=hq_reference, description="Head-office packages broke no contract rule and none "
                "was refused.")
def hq_contract_rules(paths: DataPaths) -> dg.AssetCheckResult:
    return _check(paths, head_office=True)

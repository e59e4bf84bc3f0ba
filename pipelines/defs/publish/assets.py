"""The serving warehouse: a copy of the finished build, swapped in atomically for readers."""

import dagster as dg

from pipelines.defs.resources import DataPaths
from pipelines.defs.transform.assets import warehouse_models
from warehouse.publish import publish


@dg.asset(
    deps=list(warehouse_models.keys),
    group_name="publish",
    kinds={"duckdb"},
    description="serving.duckdb: what Superset, the digests and analysts open read-only.",
)
def serving_warehouse(paths: DataPaths) -> dg.MaterializeResult:
    serving = publish(paths.warehouse_path)
    return dg.MaterializeResult(metadata={"path": str(serving), "bytes": serving.stat().st_size})

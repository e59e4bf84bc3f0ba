"""The serving warehouse: a copy of the finished build, swapped in atomically for readers."""

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.defs.resources import DataPaths
from pipelines.defs.transform.assets import runs_on_spark, warehouse_models
from warehouse.publish import publish, publish_spark


@dg.asset(
    deps=list(warehouse_models.keys),
    group_name="publish",
    kinds={"duckdb"},
    description="serving.duckdb: what Superset, the digests and analysts open read-only (after a build "
                "on Spark: its marts and reference tables copied out of the Parquet files).",
)
def serving_warehouse(paths: DataPaths, dbt: DbtCliResource) -> dg.MaterializeResult:
    if runs_on_spark(dbt):
        serving = publish_spark(paths.warehouse_path, paths.spark_path)
    else:
        serving = publish(paths.warehouse_path)
    return dg.MaterializeResult(metadata={"path": str(serving), "bytes": serving.stat().st_size})

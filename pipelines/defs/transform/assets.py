"""The dbt models as Dagster assets, downstream of the landing assets that fill the lake.

dbt's data tests run with `dbt build` and appear as asset checks (its unit tests run in the test
suite, not in each build). The lake's tables are the dbt sources
(`lake/<table>`, declared in landing/lake_tables.py); `build_after_landing` runs the build and the
publish step after each landing run. After a correction or a late package for a date the warehouse
already holds, the build rebuilds from that date (`--vars {rebuild_from: ..., head_office_changed: ...}`,
warehouse/rebuild.py BuildWindow.dbt_vars); the data tests read
the dates the build writes (WAREHOUSE_TEST_FROM, BuildWindow.test_env), the earlier ones were tested
when they were built. A daily build passes no --vars and starts from the previous build's parsed
project (`keep_parse_state`), so dbt parses only what changed, not the whole project.

The engine is the dbt target of profiles.yml: `duckdb` (default), `spark` (pyspark in the dbt
process) or `spark_thrift` (a Spark Thrift server), chosen by WAREHOUSE_DBT_TARGET or per run by the
`dbt` resource's config (launchpad: resources: {dbt: {config: {target: spark}}}).
"""

import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.defs.landing.lake_tables import lake_table_key
from pipelines.defs.resources import DataPaths
from warehouse.publish import SERVING_FILE
from warehouse.rebuild import BuildWindow, build_window, drop_spark_partitions_from
from warehouse.settings import PROJECT_ROOT

DBT_TARGET = os.environ.get("WAREHOUSE_DBT_TARGET", "duckdb")
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")  # the project's own, wherever PATH points
dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT, target=DBT_TARGET)
dbt = DbtCliResource(project_dir=dbt_project, profiles_dir=str(PROJECT_ROOT), target=DBT_TARGET,
                     dbt_executable=DBT_EXECUTABLE)


def runs_on_spark(resource: DbtCliResource) -> bool:
    """The dbt resource builds on Spark (target spark or spark_thrift) rather than DuckDB."""
    return (resource.target or DBT_TARGET).startswith("spark")


def _manifest_is_stale() -> bool:
    """True when the manifest is missing or older than a file of the dbt project."""
    if not dbt_project.manifest_path.exists():
        return True
    built = dbt_project.manifest_path.stat().st_mtime
    sources = [PROJECT_ROOT / "dbt_project.yml", PROJECT_ROOT / "profiles.yml"]
    for folder in ("models", "macros", "seeds"):
        sources += [p for p in (PROJECT_ROOT / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


if _manifest_is_stale():
    dbt.cli(["parse"], target_path=dbt_project.target_path).wait()

class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return lake_table_key(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return "warehouse"


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=WarehouseTranslator())
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                     paths: DataPaths) -> Iterator[Any]:
    os.environ.update(paths.dbt_env())
    window = next_build(paths)
    os.environ.update(window.test_env())
    if window.rebuild_from is not None and runs_on_spark(dbt):
        dropped = drop_spark_partitions_from(paths.spark_path, window.rebuild_from)
        context.log.info(f"rebuild from {window.rebuild_from}: {len(dropped)} Spark date partitions dropped")
    build = dbt.cli(build_args(window, runs_on_spark(dbt)), context=context)
    yield from build.stream()
    keep_parse_state(build.target_path)


def keep_parse_state(build_target: Path) -> None:
    """Make a finished build's parsed project the one the next build starts from: dagster-dbt copies
    the project target's partial_parse.msgpack into each build's own target folder. With the same
    environment (paths) and no --vars, dbt then parses only the files that changed: about 4 s less
    a day than parsing the whole project."""
    state = build_target / "partial_parse.msgpack"
    if state.is_file():
        kept = dbt_project.target_path / "partial_parse.msgpack"
        temporary = kept.with_name(kept.name + ".tmp")
        shutil.copyfile(state, temporary)
        os.replace(temporary, kept)


def next_build(paths: DataPaths) -> BuildWindow:
    """What the build rebuilds and tests, against the published warehouse (warehouse/rebuild.py)."""
    return build_window(paths.lake_path, paths.warehouse_path / SERVING_FILE)


# the dbt unit tests check the models' SQL on fixed inputs, not the day's data: the test suite runs
# them on both engines (make test), a production build skips them (as dbt's documentation advises)
BUILD = ["build", "--exclude-resource-type", "unit_test"]


# A build of many days (the first one, a catch-up, a rebuild from an old date) runs one model at a time
# on DuckDB: each of its queries takes every core and the memory limit, and two at once spilled to disk
# (bench10m's first 45 days: 756 s with dbt's two threads, 608 s with one). A day's build keeps two
# (its 46th day rebuilt: 85-96 s with two, 91-97 s with one).
ONE_MODEL_AT_A_TIME_FROM_DAYS = 5


def build_args(window: BuildWindow, on_spark: bool = False) -> list[str]:
    """`dbt build` without the unit tests, with the date a build after a correction rebuilds from
    (BuildWindow.dbt_vars; none: a daily or a full build), one model at a time when it writes many
    days on DuckDB."""
    chosen = window.dbt_vars()
    threads = [] if on_spark or window.days < ONE_MODEL_AT_A_TIME_FROM_DAYS else ["--threads", "1"]
    return [*BUILD, *threads, "--vars", json.dumps(chosen)] if chosen else [*BUILD, *threads]


defs = dg.Definitions(resources={"dbt": dbt})

"""Resources shared by every concern: where the data lives."""

import dataclasses
import os
from pathlib import Path

import dagster as dg

from warehouse.publish import BUILD_FILE, SPARK_FOLDER
from warehouse.settings import Paths


class DataPaths(dg.ConfigurableResource):
    """The inbox, lake and warehouse folders; defaults come from the environment (see settings.py)."""

    inbox: str = str(Paths.from_env().inbox)
    lake: str = str(Paths.from_env().lake)
    warehouse: str = str(Paths.from_env().warehouse)
    directory: str = str(Paths.from_env().directory)
    outbox: str = str(Paths.from_env().outbox)
    # the Spark build's tables and metastore (dbt targets spark / spark_thrift): README "Scale-out on Spark"
    spark: str = os.environ.get("WAREHOUSE_SPARK_DIR", str(Paths.from_env().warehouse / SPARK_FOLDER))

    @classmethod
    def of(cls, paths: Paths) -> "DataPaths":
        return cls(inbox=str(paths.inbox), lake=str(paths.lake), warehouse=str(paths.warehouse),
                   directory=str(paths.directory), outbox=str(paths.outbox))

    def to_paths(self) -> Paths:
        return dataclasses.replace(Paths.from_env(), inbox=Path(self.inbox), lake=Path(self.lake),
                                   warehouse=Path(self.warehouse), directory=Path(self.directory),
                                   outbox=Path(self.outbox))

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def lake_path(self) -> Path:
        return Path(self.lake)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def spark_path(self) -> Path:
        return Path(self.spark)

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml, dbt_project.yml and the lake source read."""
        return {"WAREHOUSE_LAKE": self.lake, "WAREHOUSE_BUILD_DB": str(self.warehouse_path / BUILD_FILE),
                "WAREHOUSE_SPARK_DIR": self.spark}


defs = dg.Definitions(resources={"paths": DataPaths()})

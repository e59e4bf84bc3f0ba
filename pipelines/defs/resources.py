"""Resources shared by every concern: where the data lives."""

from pathlib import Path

import dagster as dg

from warehouse.publish import BUILD_FILE
from warehouse.settings import Paths


class DataPaths(dg.ConfigurableResource):
    """The inbox, lake and warehouse folders; defaults come from the environment (see settings.py)."""

    inbox: str = str(Paths.from_env().inbox)
    lake: str = str(Paths.from_env().lake)
    warehouse: str = str(Paths.from_env().warehouse)

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def lake_path(self) -> Path:
        return Path(self.lake)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml and the lake source read."""
        return {"WAREHOUSE_LAKE": self.lake, "WAREHOUSE_BUILD_DB": str(self.warehouse_path / BUILD_FILE)}


defs = dg.Definitions(resources={"paths": DataPaths()})

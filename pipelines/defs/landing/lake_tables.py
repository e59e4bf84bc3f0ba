"""The lake's tables as assets of their own, written by the landing assets and read by dbt's sources.

Landing writes a whole branch-day at once (every table of the package plus the data-quality tables),
so the tables are declared here as specs that depend on the landing asset that writes them.
"""

import dagster as dg

from warehouse.contract.spec import BRANCH_FILES, HQ_FILES
from warehouse.lake.layout import DQ_EVENTS, LANDED_PACKAGES, REFUSED_PACKAGES

_QUALITY_TABLES = (DQ_EVENTS, LANDED_PACKAGES, REFUSED_PACKAGES)


def lake_table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["lake", table])


def _spec(table: str, description: str, landed_by: list[str]) -> dg.AssetSpec:
    return dg.AssetSpec(lake_table_key(table), description=description, deps=landed_by,
                        group_name="landing", kinds={"parquet"})


lake_tables = [
    *(_spec(s.table, f"{s.title} ({s.name}) of every branch-day", ["branch_packages"]) for s in BRANCH_FILES),
    *(_spec(s.table, f"{s.title} ({s.name}) of head office, every day", ["hq_reference"]) for s in HQ_FILES),
    *(_spec(t, f"{t}: what landing recorded", ["hq_reference", "branch_packages"]) for t in _QUALITY_TABLES),
]

defs = dg.Definitions(assets=lake_tables)

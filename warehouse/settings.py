"""Where the project keeps its data, from the environment with embedded defaults.

    inbox (branch packages) -> lake (Parquet) -> warehouse (DuckDB) -> dashboards and digests

Every path can be set on its own (WAREHOUSE_INBOX, WAREHOUSE_LAKE, ...); WAREHOUSE_DATA moves them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    data: Path
    inbox: Path  # <inbox>/<YYYYMMDD>/<branch>/ packages as the branches drop them
    lake: Path  # Hive-partitioned Parquet, one folder per table
    warehouse: Path  # DuckDB files: build.duckdb (dbt writes) and serving.duckdb (readers)
    directory: Path  # recipients of the daily digests
    outbox: Path  # digests written as .eml when no SMTP server is configured
    dagster_home: Path

    @classmethod
    def from_env(cls) -> Paths:
        data = Path(os.environ.get("WAREHOUSE_DATA", PROJECT_ROOT / "data")).resolve()

        def pick(var: str, default: str) -> Path:
            return Path(os.environ.get(var, data / default)).resolve()

        return cls(
            data=data,
            inbox=pick("WAREHOUSE_INBOX", "inbox"),
            lake=pick("WAREHOUSE_LAKE", "lake"),
            warehouse=pick("WAREHOUSE_DIR", "warehouse"),
            directory=pick("WAREHOUSE_DIRECTORY", "directory"),
            outbox=pick("WAREHOUSE_OUTBOX", "outbox"),
            dagster_home=pick("DAGSTER_HOME", "dagster_home"),
        )

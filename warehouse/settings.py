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


MAX_WORKERS = 4  # worker processes or threads by default: the machine's cores, at most this many


def default_workers() -> int:
    """The machine's cores, at most MAX_WORKERS."""
    return min(MAX_WORKERS, os.cpu_count() or 1)


def workers_from_env(variable: str) -> int:
    """The number of workers `variable` sets (a whole number of at least 1), else `default_workers()`."""
    chosen = os.environ.get(variable, "").strip()
    if not chosen:
        return default_workers()
    if not chosen.isdigit() or int(chosen) < 1:
        raise ValueError(f"{variable} must be a whole number of at least 1, not {chosen!r}")
    return int(chosen)

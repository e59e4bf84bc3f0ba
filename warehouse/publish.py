"""Publish: swap a finished build of the warehouse into the file that readers open.

dbt writes `build.duckdb` (one read-write process); Superset, the digests and analysts open
`serving.duckdb` read-only. DuckDB allows either one writer or many readers on a file, never both, so
the build is copied next to the serving file and renamed onto it: a reader sees the old warehouse
or the new one, never a lock error or a half-written file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

BUILD_FILE = "build.duckdb"
SERVING_FILE = "serving.duckdb"


def publish(warehouse_dir: Path) -> Path:
    """Atomically replace the serving file by a copy of the build file; returns the serving path."""
    build = warehouse_dir / BUILD_FILE
    if not build.exists():
        raise FileNotFoundError(f"no warehouse build at {build}: run the transform step first")
    serving = warehouse_dir / SERVING_FILE
    staged = warehouse_dir / f".{SERVING_FILE}.publishing"
    shutil.copyfile(build, staged)
    with open(staged, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, serving)
    return serving

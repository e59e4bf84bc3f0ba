"""Publish: swap a finished build of the warehouse into the file that readers open.

dbt writes `build.duckdb` (one read-write process); Superset, the digests and analysts open
`serving.duckdb` read-only. DuckDB allows either one writer or many readers on a file, never both, so
the serving file is written next to the old one and renamed onto it: a reader sees the old warehouse
or the new one, never a lock error or a half-written file.

The serving file holds what readers use, the marts and the reference tables (seeds), as tables: not
the intermediate tables (half of the build's size) nor the staging views, which read the lake's files
(the ID numbers of clients.csv among them). So the readers' connections need no file access at all,
and Superset opens the warehouse with external access off (superset/assets_spec.py).

The serving file also indexes client_id of the marts the client 360 dashboard reads one client at a time
(CLIENT_LOOKUP_MARTS), and publishing runs under the build's memory limit (WAREHOUSE_DUCKDB_MEMORY).

A build on Spark (dbt target spark, README "Scale-out on Spark") leaves Parquet tables instead:
`publish_spark` copies its marts and reference tables into a new DuckDB file and swaps that in the
same way, so the readers do not change with the engine. Spark writes no file for an empty table
partitioned by business date (fct_custody_transfers before the first transfer): such a mart is created
empty with the columns and types of its dbt contract (models/marts/**/_*__models.yml).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import yaml

BUILD_FILE = "build.duckdb"
SERVING_FILE = "serving.duckdb"
SPARK_FOLDER = "spark"  # <warehouse>/spark: the Spark build (WAREHOUSE_SPARK_DIR, profiles.yml)
# where the Spark build keeps each schema's tables, one folder of Parquet files per table
# (dbt_project.yml: location_root of the models; the seeds are managed tables of the metastore)
SPARK_SCHEMAS = {"marts": "marts", "reference": "managed/reference.db"}
SERVED_SCHEMAS = tuple(SPARK_SCHEMAS)  # what the serving file holds, whichever engine built it
MARTS_MODELS = Path(__file__).resolve().parents[1] / "models" / "marts"
# The marts the client 360 dashboard (客户分析) reads one client at a time: the serving file indexes
# their client_id, so a client's rows are a lookup instead of a scan of every client's rows (the
# dashboard's datasets put the client filter inside their SQL for it: superset/assets_spec.py client_rows).
# DuckDB loads an index lazily, a reader's memory does not grow with it.
CLIENT_LOOKUP_MARTS = (
    "bi_client_monthly",
    "dim_client",
    "fct_cash_flows",
    "fct_client_daily",
    "fct_client_profile_monthly",
    "fct_fills",
    "fct_positions_monthly",
)


def publish(warehouse_dir: Path) -> Path:
    """Atomically replace the serving file by the build's marts and reference tables; the serving path."""
    build = warehouse_dir / BUILD_FILE
    if not build.exists():
        raise FileNotFoundError(f"no warehouse build at {build}: run the transform step first")
    staged = warehouse_dir / f".{SERVING_FILE}.publishing"
    staged.unlink(missing_ok=True)
    # opened as dbt opens it (a process that ran dbt in-process shares its instance), only read
    with duckdb.connect(str(build)) as con:
        con.execute("set enable_progress_bar = false")
        _limit_memory(con)
        con.execute(f"attach '{staged}' as staged")
        source = con.execute("select current_database()").fetchall()[0][0]
        for schema in SERVED_SCHEMAS:
            con.execute(f"create schema staged.{schema}")
            tables = con.execute(
                "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
                "order by table_name",
                [source, schema],
            ).fetchall()
            for (table,) in tables:  # rows in the build's order (a mart's clustering, e.g. by client)
                con.execute(
                    f'create table staged.{schema}."{table}" as select * from "{source}".{schema}."{table}"'
                )
        index_client_lookups(con, "staged")
        con.execute("detach staged")
    return _swap_in(staged, warehouse_dir / SERVING_FILE)


def publish_spark(warehouse_dir: Path, spark_dir: Path) -> Path:
    """Replace the serving file by the marts and reference tables of a Spark build; the serving path."""
    if not (spark_dir / SPARK_SCHEMAS["marts"]).is_dir():
        raise FileNotFoundError(f"no Spark build at {spark_dir}: run the transform step on Spark first")
    staged = warehouse_dir / f".{SERVING_FILE}.publishing"
    staged.unlink(missing_ok=True)
    with duckdb.connect(str(staged)) as con:
        _limit_memory(con)
        for schema, folder in SPARK_SCHEMAS.items():
            con.execute(f"create schema {schema}")
            for table in sorted(p for p in (spark_dir / folder).iterdir() if p.is_dir()):
                files = str(table / "**" / "*.parquet")
                if schema != "marts":
                    con.execute(f"create table {schema}.{table.name} as "
                                "select * from read_parquet(?, hive_partitioning = true)", [files])
                    continue
                # a mart's columns in the order of its contract (Spark puts the partition column last)
                contract = mart_contract(table.name)
                if any(table.rglob("*.parquet")):
                    columns = ", ".join(f'"{name}"' for name, _ in contract)
                    con.execute(f"create table marts.{table.name} as select {columns} "
                                "from read_parquet(?, hive_partitioning = true)", [files])
                else:
                    columns = ", ".join(f'"{name}" {kind}' for name, kind in contract)
                    con.execute(f"create table marts.{table.name} ({columns})")
        index_client_lookups(con, con.execute("select current_database()").fetchall()[0][0])
    return _swap_in(staged, warehouse_dir / SERVING_FILE)


def index_client_lookups(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Index client_id of the marts read one client at a time, those of them the database has."""
    marts = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts'", [database]
    ).fetchall()
    for mart in sorted({name for (name,) in marts} & set(CLIENT_LOOKUP_MARTS)):
        con.execute(f'create index {mart}__client_id on "{database}".marts.{mart} (client_id)')


def mart_contract(mart: str) -> list[tuple[str, str]]:
    """The columns and types (DuckDB's spelling) of a mart's enforced dbt contract."""
    for models_yml in sorted(MARTS_MODELS.rglob("_*__models.yml")):
        for model in yaml.safe_load(models_yml.read_text(encoding="utf-8"))["models"]:
            if model["name"] == mart:
                if not model.get("config", {}).get("contract", {}).get("enforced"):
                    raise ValueError(f"{mart} has no enforced contract in {models_yml}")
                return [(column["name"], column["data_type"]) for column in model["columns"]]
    raise ValueError(f"no mart {mart} in {MARTS_MODELS}")


def _limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """The build's memory limit (profiles.yml) for publishing too, not DuckDB's default (80% of RAM)."""
    limit = os.environ.get("WAREHOUSE_DUCKDB_MEMORY", "8GB")
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit):
        raise ValueError(f"WAREHOUSE_DUCKDB_MEMORY={limit!r}: expected a size such as 8GB")
    con.execute(f"set memory_limit = '{limit}'")


def _swap_in(staged: Path, serving: Path) -> Path:
    with open(staged, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, serving)
    return serving

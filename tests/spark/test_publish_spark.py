"""A Spark build publishes the serving file the readers know: the same marts and reference tables, the
marts' columns in the same order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.spark.engines import MARTS, EngineBuilds, mart_columns
from warehouse.publish import SERVING_FILE, publish_spark


def _row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.sql(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where schema_name in ('marts', 'reference')"
    ).fetchall()
    return {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for (name,) in tables}


def test_serving_file_holds_every_mart_and_reference_table(tiny_builds: EngineBuilds, tmp_path: Path) -> None:
    serving = publish_spark(tmp_path, tiny_builds.spark_dir)
    assert serving == tmp_path / SERVING_FILE
    con = tiny_builds.connect()
    try:
        built = _row_counts(con)
        with duckdb.connect(str(serving), read_only=True) as published:
            assert _row_counts(published) == built
            # the marts' columns in the DuckDB build's order (Spark's files have the partition column last)
            for mart in MARTS:
                assert mart_columns(published, mart) == mart_columns(con, mart), mart
    finally:
        con.close()

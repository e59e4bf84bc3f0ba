"""Publishing never makes a reader fail, and readers see the new build after the swap."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.publish import BUILD_FILE, mart_contract, publish, publish_spark


def _build(folder: Path, value: int) -> None:
    with duckdb.connect(str(folder / BUILD_FILE)) as con:
        for schema in ("marts", "reference", "intermediate", "staging"):
            con.execute(f"create schema if not exists {schema}")
        con.execute("create or replace table marts.answer as select ? as value", [value])
        con.execute("create or replace table reference.boards as select 'STAR' as board_code")
        con.execute("create or replace table intermediate.int_answer as select ? as value", [value])
        lake = folder / "clients.parquet"
        con.execute(f"copy (select '110101199001011234' as id_no) to '{lake}'")
        con.execute(f"create or replace view staging.stg_clients as select * from read_parquet('{lake}')")


def test_publish_swaps_the_build_in_while_a_reader_is_open(tmp_path: Path) -> None:
    _build(tmp_path, 1)
    serving = publish(tmp_path)
    reader = duckdb.connect(str(serving), read_only=True)
    assert reader.sql("select value from marts.answer").fetchall() == [(1,)]

    _build(tmp_path, 2)  # the writer works on its own file while the reader holds the serving one
    publish(tmp_path)
    assert reader.sql("select value from marts.answer").fetchall() == [(1,)]  # an open reader keeps its view
    reader.close()
    with duckdb.connect(str(serving), read_only=True) as fresh:
        assert fresh.sql("select value from marts.answer").fetchall() == [(2,)]


def test_the_serving_file_holds_the_marts_and_reference_tables_only(tmp_path: Path) -> None:
    """Not the intermediate tables, nor the staging views that read the lake's files (ID numbers)."""
    _build(tmp_path, 1)
    serving = publish(tmp_path)
    with duckdb.connect(str(serving), read_only=True) as published:
        relations = published.sql(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal order by all"
        ).fetchall()
    assert relations == [("marts", "answer"), ("reference", "boards")]


def test_publish_without_a_build_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no warehouse build"):
        publish(tmp_path)


def test_an_empty_partitioned_spark_mart_is_published_with_its_contract(tmp_path: Path) -> None:
    """Spark writes no file for an empty table partitioned by business date (no custody transfer yet):
    the serving file still has the mart, empty, with the columns and types of its dbt contract."""
    spark = tmp_path / "spark"
    (spark / "marts" / "fct_custody_transfers").mkdir(parents=True)
    (spark / "managed" / "reference.db" / "boards").mkdir(parents=True)
    boards = spark / "managed" / "reference.db" / "boards" / "part-0.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy (select 'STAR' as board_code) to '{boards}'")
    serving = publish_spark(tmp_path, spark)
    with duckdb.connect(str(serving), read_only=True) as published:
        columns = published.sql(
            "select column_name, lower(data_type) from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'fct_custody_transfers' order by column_index"
        ).fetchall()
        assert columns == mart_contract("fct_custody_transfers")
        assert ("business_date", "date") in columns and ("value_at_close", "decimal(38,2)") in columns
        assert published.sql("select count(*) from marts.fct_custody_transfers").fetchall() == [(0,)]
        assert published.sql("select board_code from reference.boards").fetchall() == [("STAR",)]


def test_every_mart_has_an_enforced_contract() -> None:
    marts = sorted(p.stem for p in (Path(__file__).parents[1] / "models" / "marts").rglob("*.sql"))
    assert len(marts) > 30
    for mart in marts:
        assert mart_contract(mart), mart

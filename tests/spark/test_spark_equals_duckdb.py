"""Every mart built on Spark holds exactly the rows of the same mart built on DuckDB.

The Spark build's Parquet files are read into DuckDB and compared with the DuckDB build: the same
columns of the same types, and EXCEPT ALL both ways is empty. DOUBLE columns (log returns) are compared
at 12 decimals: the engines' ln() differ in the last bit; every other column is compared as is.
Spark writes no file at all for an empty table partitioned by business date: such a mart must be
empty on DuckDB too (its column types cannot be read back).
"""

from __future__ import annotations

import pytest

from tests.spark.engines import MARTS, EngineBuilds

# valid generated packages raise no data-quality finding; the hand-made set has no custody transfer and
# no move of 7 % or more in a held security
EMPTY_ON_TINY = ["fct_digest_data_quality", "fct_dq_events", "fct_refused_packages"]
EMPTY_ON_CASES = [
    "fct_broker_market_notices",
    "fct_custody_transfers",
    "fct_digest_data_quality",
    "fct_dq_events",
    "fct_refused_packages",
]
SAME = {"types": {}, "extra_spark_columns": [], "only_duckdb": 0, "only_spark": 0}


def _differences(builds: EngineBuilds, mart: str) -> dict[str, object]:
    con = builds.connect()
    try:
        duck = con.sql(
            "select column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' and table_name = ? order by column_index",
            params=[mart],
        ).fetchall()
        assert duck, f"marts.{mart} missing from the DuckDB build"
        folder = builds.spark_dir / "marts" / mart
        assert folder.is_dir(), f"no Spark table at {folder}"
        if not any(folder.rglob("*.parquet")):
            rows = con.sql(f"select count(*) from marts.{mart}").fetchall()[0][0]
            return {**SAME, "only_duckdb": rows}
        files = folder / "**" / "*.parquet"
        spark = con.sql(f"select * from read_parquet('{files}', hive_partitioning = true)")
        spark_types = dict(zip(spark.columns, [str(t) for t in spark.types], strict=True))

        def normalised(name: str, data_type: str) -> str:
            return f'round("{name}", 12)' if data_type == "DOUBLE" else f'"{name}"'

        columns = ", ".join(normalised(name, data_type) for name, data_type in duck)
        duck_rows = f"select {columns} from marts.{mart}"
        spark_rows = f"select {columns} from read_parquet('{files}', hive_partitioning = true)"

        def count(query: str) -> int:
            return con.sql(f"select count(*) from ({query})").fetchall()[0][0]

        return {
            "types": {
                name: spark_types.get(name) for name, data_type in duck if spark_types.get(name) != data_type
            },
            "extra_spark_columns": sorted(set(spark_types) - {name for name, _ in duck}),
            "only_duckdb": count(f"{duck_rows} except all {spark_rows}"),
            "only_spark": count(f"{spark_rows} except all {duck_rows}"),
        }
    finally:
        con.close()


def _empty_marts(builds: EngineBuilds) -> list[str]:
    con = builds.connect()
    try:
        return [m for m in MARTS if con.sql(f"select count(*) from marts.{m}").fetchall()[0][0] == 0]
    finally:
        con.close()


def test_the_comparison_has_rows_to_compare(tiny_builds: EngineBuilds, cases_builds: EngineBuilds) -> None:
    """Equal empty tables prove nothing: only these marts are empty in the two package sets."""
    assert _empty_marts(tiny_builds) == EMPTY_ON_TINY
    assert _empty_marts(cases_builds) == EMPTY_ON_CASES


@pytest.mark.parametrize("mart", MARTS)
def test_tiny_brokerage(tiny_builds: EngineBuilds, mart: str) -> None:
    assert _differences(tiny_builds, mart) == SAME


@pytest.mark.parametrize("mart", MARTS)
def test_warehouse_cases(cases_builds: EngineBuilds, mart: str) -> None:
    assert _differences(cases_builds, mart) == SAME

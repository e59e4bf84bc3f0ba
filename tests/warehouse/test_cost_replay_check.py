"""The cost replay check (macros/tests/cost_replay_matches_positions.sql) reports a replayed
client-security-day that ends on another quantity or cost than that day's positions file: on a copy of
the contract example's warehouse, one replayed cost is moved by a cent."""

from __future__ import annotations

from pathlib import Path

import duckdb
from conftest import Warehouse, data_test_results, run_dbt_on

REPLAY = ["test", "--select", "int_position_cost_steps,test_type:data"]


def _replay_results(results: list) -> list[tuple[str, int]]:
    return data_test_results(results, "cost_replay_matches_positions")


def test_a_replayed_cost_that_differs_from_the_positions_is_reported(
    contract_example_warehouse: Warehouse, tmp_path: Path
) -> None:
    database = contract_example_warehouse.copy_to(tmp_path)
    assert _replay_results(run_dbt_on(contract_example_warehouse.lake, database, REPLAY)) == [("pass", 0)]

    con = duckdb.connect(str(database))
    try:
        moved = con.execute(
            """
            update intermediate.int_position_cost_steps set cost_after = cost_after + 0.01
            where (business_date, client_id, market, security_code, step_no) in (
                select business_date, client_id, market, security_code, step_no
                from intermediate.int_position_cost_steps
                where is_last_step and cost_after > 0
                order by business_date, client_id, market, security_code
                limit 1
            )
            """
        ).fetchone()
    finally:
        con.close()
    assert moved == (1,)
    # reported, not blocking (severity warn: models/intermediate/_intermediate__models.yml)
    assert _replay_results(run_dbt_on(contract_example_warehouse.lake, database, REPLAY)) == [("warn", 1)]

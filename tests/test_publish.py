"""Publishing never makes a reader fail, and readers see the new build after the swap."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.publish import BUILD_FILE, publish


def _build(folder: Path, value: int) -> None:
    with duckdb.connect(str(folder / BUILD_FILE)) as con:
        con.execute("create or replace table answer as select ? as value", [value])


def test_publish_swaps_the_build_in_while_a_reader_is_open(tmp_path: Path) -> None:
    _build(tmp_path, 1)
    serving = publish(tmp_path)
    reader = duckdb.connect(str(serving), read_only=True)
    assert reader.sql("select value from answer").fetchall() == [(1,)]

    _build(tmp_path, 2)  # the writer works on its own file while the reader holds the serving one
    publish(tmp_path)
    assert reader.sql("select value from answer").fetchall() == [(1,)]  # an open reader keeps its view
    reader.close()
    with duckdb.connect(str(serving), read_only=True) as fresh:
        assert fresh.sql("select value from answer").fetchall() == [(2,)]


def test_publish_without_a_build_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no warehouse build"):
        publish(tmp_path)

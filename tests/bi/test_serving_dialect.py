"""superset/serving.py's dialect helper, run where Superset runs it: in Superset's venv, in a fresh process.

After `reuse_duckdb_reserved_words`, a new DuckDB dialect (Superset creates several per chart query) must
not ask DuckDB for its reserved words again, and must still quote the words DuckDB reserves and
PostgreSQL (whose identifier preparer duckdb_engine extends) does not.
"""

from __future__ import annotations

import subprocess

from tests.bi.conftest import REPO, SUPERSET_PY

SCRIPT = """
import duckdb
import duckdb_engine
import serving

def preparer():
    return duckdb_engine.DuckDBIdentifierPreparer(duckdb_engine.Dialect())

asked_each_time = set(preparer().reserved_words)
serving.reuse_duckdb_reserved_words()
preparer()  # the first one asks DuckDB once

def no_more_questions(*args, **kwargs):
    raise AssertionError("DuckDB was asked for its reserved words again")

duckdb.cursor = duckdb.connect = no_more_questions
reused = preparer()
assert set(reused.reserved_words) == asked_each_time
print(reused.quote("qualify"), reused.quote("pivot"), reused.quote("client_id"))
"""


def test_a_new_dialect_reuses_duckdbs_reserved_words():
    run = subprocess.run(
        [str(SUPERSET_PY), "-c", SCRIPT], cwd=REPO / "superset", capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ['"qualify"', '"pivot"', "client_id"]

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

asking_each_time = duckdb_engine.DuckDBIdentifierPreparer.__init__
serving.reuse_duckdb_reserved_words()
preparer()  # the first one asks DuckDB once

def no_more_questions(*args, **kwargs):
    raise AssertionError("DuckDB was asked for its reserved words again")

asking = duckdb.cursor, duckdb.connect
duckdb.cursor = duckdb.connect = no_more_questions
reused = preparer()
print(reused.quote("qualify"), reused.quote("pivot"), reused.quote("client_id"))

# duckdb_engine's own preparer (it asks DuckDB, and adds its words to PostgreSQL's set) quotes the same
duckdb.cursor, duckdb.connect = asking
duckdb_engine.DuckDBIdentifierPreparer.__init__ = asking_each_time
assert set(preparer().reserved_words) == set(reused.reserved_words)
"""


def test_a_new_dialect_reuses_duckdbs_reserved_words():
    run = subprocess.run(
        [str(SUPERSET_PY), "-c", SCRIPT], cwd=REPO / "superset", capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ['"qualify"', '"pivot"', "client_id"]

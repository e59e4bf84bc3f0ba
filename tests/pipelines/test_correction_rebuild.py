"""A correction of a day the warehouse already holds, through the whole pipeline (real Dagster runs).

`python -m warehouse run --preset tiny` lands, builds and publishes ten days; branch 3101 then re-sends
2024-03-20 (two days before the last) as revision 2 without its three cash flows, and the same command
runs again. The build must rebuild from 2024-03-20 (the daily models would otherwise start after
2024-03-22): the published warehouse then has that revision and none of the withdrawn cash flows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from tests.landing.helpers import edit, manifest_of, set_manifest

DAY, BRANCH = "2024-03-20", "3101"


def _run(data: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "warehouse", "run", "--preset", "tiny"], capture_output=True,
                         text=True, env={"WAREHOUSE_DATA": str(data), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


def _published(data: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data / "warehouse" / "serving.duckdb"), read_only=True) as con:
        return con.execute(sql, [DAY, BRANCH]).fetchall()


def test_a_corrected_day_is_rebuilt_and_published(tmp_path: Path) -> None:
    flows = "select count(*) from marts.fct_cash_flows where business_date = ? and branch_code = ?"
    revision = "select revision from marts.fct_landed_packages where business_date = ? and branch_code = ?"
    _run(tmp_path)
    assert _published(tmp_path, flows) == [(3,)]
    assert _published(tmp_path, revision) == [(1,)]

    package = tmp_path / "inbox" / DAY.replace("-", "") / BRANCH
    edit(package, "cash_flows.csv", lambda text: text.splitlines(keepends=True)[0])
    set_manifest(package, revision=manifest_of(package)["revision"] + 1)
    _run(tmp_path)
    assert _published(tmp_path, revision) == [(2,)]
    assert _published(tmp_path, flows) == [(0,)]

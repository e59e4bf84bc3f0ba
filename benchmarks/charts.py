"""Benchmark: Superset chart latency, every chart of every dashboard, with Superset's cache off.

    python benchmarks/charts.py --data /tmp/brokerage-bench/demo [--repeat 5]

`--data` is a data folder with a published warehouse (warehouse/serving.duckdb, e.g. after
`WAREHOUSE_DATA=<folder> python -m warehouse run --preset tiny`). Superset (its own venv) is started on
a free port with SUPERSET_CACHE=off by `superset/bi.py start` (init if needed, import the assets; its
files go to <data>/superset), as the BI tests' `superset` fixture does. Every chart's committed query
context is POSTed to /api/v1/chart/data, one request at a time, as admin, in `--repeat` rounds (each
round every dashboard's charts in turn, as viewers open dashboards: Superset's warehouse connection and
its cache outlive a query, so a chart's data read by an earlier chart is warm); then Superset is
stopped. A dashboard with a required client filter (客户分析) always shows one client: its charts
are timed with that filter set to `--client` (default: the client with the most fills, the heaviest).
Prints p50 / p95 / max of the request latency per dashboard and overall (nearest rank), the
slowest charts, and the charts whose own p95 is over the 300 ms target.
Not a test: nothing here asserts a time, but a chart that errors fails the run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

from report import print_table

REPO = Path(__file__).resolve().parents[1]
TARGET_P95 = 0.300  # seconds: the target for a chart's p95 at 100 M fills
sys.path[:0] = [str(REPO), str(REPO / "superset")]

import assets_spec as spec  # noqa: E402
import duckdb  # noqa: E402

from tests.bi.conftest import BI, SUPERSET_PY, Superset, _free_port  # noqa: E402
from tests.bi.test_superset import CHARTS, DATASETS, _dataset_ids  # noqa: E402


def superset_env(data: Path, port: int) -> dict[str, str]:
    """The BI fixture's environment, with the cache off."""
    env = {
        **os.environ,
        "WAREHOUSE_DATA": str(data),
        "WAREHOUSE_DEMO": "1",
        "SUPERSET_HOME": str(data / "superset"),
        "SUPERSET_PORT": str(port),
        "SUPERSET_CACHE": "off",
    }
    for key in ("WAREHOUSE_INBOX", "WAREHOUSE_LAKE", "WAREHOUSE_DIR", "DAGSTER_HOME", "SUPERSET_CONFIG_PATH"):
        env.pop(key, None)
    return env


def bi(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(SUPERSET_PY), str(BI), command], env=env, capture_output=True, text=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def busiest_client_label(serving: Path) -> str:
    """The client filter's value (客户(代码/姓名)) of the client with the most fills."""
    label_sql = spec.DATASET_BY_KEY["bi_client_daily"].plain_sql
    con = duckdb.connect(str(serving), read_only=True)
    try:
        client_id = con.sql(
            "select client_id from marts.fct_fills"
            " group by client_id order by count(*) desc, client_id limit 1"
        ).fetchall()[0][0]
        return con.sql(
            f"select min(client_label) from ({label_sql}) where client_id = ?", params=[client_id]
        ).fetchall()[0][0]
    finally:
        con.close()


def client_filter(dash: spec.Dashboard, chart_key: str, client: str) -> list[dict]:
    """The dashboard's client filter, on a chart in its scope (its dataset has the column)."""
    column = spec.FILTER_COLUMNS["client"][1]
    dataset = DATASETS[CHARTS[spec._slug(chart_key)]["dataset_uuid"]]
    if "client" in dash.filters and column in {c["column_name"] for c in dataset["columns"]}:
        return [{"col": column, "op": "IN", "val": [client]}]
    return []


def time_chart(session, url: str, chart: dict, dataset_id: int, filters: list[dict]) -> float:
    """Seconds of a POST of the chart's query context (the committed one), with the dashboard's native
    `filters` added to every query as the dashboard adds them."""
    context = json.loads(chart["query_context"])
    for query in context["queries"]:
        query["filters"] = [*query.get("filters", []), *filters]
    context["datasource"] = {"id": dataset_id, "type": "table"}
    context["form_data"]["datasource"] = f"{dataset_id}__table"
    context["force"] = True
    t0 = time.perf_counter()
    resp = session.post(f"{url}/api/v1/chart/data", json=context, timeout=300)
    seconds = time.perf_counter() - t0
    if resp.status_code != 200:
        raise SystemExit(f"{chart['slice_name']}: HTTP {resp.status_code} {resp.text[:1500]}")
    error = resp.json()["result"][0].get("error")
    if error:
        raise SystemExit(f"{chart['slice_name']}: {error}")
    return seconds


def row(name: str, charts: int, seconds: list[float]) -> dict[str, str]:
    ms = [s * 1000 for s in seconds]
    return {
        "dashboard": name,
        "charts": str(charts),
        "requests": str(len(ms)),
        "p50 ms": f"{percentile(ms, 0.50):.0f}",
        "p95 ms": f"{percentile(ms, 0.95):.0f}",
        "max ms": f"{max(ms):.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="a data folder with warehouse/serving.duckdb"
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds over every chart (default 5)")
    parser.add_argument("--client", help="the client filter's value (default: the one with the most fills)")
    args = parser.parse_args()
    data = args.data.resolve()
    if not (data / "warehouse" / "serving.duckdb").exists():
        raise SystemExit(f"no published warehouse in {data} (warehouse/serving.duckdb)")
    if not SUPERSET_PY.exists():
        raise SystemExit(f"Superset's venv is missing ({SUPERSET_PY}): run `make superset-install`")

    client = args.client or busiest_client_label(data / "warehouse" / "serving.duckdb")
    print(f"client filter: {client}", flush=True)
    port = _free_port()
    env = superset_env(data, port)
    t0 = time.monotonic()
    started = bi("start", env)
    try:
        if started.returncode != 0:
            raise SystemExit(f"superset start failed:\n{started.stdout[-3000:]}\n{started.stderr[-5000:]}")
        print(f"Superset up on port {port} (cache off) in {time.monotonic() - t0:.0f} s", flush=True)
        superset = Superset(f"http://127.0.0.1:{port}", env, data)
        admin = superset.session("admin", "admin")
        dataset_ids = _dataset_ids(superset, admin)

        timed: dict[tuple[str, str], list[float]] = {}  # (dashboard, chart) -> seconds of each round
        for _ in range(args.repeat):
            for dash in spec.DASHBOARDS:
                for key in (key for r in dash.rows for key, _ in r):
                    chart = CHARTS[spec._slug(key)]
                    seconds = time_chart(admin, superset.url, chart, dataset_ids[chart["dataset_uuid"]],
                                         client_filter(dash, key, client))
                    timed.setdefault((dash.slug, key), []).append(seconds)
        results = []
        for dash in spec.DASHBOARDS:
            charts = [seconds for (slug, _), seconds in timed.items() if slug == dash.slug]
            results.append(row(f"{dash.title} {dash.slug}", len(charts), [s for c in charts for s in c]))
        results.append(row("overall", len(timed), [s for seconds in timed.values() for s in seconds]))
        per_chart = [(percentile(seconds, 0.5), f"{slug}/{key}") for (slug, key), seconds in timed.items()]
        p95s = [(percentile(seconds, 0.95), f"{slug}/{key}") for (slug, key), seconds in timed.items()]
        over_target = sorted((item for item in p95s if item[0] > TARGET_P95), reverse=True)
    finally:
        stopped = bi("stop", env)
        print(stopped.stdout.strip(), flush=True)
    print()
    print_table(results)
    print("\nslowest charts (median ms): " + ", ".join(
        f"{name} {median * 1000:.0f}" for median, name in sorted(per_chart, reverse=True)[:8]))
    print(f"charts whose own p95 is over {TARGET_P95 * 1000:.0f} ms: {len(over_target)} of {len(per_chart)}"
          + "".join(f", {name} {p95 * 1000:.0f}" for p95, name in over_target))


if __name__ == "__main__":
    main()

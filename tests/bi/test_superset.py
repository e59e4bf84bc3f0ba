"""Superset against the `tiny` warehouse: every chart's data equals DuckDB's, dashboards render in
headless Chromium, row-level security holds, SQL Lab is read-only.

The charts are replayed from their committed query context (superset/assets/charts/*.yaml) through
POST /api/v1/chart/data; the expected rows are computed directly in DuckDB on the same serving file,
from the dataset's SQL and the metric's expression (and, for the headline figures, from the marts
alone), and compared exactly.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

from .conftest import ASSETS, REPO, SUPERSET_PY

CHARTS = {
    p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ASSETS / "charts").glob("*.yaml"))
}
DATASETS = {
    d["uuid"]: d
    for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ASSETS / "datasets").rglob("*.yaml"))
}
DASHBOARDS = [
    yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ASSETS / "dashboards").glob("*.yaml"))
]
SCREENSHOTS = REPO / "docs" / "screenshots"


def _load_spec():
    loaded = importlib.util.spec_from_file_location("assets_spec", REPO / "superset" / "assets_spec.py")
    module = importlib.util.module_from_spec(loaded)
    sys.modules.setdefault("assets_spec", module)  # dataclasses look their module up
    loaded.loader.exec_module(module)
    return sys.modules["assets_spec"]


SPEC = _load_spec()

HEAD_RLS = (
    "branch_code IN (SELECT branch_code FROM marts.dim_broker "
    "WHERE broker_id = '{user}' AND hierarchy_depth = 1)"
)
BROKER_RLS = (
    "'{user}' IN (level_1_broker_id, level_2_broker_id, level_3_broker_id, "
    "level_4_broker_id, level_5_broker_id)"
)

# headline figures recomputed from the marts only (independent of the datasets' SQL)
INDEPENDENT = {
    "ov_turnover": "select sum(amount) / 10000.0 from marts.fct_fills",
    "tr_turnover": "select sum(amount) / 10000.0 from marts.fct_fills",
    "tr_fills": "select count(*) from marts.fct_fills",
    "bk_net_commission": "select sum(net_commission) / 10000.0 from marts.fct_fills",
    "ov_net_commission": "select sum(net_commission) / 10000.0 from marts.fct_fills",
    # data quality: the quality marts against the staging views over the lake
    "dq_packages": "select count(*) from staging.stg_lake__landed_packages",
    "dq_quarantined": "select sum(quarantined_rows) from staging.stg_lake__landed_packages",
    "dq_violations": "select count(*) from staging.stg_lake__dq_events",
    # clients: custody transfers and openings from their own facts, realized P&L from the fills
    "cl_custody_in": "select count(*) from marts.fct_custody_transfers where direction = 'I'",
    "cl_custody_out": "select count(*) from marts.fct_custody_transfers where direction = 'O'",
    "cl_new": "select count(*) from marts.fct_client_events where event_type = 'opened'",
    "ci_realized": "select sum(realized_pnl) from marts.fct_fills",
}

# whole results recomputed from other marts (the cubes add back up to agg_branch_daily), compared as sets
INDEPENDENT_ROWS = {
    "as_assets_trend": (
        "select business_date, sum(cash_balance) / 100000000.0, sum(market_value) / 100000000.0, "
        "sum(total_assets) / 100000000.0 from marts.agg_branch_daily group by business_date"
    ),
    "as_cash": "select business_date, sum(cash_balance) / 100000000.0 from marts.agg_branch_daily group by 1",
    "as_position": (
        "select business_date, cast(sum(market_value) as double) "
        "/ nullif(cast(sum(total_assets) as double), 0) from marts.agg_branch_daily group by 1"
    ),
    "dq_packages_trend": (
        "select p.business_date, coalesce(b.branch_name, case when p.package_branch = 'HQ' then '总部 HQ' "
        "else p.package_branch end), count(*) from staging.stg_lake__landed_packages as p "
        "left join marts.dim_branch as b on b.branch_code = p.package_branch group by all"
    ),
    # rankings: the trading cube by channel and the hot stocks cube against the fills
    "rk_channel_turnover": (
        "select coalesce(c.channel_name_zh, '未知'), sum(f.amount) / 10000.0 from marts.fct_fills as f "
        "left join marts.dim_channel as c on c.channel_key = f.channel_key "
        "group by 1 order by 2 desc, 1 limit 10"
    ),
    "rk_stock_traders": (
        "select security_key, security_name, sum(traders), sum(amount) / 10000.0, sum(fills) from ("
        "select f.business_date, f.branch_code, f.security_key, "
        "coalesce(s.security_name, f.security_code) as security_name, "
        "count(distinct f.client_id) as traders, "
        "sum(f.amount) as amount, count(*) as fills from marts.fct_fills as f "
        "left join marts.dim_security as s on s.security_key = f.security_key group by all) "
        "group by all order by 3 desc, 1, 2 limit 10"
    ),
}
# the clients dashboard against the client flow and tier migration cubes (models/marts/cubes)
INDEPENDENT_ROWS |= {
    "cl_flow_trend": (
        "select month_start_date, sum(opened_count), sum(closed_count), sum(churned_count) "
        "from marts.agg_client_flow_monthly group by 1"
    ),
    "cl_active": "select month_start_date, sum(active_count) from marts.agg_client_flow_monthly group by 1",
    "cl_effective": (
        "select month_start_date, sum(effective_account_count) from marts.agg_client_flow_monthly group by 1"
    ),
    "cl_clients": "select month_start_date, sum(client_count) from marts.agg_client_flow_monthly group by 1",
    "cl_tier_migration": (
        "select '上月·' || coalesce(f.tier_name_zh, '未知'), '本月·' || coalesce(t.tier_name_zh, '未知'), "
        "sum(m.client_count) from marts.agg_tier_migration_monthly as m "
        "left join reference.client_tiers as f on f.tier_code = m.from_tier_key "
        "left join reference.client_tiers as t on t.tier_code = m.to_tier_key group by 1, 2"
    ),
}
# file_rows / violations of the landed packages, summed from the lake's lists in staging
LANDED_TOTALS = """
select p.business_date, p.package_branch,
       (select coalesce(sum(u."rows"), 0) from unnest(p.file_rows) as t(u)),
       (select coalesce(sum(v.events), 0) from unnest(p.rule_violations) as t(v)),
       p.quarantined_rows
from staging.stg_lake__landed_packages as p
"""


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------
def _norm(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _norm_api(value, column: str, temporal: set[str]):
    if column in temporal and isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC).date().isoformat()
    return value


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))


def expected_rows(
    serving: Path, chart: dict, user: str, rls: str | None = None, where: str | None = None
) -> tuple[list[str], list[tuple]]:
    """The chart's rows computed by DuckDB; `where`: the SQL of filters the chart is posted with."""
    dataset = DATASETS[chart["dataset_uuid"]]
    query = json.loads(chart["query_context"])["queries"][0]
    metrics = {m["metric_name"]: m["expression"] for m in dataset["metrics"]}
    select, group, labels = [], [], []
    for column in query["columns"]:
        if isinstance(column, dict):
            assert column.get("timeGrain") == "P1D", column
            expr, label = f"date_trunc('day', {column['sqlExpression']})", column["label"]
        else:
            expr, label = f'"{column}"', column
        select.append(f'{expr} AS "{label}"')
        group.append(expr)
        labels.append(label)
    # a raw table (query_mode raw) has metrics None: its rows as they are, not grouped
    for metric in query["metrics"] or []:
        select.append(f'{metrics[metric]} AS "{metric}"')
        labels.append(metric)
    # the dataset's SQL as it reads without filters: the filters below apply outside it, as they would
    # without the client filter's Jinja that Superset renders inside (assets_spec.CLIENT_IDS)
    template = jinja2.Environment().from_string(dataset["sql"])
    sql = template.render(get_filters=lambda column, remove_filter=False: [], current_username=lambda: user)
    text = f"SELECT {', '.join(select)} FROM ({sql}) AS virtual_table"
    conditions = [f"({rls.format(user=user)})"] if rls else []
    conditions += [f"({where})"] if where else []
    if conditions:
        text += f" WHERE {' AND '.join(conditions)}"
    if group and query["metrics"]:
        text += f" GROUP BY {', '.join(group)}"
    order = []
    for col, asc in query["orderby"]:
        order.append(f'"{col}" {"ASC" if asc else "DESC"}')
    text += f" ORDER BY {', '.join(order)} LIMIT {query['row_limit']}"
    con = duckdb.connect(str(serving), read_only=True)
    try:
        rows = con.execute(text).fetchall()
    finally:
        con.close()
    return labels, [tuple(_norm(v) for v in row) for row in rows]


def chart_data(
    session, url: str, chart: dict, dataset_id: int, filters: list[dict] | None = None
) -> tuple[list[str], list[tuple]]:
    """The chart's data from Superset; `filters`: what a dashboard's native filters add to the query."""
    context = json.loads(chart["query_context"])
    context["queries"][0]["filters"] = filters or []
    context["datasource"] = {"id": dataset_id, "type": "table"}
    context["form_data"]["datasource"] = f"{dataset_id}__table"
    resp = session.post(f"{url}/api/v1/chart/data", json=context, timeout=120)
    assert resp.status_code == 200, f"{chart['slice_name']}: HTTP {resp.status_code} {resp.text[:1500]}"
    result = resp.json()["result"][0]
    assert not result.get("error"), result.get("error")
    query = context["queries"][0]
    columns = [c["label"] if isinstance(c, dict) else c for c in query["columns"]]
    labels = columns + list(query["metrics"] or [])
    # the time axis and the dataset's date columns come back as epoch milliseconds
    dates = {c["column_name"] for c in DATASETS[chart["dataset_uuid"]]["columns"] if c["is_dttm"]}
    temporal = {c["label"] for c in query["columns"] if isinstance(c, dict)} | dates
    rows = [tuple(_norm_api(r[label], label, temporal) for label in labels) for r in result["data"]]
    return labels, rows


@pytest.fixture(scope="session")
def admin(superset):
    return superset.session("admin", "admin")


@pytest.fixture(scope="session")
def ids(superset, admin) -> dict:
    """Superset ids by uuid of the imported charts, datasets and the warehouse database."""
    out: dict = {}
    for kind in ("chart", "dataset", "database", "dashboard"):
        resp = admin.get(f"{superset.url}/api/v1/{kind}/", params={"q": "(page_size:100)"}, timeout=60)
        assert resp.status_code == 200, resp.text[:500]
        for row in resp.json()["result"]:
            if "uuid" not in row:
                detail = admin.get(f"{superset.url}/api/v1/{kind}/{row['id']}", timeout=60).json()["result"]
                row = {**row, **detail}
            out[str(row.get("uuid"))] = row["id"]
    return out


def _dataset_ids(superset, admin) -> dict[str, int]:
    resp = admin.get(
        f"{superset.url}/api/v1/dataset/",
        params={"q": "(columns:!(id,uuid,table_name),page_size:100)"},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text[:500]
    return {row["uuid"]: row["id"] for row in resp.json()["result"]}


@pytest.fixture(scope="session")
def dataset_ids(superset, admin) -> dict[str, int]:
    ids = _dataset_ids(superset, admin)
    assert set(DATASETS) <= set(ids), f"datasets not imported: {set(DATASETS) - set(ids)}"
    return ids


def _users(serving: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        heads = con.execute(
            "select broker_id, branch_code from marts.dim_broker "
            "where hierarchy_depth = 1 order by branch_code"
        ).fetchall()
        broker = con.execute(
            "select broker_id from marts.dim_broker where hierarchy_depth > 1 and branch_code = ? "
            "and broker_key in (select broker_key from marts.fct_client_profile_monthly) "
            "order by hierarchy_depth desc, broker_id limit 1",
            [heads[0][1]],
        ).fetchone()
    finally:
        con.close()
    return {"heads": heads, "broker": broker[0]}


# ---------------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------------
def test_assets_are_consistent():
    assert len(DASHBOARDS) >= 5 and len(CHARTS) >= 40
    chart_uuids = {c["uuid"] for c in CHARTS.values()}
    for dash in DASHBOARDS:
        in_position = [
            v["meta"]["uuid"]
            for v in dash["position"].values()
            if isinstance(v, dict) and v.get("type") == "CHART"
        ]
        assert in_position and set(in_position) <= chart_uuids, dash["slug"]
    for chart in CHARTS.values():
        assert chart["dataset_uuid"] in DATASETS, chart["slice_name"]
        assert DATASETS[chart["dataset_uuid"]]["columns"], "datasets must list their columns"


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_chart_data_equals_duckdb(superset, admin, dataset_ids, key):
    chart = CHARTS[key]
    labels, got = chart_data(admin, superset.url, chart, dataset_ids[chart["dataset_uuid"]])
    exp_labels, expected = expected_rows(superset.serving, chart, "admin")
    assert labels == exp_labels
    assert _sorted(got) == _sorted(expected), (
        f"{chart['slice_name']}: Superset {got[:5]} != DuckDB {expected[:5]}"
    )
    if key in INDEPENDENT:
        con = duckdb.connect(str(superset.build), read_only=True)
        try:
            (value,) = con.execute(INDEPENDENT[key]).fetchone()
        finally:
            con.close()
        assert got == [(_norm(value),)], f"{chart['slice_name']}: {got} != marts {value}"
    if key in INDEPENDENT_ROWS:
        con = duckdb.connect(str(superset.build), read_only=True)
        try:
            rows = [tuple(_norm(v) for v in row) for row in con.execute(INDEPENDENT_ROWS[key]).fetchall()]
        finally:
            con.close()
        assert _sorted(got) == _sorted(rows), f"{chart['slice_name']}: {got[:5]} != marts {rows[:5]}"


def test_every_spec_chart_is_exported_and_checked():
    """The YAML bundle is regenerated from assets_spec.py: every chart of the spec is exported (so
    test_chart_data_equals_duckdb covers it) and every dashboard has the same native filters."""
    assert set(CHARTS) == {SPEC._slug(c.key) for c in SPEC.CHARTS}
    assert {d["slug"] for d in DASHBOARDS} == {d.slug for d in SPEC.DASHBOARDS}
    for dash in DASHBOARDS:
        filters = dash["metadata"]["native_filter_configuration"]
        names = [f["name"] for f in filters]
        assert names[:3] == ["日期范围", "分公司", "营业部"], (dash["slug"], names)
        region, branch = filters[1], filters[2]
        assert branch["cascadeParentIds"] == [region["id"]], dash["slug"]
        for f in (region, branch):
            assert f["targets"][0]["datasetUuid"] in DATASETS, (dash["slug"], f["name"])
            column = f["targets"][0]["column"]["name"]
            assert column in {c["column_name"] for c in DATASETS[f["targets"][0]["datasetUuid"]]["columns"]}
    # every chart of a dashboard filtered by region / branch has those columns
    chart_by_uuid = {c["uuid"]: c for c in CHARTS.values()}
    for dash in DASHBOARDS:
        for v in dash["position"].values():
            if isinstance(v, dict) and v.get("type") == "CHART":
                ds = DATASETS[chart_by_uuid[v["meta"]["uuid"]]["dataset_uuid"]]
                columns = {c["column_name"] for c in ds["columns"]}
                assert {"business_date", "region_name", "branch_name"} <= columns, (
                    dash["slug"],
                    ds["table_name"],
                )


def test_assets_dashboard_and_quality_marts_in_the_bundle():
    dash = next(d for d in DASHBOARDS if d["slug"] == "assets")
    assert dash["dashboard_title"] == "资产分析"
    in_dash = {
        v["meta"]["uuid"]
        for v in dash["position"].values()
        if isinstance(v, dict) and v.get("type") == "CHART"
    }
    assert in_dash == {c["uuid"] for k, c in CHARTS.items() if k.startswith("as_")}
    tables = {d["table_name"]: d["sql"] for d in DATASETS.values()}
    assert "marts.agg_assets_daily" in tables["bi_assets_daily"]
    assert "marts.agg_holdings_daily" in tables["bi_holdings_daily"]
    for key, mart in (
        ("bi_dq_packages", "marts.fct_landed_packages"),
        ("bi_dq_events", "marts.fct_dq_events"),
        ("bi_dq_refused", "marts.fct_refused_packages"),
    ):
        assert mart in tables[key] and "staging." not in tables[key], key


def test_landed_packages_mart_equals_the_lake_lists(superset):
    con = duckdb.connect(str(superset.build), read_only=True)
    try:
        expected = con.execute(LANDED_TOTALS).fetchall()
        got = con.execute(
            "select business_date, branch_code, rows_total, violations_total, quarantined_rows "
            "from marts.fct_landed_packages"
        ).fetchall()
        events = con.execute(
            "select business_date, branch_code, count(*) from marts.fct_dq_events group by all"
        ).fetchall()
    finally:
        con.close()
    assert got and _sorted(got) == _sorted(expected)
    assert all(row[2] > 0 for row in got), "every landed package has rows"
    # a package's violations are its dq events
    by_package = {(r[0], r[1]): r[3] for r in got}
    for day, branch, n in events:
        assert by_package.get((day, branch)) == n, (day, branch)


def test_imported_charts_have_a_saved_query_context(superset, admin, ids):
    chart = CHARTS["ov_turnover"]
    resp = admin.get(f"{superset.url}/api/v1/chart/{ids[chart['uuid']]}", timeout=60)
    assert resp.status_code == 200
    assert json.loads(resp.json()["result"]["query_context"])["queries"]


def test_branch_head_sees_only_its_branch(superset, dataset_ids):
    users = _users(superset.serving)
    assert len(users["heads"]) >= 2, "tiny has two branches"
    chart = CHARTS["ov_branch_rank"]
    seen = {}
    # twice per head: the second answer comes from the cache, which must be per user
    for _ in range(2):
        for head, branch in users["heads"][:2]:
            session = superset.session(head)
            labels, got = chart_data(session, superset.url, chart, dataset_ids[chart["dataset_uuid"]])
            _, expected = expected_rows(superset.serving, chart, head, HEAD_RLS)
            assert got and _sorted(got) == _sorted(expected)
            con = duckdb.connect(str(superset.serving), read_only=True)
            (name,) = con.execute(
                "select branch_name from marts.dim_branch where branch_code = ?", [branch]
            ).fetchone()
            con.close()
            assert {row[labels.index("branch_name")] for row in got} == {name}
            seen.setdefault(head, got)
            assert seen[head] == got
    # the broker dashboard's data is limited the same way
    chart = CHARTS["bk_rank"]
    head, branch = users["heads"][0]
    labels, got = chart_data(superset.session(head), superset.url, chart, dataset_ids[chart["dataset_uuid"]])
    _, expected = expected_rows(superset.serving, chart, head, HEAD_RLS)
    assert got and _sorted(got) == _sorted(expected)


def test_broker_sees_only_its_own_clients(superset, dataset_ids):
    broker = _users(superset.serving)["broker"]
    session = superset.session(broker)
    chart = CHARTS["bk_rank"]
    labels, got = chart_data(session, superset.url, chart, dataset_ids[chart["dataset_uuid"]])
    _, expected = expected_rows(superset.serving, chart, broker, BROKER_RLS)
    assert got and _sorted(got) == _sorted(expected)
    assert {row[labels.index("broker_key")] for row in got} == {broker}
    # and nothing of the branch cube (no access to that dataset)
    chart = CHARTS["ov_turnover"]
    context = json.loads(chart["query_context"])
    context["datasource"] = {"id": dataset_ids[chart["dataset_uuid"]], "type": "table"}
    resp = session.post(f"{superset.url}/api/v1/chart/data", json=context, timeout=60)
    assert resp.status_code in (401, 403), resp.text[:300]


def _sqllab(session, url: str, database_id: int, sql: str):
    return session.post(
        f"{url}/api/v1/sqllab/execute/",
        json={
            "database_id": database_id,
            "sql": sql,
            "runAsync": False,
            "schema": "marts",
            "client_id": uuid.uuid4().hex[:10],
            "tab": "bi-test",
            "select_as_cta": False,
            "queryLimit": 100,
        },
        timeout=120,
    )


def test_analyst_sql_lab_is_read_only(superset, ids):
    database_id = ids[DATASETS[next(iter(DATASETS))]["database_uuid"]]
    session = superset.session("analyst")
    ok = _sqllab(
        session,
        superset.url,
        database_id,
        "SELECT count(*) AS n, current_setting('access_mode') AS mode FROM marts.dim_branch",
    )
    assert ok.status_code == 200, ok.text[:1000]
    row = ok.json()["data"][0]
    assert row["mode"] == "read_only" and row["n"] >= 2
    clients = superset.data / "lake" / "clients"
    assert any(clients.rglob("*.parquet"))  # the lake's client files hold the ID numbers
    for sql in (
        "DELETE FROM marts.dim_branch",
        "CREATE TABLE marts.bi_probe AS SELECT 1 AS x",
        "DROP TABLE marts.dim_branch",
        # no file is reachable: not the lake (raw ID numbers), not the build, not the machine's
        f"SELECT id_no FROM read_parquet('{clients}/*/*/*.parquet')",
        f"ATTACH '{superset.build}' AS build",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SET enable_external_access = true",
    ):
        resp = _sqllab(session, superset.url, database_id, sql)
        assert resp.status_code >= 400, f"{sql!r} was accepted: {resp.text[:500]}"
    con = duckdb.connect(str(superset.serving), read_only=True)
    try:
        assert con.execute("select count(*) from marts.dim_branch").fetchone()[0] == row["n"]
        assert not con.execute("select * from duckdb_tables() where table_name = 'bi_probe'").fetchall()
    finally:
        con.close()


def test_dashboards_render_in_chromium(superset):
    slugs = [d["slug"] for d in DASHBOARDS]
    expect = {
        d["slug"]: sum(1 for v in d["position"].values() if isinstance(v, dict) and v.get("type") == "CHART")
        for d in DASHBOARDS
    }
    proc = subprocess.run(
        [
            str(SUPERSET_PY),
            str(REPO / "superset" / "screenshot.py"),
            "--url",
            superset.url,
            "--user",
            "admin",
            "--password",
            "admin",
            "--out",
            str(SCREENSHOTS),
            "--expect",
            json.dumps(expect),
            "--timeout",
            "60",
            *slugs,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(slugs), f"chromium run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    for result in results:
        assert not result["errors"] and not result["failed_requests"], result
        assert result["rendered"] == expect[result["slug"]], result
        assert Path(result["png"]).stat().st_size > 10_000
    assert proc.returncode == 0, proc.stderr[-2000:]


RANKINGS = [k for k in CHARTS if k.startswith("rk_")]
TOP_N = [k for k in CHARTS if k.startswith("rn_")]  # N chosen with the dashboard's 名次 filter


def test_rankings_dashboard_is_top_10_descending():
    dash = next(d for d in DASHBOARDS if d["slug"] == "rankings")
    assert dash["dashboard_title"] == "排行榜"
    in_dash = {
        v["meta"]["uuid"]
        for v in dash["position"].values()
        if isinstance(v, dict) and v.get("type") == "CHART"
    }
    assert RANKINGS and TOP_N and in_dash == {CHARTS[k]["uuid"] for k in RANKINGS + TOP_N}
    tables = {d["table_name"]: d["sql"] for d in DATASETS.values()}
    assert "marts.agg_broker_performance_monthly" in tables["bi_broker_monthly"]
    assert "marts.agg_turnover_daily" in tables["bi_turnover_daily"]
    assert "marts.agg_security_daily" in tables["bi_security_daily"]
    for key in RANKINGS:
        chart = CHARTS[key]
        assert chart["viz_type"] in ("table", "echarts_timeseries_bar"), key
        query = json.loads(chart["query_context"])["queries"][0]
        assert query["row_limit"] == 10 and query["order_desc"], key
        # sorted by the first metric, descending; ties broken by the group-by columns (deterministic top 10)
        assert query["orderby"] == [[query["metrics"][0], False]] + [[c, True] for c in query["columns"]], key
        assert chart["params"]["row_limit"] == 10, key


def test_contribution_rate_equals_the_mart(superset, admin, dataset_ids):
    """贡献率 of the rankings = contribution_rate of agg_broker_performance_monthly (one month in tiny)."""
    chart = CHARTS["rk_broker_contribution"]
    labels, got = chart_data(admin, superset.url, chart, dataset_ids[chart["dataset_uuid"]])
    con = duckdb.connect(str(superset.serving), read_only=True)
    try:
        months = con.execute(
            "select count(distinct month_start_date) from marts.agg_broker_performance_monthly"
        ).fetchone()[0]
        mart = dict(
            con.execute(
                "select attributed_broker_key, contribution_rate from marts.agg_broker_performance_monthly"
            ).fetchall()
        )
    finally:
        con.close()
    assert months == 1, "tiny spans one month"
    assert got and len(got) <= 10
    rates = [row[labels.index("contribution_rate")] for row in got]
    assert rates == sorted(rates, reverse=True)
    for row in got:
        assert (
            abs(row[labels.index("contribution_rate")] - float(mart[row[labels.index("broker_key")]])) < 1e-9
        )


def test_branch_head_rankings_are_its_branch(superset, dataset_ids):
    users = _users(superset.serving)
    head, branch = users["heads"][0]
    session = superset.session(head)
    con = duckdb.connect(str(superset.serving), read_only=True)
    (name,) = con.execute(
        "select branch_name from marts.dim_branch where branch_code = ?", [branch]
    ).fetchone()
    con.close()
    for key in ("rk_branch_table", "rk_broker_table", "rk_broker_contribution", "rk_stock_turnover"):
        chart = CHARTS[key]
        labels, got = chart_data(session, superset.url, chart, dataset_ids[chart["dataset_uuid"]])
        _, expected = expected_rows(superset.serving, chart, head, HEAD_RLS)
        assert got and _sorted(got) == _sorted(expected), key
        if "branch_name" in labels:
            assert {row[labels.index("branch_name")] for row in got} == {name}, key
    assert session.get(f"{superset.url}/api/v1/dashboard/rankings", timeout=60).status_code == 200
    # brokers have no access to the rankings
    resp = superset.session(users["broker"]).get(f"{superset.url}/api/v1/dashboard/rankings", timeout=60)
    assert resp.status_code in (403, 404), resp.text[:300]


# ---------------------------------------------------------------------------------------------------
# A warehouse published while Superset serves shows at once: Superset keeps a connection to the serving
# file open between queries (superset/serving.py) and caches chart results, and neither may keep showing
# the file that was swapped out.
# ---------------------------------------------------------------------------------------------------
RENAMED = "·改名后"


def _swap_in_as_published(source, serving) -> None:
    """As the publish step does: a complete file renamed onto the serving file."""
    staged = serving.with_name(".serving-under-test")
    shutil.copyfile(source, staged)
    os.replace(staged, serving)


def test_a_published_warehouse_shows_at_once(superset, admin, dataset_ids, tmp_path):
    chart = CHARTS["ov_branch_rank"]
    dataset_id = dataset_ids[chart["dataset_uuid"]]
    labels, before = chart_data(admin, superset.url, chart, dataset_id)
    assert chart_data(admin, superset.url, chart, dataset_id) == (labels, before)  # now cached, and warm
    names = {row[labels.index("branch_name")] for row in before}
    assert names and not any(RENAMED in name for name in names)

    original = tmp_path / "original.duckdb"
    shutil.copyfile(superset.serving, original)
    renamed = tmp_path / "renamed.duckdb"
    shutil.copyfile(superset.serving, renamed)
    con = duckdb.connect(str(renamed))
    try:
        con.execute(f"update marts.dim_branch set branch_name = branch_name || '{RENAMED}'")
    finally:
        con.close()

    _swap_in_as_published(renamed, superset.serving)
    try:
        labels, after = chart_data(admin, superset.url, chart, dataset_id)
        assert {row[labels.index("branch_name")] for row in after} == {name + RENAMED for name in names}
        _, expected = expected_rows(superset.serving, chart, "admin")
        assert _sorted(after) == _sorted(expected)
    finally:
        _swap_in_as_published(original, superset.serving)
    assert chart_data(admin, superset.url, chart, dataset_id) == (labels, before)

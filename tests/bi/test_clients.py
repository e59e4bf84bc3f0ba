"""客户情况 / 客户分析 dashboards, Top N rankings and the time-grain switch, against the `tiny` warehouse.

Every chart of these dashboards is also replayed by test_superset.test_chart_data_equals_duckdb; here the
native filters a viewer applies (one client, a rank range, a time grain, a branch) are posted with the
charts' queries and the answers are compared exactly with DuckDB on the marts.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import duckdb
import pytest

from warehouse.publish import CLIENT_LOOKUP_MARTS

from .conftest import REPO, SUPERSET_PY
from .test_superset import (
    BROKER_RLS,
    CHARTS,
    DASHBOARDS,
    DATASETS,
    HEAD_RLS,
    SPEC,
    _dataset_ids,
    _norm,
    _sorted,
    _users,
    chart_data,
    expected_rows,
)

BY_SLUG = {d["slug"]: d for d in DASHBOARDS}


def _chart_uuids(dash: dict) -> list[str]:
    """The dashboard's charts by position chartId (1-based, layout order)."""
    charts = sorted(
        (v["meta"]["chartId"], v["meta"]["uuid"])
        for v in dash["position"].values()
        if isinstance(v, dict) and v.get("type") == "CHART"
    )
    return [u for _, u in charts]


def _filters(dash: dict) -> dict[str, dict]:
    return {f["name"]: f for f in dash["metadata"]["native_filter_configuration"]}


def _query(serving, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return [tuple(_norm(v) for v in row) for row in con.execute(sql, params or []).fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def session(superset):
    return superset.session("admin", "admin")


@pytest.fixture(scope="module")
def ds_ids(superset, session) -> dict[str, int]:
    return _dataset_ids(superset, session)


# ---------------------------------------------------------------------------------------------------
# the bundle
# ---------------------------------------------------------------------------------------------------
def test_client_dashboards_and_their_filters():
    clients, client = BY_SLUG["clients"], BY_SLUG["client"]
    assert (clients["dashboard_title"], client["dashboard_title"]) == ("客户情况", "客户分析")
    by_uuid = {c["uuid"]: k for k, c in CHARTS.items()}
    assert {by_uuid[u] for u in _chart_uuids(clients)} == {k for k in CHARTS if k.startswith("cl_")}
    assert {by_uuid[u] for u in _chart_uuids(client)} == {k for k in CHARTS if k.startswith("ci_")}
    assert CHARTS["cl_tier_migration"]["viz_type"] == "sankey_v2"
    assert CHARTS["cl_tier_migration"]["params"]["source"] == "from_tier"
    assert CHARTS["cl_tier_migration"]["params"]["target"] == "to_tier"

    f = _filters(clients)
    assert list(f) == ["日期范围", "分公司", "营业部", "经纪人", "客户分级", "委托方式偏好", "时间粒度"]
    assert f["营业部"]["cascadeParentIds"] == [f["分公司"]["id"]]
    assert f["经纪人"]["cascadeParentIds"] == [f["营业部"]["id"]]
    assert f["客户分级"]["cascadeParentIds"] == [] and f["委托方式偏好"]["cascadeParentIds"] == []
    assert f["时间粒度"]["filterType"] == "filter_timegrain"

    f = _filters(client)
    assert list(f) == ["日期范围", "分公司", "营业部", "客户(代码/姓名)", "时间粒度"]
    pick = f["客户(代码/姓名)"]
    assert pick["targets"][0]["column"]["name"] == "client_label"
    assert pick["cascadeParentIds"] == [f["营业部"]["id"]]
    # one client at a time, always one (the first until the viewer picks), searched on the server
    assert pick["controlValues"] == {
        "enableEmptyFilter": True,
        "defaultToFirstItem": True,
        "multiSelect": False,
        "searchAllOptions": True,
        "inverseSelection": False,
    }
    assert pick["requiredFirst"] is True  # applied on load: the charts never show every client


def _month_counts(chart: dict) -> list[str]:
    """The chart's metrics that are a month's client counts (sums over the client-months)."""
    metrics = json.loads(chart["query_context"])["queries"][0]["metrics"] or []
    return [m for m in metrics if m in SPEC.MONTH_ONLY_METRICS]


def test_column_filters_are_scoped_to_the_charts_that_have_the_column():
    """A column filter leaves out the charts whose dataset lacks the column; the date range applies to every
    chart, the time grain to every chart but those of a month's client counts (sums that hold by month)."""
    by_uuid = {c["uuid"]: c for c in CHARTS.values()}
    for dash in DASHBOARDS:
        charts = _chart_uuids(dash)
        by_month = [i for i, u in enumerate(charts, start=1) if _month_counts(by_uuid[u])]
        for f in dash["metadata"]["native_filter_configuration"]:
            column = f["targets"][0].get("column", {}).get("name")
            if column is None:
                expected = by_month if f["filterType"] == "filter_timegrain" else []
                assert f["scope"]["excluded"] == expected, (dash["slug"], f["name"])
                continue
            lacking = [
                i
                for i, u in enumerate(charts, start=1)
                if column not in {c["column_name"] for c in DATASETS[by_uuid[u]["dataset_uuid"]]["columns"]}
            ]
            assert f["scope"]["excluded"] == lacking, (dash["slug"], f["name"])
            assert len(lacking) < len(charts), (dash["slug"], f["name"])


def test_time_grain_switch_on_every_dashboard_with_time_series():
    temporal = {"big_number", "echarts_timeseries_line", "echarts_timeseries_bar"}
    by_uuid = {c["uuid"]: c for c in CHARTS.values()}
    for dash in DASHBOARDS:
        has_series = any(
            by_uuid[u]["viz_type"] in temporal and by_uuid[u]["params"].get("x_axis") == "business_date"
            for u in _chart_uuids(dash)
        )
        grains = [f for f in dash["metadata"]["native_filter_configuration"] if f["name"] == "时间粒度"]
        assert len(grains) == int(has_series), dash["slug"]
        for f in grains:
            assert f["filterType"] == "filter_timegrain" and f["targets"][0]["datasetUuid"] in DATASETS


def test_rankings_top_n_filters():
    rankings = BY_SLUG["rankings"]
    f = _filters(rankings)
    assert list(f)[3:] == ["排名对象", "排名指标", "名次"]
    assert f["名次"]["filterType"] == "filter_range"
    low, high = SPEC.RANK_DEFAULT
    assert f["名次"]["defaultDataMask"]["extraFormData"]["filters"] == [
        {"col": "rank_no", "op": ">=", "val": low},
        {"col": "rank_no", "op": "<=", "val": high},
    ]
    for name, value in (("排名对象", "经纪人"), ("排名指标", "净佣金")):
        assert f[name]["controlValues"]["enableEmptyFilter"] and not f[name]["controlValues"]["multiSelect"]
        assert f[name]["defaultDataMask"]["filterState"]["value"] == [value]
    query = json.loads(CHARTS["rn_table"]["query_context"])["queries"][0]
    assert query["row_limit"] == 1000 and "rank_no" in query["columns"]


# ---------------------------------------------------------------------------------------------------
# Superset answers with the viewer's filters applied
# ---------------------------------------------------------------------------------------------------
def _busiest_client(serving) -> tuple[str, str]:
    """(client_id, client_label) of the client with the most fills (ties by id)."""
    ((client_id, label),) = _query(
        serving,
        "select f.client_id, f.client_id || ' ' || coalesce(c.client_name_masked, '') "
        "from marts.fct_fills as f left join marts.dim_client as c on c.client_key = f.client_key "
        "group by all order by count(*) desc, f.client_id limit 1",
    )
    return client_id, label


def test_one_client_360_equals_the_marts(superset, session, ds_ids):
    client_id, label = _busiest_client(superset.serving)
    pick = [{"col": "client_label", "op": "IN", "val": [label]}]

    def one(key: str) -> list[tuple]:
        chart = CHARTS[key]
        _, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]], pick)
        return got

    # time-weighted returns over the client's days: its own, and CSI 300's from the index quotes
    ((period, benchmark, relative),) = _query(
        superset.serving,
        """
        with own as (
            select sum(cast(coalesce(log_return, 0) as decimal(38, 18))) as s
            from marts.fct_client_daily where client_id = ?
        ),
        csi as (
            select sum(cast(coalesce(ln(1 + cast(daily_return as double)), 0) as decimal(38, 18))) as s
            from marts.fct_index_daily
            where is_benchmark
                and business_date in (select business_date from marts.fct_client_daily where client_id = ?)
        )
        select exp(own.s) - 1, exp(csi.s) - 1, exp(own.s) - exp(csi.s) from own, csi
        """,
        [client_id, client_id],
    )
    (contribution,) = _query(
        superset.serving,
        "select cast(sum(d.net_commission) as double) / nullif(cast(sum(a.net_commission) as double), 0) "
        "from marts.fct_client_daily as d join marts.agg_branch_daily as a "
        "on a.business_date = d.business_date and a.branch_code = d.branch_code where d.client_id = ?",
        [client_id],
    )
    (pnl,) = _query(
        superset.serving, "select sum(daily_pnl) from marts.fct_client_daily where client_id = ?", [client_id]
    )
    assert one("ci_return") == [(period,)] and one("ci_benchmark") == [(benchmark,)] and period != benchmark
    assert one("ci_relative") == [(relative,)]
    assert one("ci_contribution") == [contribution] and 0 < contribution[0] < 1
    assert one("ci_pnl_total") == [pnl]
    fills = _query(
        superset.serving,
        "select f.business_date, cast(f.trade_time as varchar), f.security_code, f.qty, f.amount, "
        "f.commission, f.realized_pnl from marts.fct_fills as f where f.client_id = ?",
        [client_id],
    )
    chart = CHARTS["ci_statement_fills"]
    labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]], pick)
    wanted = ["business_date", "trade_time", "security_code", "qty", "amount", "commission", "realized_pnl"]
    assert _sorted([tuple(row[labels.index(c)] for c in wanted) for row in got]) == _sorted(fills)
    assert len(got) == len(fills) > 0
    # the statement's holdings: each month's positions on the client's last landed day of that month
    holdings = _query(
        superset.serving,
        "select p.business_date, coalesce(s.security_name, p.security_code), p.qty, p.cost_amount, "
        "p.market_value from marts.fct_positions_daily as p "
        "left join marts.dim_security as s on s.security_key = p.security_key "
        "where p.client_id = ? and p.business_date in (select max(business_date) "
        "from marts.fct_client_daily where client_id = ? group by month_start_date)",
        [client_id, client_id],
    )
    chart = CHARTS["ci_holdings"]
    labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]], pick)
    wanted = ["business_date", "security_name", "qty", "cost_amount", "market_value"]
    assert _sorted([tuple(row[labels.index(c)] for c in wanted) for row in got]) == _sorted(holdings)
    assert len(holdings) > 0
    # every chart of the dashboard answers for that one client exactly as DuckDB does
    where = f"client_label = '{label}'"
    for u in _chart_uuids(BY_SLUG["client"]):
        key = next(k for k, c in CHARTS.items() if c["uuid"] == u)
        chart = CHARTS[key]
        _, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]], pick)
        _, expected = expected_rows(superset.serving, chart, "admin", where=where)
        assert _sorted(got) == _sorted(expected), key


def _scans(serving, sql: str) -> dict[str, str]:
    """How DuckDB read each table of a query it ran: table name -> Index Scan / Sequential Scan."""
    ((_, plan),) = _query(serving, f"explain (analyze, format json) {sql}")

    def walk(node: dict):
        yield node
        for child in node.get("children", []):
            yield from walk(child)

    scans = {}
    for operator in json.loads(plan)["operator"]:
        for node in walk(operator):
            info = node.get("extra_info", {})
            if "Table" in info:
                scans[info["Table"].rsplit(".", 1)[-1]] = info["Type"]
    return scans


def test_one_client_is_read_through_the_client_id_index(superset, session, ds_ids):
    """The client filter goes inside each client dataset's SQL (assets_spec.client_rows), where DuckDB reads
    the client's rows of the facts through the serving file's client_id index instead of every client's."""
    _, label = _busiest_client(superset.serving)
    pick = [{"col": "client_label", "op": "IN", "val": [label]}]
    on_dashboard = [c for c in CHARTS.values() if c["uuid"] in set(_chart_uuids(BY_SLUG["client"]))]
    indexed = set()
    for dataset in (d for d in DATASETS.values() if "client_rows" in d["sql"]):
        chart = next(c for c in on_dashboard if c["dataset_uuid"] == dataset["uuid"])
        sqls = {}
        for name, filters in (("one", pick), ("none", []), ("all but one", [{**pick[0], "op": "NOT IN"}])):
            context = json.loads(chart["query_context"])
            context.update(result_type="query", datasource={"id": ds_ids[dataset["uuid"]], "type": "table"})
            context["queries"][0]["filters"] = filters
            resp = session.post(f"{superset.url}/api/v1/chart/data", json=context, timeout=120)
            assert resp.status_code == 200, resp.text[:1500]
            sqls[name] = resp.json()["result"][0]["query"]
        client_id = label.split(" ")[0]
        assert f"client_id in ('{client_id}')" in sqls["one"], dataset["table_name"]
        assert "client_id in" not in sqls["none"] + sqls["all but one"], dataset["table_name"]
        lookups = {name for _, name in SPEC.relations(dataset["sql"])} & set(CLIENT_LOOKUP_MARTS)
        scans = _scans(superset.serving, sqls["one"])
        assert lookups, dataset["table_name"]
        assert {mart: scans[mart] for mart in lookups} == dict.fromkeys(lookups, "Index Scan"), scans
        indexed |= lookups
    assert indexed == set(CLIENT_LOOKUP_MARTS)


@pytest.mark.parametrize(("entity", "measure", "top"), [("经纪人", "净佣金", 5), ("营业部", "成交金额", 1)])
def test_rank_filter_selects_the_top_n(superset, session, ds_ids, entity, measure, top):
    chart = CHARTS["rn_table"]
    filters = [
        {"col": "entity_type", "op": "IN", "val": [entity]},
        {"col": "rank_measure", "op": "IN", "val": [measure]},
        {"col": "rank_no", "op": ">=", "val": 1},
        {"col": "rank_no", "op": "<=", "val": top},
    ]
    labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]], filters)
    column = {"净佣金": "net_commission", "成交金额": "turnover"}[measure]
    key = {"经纪人": "p.broker_key", "营业部": "p.branch_code"}[entity]
    expected = _query(
        superset.serving,
        f"""
        select month_start_date, rank_no, value / 10000.0 from (
            select month_start_date, value,
                   row_number() over (partition by month_start_date order by value desc, entity) as rank_no
            from (select p.month_start_date, {key} as entity, sum(p.{column}) as value
                  from marts.agg_broker_performance_monthly as p group by all))
        where rank_no <= ?
        """,
        [top],
    )
    wanted = ("business_date", "rank_no", "rank_value_wan")
    assert _sorted([tuple(row[labels.index(c)] for c in wanted) for row in got]) == _sorted(expected)
    months = len({row[0] for row in expected})
    assert len(got) == months * top


def test_time_grain_filter_regroups_the_series(superset, session, ds_ids):
    """What the 时间粒度 filter does (extraFormData time_grain_sqla): the x axis is truncated to the grain."""
    chart = CHARTS["ov_trading_trend"]
    context = json.loads(chart["query_context"])
    context["queries"][0]["columns"][0]["timeGrain"] = "P1W"
    context["datasource"] = {"id": ds_ids[chart["dataset_uuid"]], "type": "table"}
    resp = session.post(f"{superset.url}/api/v1/chart/data", json=context, timeout=120)
    assert resp.status_code == 200, resp.text[:500]
    data = resp.json()["result"][0]["data"]
    expected = _query(
        superset.serving,
        "select date_trunc('week', business_date), sum(turnover) / 10000.0, sum(net_commission) / 10000.0 "
        "from marts.agg_branch_daily group by 1",
    )
    got = [
        (
            dt.datetime.fromtimestamp(r["business_date"] / 1000, tz=dt.UTC).date().isoformat(),
            r["turnover_wan"],
            r["net_commission_wan"],
        )
        for r in data
    ]
    assert _sorted(got) == _sorted(expected)
    (days,) = _query(superset.serving, "select count(distinct business_date) from marts.agg_branch_daily")
    assert 1 < len(got) < days[0]


def test_broker_sees_only_its_own_clients(superset, ds_ids):
    broker = _users(superset.serving)["broker"]
    session = superset.session(broker)
    mine = {
        r[0]
        for r in _query(
            superset.serving,
            "select p.client_id from marts.fct_client_profile_monthly as p "
            "join marts.dim_broker as k on k.broker_key = p.broker_key "
            "where ? in (k.level_1_broker_id, k.level_2_broker_id, k.level_3_broker_id, "
            "k.level_4_broker_id, k.level_5_broker_id)",
            [broker],
        )
    }
    assert mine, "the demo broker services clients"
    for key in ("ci_profile", "cl_branch_table", "ci_statement_balances"):
        chart = CHARTS[key]
        labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]])
        _, expected = expected_rows(superset.serving, chart, broker, BROKER_RLS)
        assert got and _sorted(got) == _sorted(expected), key
    chart = CHARTS["ci_profile"]
    labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]])
    assert {row[labels.index("client_id")] for row in got} == mine


# ---------------------------------------------------------------------------------------------------
# headless Chromium: a native filter and a drill-down change the numbers on the page
# ---------------------------------------------------------------------------------------------------
def test_native_filter_and_drill_down_in_chromium(superset):
    """The filter bar, clicked in Chromium: the company's figures, one branch's, then down the broker tree
    to one broker's, then one client's; each shown number equals DuckDB's to the last digit shown."""
    ((branch, broker),) = _query(
        superset.serving,
        "select k.branch_name, k.broker_name from marts.agg_broker_daily as a "
        "join marts.dim_broker as k on k.broker_key = a.broker_key "
        "where not k.is_unassigned and k.broker_name in "
        "(select broker_name from marts.dim_broker group by 1 having count(*) = 1) "
        "group by all order by sum(a.net_commission) desc, k.broker_name limit 1",
    )
    client_id, label = _busiest_client(superset.serving)
    steps = [
        {"slug": "overview", "filter": None},
        {"slug": "overview", "filter": ["营业部", branch]},
        {"slug": "brokers", "filter": ["营业部", branch]},
        {"slug": "brokers", "filter": ["经纪人", broker]},
        {"slug": "client", "filter": ["客户(代码/姓名)", client_id]},
    ]
    titles = {
        "overview": ["成交金额(万元)", "净佣金(万元)"],
        "brokers": ["净佣金(万元)", "日均归属资产(万元)"],
        "client": ["区间盈亏(元)", "已实现盈亏(元)"],
    }
    proc = subprocess.run(
        [
            str(SUPERSET_PY), str(REPO / "superset" / "browser_filters.py"),
            "--url", superset.url, "--user", "admin", "--password", "admin",
            "--titles", json.dumps(titles, ensure_ascii=False),
            "--steps", json.dumps(steps, ensure_ascii=False),
            "--timeout", "60",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=900,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and len(results) == len(steps), (
        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )

    def company(where: str) -> dict[str, str]:
        ((turnover, commission),) = _query(
            superset.serving,
            "select sum(a.turnover) / 10000.0, sum(a.net_commission) / 10000.0 "
            "from marts.agg_branch_daily as a "
            f"join marts.dim_branch as b on b.branch_key = a.branch_key where {where}",
        )
        return {"成交金额(万元)": f"{turnover:,.2f}", "净佣金(万元)": f"{commission:,.2f}"}

    def brokers(where: str, params: list) -> dict[str, str]:
        ((commission, aum),) = _query(
            superset.serving,
            "select sum(a.net_commission) / 10000.0, "
            "sum(a.total_assets) / count(distinct a.business_date) / 10000.0 "
            "from marts.agg_broker_daily as a "
            "left join marts.dim_broker as k on k.broker_key = a.broker_key "
            f"left join marts.dim_branch as b on b.branch_key = a.branch_key where {where}",
            params,
        )
        return {"净佣金(万元)": f"{commission:,.2f}", "日均归属资产(万元)": f"{aum:,.2f}"}

    ((pnl, realized),) = _query(
        superset.serving,
        "select (select sum(daily_pnl) from marts.fct_client_daily where client_id = ?), "
        "(select sum(realized_pnl) from marts.fct_fills where client_id = ?)",
        [client_id, client_id],
    )
    expected = [
        company("true"),
        company(f"b.branch_name = '{branch}'"),
        brokers("b.branch_name = ?", [branch]),
        brokers("b.branch_name = ? and k.broker_name = ?", [branch, broker]),
        {"区间盈亏(元)": f"{pnl:,.2f}", "已实现盈亏(元)": f"{realized:,.2f}"},
    ]
    for step, result, want in zip(steps, results, expected, strict=True):
        assert not result["errors"], result
        assert result["values"] == want, (step, result)
    # the filters narrowed what is shown: company -> branch, branch -> broker
    assert results[0]["values"] != results[1]["values"] and results[2]["values"] != results[3]["values"]
    assert [r["selected"] for r in results] == [None, branch, branch, broker, label]


def test_branch_month_table_counts_each_client_once_a_month(superset, session, ds_ids):
    """营业部客户月报 sums client-months by month and branch: each figure is the month's distinct clients
    (with the flag), computed here with distinct counts over the mart and the month from its date."""
    chart = CHARTS["cl_branch_table"]
    labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]])
    columns = ["report_month", "region_name", "branch_name", "month_clients", "month_active_clients",
               "month_effective_accounts", "month_inactive_clients"]  # fmt: skip
    expected = _query(
        superset.serving,
        "select strftime(business_date, '%Y-%m'), region_name, branch_name, count(distinct client_id), "
        "count(distinct case when is_active then client_id end), "
        "count(distinct case when is_effective_at_month_end then client_id end), "
        "count(distinct case when is_inactive_at_month_end then client_id end) "
        "from marts.bi_client_monthly group by all",
    )
    assert len(expected) >= 2, "the branches' months"
    assert _sorted([tuple(row[labels.index(c)] for c in columns) for row in got]) == _sorted(expected)


def test_client_distributions_count_each_client_once_at_the_range_end(superset, session, ds_ids):
    """客户分布 reads the clients of the date range's last month, each once by its state then: the slices
    add up to that month's clients. Superset hands the range's end (to_dttm) to the dataset's SQL."""
    ((month, clients),) = _query(
        superset.serving,
        "select business_date, count(distinct client_id) from marts.bi_client_monthly "
        "where business_date = (select max(business_date) from marts.bi_client_monthly) group by 1",
    )
    by_column = {"cl_by_region": "region_name", "cl_by_gender": "gender_name", "cl_by_tier": "tier_name"}
    for key, column in by_column.items():
        chart = CHARTS[key]
        labels, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]])
        expected = _query(
            superset.serving,
            f"select {column}, count(distinct client_id) from marts.bi_client_monthly "
            "where business_date = cast(? as date) group by 1",
            [month],
        )
        assert _sorted(got) == _sorted(expected), key
        assert sum(row[labels.index("clients")] for row in got) == clients, key
    chart = CHARTS["cl_by_region"]
    context = json.loads(chart["query_context"])
    context["queries"][0]["time_range"] = f"2020-01-01 : {month}"
    context["datasource"] = {"id": ds_ids[chart["dataset_uuid"]], "type": "table"}
    for result_type, check in (("query", "query"), ("full", "data")):
        resp = session.post(
            f"{superset.url}/api/v1/chart/data", json={**context, "result_type": result_type}, timeout=120
        )
        assert resp.status_code == 200, resp.text[:500]
        answer = resp.json()["result"][0][check]
        if check == "query":
            assert f"business_date < cast('{month}T00:00:00' as timestamp)" in answer
        else:
            assert answer == [], "no month of the lake starts before the range's end"


def test_branch_head_and_broker_see_their_own_on_every_client_chart(superset, ds_ids):
    """Every chart of 客户情况, as a branch head and as a broker: exactly DuckDB's rows under their
    row-level security (a dataset missing from their roles would fail here, or show every branch)."""
    users = _users(superset.serving)
    (head, _), broker = users["heads"][0], users["broker"]
    for user, rls in ((head, HEAD_RLS), (broker, BROKER_RLS)):
        session = superset.session(user)
        for uuid in _chart_uuids(BY_SLUG["clients"]):
            chart = next(c for c in CHARTS.values() if c["uuid"] == uuid)
            _, got = chart_data(session, superset.url, chart, ds_ids[chart["dataset_uuid"]])
            _, expected = expected_rows(superset.serving, chart, user, rls)
            assert _sorted(got) == _sorted(expected), (user, chart["slice_name"])

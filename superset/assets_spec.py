"""Dashboards as code: the one place where datasets, charts and dashboards are described.

`python superset/assets_spec.py --serving <serving.duckdb>` (Superset's venv) writes the Superset export
bundle under `superset/assets/` (metadata.yaml, databases/, datasets/, charts/, dashboards/), which is
committed and imported on every start (`superset/bi.py import`). Column lists of the datasets are read
from the serving file (DESCRIBE of each dataset's SQL), so a new mart column shows up after a rebuild and
a re-generation.

To add a chart: add a `Chart(...)` to `CHARTS` and put its key in a dashboard's `rows`.
To add a cube: add a `Dataset(...)` (its SQL must expose `business_date`, `region_name`, `branch_name`
and `branch_code` so the dashboards' native filters and the row-level security apply to it) and list it
in `HEAD_DATASETS` of `bi.py` if branch heads may see it (`BROKER_DATASETS`: brokers, their clients).

UUIDs are derived from the keys (uuid5), so they are stable across regenerations and importing is an
upsert.

The same run writes `models/exposures/_exposures.yml`: one dbt exposure per dashboard, depending on every
mart / seed (`marts.<name>`, `reference.<name>`) its datasets' SQL reads (`--exposures-only` writes just
that file, without a serving file), so the lineage in dbt cannot drift from the dashboards.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
NAMESPACE = uuid.UUID("6f1c9a52-3c2e-4d8e-9b5e-2f7d0c1b7a11")
VERSION = "1.0.0"

DATABASE_NAME = "证券经纪数仓"
DATABASE_KEY = "warehouse"
# rewritten to the absolute serving file by `bi.py import`; committed relative to the repository
DATABASE_URI = "duckdb:///data/warehouse/serving.duckdb?access_mode=read_only"
READER_CONFIG = {"access_mode": "read_only", "enable_external_access": False, "lock_configuration": True}

# every dataset's SQL ends with this comment: the viewer becomes part of the cache key, so row-level
# security clauses that use {{ current_username() }} never share cached results between users
VIEWER_TAG = "/* viewer: {{ current_username() }} */"

# The client filter (客户: a label "<client_id> <masked name>", or a client id) pushed inside a client
# dataset's query. Superset filters a virtual dataset outside its SQL, after the joins, so DuckDB would
# read every client's rows of the facts. Inside, a fact becomes the filtered clients' rows, read through the
# serving file's client_id index (warehouse/publish.py); a materialized CTE, so that the outer filters
# (the client label, a date range) are not pushed into that scan, which would then read the whole table
# (DuckDB uses an index only for a scan filtered on the indexed column alone). Only IN / == filters
# narrow it (a NOT IN does not), and the outer filters still apply, so the rows are the same as without
# it: it only makes them cheaper. The contract's client ids are 10 digits; quotes are doubled all the same.
CLIENT_IDS = """{%- set client_ids = [] -%}
{%- for f in get_filters('client_label') + get_filters('client_id') if f.op in ('IN', '==') -%}
{%- for value in (f.val if f.op == 'IN' else [f.val]) -%}
{%- set _ = client_ids.append("'" ~ (value ~ '').split(' ')[0].replace("'", "''") ~ "'") -%}
{%- endfor -%}
{%- endfor -%}
{%- set client_in = '(' ~ client_ids | join(', ') ~ ')' if client_ids else '' -%}
"""


def client_rows(table: str) -> str:
    """A client-grain table, or only the filtered clients' rows of it under a client filter (Jinja)."""
    return (
        f"{{% if client_in %}}(with client_rows as materialized (select * from {table} "
        f"where client_id in {{{{ client_in }}}}) select * from client_rows){{% else %}}{table}{{% endif %}}"
    )


YI = "100000000.0"  # 亿
WAN = "10000.0"  # 万
F_YI = ",.2f"
F_WAN = ",.2f"
F_INT = ",d"
F_PCT = ".2%"
F_RATE = ".4%"


def uid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@dataclass
class Metric:
    name: str
    verbose: str
    expression: str
    d3format: str | None = None
    description: str = ""


@dataclass
class Dataset:
    key: str  # Superset table_name (unique in the metadata database)
    title: str
    sql: str
    metrics: list[Metric]
    main_dttm: str = "business_date"
    verbose: dict[str, str] = field(default_factory=dict)  # column -> Chinese label
    compare_suffix: str = "较上一交易日"  # big numbers with a trend line: the period main_dttm steps by

    @property
    def uuid(self) -> str:
        return uid("dataset", self.key)

    @property
    def full_sql(self) -> str:
        """The SQL Superset runs: with the client filter's Jinja where the dataset uses it, and the viewer."""
        header = CLIENT_IDS if "client_rows" in self.sql else ""
        return header + self.sql.strip() + "\n" + VIEWER_TAG

    @property
    def plain_sql(self) -> str:
        """The SQL as Superset runs it without filters: what DuckDB can read directly."""
        template = jinja2.Environment().from_string(CLIENT_IDS + self.sql)
        return template.render(get_filters=lambda column, remove_filter=False: [])

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.name == name)


@dataclass
class Chart:
    key: str
    title: str
    viz: str  # big_number_total | big_number | line | bar | pie | table | raw_table | cat_bar | sankey
    dataset: str
    metrics: list[str]  # empty for raw_table
    groupby: list[str] = field(default_factory=list)  # raw_table: the columns shown; sankey: source, target
    row_limit: int = 1000
    order_desc: bool = True
    percent_metrics: list[str] = field(default_factory=list)
    description: str = ""
    # top-N charts: break ties of the sort metric by the group-by columns, so the N rows are deterministic
    tiebreak: bool = False
    # raw_table: (column, ascending) sort keys ending with a unique key (the row_limit rows are deterministic)
    order_by: list[tuple[str, bool]] = field(default_factory=list)
    height: int | None = None  # grid units on the dashboard (default: by kind and width)

    @property
    def uuid(self) -> str:
        return uid("chart", self.key)


@dataclass
class Dashboard:
    slug: str
    title: str
    rows: list[list[tuple[str, int]]]  # rows of (chart key, width of 12)
    filters: list[str]  # "date", "timegrain" and the keys of FILTER_COLUMNS, in the filter bar's order
    description: str = ""

    @property
    def uuid(self) -> str:
        return uid("dashboard", self.slug)


# ---------------------------------------------------------------------------------------------------
# Datasets (virtual: a mart joined with its dimensions' names)
# ---------------------------------------------------------------------------------------------------
COMMON_VERBOSE = {
    "business_date": "业务日期",
    "region_code": "分公司代码",
    "region_name": "分公司",
    "branch_code": "营业部代码",
    "branch_name": "营业部",
    "city": "城市",
}


def _sum_yi(col: str) -> str:
    return f"SUM({col}) / {YI}"


def _sum_wan(col: str) -> str:
    return f"SUM({col}) / {WAN}"


def _count_if(flag: str) -> str:
    return f"SUM(CASE WHEN {flag} THEN 1 ELSE 0 END)"


def _ratio(num: str, den: str) -> str:
    return f"CAST({num} AS DOUBLE) / NULLIF(CAST({den} AS DOUBLE), 0)"


DATASETS: list[Dataset] = [
    Dataset(
        key="bi_branch_daily",
        title="营业部日汇总",
        sql="""
select a.*, b.branch_name, b.region_name, b.city
from marts.agg_branch_daily as a
left join marts.dim_branch as b on b.branch_key = a.branch_key
""",
        metrics=[
            Metric("clients", "客户数", "SUM(client_count)", F_INT, "客户数(当日)"),
            Metric(
                "effective_accounts",
                "有效户数",
                "SUM(effective_account_count)",
                F_INT,
                "总资产≥1万的账户(当日)",
            ),
            Metric("new_clients", "新开户数", "SUM(new_client_count)", F_INT),
            Metric(
                "total_assets_yi", "总资产(亿元)", _sum_yi("total_assets"), F_YI, "资金余额+证券市值(当日)"
            ),
            Metric("market_value_yi", "证券市值(亿元)", _sum_yi("market_value"), F_YI),
            Metric(
                "avg_total_assets_yi",
                "日均总资产(亿元)",
                f"SUM(total_assets) / COUNT(DISTINCT business_date) / {YI}",
                F_YI,
                "区间内各交易日总资产的平均值",
            ),
            Metric(
                "avg_market_value_yi",
                "日均托管市值(亿元)",
                f"SUM(market_value) / COUNT(DISTINCT business_date) / {YI}",
                F_YI,
                "区间内各交易日证券市值的平均值",
            ),
            Metric("turnover_wan", "成交金额(万元)", _sum_wan("turnover"), F_WAN),
            Metric("net_commission_wan", "净佣金(万元)", _sum_wan("net_commission"), F_WAN),
            Metric("net_commission_rate", "净佣金率", _ratio("SUM(net_commission)", "SUM(turnover)"), F_RATE),
            Metric("net_asset_inflow_wan", "资产净流入(万元)", _sum_wan("net_asset_inflow"), F_WAN),
            Metric("net_cash_inflow_wan", "资金净流入(万元)", _sum_wan("net_cash_inflow"), F_WAN),
            Metric("daily_pnl_wan", "客户盈亏(万元)", _sum_wan("daily_pnl"), F_WAN),
            Metric("orders", "委托笔数", "SUM(order_count)", F_INT, "普通委托"),
            Metric("fills", "成交笔数", "SUM(fill_count)", F_INT),
            Metric(
                "fill_to_order", "成交委托比", _ratio("SUM(filled_order_count)", "SUM(order_count)"), F_PCT
            ),
            Metric("cancel_ratio", "撤单率", _ratio("SUM(cancelled_order_count)", "SUM(order_count)"), F_PCT),
        ],
    ),
    Dataset(
        key="bi_broker_daily",
        title="经纪人日汇总",
        sql="""
select a.*, k.broker_id, k.broker_name, k.broker_type_name_zh, k.team_lead_name, k.branch_head_name,
       k.hierarchy_depth, k.level_1_broker_id, k.level_2_broker_id, k.level_3_broker_id,
       k.level_4_broker_id, k.level_5_broker_id, coalesce(k.is_unassigned, false) as is_unassigned,
       b.branch_name, b.region_name,
       case when k.is_unassigned then '无归属·' || b.branch_name
            else coalesce(k.broker_name, a.broker_key) end as broker_label
from marts.agg_broker_daily as a
left join marts.dim_broker as k on k.broker_key = a.broker_key
left join marts.dim_branch as b on b.branch_key = a.branch_key
""",
        verbose={
            "broker_key": "经纪人编号",
            "broker_name": "经纪人",
            "broker_type_name_zh": "类别",
            "team_lead_name": "团队长",
            "branch_head_name": "营业部负责人",
            "broker_label": "经纪人(无归属按营业部)",
        },
        metrics=[
            Metric("brokers", "经纪人数", "COUNT(DISTINCT broker_id)", F_INT, "不含无归属"),
            Metric(
                "avg_clients",
                "日均服务客户",
                "SUM(client_equivalents) / COUNT(DISTINCT business_date)",
                ",.1f",
                "按服务份额折算",
            ),
            Metric(
                "avg_aum_wan",
                "日均归属资产(万元)",
                f"SUM(total_assets) / COUNT(DISTINCT business_date) / {WAN}",
                F_WAN,
            ),
            Metric(
                "avg_mv_wan",
                "日均托管市值(万元)",
                f"SUM(market_value) / COUNT(DISTINCT business_date) / {WAN}",
                F_WAN,
                "归属证券市值,区间内各交易日的平均值",
            ),
            Metric("turnover_wan", "成交金额(万元)", _sum_wan("turnover"), F_WAN),
            Metric("net_commission_wan", "净佣金(万元)", _sum_wan("net_commission"), F_WAN),
            Metric("net_commission_rate", "净佣金率", _ratio("SUM(net_commission)", "SUM(turnover)"), F_RATE),
            Metric("net_asset_inflow_wan", "资产净流入(万元)", _sum_wan("net_asset_inflow"), F_WAN),
            Metric("aum_yi", "归属资产(亿元)", _sum_yi("total_assets"), F_YI, "当日"),
        ],
    ),
    Dataset(
        key="bi_trade_fills",
        title="成交明细",
        sql="""
select f.business_date, f.branch_code, b.branch_name, b.region_name, f.client_id, f.security_code,
       s.security_name, coalesce(c.channel_name_zh, '未知') as channel_name,
       coalesce(s.board_name_zh, '未知') as board_name, coalesce(s.industry, '非股票') as industry,
       s.security_type_name_zh as security_type_name, f.side, f.biz_type, f.is_normal,
       f.qty, f.amount, f.commission, f.trading_costs, f.net_commission
from marts.fct_fills as f
left join marts.dim_branch as b on b.branch_key = f.branch_key
left join marts.dim_channel as c on c.channel_key = f.channel_key
left join marts.dim_security as s on s.security_key = f.security_key
""",
        verbose={
            "channel_name": "委托方式",
            "board_name": "板块",
            "industry": "行业",
            "security_name": "证券简称",
            "security_type_name": "证券类别",
        },
        metrics=[
            Metric("turnover_wan", "成交金额(万元)", _sum_wan("amount"), F_WAN),
            Metric("fills", "成交笔数", "COUNT(*)", F_INT),
            Metric("net_commission_wan", "净佣金(万元)", _sum_wan("net_commission"), F_WAN),
            Metric("trading_clients", "交易客户数", "COUNT(DISTINCT client_id)", F_INT),
        ],
    ),
    Dataset(
        key="bi_trade_orders",
        title="委托明细",
        sql="""
select o.business_date, o.branch_code, b.branch_name, b.region_name, o.client_id,
       coalesce(c.channel_name_zh, '未知') as channel_name, coalesce(s.board_name_zh, '未知') as board_name,
       o.side, o.biz_type, o.is_normal, o.is_ipo_subscription, o.order_status, o.is_filled,
       o.is_cancelled, o.order_qty, o.filled_qty
from marts.fct_orders as o
left join marts.dim_branch as b on b.branch_key = o.branch_key
left join marts.dim_channel as c on c.channel_key = o.channel_key
left join marts.dim_security as s on s.security_key = o.security_key
""",
        verbose={"channel_name": "委托方式", "board_name": "板块"},
        metrics=[
            Metric("orders", "委托笔数", _count_if("is_normal"), F_INT, "普通委托"),
            Metric(
                "fill_to_order",
                "成交委托比",
                _ratio(
                    "SUM(CASE WHEN is_normal AND is_filled THEN 1 ELSE 0 END)",
                    _count_if("is_normal"),
                ),
                F_PCT,
            ),
            Metric(
                "cancel_ratio",
                "撤单率",
                _ratio(
                    "SUM(CASE WHEN is_normal AND is_cancelled THEN 1 ELSE 0 END)",
                    _count_if("is_normal"),
                ),
                F_PCT,
            ),
            Metric(
                "ipo_subscriptions",
                "新股申购笔数",
                _count_if("is_ipo_subscription"),
                F_INT,
            ),
        ],
    ),
    # assets: the assets cube (date x branch x broker x tier), the holdings cube (x board x industry)
    Dataset(
        key="bi_assets_daily",
        title="资产日汇总",
        sql="""
select a.business_date, a.branch_code, b.branch_name, b.region_name, b.city, a.tier_key,
       coalesce(t.tier_name_zh, '未知') as tier_name, coalesce(t.tier_rank, 0) as tier_rank,
       a.attributed_broker_key, a.client_count, a.effective_account_count, a.client_equivalents,
       a.cash_balance, a.market_value, a.total_assets, a.net_cash_inflow, a.net_asset_inflow, a.daily_pnl
from marts.agg_assets_daily as a
left join marts.dim_branch as b on b.branch_key = a.branch_key
left join reference.client_tiers as t on t.tier_code = a.tier_key
""",
        verbose={"tier_key": "客户分级代码", "tier_name": "客户分级", "tier_rank": "分级序号"},
        metrics=[
            Metric("cash_yi", "资金余额(亿元)", _sum_yi("cash_balance"), F_YI),
            Metric("market_value_yi", "证券市值(亿元)", _sum_yi("market_value"), F_YI),
            Metric(
                "total_assets_yi", "总资产(亿元)", _sum_yi("total_assets"), F_YI, "资金余额+证券市值(当日)"
            ),
            Metric(
                "position_ratio",
                "仓位",
                _ratio("SUM(market_value)", "SUM(total_assets)"),
                F_PCT,
                "证券市值/总资产",
            ),
            Metric("daily_pnl_wan", "客户盈亏(万元)", _sum_wan("daily_pnl"), F_WAN, "盈亏已知的客户"),
            Metric(
                "avg_total_assets_yi",
                "日均总资产(亿元)",
                f"SUM(total_assets) / COUNT(DISTINCT business_date) / {YI}",
                F_YI,
                "区间内各交易日总资产的平均值",
            ),
        ],
    ),
    Dataset(
        key="bi_holdings_daily",
        title="持仓日汇总",
        sql="""
select h.business_date, h.branch_code, b.branch_name, b.region_name, b.city, h.board_code,
       coalesce(d.board_name_zh, '未知') as board_name,
       case when h.industry = '-1' then '非股票' else h.industry end as industry,
       h.market_value, h.cost_amount, h.unrealized_pnl, h.trapped_market_value,
       h.deeply_trapped_market_value, h.qty, h.position_count, h.holder_count
from marts.agg_holdings_daily as h
left join marts.dim_branch as b on b.branch_key = h.branch_key
left join reference.boards as d on d.board_code = h.board_code
""",
        verbose={"board_code": "板块代码", "board_name": "板块", "industry": "行业"},
        metrics=[
            Metric("market_value_yi", "证券市值(亿元)", _sum_yi("market_value"), F_YI),
            Metric(
                "trapped_mv_yi", "套牢市值(亿元)", _sum_yi("trapped_market_value"), F_YI, "浮亏≥10%的持仓市值"
            ),
            Metric(
                "trapped_share",
                "套牢市值占比",
                _ratio("SUM(trapped_market_value)", "SUM(market_value)"),
                F_PCT,
                "套牢市值/证券市值",
            ),
            Metric(
                "deeply_trapped_share",
                "深套市值占比",
                _ratio("SUM(deeply_trapped_market_value)", "SUM(market_value)"),
                F_PCT,
                "浮亏≥30%的持仓市值/证券市值",
            ),
            Metric("unrealized_pnl_wan", "浮动盈亏(万元)", _sum_wan("unrealized_pnl"), F_WAN),
        ],
    ),
    # rankings: broker performance by month (contribution rate), the trading cube by channel, hot stocks
    Dataset(
        key="bi_broker_monthly",
        title="经纪人月度业绩",
        # business_date is the month's first day, so the dashboards' date range filter applies by month
        sql="""
select p.month_start_date as business_date, p.branch_code, p.broker_key, k.broker_name,
       b.branch_name, b.region_name, p.turnover, p.net_commission, p.contribution_rate,
       sum(p.net_commission) over (partition by p.month_start_date, p.branch_code) as branch_net_commission,
       p.net_asset_inflow, p.month_end_aum, p.month_end_market_value
from marts.agg_broker_performance_monthly as p
left join marts.dim_broker as k on k.broker_key = p.broker_key
left join marts.dim_branch as b on b.branch_key = p.branch_key
""",
        verbose={
            "business_date": "月份(月初)",
            "broker_key": "经纪人编号",
            "broker_name": "经纪人",
            "contribution_rate": "贡献率(当月)",
            "branch_net_commission": "营业部净佣金(当月)",
        },
        metrics=[
            Metric("net_commission_wan", "净佣金(万元)", _sum_wan("net_commission"), F_WAN),
            Metric(
                "contribution_rate",
                "贡献率",
                _ratio("SUM(net_commission)", "SUM(branch_net_commission)"),
                F_PCT,
                "经纪人净佣金/所在营业部净佣金(所选月份合计;单月即 agg_broker_performance_monthly 的贡献率)",
            ),
        ],
    ),
    Dataset(
        key="bi_turnover_daily",
        title="交易日汇总(委托方式)",
        sql="""
select t.business_date, t.branch_code, b.branch_name, b.region_name,
       coalesce(c.channel_name_zh, '未知') as channel_name, t.side, t.turnover, t.net_commission,
       t.fill_count, t.order_count
from marts.agg_turnover_daily as t
left join marts.dim_branch as b on b.branch_key = t.branch_key
left join marts.dim_channel as c on c.channel_key = t.channel_key
""",
        verbose={"channel_name": "委托方式", "side": "买卖方向"},
        metrics=[
            Metric("turnover_wan", "成交金额(万元)", _sum_wan("turnover"), F_WAN),
            Metric("net_commission_wan", "净佣金(万元)", _sum_wan("net_commission"), F_WAN),
            Metric("fills", "成交笔数", "SUM(fill_count)", F_INT),
        ],
    ),
    Dataset(
        key="bi_security_daily",
        title="热门股日汇总",
        sql="""
select s.business_date, s.branch_code, b.branch_name, b.region_name, s.security_key,
       coalesce(d.security_name, s.security_code) as security_name,
       coalesce(d.board_name_zh, '未知') as board_name, coalesce(d.industry, '非股票') as industry,
       s.turnover, s.fill_count, s.trading_client_count
from marts.agg_security_daily as s
left join marts.dim_branch as b on b.branch_key = s.branch_key
left join marts.dim_security as d on d.security_key = s.security_key
""",
        verbose={
            "security_key": "证券代码",
            "security_name": "证券简称",
            "board_name": "板块",
            "industry": "行业",
            "trading_client_count": "交易客户数",
        },
        metrics=[
            Metric("turnover_wan", "成交金额(万元)", _sum_wan("turnover"), F_WAN, "本公司客户成交金额"),
            Metric(
                "traders",
                "交易客户数",
                "SUM(trading_client_count)",
                F_INT,
                "各营业部各交易日去重交易客户数之和(单日即去重人数,跨日为人·日)",
            ),
            Metric("fills", "成交笔数", "SUM(fill_count)", F_INT),
        ],
    ),
    # data quality: the quality marts (models/marts/quality)
    Dataset(
        key="bi_dq_packages",
        title="落地数据包",
        sql="""
select p.business_date, p.branch_code,
       coalesce(b.branch_name, case when p.branch_code = 'HQ' then '总部 HQ' else p.branch_code end)
           as branch_name,
       coalesce(b.region_name, '总部') as region_name, p.revision, p.encoding,
       p.rows_total as file_rows_total, p.violations_total as violation_count, p.quarantined_rows
from marts.fct_landed_packages as p
left join marts.dim_branch as b on b.branch_code = p.branch_code
""",
        verbose={
            "revision": "版本",
            "encoding": "编码",
            "file_rows_total": "行数",
            "violation_count": "违例数",
        },
        metrics=[
            Metric("packages", "已落地数据包", "COUNT(*)", F_INT),
            Metric("file_rows", "落地行数", "SUM(file_rows_total)", F_INT),
            Metric("quarantined", "隔离行数", "SUM(quarantined_rows)", F_INT),
        ],
    ),
    Dataset(
        key="bi_dq_events",
        title="数据质量事件",
        sql="""
select e.business_date, e.branch_code,
       coalesce(b.branch_name, e.branch_code) as branch_name,
       coalesce(b.region_name, '总部') as region_name,
       e.file_name, e.source_row, e.rule_id, e.column_name, e.severity
from marts.fct_dq_events as e
left join marts.dim_branch as b on b.branch_code = e.branch_code
""",
        verbose={"file_name": "文件", "rule_id": "规则", "column_name": "字段", "severity": "级别"},
        metrics=[Metric("violations", "规则违例", "COUNT(*)", F_INT)],
    ),
    Dataset(
        key="bi_dq_refused",
        title="拒收数据包",
        sql="""
select r.business_date, r.branch_code,
       coalesce(b.branch_name, r.branch_code) as branch_name,
       coalesce(b.region_name, '总部') as region_name,
       r.revision, r.file_name, r.rule_id, r.detail
from marts.fct_refused_packages as r
left join marts.dim_branch as b on b.branch_code = r.branch_code
""",
        verbose={"revision": "版本", "file_name": "文件", "rule_id": "规则", "detail": "说明"},
        metrics=[
            Metric(
                "refused_packages",
                "拒收数据包",
                "COUNT(DISTINCT CAST(business_date AS VARCHAR) || '/' || branch_code || '/' "
                "|| CAST(revision AS VARCHAR))",
                F_INT,
            )
        ],
    ),
]
# clients (客户情况) and one client (客户分析): client-month and client-day facts with the client's profile
# of the month (fct_client_profile_monthly: primary broker, preferred channel, age and tenure bands); the
# primary broker's tree columns let the broker role see its own clients
CLIENT_BROKER_COLUMNS = """coalesce(k.broker_name, '未知') as broker_name,
       case when k.is_unassigned then '无归属·' || b.branch_name
            else coalesce(k.broker_name, p.broker_key) end as broker_label,
       k.level_1_broker_id, k.level_2_broker_id, k.level_3_broker_id, k.level_4_broker_id,
       k.level_5_broker_id"""
CLIENT_VERBOSE = {
    "client_id": "客户号",
    "client_name_masked": "客户姓名",
    "client_label": "客户(代码 姓名)",
    "broker_name": "服务经纪人",
    "broker_label": "服务经纪人(无归属按营业部)",
}


def _client_profile_join(alias: str) -> str:
    """The client's profile of the month of a daily fact row, and its primary broker."""
    return f"""left join {client_rows("marts.fct_client_profile_monthly")} as p
    on p.client_id = {alias}.client_id
    and p.month_start_date = cast(date_trunc('month', {alias}.business_date) as date)
left join marts.dim_broker as k on k.broker_key = p.broker_key"""


def _only_one_client(expression: str) -> str:
    """A per-client figure (a return, a share of its branch): null unless exactly one client is selected."""
    return f"CASE WHEN COUNT(DISTINCT client_id) = 1 THEN {expression} END"


def _sum_yuan(col: str) -> str:
    return f"SUM({col})"


# (name, label, the client-months counted, description) of the per-month client counts: by month only
MONTH_COUNTS = [
    ("clients", "客户数", "SUM(client_count)", "当月有记录的客户"),
    ("active_clients", "活跃客户", _count_if("is_active"), "当月有成交"),
    ("effective_accounts", "有效户(月末)", _count_if("is_effective_at_month_end"), "月末总资产≥1万"),
    ("inactive_clients", "不活跃客户(月末)", _count_if("is_inactive_at_month_end"), "月末未销户,90天无成交"),
]
MONTH_ONLY_METRICS = {f"month_{name}" for name, *_ in MONTH_COUNTS}


CLIENT_MONTH_VERBOSE = {
    **CLIENT_VERBOSE,
    "business_date": "月份(月初)",
    "report_month": "月份",
    "city": "客户城市",
    "gender_name": "性别",
    "risk_level": "风险等级",
    "birth_year": "出生年份",
    "open_date": "开户日期",
    "client_status_name": "账户状态",
    "tier_name": "客户分级",
    "tier_rank": "分级序号",
    "from_tier": "上月分级",
    "to_tier": "本月分级",
    "age_band": "年龄段",
    "tenure_band": "开户年限",
    "channel_name": "委托方式偏好",
}

# the clients of the date range's last month (to_dttm: the range's exclusive end, from Superset's query;
# none without a range), one row each
CLIENT_PERIOD_END_SQL = """
select m.* from marts.bi_client_monthly as m
where m.business_date = (
    select max(business_date) from marts.bi_client_monthly
    {%- if to_dttm %} where business_date < cast('{{ to_dttm }}' as timestamp){% endif %}
)"""


def _client_datasets() -> list[Dataset]:
    # the client filter's column, from the client dimension; the filter's ids are also pushed inside each
    # query (client_rows), where the serving file's client_id index finds the client's rows
    label = "c.client_id || ' ' || coalesce(c.client_name_masked, '')"
    return [
        Dataset(
            key="bi_client_monthly",
            title="客户月度画像",
            # business_date is the month's first day, so the dashboards' date range filter applies by month;
            # the client-month fact joined with its profile and dimensions' names once per build (a mart)
            sql=f"select * from {client_rows('marts.bi_client_monthly')} as m",
            verbose=CLIENT_MONTH_VERBOSE,
            compare_suffix="较上月",
            metrics=[
                Metric("clients", "客户数", "COUNT(DISTINCT client_id)", F_INT, "区间内有记录的客户(去重)"),
                Metric("new_clients", "新开户", _count_if("is_opened"), F_INT),
                Metric(
                    "closed_clients", "销户", _count_if("is_closed_in_month"), F_INT
                ),
                Metric(
                    "churned_clients",
                    "流失客户",
                    _count_if("is_churned_in_month"),
                    F_INT,
                    "流失(资产流失或销户)开始于该月的客户",
                ),
                Metric("custody_in", "转托管转入(笔)", "SUM(custody_in_count)", F_INT),
                Metric("custody_out", "转托管转出(笔)", "SUM(custody_out_count)", F_INT),
                Metric("custody_in_wan", "转托管转入市值(万元)", _sum_wan("custody_in_value"), F_WAN),
                Metric("custody_out_wan", "转托管转出市值(万元)", _sum_wan("custody_out_value"), F_WAN),
                Metric(
                    "active_clients",
                    "活跃客户",
                    "COUNT(DISTINCT CASE WHEN is_active THEN client_id END)",
                    F_INT,
                    "当月有成交",
                ),
                Metric(
                    "effective_accounts",
                    "有效户(月末)",
                    "COUNT(DISTINCT CASE WHEN is_effective_at_month_end THEN client_id END)",
                    F_INT,
                    "月末总资产≥1万",
                ),
                Metric(
                    "inactive_clients",
                    "不活跃客户(月末)",
                    "COUNT(DISTINCT CASE WHEN is_inactive_at_month_end THEN client_id END)",
                    F_INT,
                    "月末未销户且近90天无成交",
                ),
                Metric("client_months", "客户·月", "SUM(client_count)", F_INT, "分级迁移:每客户每月一次"),
                # one row per client and month: grouped by month these sums are the distinct counts above
                # (a sum, not a distinct count: fast at any size), summed over months they are client-months
                *[
                    Metric(f"month_{name}", verbose, expression, F_INT, note)
                    for name, verbose, expression, note in MONTH_COUNTS
                ],
                Metric(
                    "avg_assets_yuan",
                    "日均资产(元)",
                    _ratio("SUM(open_total_assets)", "SUM(open_day_count)"),
                    F_YI,
                    "区间内开户交易日总资产的平均值",
                ),
                Metric("month_end_assets_yuan", "月末总资产(元)", _sum_yuan("month_end_total_assets"), F_YI),
                Metric("turnover_yuan", "成交金额(元)", _sum_yuan("turnover"), F_YI),
                Metric("net_commission_yuan", "净佣金(元)", _sum_yuan("net_commission"), F_YI),
                Metric("pnl_yuan", "盈亏(元)", _sum_yuan("pnl"), F_YI),
            ],
        ),
        Dataset(
            key="bi_client_period_end",
            title="客户分布(区间末月)",
            # a distribution counts every client once, by its state in the range's last month (a client
            # whose tier or city changed is not counted twice), and reads one month whatever the history
            sql=CLIENT_PERIOD_END_SQL,
            verbose=CLIENT_MONTH_VERBOSE,
            compare_suffix="较上月",
            metrics=[Metric("clients", "客户数", "SUM(client_count)", F_INT, "区间末月的客户(每客户计一次)")],
        ),
        Dataset(
            key="bi_client_daily",
            title="客户日资产与收益",
            sql=f"""
select d.business_date, d.branch_code, b.branch_name, b.region_name, d.client_id, c.client_name_masked,
       {label} as client_label, {CLIENT_BROKER_COLUMNS},
       d.cash_balance, d.market_value, d.total_assets, d.bank_transfer_in, d.bank_transfer_out,
       d.net_cash_inflow, d.net_asset_inflow, d.dividend_amount, d.interest_amount, d.fee_amount, d.daily_pnl,
       cast(coalesce(d.log_return, 0) as decimal(38, 18)) as log_return,
       cast(coalesce(ln(1 + cast(d.benchmark_daily_return as double)), 0) as decimal(38, 18))
           as benchmark_log_return,
       exp(d.cumulative_log_return) - 1 as cumulative_return,
       exp(d.benchmark_cumulative_log_return - i.cumulative_log_return) - 1 as benchmark_cumulative_return,
       d.trapped_market_value, d.deeply_trapped_market_value, d.turnover, d.commission, d.stamp_duty,
       d.transfer_fee, d.trading_costs, d.net_commission, a.net_commission as branch_net_commission,
       d.fill_count, d.order_count
from {client_rows("marts.fct_client_daily")} as d
left join {client_rows("marts.dim_client")} as c on c.client_key = d.client_key
left join marts.dim_branch as b on b.branch_key = d.branch_key
{_client_profile_join("d")}
left join marts.agg_branch_daily as a on a.business_date = d.business_date and a.branch_code = d.branch_code
left join marts.fct_index_daily as i on i.business_date = c.first_landed_date and i.is_benchmark
""",
            verbose={
                **CLIENT_VERBOSE,
                "cash_balance": "资金余额",
                "market_value": "证券市值",
                "total_assets": "总资产",
                "bank_transfer_in": "银证转入",
                "bank_transfer_out": "银证转出",
                "net_cash_inflow": "资金净流入",
                "net_asset_inflow": "资产净流入",
                "dividend_amount": "红利",
                "interest_amount": "利息",
                "fee_amount": "费用",
                "daily_pnl": "当日盈亏",
                "cumulative_return": "累计收益率(自首个落地日)",
                "benchmark_cumulative_return": "沪深300同期累计收益率",
                "branch_net_commission": "营业部净佣金(当日)",
            },
            metrics=[
                Metric("total_assets_yuan", "总资产(元)", _sum_yuan("total_assets"), F_YI),
                Metric("cash_yuan", "资金余额(元)", _sum_yuan("cash_balance"), F_YI),
                Metric("market_value_yuan", "证券市值(元)", _sum_yuan("market_value"), F_YI),
                Metric("transfer_in_yuan", "银证转入(元)", _sum_yuan("bank_transfer_in"), F_YI),
                Metric("transfer_out_yuan", "银证转出(元)", _sum_yuan("bank_transfer_out"), F_YI),
                Metric("pnl_yuan", "盈亏(元)", _sum_yuan("daily_pnl"), F_YI, "区间内当日盈亏之和"),
                Metric(
                    "period_return",
                    "区间收益率",
                    _only_one_client("EXP(SUM(log_return)) - 1"),
                    F_PCT,
                    "时间加权:Π(1+日收益率)−1(选定一个客户)",
                ),
                Metric(
                    "benchmark_return",
                    "沪深300同期收益率",
                    _only_one_client("EXP(SUM(benchmark_log_return)) - 1"),
                    F_PCT,
                    "客户有记录的交易日上沪深300的收益率",
                ),
                Metric(
                    "relative_return",
                    "相对收益",
                    _only_one_client("EXP(SUM(log_return)) - EXP(SUM(benchmark_log_return))"),
                    F_PCT,
                    "区间收益率 − 沪深300同期收益率",
                ),
                Metric(
                    "cumulative_return",
                    "累计收益率",
                    _only_one_client("MAX(cumulative_return)"),
                    F_PCT,
                    "自客户首个落地日",
                ),
                Metric(
                    "benchmark_cumulative_return",
                    "沪深300累计收益率",
                    _only_one_client("MAX(benchmark_cumulative_return)"),
                    F_PCT,
                    "自客户首个落地日",
                ),
                Metric(
                    "trapped_degree",
                    "套牢程度",
                    _ratio("SUM(trapped_market_value)", "SUM(market_value)"),
                    F_PCT,
                    "浮亏≥10%的持仓市值/证券市值",
                ),
                Metric(
                    "deeply_trapped_degree",
                    "深套程度",
                    _ratio("SUM(deeply_trapped_market_value)", "SUM(market_value)"),
                    F_PCT,
                    "浮亏≥30%的持仓市值/证券市值",
                ),
                Metric("turnover_yuan", "成交金额(元)", _sum_yuan("turnover"), F_YI),
                Metric("commission_yuan", "佣金(元)", _sum_yuan("commission"), F_YI),
                Metric("stamp_duty_yuan", "印花税(元)", _sum_yuan("stamp_duty"), F_YI),
                Metric("transfer_fee_yuan", "过户费(元)", _sum_yuan("transfer_fee"), F_YI),
                Metric(
                    "trading_costs_yuan",
                    "交易费用(元)",
                    _sum_yuan("trading_costs"),
                    F_YI,
                    "佣金+印花税+过户费",
                ),
                Metric("net_commission_yuan", "净佣金(元)", _sum_yuan("net_commission"), F_YI),
                Metric(
                    "contribution_rate",
                    "贡献率",
                    _only_one_client(_ratio("SUM(net_commission)", "SUM(branch_net_commission)")),
                    F_PCT,
                    "客户净佣金/所在营业部同期净佣金",
                ),
            ],
        ),
        Dataset(
            key="bi_client_fills",
            title="客户成交明细",
            sql=f"""
select f.business_date, f.branch_code, b.branch_name, b.region_name, f.client_id,
       {label} as client_label, {CLIENT_BROKER_COLUMNS},
       f.fill_id, cast(f.trade_time as varchar) as trade_time, f.security_code,
       coalesce(s.security_name, f.security_code) as security_name,
       coalesce(ch.channel_name_zh, '未知') as channel_name,
       case f.side when 'B' then '买入' when 'S' then '卖出' else f.side end as side_name,
       f.price, f.qty, f.amount, f.commission, f.stamp_duty, f.transfer_fee, f.trading_costs,
       f.net_commission, f.realized_pnl
from {client_rows("marts.fct_fills")} as f
left join {client_rows("marts.dim_client")} as c on c.client_key = f.client_key
left join marts.dim_branch as b on b.branch_key = f.branch_key
left join marts.dim_security as s on s.security_key = f.security_key
left join marts.dim_channel as ch on ch.channel_key = f.channel_key
{_client_profile_join("f")}
""",
            verbose={
                **CLIENT_VERBOSE,
                "fill_id": "成交编号",
                "trade_time": "成交时间",
                "security_code": "证券代码",
                "security_name": "证券简称",
                "channel_name": "委托方式",
                "side_name": "买卖",
                "price": "成交价",
                "qty": "成交数量",
                "amount": "成交金额",
                "commission": "佣金",
                "stamp_duty": "印花税",
                "transfer_fee": "过户费",
                "realized_pnl": "已实现盈亏",
            },
            metrics=[
                Metric("turnover_yuan", "成交金额(元)", _sum_yuan("amount"), F_YI),
                Metric("fills", "成交笔数", "COUNT(*)", F_INT),
                Metric(
                    "realized_pnl_yuan",
                    "已实现盈亏(元)",
                    _sum_yuan("realized_pnl"),
                    F_YI,
                    "卖出成交:移动平均成本",
                ),
            ],
        ),
        Dataset(
            key="bi_client_cash_flows",
            title="客户资金流水",
            sql=f"""
select f.business_date, f.branch_code, b.branch_name, b.region_name, f.client_id,
       {label} as client_label, {CLIENT_BROKER_COLUMNS},
       f.cash_flow_key, cast(f.flow_time as varchar) as flow_time, f.flow_type_name_zh as flow_type_name,
       f.inflow_amount, f.outflow_amount
from {client_rows("marts.fct_cash_flows")} as f
left join {client_rows("marts.dim_client")} as c on c.client_key = f.client_key
left join marts.dim_branch as b on b.branch_key = f.branch_key
{_client_profile_join("f")}
""",
            verbose={
                **CLIENT_VERBOSE,
                "cash_flow_key": "流水键",
                "flow_time": "时间",
                "flow_type_name": "业务类别",
                "inflow_amount": "收入",
                "outflow_amount": "支出",
            },
            metrics=[
                Metric("inflow_yuan", "收入(元)", _sum_yuan("inflow_amount"), F_YI),
                Metric("outflow_yuan", "支出(元)", _sum_yuan("outflow_amount"), F_YI),
            ],
        ),
        Dataset(
            key="bi_client_positions",
            title="客户月末持仓",
            # the statement's holdings: each month's end (the client's last landed day of the month)
            sql=f"""
select o.business_date, o.branch_code, b.branch_name, b.region_name, o.client_id,
       {label} as client_label, {CLIENT_BROKER_COLUMNS},
       o.security_key, coalesce(s.security_name, o.security_code) as security_name, o.qty, o.cost_amount,
       o.market_value, o.unrealized_pnl, o.unrealized_return,
       case when o.is_deeply_trapped then '深套' when o.is_trapped then '套牢' else '' end as trapped_flag
from {client_rows("marts.fct_positions_monthly")} as o
left join {client_rows("marts.dim_client")} as c on c.client_key = o.client_key
left join marts.dim_branch as b on b.branch_key = o.branch_key
left join marts.dim_security as s on s.security_key = o.security_key
{_client_profile_join("o")}
""",
            verbose={
                **CLIENT_VERBOSE,
                "security_key": "证券",
                "security_name": "证券简称",
                "qty": "持仓数量",
                "cost_amount": "持仓成本",
                "market_value": "市值",
                "unrealized_pnl": "浮动盈亏",
                "unrealized_return": "浮动收益率",
                "trapped_flag": "套牢",
            },
            metrics=[Metric("market_value_yuan", "市值(元)", _sum_yuan("market_value"), F_YI)],
        ),
    ]


# rankings with a selectable N: every (month, branch or broker, measure) ranked within the month, company
# wide (rank_no 1 = highest, ties by key); the rankings dashboard's filters pick the entity, the measure
# and the range of rank_no
RANK_DATASET = Dataset(
    key="bi_rank_monthly",
    title="月度排名(营业部/经纪人)",
    sql="""
with monthly as (
    select p.month_start_date, p.branch_code, b.branch_name, b.region_name, p.broker_key,
           case when k.is_unassigned then '无归属·' || b.branch_name
                else coalesce(k.broker_name, p.broker_key) end as broker_label,
           p.net_commission, p.turnover, p.daily_average_aum, p.net_asset_inflow
    from marts.agg_broker_performance_monthly as p
    left join marts.dim_broker as k on k.broker_key = p.broker_key
    left join marts.dim_branch as b on b.branch_key = p.branch_key
),
entities as (
    select month_start_date, branch_code, branch_name, region_name, '经纪人' as entity_type,
           broker_key as entity_key, broker_label as entity_name, net_commission, turnover, daily_average_aum,
           net_asset_inflow
    from monthly
    union all
    select month_start_date, branch_code, branch_name, region_name, '营业部', branch_code, branch_name,
           sum(net_commission), sum(turnover), sum(daily_average_aum), sum(net_asset_inflow)
    from monthly
    group by month_start_date, branch_code, branch_name, region_name
),
measures as (
    select *, '净佣金' as rank_measure, net_commission as rank_value from entities
    union all
    select *, '成交金额', turnover from entities
    union all
    select *, '日均资产', daily_average_aum from entities
    union all
    select *, '资产净流入', net_asset_inflow from entities
)
select month_start_date as business_date, branch_code, branch_name, region_name, entity_type, entity_key,
       entity_name, rank_measure, rank_value,
       row_number() over (
           partition by month_start_date, entity_type, rank_measure order by rank_value desc, entity_key
       ) as rank_no
from measures
""",
    verbose={
        "business_date": "月份(月初)",
        "entity_type": "排名对象",
        "entity_key": "代码",
        "entity_name": "名称",
        "rank_measure": "排名指标",
        "rank_value": "指标值(元)",
        "rank_no": "名次",
    },
    compare_suffix="较上月",
    metrics=[Metric("rank_value_wan", "指标值(万元)", _sum_wan("rank_value"), F_WAN)],
)
DATASETS += [*_client_datasets(), RANK_DATASET]
DATASET_BY_KEY = {d.key: d for d in DATASETS}

# ---------------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------------
B, K, F, ORD = "bi_branch_daily", "bi_broker_daily", "bi_trade_fills", "bi_trade_orders"
A, H = "bi_assets_daily", "bi_holdings_daily"
def _top10_bars(prefix: str, who: str, dataset: str, group: str,
                measures: tuple[tuple[str, str, str], ...]) -> list[Chart]:
    """One top-10 bar chart per (key suffix, title, metric), descending, ties broken by `group`."""
    return [
        Chart(f"{prefix}_{name}", f"{who} Top 10:{title}", "cat_bar", dataset, [metric], [group], 10,
              tiebreak=True)
        for name, title, metric in measures
    ]


CHARTS: list[Chart] = [
    # 经营总览
    Chart("ov_clients", "客户数", "big_number", B, ["clients"]),
    Chart("ov_effective", "有效户数", "big_number", B, ["effective_accounts"]),
    Chart("ov_assets", "总资产(亿元)", "big_number", B, ["total_assets_yi"]),
    Chart("ov_mv", "证券市值(亿元)", "big_number", B, ["market_value_yi"]),
    Chart("ov_turnover", "成交金额(万元)", "big_number_total", B, ["turnover_wan"]),
    Chart("ov_net_commission", "净佣金(万元)", "big_number_total", B, ["net_commission_wan"]),
    Chart("ov_commission_rate", "净佣金率", "big_number_total", B, ["net_commission_rate"]),
    Chart("ov_inflow", "资产净流入(万元)", "big_number_total", B, ["net_asset_inflow_wan"]),
    Chart("ov_assets_trend", "总资产趋势(按分公司)", "line", B, ["total_assets_yi"], ["region_name"]),
    Chart("ov_trading_trend", "成交金额与净佣金趋势", "bar", B, ["turnover_wan", "net_commission_wan"]),
    Chart("ov_region_rank", "分公司排名(日均总资产)", "cat_bar", B, ["avg_total_assets_yi"], ["region_name"]),
    Chart(
        "ov_branch_rank",
        "营业部排名",
        "table",
        B,
        [
            "avg_total_assets_yi",
            "turnover_wan",
            "net_commission_wan",
            "net_commission_rate",
            "net_asset_inflow_wan",
            "new_clients",
        ],
        ["region_name", "branch_name"],
    ),
    # 交易分析
    Chart("tr_turnover", "成交金额(万元)", "big_number_total", B, ["turnover_wan"]),
    Chart("tr_orders", "委托笔数", "big_number_total", ORD, ["orders"]),
    Chart("tr_fills", "成交笔数", "big_number_total", F, ["fills"]),
    Chart("tr_fill_to_order", "成交委托比", "big_number_total", ORD, ["fill_to_order"]),
    Chart("tr_cancel_ratio", "撤单率", "big_number_total", ORD, ["cancel_ratio"]),
    Chart("tr_turnover_trend", "成交金额趋势(按营业部)", "line", B, ["turnover_wan"], ["branch_name"]),
    Chart("tr_ratio_trend", "成交委托比与撤单率趋势", "line", ORD, ["fill_to_order", "cancel_ratio"]),
    Chart("tr_channel_turnover", "委托方式:成交金额", "pie", F, ["turnover_wan"], ["channel_name"]),
    Chart("tr_channel_orders", "委托方式:委托笔数", "pie", ORD, ["orders"], ["channel_name"]),
    Chart(
        "tr_channel_table",
        "委托方式对比",
        "table",
        ORD,
        ["orders", "fill_to_order", "cancel_ratio"],
        ["channel_name"],
    ),
    Chart("tr_board", "板块成交金额", "cat_bar", F, ["turnover_wan"], ["board_name"]),
    Chart("tr_industry", "行业成交金额 Top 15", "cat_bar", F, ["turnover_wan"], ["industry"], row_limit=15),
    # 经纪人
    Chart("bk_brokers", "经纪人数", "big_number_total", K, ["brokers"]),
    Chart("bk_aum", "日均归属资产(万元)", "big_number_total", K, ["avg_aum_wan"]),
    Chart("bk_net_commission", "净佣金(万元)", "big_number_total", K, ["net_commission_wan"]),
    Chart("bk_inflow", "资产净流入(万元)", "big_number_total", K, ["net_asset_inflow_wan"]),
    Chart(
        "bk_rank",
        "经纪人排名",
        "table",
        K,
        [
            "avg_aum_wan",
            "net_commission_wan",
            "net_commission_rate",
            "turnover_wan",
            "net_asset_inflow_wan",
            "avg_clients",
        ],
        ["region_name", "branch_name", "broker_key", "broker_name", "broker_type_name_zh"],
        percent_metrics=["net_commission_wan"],
        description="净佣金占比即贡献率(占当前筛选范围)",
    ),
    Chart(
        "bk_top_commission",
        "净佣金 Top 10 经纪人",
        "cat_bar",
        K,
        ["net_commission_wan"],
        ["broker_name"],
        row_limit=10,
    ),
    Chart("bk_aum_trend", "归属资产趋势(按营业部)", "line", K, ["aum_yi"], ["branch_name"]),
    # 资产分析
    Chart("as_cash", "资金余额(亿元)", "big_number", A, ["cash_yi"]),
    Chart("as_mv", "证券市值(亿元)", "big_number", A, ["market_value_yi"]),
    Chart("as_assets", "总资产(亿元)", "big_number", A, ["total_assets_yi"]),
    Chart("as_position", "仓位", "big_number", A, ["position_ratio"], description="证券市值/总资产"),
    Chart(
        "as_assets_trend",
        "资金余额、证券市值与总资产趋势",
        "line",
        A,
        ["cash_yi", "market_value_yi", "total_assets_yi"],
    ),
    Chart("as_position_trend", "仓位趋势(按分公司)", "line", A, ["position_ratio"], ["region_name"]),
    Chart("as_pnl_tier", "客户盈亏分布(按客户分级)", "cat_bar", A, ["daily_pnl_wan"], ["tier_name"]),
    Chart(
        "as_tier_table",
        "客户分级:资产与盈亏",
        "table",
        A,
        ["avg_total_assets_yi", "daily_pnl_wan", "position_ratio"],
        ["tier_rank", "tier_name"],
        percent_metrics=["daily_pnl_wan"],
        description="盈亏占比占当前筛选范围",
    ),
    Chart("as_trapped_board", "套牢市值占比(按板块)", "cat_bar", H, ["trapped_share"], ["board_name"]),
    Chart(
        "as_trapped_industry",
        "套牢市值占比(按行业)",
        "table",
        H,
        ["trapped_share", "deeply_trapped_share", "trapped_mv_yi", "market_value_yi"],
        ["industry"],
    ),
    # 排行榜 (top 10, descending; ties broken by the group-by columns)
    *_top10_bars("rk_branch", "营业部", B, "branch_name", (
        ("turnover", "成交金额(万元)", "turnover_wan"),
        ("commission", "净佣金(万元)", "net_commission_wan"),
        ("mv", "日均托管市值(亿元)", "avg_market_value_yi"),
        ("inflow", "资产净流入(万元)", "net_asset_inflow_wan"),
    )),
    Chart(
        "rk_branch_table",
        "营业部排行 Top 10(按成交金额)",
        "table",
        B,
        [
            "turnover_wan",
            "net_commission_wan",
            "avg_market_value_yi",
            "avg_total_assets_yi",
            "net_asset_inflow_wan",
        ],
        ["region_name", "branch_name"],
        row_limit=10,
        tiebreak=True,
    ),
    *_top10_bars("rk_broker", "经纪人", K, "broker_label", (
        ("turnover", "成交金额(万元)", "turnover_wan"),
        ("commission", "净佣金(万元)", "net_commission_wan"),
        ("aum", "日均归属资产(万元)", "avg_aum_wan"),
        ("inflow", "资产净流入(万元)", "net_asset_inflow_wan"),
    )),
    Chart(
        "rk_broker_table",
        "经纪人排行 Top 10(按净佣金)",
        "table",
        K,
        ["net_commission_wan", "turnover_wan", "avg_mv_wan", "avg_aum_wan", "net_asset_inflow_wan"],
        ["branch_name", "broker_key", "broker_name"],
        row_limit=10,
        tiebreak=True,
    ),
    Chart(
        "rk_broker_contribution",
        "贡献率 Top 10 经纪人",
        "table",
        "bi_broker_monthly",
        ["contribution_rate", "net_commission_wan"],
        ["branch_name", "broker_key", "broker_name"],
        row_limit=10,
        tiebreak=True,
        description="经纪人净佣金/所在营业部净佣金;按月,日期范围按月初日期筛选",
    ),
    Chart(
        "rk_channel_turnover",
        "委托方式排行:成交金额(万元)",
        "cat_bar",
        "bi_turnover_daily",
        ["turnover_wan"],
        ["channel_name"],
        row_limit=10,
        tiebreak=True,
    ),
    Chart(
        "rk_channel_table",
        "委托方式排行",
        "table",
        "bi_turnover_daily",
        ["turnover_wan", "net_commission_wan", "fills"],
        ["channel_name"],
        row_limit=10,
        percent_metrics=["turnover_wan"],
        tiebreak=True,
        description="成交金额占比占当前筛选范围",
    ),
    Chart(
        "rk_stock_turnover",
        "热门股 Top 10(按成交金额)",
        "table",
        "bi_security_daily",
        ["turnover_wan", "traders", "fills"],
        ["security_key", "security_name"],
        row_limit=10,
        tiebreak=True,
        description="本公司客户的成交金额",
    ),
    Chart(
        "rk_stock_traders",
        "热门股 Top 10(按交易客户数)",
        "table",
        "bi_security_daily",
        ["traders", "turnover_wan", "fills"],
        ["security_key", "security_name"],
        row_limit=10,
        tiebreak=True,
        description="交易客户数:各营业部各交易日去重人数之和",
    ),
    # 数据质量
    Chart("dq_packages", "已落地数据包", "big_number_total", "bi_dq_packages", ["packages"]),
    Chart("dq_refused", "拒收数据包", "big_number_total", "bi_dq_refused", ["refused_packages"]),
    Chart("dq_violations", "规则违例", "big_number_total", "bi_dq_events", ["violations"]),
    Chart("dq_quarantined", "隔离行数", "big_number_total", "bi_dq_packages", ["quarantined"]),
    Chart(
        "dq_packages_trend",
        "每日落地数据包(按营业部)",
        "bar",
        "bi_dq_packages",
        ["packages"],
        ["branch_name"],
    ),
    Chart("dq_by_rule", "违例按规则", "cat_bar", "bi_dq_events", ["violations"], ["rule_id"]),
    Chart(
        "dq_by_branch_date",
        "违例按营业部与日期",
        "table",
        "bi_dq_events",
        ["violations"],
        ["business_date", "branch_name", "file_name", "rule_id"],
    ),
    Chart(
        "dq_refused_table",
        "拒收明细",
        "table",
        "bi_dq_refused",
        ["refused_packages"],
        ["business_date", "branch_name", "file_name", "rule_id"],
    ),
]
# 客户情况 (client-month dataset; trends by month)
CM, CE, CD = "bi_client_monthly", "bi_client_period_end", "bi_client_daily"
# the month's client counts (sums over its client-months) on the charts by month; the time grain filter
# leaves these charts by month (native_filters)
CHARTS += [
    Chart("cl_clients", "客户数(月)", "big_number", CM, ["month_clients"]),
    Chart("cl_effective", "有效户(月末)", "big_number", CM, ["month_effective_accounts"]),
    Chart("cl_active", "活跃客户(月)", "big_number", CM, ["month_active_clients"]),
    Chart("cl_inactive", "不活跃客户(月末)", "big_number", CM, ["month_inactive_clients"]),
    Chart("cl_new", "新开户", "big_number_total", CM, ["new_clients"]),
    Chart("cl_closed", "销户", "big_number_total", CM, ["closed_clients"]),
    Chart("cl_churned", "流失客户", "big_number_total", CM, ["churned_clients"]),
    Chart("cl_custody_in", "转托管转入(笔)", "big_number_total", CM, ["custody_in"]),
    Chart("cl_custody_out", "转托管转出(笔)", "big_number_total", CM, ["custody_out"]),
    Chart("cl_flow_trend", "客户流动(按月)", "bar", CM, ["new_clients", "closed_clients", "churned_clients"]),
    Chart(
        "cl_activity_trend",
        "活跃度(按月)",
        "line",
        CM,
        ["month_active_clients", "month_effective_accounts", "month_inactive_clients"],
    ),
    Chart("cl_custody_trend", "转托管转入/转出市值(按月)", "bar", CM, ["custody_in_wan", "custody_out_wan"]),
    Chart(
        "cl_tier_migration",
        "客户分级迁移(上月→本月)",
        "sankey",
        CM,
        ["client_months"],
        ["from_tier", "to_tier"],
        description="每客户每月计一次;区间跨多月时为客户·月",
    ),
    Chart("cl_by_region", "客户分布:分公司", "pie", CE, ["clients"], ["region_name"]),
    Chart("cl_by_gender", "客户分布:性别", "pie", CE, ["clients"], ["gender_name"]),
    Chart("cl_by_risk", "客户分布:风险等级", "pie", CE, ["clients"], ["risk_level"]),
    Chart("cl_by_channel", "客户分布:委托方式偏好", "pie", CE, ["clients"], ["channel_name"]),
    Chart("cl_by_tier", "客户分布:客户分级", "cat_bar", CE, ["clients"], ["tier_name"], tiebreak=True),
    Chart("cl_by_age", "客户分布:年龄段", "cat_bar", CE, ["clients"], ["age_band"], tiebreak=True),
    Chart("cl_by_tenure", "客户分布:开户年限", "cat_bar", CE, ["clients"], ["tenure_band"], tiebreak=True),
    Chart("cl_by_city", "客户分布:城市 Top 15", "cat_bar", CE, ["clients"], ["city"], 15, tiebreak=True),
    # a month per row: every count a sum over the client-months (distinct counts over a range of months
    # took 4 hash tables of every client-month: 390 ms on bench10m's 1.3 M, growing with the range)
    Chart(
        "cl_branch_table",
        "营业部客户月报",
        "table",
        CM,
        ["month_clients", "new_clients", "closed_clients", "churned_clients", "month_active_clients",
         "month_effective_accounts", "month_inactive_clients"],  # fmt: skip
        ["report_month", "region_name", "branch_name"],
        tiebreak=True,
        description="每营业部每月一行;客户数、活跃、有效户、不活跃为当月客户数,新开户、销户、流失为当月合计",
    ),
    # 客户分析: one client (the dashboard's client filter is required)
    Chart(
        "ci_profile",
        "客户概况",
        "table",
        CM,
        ["avg_assets_yuan", "turnover_yuan", "net_commission_yuan"],
        ["client_id", "client_name_masked", "gender_name", "birth_year", "city", "risk_level", "open_date",
         "client_status_name", "branch_name"],  # fmt: skip
        tiebreak=True,
        height=20,
    ),
    Chart("ci_assets", "总资产(元)", "big_number", CD, ["total_assets_yuan"]),
    Chart("ci_pnl_total", "区间盈亏(元)", "big_number_total", CD, ["pnl_yuan"]),
    Chart("ci_realized", "已实现盈亏(元)", "big_number_total", "bi_client_fills", ["realized_pnl_yuan"]),
    Chart("ci_contribution", "贡献率(占营业部净佣金)", "big_number_total", CD, ["contribution_rate"]),
    Chart("ci_return", "区间收益率", "big_number_total", CD, ["period_return"]),
    Chart("ci_benchmark", "沪深300同期收益率", "big_number_total", CD, ["benchmark_return"]),
    Chart("ci_relative", "相对收益(对沪深300)", "big_number_total", CD, ["relative_return"]),
    Chart(
        "ci_monthly",
        "月度画像:分级、服务经纪人、委托方式偏好",
        "table",
        CM,
        ["avg_assets_yuan", "month_end_assets_yuan", "turnover_yuan", "net_commission_yuan", "pnl_yuan"],
        ["business_date", "branch_name", "broker_label", "tier_name", "channel_name", "age_band",
         "tenure_band"],  # fmt: skip
        tiebreak=True,
        height=40,
    ),
    Chart("ci_return_trend", "累计收益率与沪深300", "line", CD, ["cumulative_return",
                                                              "benchmark_cumulative_return"]),  # fmt: skip
    Chart("ci_assets_trend", "资金余额、证券市值与总资产", "line", CD, ["cash_yuan", "market_value_yuan",
                                                                      "total_assets_yuan"]),  # fmt: skip
    Chart("ci_cash_flow", "银证转入/转出", "bar", CD, ["transfer_in_yuan", "transfer_out_yuan"]),
    Chart("ci_pnl", "每日盈亏", "bar", CD, ["pnl_yuan"]),
    Chart("ci_trapped", "套牢程度", "line", CD, ["trapped_degree", "deeply_trapped_degree"]),
    Chart(
        "ci_costs",
        "交易成本",
        "table",
        CD,
        ["turnover_yuan", "commission_yuan", "stamp_duty_yuan", "transfer_fee_yuan", "trading_costs_yuan",
         "net_commission_yuan"],  # fmt: skip
    ),
    Chart(
        "ci_favourite",
        "中意证券 Top 10(按成交金额)",
        "cat_bar",
        "bi_client_fills",
        ["turnover_yuan"],
        ["security_name"],
        10,
        tiebreak=True,
    ),
    Chart("ci_channel", "委托方式(成交笔数)", "pie", "bi_client_fills", ["fills"], ["channel_name"]),
    Chart(
        "ci_statement_balances",
        "对帐单:每日资产",
        "raw_table",
        CD,
        [],
        ["business_date", "cash_balance", "market_value", "total_assets", "bank_transfer_in",
         "bank_transfer_out", "net_asset_inflow", "dividend_amount", "interest_amount", "fee_amount",
         "daily_pnl"],  # fmt: skip
        order_by=[("business_date", False), ("branch_code", True), ("client_id", True)],
    ),
    Chart(
        "ci_statement_fills",
        "对帐单:成交",
        "raw_table",
        "bi_client_fills",
        [],
        ["business_date", "trade_time", "security_code", "security_name", "side_name", "price", "qty",
         "amount", "commission", "stamp_duty", "transfer_fee", "realized_pnl", "channel_name"],  # fmt: skip
        order_by=[("business_date", False), ("trade_time", False), ("fill_id", True)],
    ),
    Chart(
        "ci_statement_flows",
        "对帐单:资金流水",
        "raw_table",
        "bi_client_cash_flows",
        [],
        ["business_date", "flow_time", "flow_type_name", "inflow_amount", "outflow_amount"],
        order_by=[("business_date", False), ("flow_time", False), ("cash_flow_key", True)],
    ),
    Chart(
        "ci_holdings",
        "对帐单:月末持仓",
        "raw_table",
        "bi_client_positions",
        [],
        ["business_date", "security_name", "qty", "cost_amount", "market_value", "unrealized_pnl",
         "unrealized_return", "trapped_flag"],  # fmt: skip
        row_limit=5000,
        order_by=[("business_date", False), ("security_key", True), ("client_id", True),
                  ("branch_code", True)],  # fmt: skip
    ),
    # 排行榜: Top N (the dashboard's 名次 filter), by month
    Chart(
        "rn_table",
        "月度排名 Top N(按所选对象与指标)",
        "table",
        "bi_rank_monthly",
        ["rank_value_wan"],
        ["business_date", "entity_type", "rank_measure", "rank_no", "region_name", "branch_name",
         "entity_name"],  # fmt: skip
        tiebreak=True,
        description="每月全公司排名;用「排名对象」「排名指标」「名次」筛选器选择 N",
    ),
]
CHART_BY_KEY = {c.key: c for c in CHARTS}

DASHBOARDS: list[Dashboard] = [
    Dashboard(
        "overview",
        "经营总览",
        [
            [("ov_clients", 3), ("ov_effective", 3), ("ov_assets", 3), ("ov_mv", 3)],
            [("ov_turnover", 3), ("ov_net_commission", 3), ("ov_commission_rate", 3), ("ov_inflow", 3)],
            [("ov_assets_trend", 6), ("ov_trading_trend", 6)],
            [("ov_region_rank", 4), ("ov_branch_rank", 8)],
        ],
        ["date", "region", "branch", "timegrain"],
    ),
    Dashboard(
        "trading",
        "交易分析",
        [
            [
                ("tr_turnover", 3),
                ("tr_orders", 2),
                ("tr_fills", 2),
                ("tr_fill_to_order", 2),
                ("tr_cancel_ratio", 3),
            ],
            [("tr_turnover_trend", 6), ("tr_ratio_trend", 6)],
            [("tr_channel_turnover", 4), ("tr_channel_orders", 4), ("tr_channel_table", 4)],
            [("tr_board", 6), ("tr_industry", 6)],
        ],
        ["date", "region", "branch", "timegrain"],
    ),
    Dashboard(
        "brokers",
        "经纪人",
        [
            [("bk_brokers", 3), ("bk_aum", 3), ("bk_net_commission", 3), ("bk_inflow", 3)],
            [("bk_rank", 12)],
            [("bk_top_commission", 6), ("bk_aum_trend", 6)],
        ],
        ["date", "region", "branch", "broker", "timegrain"],
    ),
    Dashboard(
        "assets",
        "资产分析",
        [
            [("as_cash", 3), ("as_mv", 3), ("as_assets", 3), ("as_position", 3)],
            [("as_assets_trend", 6), ("as_position_trend", 6)],
            [("as_pnl_tier", 6), ("as_tier_table", 6)],
            [("as_trapped_board", 6), ("as_trapped_industry", 6)],
        ],
        ["date", "region", "branch", "timegrain"],
    ),
    Dashboard(
        "rankings",
        "排行榜",
        [
            [
                ("rk_branch_turnover", 3),
                ("rk_branch_commission", 3),
                ("rk_branch_mv", 3),
                ("rk_branch_inflow", 3),
            ],
            [("rk_branch_table", 12)],
            [
                ("rk_broker_turnover", 3),
                ("rk_broker_commission", 3),
                ("rk_broker_aum", 3),
                ("rk_broker_inflow", 3),
            ],
            [("rk_broker_table", 8), ("rk_broker_contribution", 4)],
            [("rk_channel_turnover", 6), ("rk_channel_table", 6)],
            [("rk_stock_turnover", 6), ("rk_stock_traders", 6)],
            [("rn_table", 12)],
        ],
        ["date", "region", "branch", "rank_entity", "rank_measure", "rank_no"],
        description="营业部、经纪人、委托方式、热门股 Top 10(降序);月度排名 Top N(名次筛选器选择 N)",
    ),
    Dashboard(
        "data-quality",
        "数据质量",
        [
            [("dq_packages", 3), ("dq_refused", 3), ("dq_violations", 3), ("dq_quarantined", 3)],
            [("dq_packages_trend", 6), ("dq_by_rule", 6)],
            [("dq_by_branch_date", 6), ("dq_refused_table", 6)],
        ],
        ["date", "region", "branch", "timegrain"],
    ),
    Dashboard(
        "clients",
        "客户情况",
        [
            [("cl_clients", 3), ("cl_effective", 3), ("cl_active", 3), ("cl_inactive", 3)],
            [("cl_new", 3), ("cl_closed", 2), ("cl_churned", 2), ("cl_custody_in", 2), ("cl_custody_out", 3)],
            [("cl_flow_trend", 6), ("cl_activity_trend", 6)],
            [("cl_tier_migration", 6), ("cl_custody_trend", 6)],
            [("cl_by_region", 3), ("cl_by_gender", 3), ("cl_by_risk", 3), ("cl_by_channel", 3)],
            [("cl_by_tier", 3), ("cl_by_age", 3), ("cl_by_tenure", 3), ("cl_by_city", 3)],
            [("cl_branch_table", 12)],
        ],
        ["date", "region", "branch", "broker", "tier", "channel", "timegrain"],
        description="客户流动、活跃度与分级迁移(按月);客户分布为区间末月的客户,每客户计一次",
    ),
    Dashboard(
        "client",
        "客户分析",
        [
            [("ci_profile", 12)],
            [("ci_assets", 3), ("ci_pnl_total", 3), ("ci_realized", 3), ("ci_contribution", 3)],
            [("ci_return", 4), ("ci_benchmark", 4), ("ci_relative", 4)],
            [("ci_monthly", 12)],
            [("ci_return_trend", 6), ("ci_assets_trend", 6)],
            [("ci_cash_flow", 6), ("ci_pnl", 6)],
            [("ci_trapped", 6), ("ci_costs", 6)],
            [("ci_favourite", 6), ("ci_channel", 6)],
            [("ci_statement_balances", 12)],
            [("ci_statement_fills", 12)],
            [("ci_statement_flows", 6), ("ci_holdings", 6)],
        ],
        ["date", "region", "branch", "client", "timegrain"],
        description="单个客户 360°:概况、对帐单、资金进出、相对沪深300收益、盈亏、成本、套牢、贡献",
    ),
]

FILTER_COLUMNS = {
    "region": ("分公司", "region_name"),
    "branch": ("营业部", "branch_name"),
    "broker": ("经纪人", "broker_name"),
    "tier": ("客户分级", "tier_name"),
    "channel": ("委托方式偏好", "channel_name"),
    "client": ("客户(代码/姓名)", "client_label"),
    "rank_entity": ("排名对象", "entity_type"),
    "rank_measure": ("排名指标", "rank_measure"),
    "rank_no": ("名次", "rank_no"),
}
# a select filter narrows its options to the first of these filters the dashboard has
CASCADE = {"branch": ["region"], "broker": ["branch"], "client": ["broker", "branch"]}
# single-choice filters that always hold a value (the charts wait for it): key -> default (None = first)
REQUIRED = {"client": None, "rank_entity": "经纪人", "rank_measure": "净佣金"}
RANK_DEFAULT = (1, 10)  # the 名次 range filter: top 10 until the viewer moves it

# ---------------------------------------------------------------------------------------------------
# Chart form data and query context
# ---------------------------------------------------------------------------------------------------
VIZ = {
    "big_number_total": "big_number_total",
    "big_number": "big_number",
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "cat_bar": "echarts_timeseries_bar",
    "pie": "pie",
    "table": "table",
    "raw_table": "table",
    "sankey": "sankey_v2",
}
TIME_AXIS = {
    "timeGrain": "P1D",
    "columnType": "BASE_AXIS",
    "sqlExpression": "business_date",
    "label": "business_date",
    "expressionType": "SQL",
}


def _format(chart: Chart) -> str:
    if not chart.metrics:  # raw_table
        return ",.2f"
    return DATASET_BY_KEY[chart.dataset].metric(chart.metrics[0]).d3format or ",.2f"


def form_data(chart: Chart) -> dict:
    ds = DATASET_BY_KEY[chart.dataset]
    fd: dict = {
        "viz_type": VIZ[chart.viz],
        "datasource": f"__{ds.key}__table",  # replaced on import by the dataset's id
        "adhoc_filters": [],
        "time_range": "No filter",
        "granularity_sqla": ds.main_dttm,
        "extra_form_data": {},
        "dashboards": [],
    }
    fmt = _format(chart)
    if chart.viz == "big_number_total":
        fd.update(metric=chart.metrics[0], y_axis_format=fmt, header_font_size=0.4, subheader_font_size=0.15)
    elif chart.viz == "big_number":
        fd.update(
            metric=chart.metrics[0],
            x_axis=ds.main_dttm,
            time_grain_sqla="P1D",
            y_axis_format=fmt,
            show_trend_line=True,
            start_y_axis_at_zero=False,
            compare_lag=1,
            compare_suffix=ds.compare_suffix,
            rolling_type="None",
            header_font_size=0.4,
            subheader_font_size=0.15,
            time_format="%Y-%m-%d",
        )
    elif chart.viz in ("line", "bar"):
        fd.update(
            x_axis=ds.main_dttm,
            time_grain_sqla="P1D",
            metrics=chart.metrics,
            groupby=chart.groupby,
            row_limit=chart.row_limit,
            order_desc=True,
            y_axis_format=fmt,
            x_axis_time_format="%Y-%m-%d",
            show_legend=True,
            legendType="scroll",
            rich_tooltip=True,
            tooltipTimeFormat="%Y-%m-%d",
            truncate_metric=True,
            zoomable=False,
            markerEnabled=chart.viz == "line",
            x_axis_sort_asc=True,
            comparison_type="values",
        )
    elif chart.viz == "cat_bar":
        fd.update(
            x_axis=chart.groupby[0],
            metrics=chart.metrics,
            groupby=[],
            row_limit=chart.row_limit,
            order_desc=True,
            y_axis_format=fmt,
            x_axis_sort=chart.metrics[0],
            x_axis_sort_asc=False,
            show_legend=False,
            rich_tooltip=True,
            show_value=True,
            orientation="vertical",
            comparison_type="values",
        )
    elif chart.viz == "pie":
        fd.update(
            groupby=chart.groupby,
            metric=chart.metrics[0],
            row_limit=chart.row_limit,
            sort_by_metric=True,
            number_format=fmt,
            label_type="key_percent",
            show_labels=True,
            show_legend=True,
            legendType="scroll",
            donut=True,
            outerRadius=70,
            innerRadius=35,
        )
    elif chart.viz == "table":
        fd.update(
            query_mode="aggregate",
            groupby=chart.groupby,
            metrics=chart.metrics,
            percent_metrics=chart.percent_metrics,
            timeseries_limit_metric=chart.metrics[0],
            order_desc=True,
            row_limit=chart.row_limit,
            server_page_length=10,
            table_timestamp_format="%Y-%m-%d",
            show_cell_bars=True,
            allow_rearrange_columns=False,
            column_config={m: {"d3NumberFormat": ds.metric(m).d3format} for m in chart.metrics},
        )
    elif chart.viz == "raw_table":
        fd.update(
            query_mode="raw",
            all_columns=chart.groupby,
            order_by_cols=[json.dumps([column, asc]) for column, asc in chart.order_by],
            row_limit=chart.row_limit,
            server_page_length=10,
            page_length=20,
            table_timestamp_format="%Y-%m-%d",
            allow_rearrange_columns=False,
        )
    elif chart.viz == "sankey":
        fd.update(
            source=chart.groupby[0],
            target=chart.groupby[1],
            metric=chart.metrics[0],
            row_limit=chart.row_limit,
            sort_by_metric=True,
        )
    else:  # pragma: no cover
        raise ValueError(chart.viz)
    return fd


def query_object(chart: Chart) -> dict:
    """The flat query of a chart (no post-processing): what the BI test replays and checks."""
    ds = DATASET_BY_KEY[chart.dataset]
    columns: list = []
    if chart.viz in ("big_number", "line", "bar"):
        columns.append({**TIME_AXIS, "sqlExpression": ds.main_dttm, "label": ds.main_dttm})
    columns += list(chart.groupby)
    raw = chart.viz == "raw_table"
    query = {
        "filters": [],
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "columns": columns,
        # a raw table has no metrics at all (an empty list would group by its columns)
        "metrics": None if raw else list(chart.metrics),
        "orderby": (
            [[column, asc] for column, asc in chart.order_by]
            if raw
            else [[chart.metrics[0], not chart.order_desc]]
        ),
        "annotation_layers": [],
        "row_limit": chart.row_limit,
        "series_limit": 0,
        "order_desc": chart.order_desc,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "time_range": "No filter",
        "granularity": ds.main_dttm,
    }
    if chart.viz in ("big_number", "line", "bar"):
        query["orderby"] = [[ds.main_dttm, True]] if not chart.groupby else query["orderby"]
    elif chart.tiebreak:
        query["orderby"] += [[column, True] for column in chart.groupby]
    if raw:
        query["order_desc"] = False
    return query


def query_context(chart: Chart, dataset_id: int | None = None) -> dict:
    return {
        "datasource": {"id": dataset_id or 0, "type": "table"},
        "force": False,
        "queries": [query_object(chart)],
        "form_data": form_data(chart),
        "result_format": "json",
        "result_type": "full",
    }


# ---------------------------------------------------------------------------------------------------
# Bundle writer
# ---------------------------------------------------------------------------------------------------
def _duckdb_type(t: str) -> str:
    return re.sub(r"\s+", "", str(t)).upper()


def describe(serving: Path, ds: Dataset) -> list[tuple[str, str]]:
    import duckdb

    con = duckdb.connect(str(serving), read_only=True)
    try:
        rows = con.execute(f"describe ({ds.plain_sql})").fetchall()
    finally:
        con.close()
    return [(r[0], _duckdb_type(r[1])) for r in rows]


def dataset_yaml(ds: Dataset, columns: list[tuple[str, str]]) -> dict:
    verbose = {**COMMON_VERBOSE, **ds.verbose}
    return {
        "table_name": ds.key,
        "main_dttm_col": ds.main_dttm,
        "description": ds.title,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "catalog": None,
        "schema": "marts",
        "sql": ds.full_sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": ds.uuid,
        "metrics": [
            {
                "metric_name": m.name,
                "verbose_name": m.verbose,
                "metric_type": None,
                "expression": m.expression,
                "description": m.description or None,
                "d3format": m.d3format,
                "currency": None,
                "extra": {"warning_markdown": ""},
                "warning_text": None,
            }
            for m in ds.metrics
        ],
        "columns": [
            {
                "column_name": name,
                "verbose_name": verbose.get(name),
                "is_dttm": type_ in ("DATE", "TIMESTAMP", "TIMESTAMPWITHTIMEZONE"),
                "is_active": True,
                "type": type_,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": None,
                "python_date_format": None,
                "extra": {},
            }
            for name, type_ in columns
        ],
        "version": VERSION,
        "database_uuid": uid("database", DATABASE_KEY),
    }


def chart_yaml(chart: Chart) -> dict:
    return {
        "slice_name": chart.title,
        "description": chart.description or None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": VIZ[chart.viz],
        "params": form_data(chart),
        "query_context": json.dumps(query_context(chart), ensure_ascii=False),
        "cache_timeout": None,
        "uuid": chart.uuid,
        "version": VERSION,
        "dataset_uuid": DATASET_BY_KEY[chart.dataset].uuid,
    }


def _filter_id(slug: str, name: str) -> str:
    return "NATIVE_FILTER-" + uid("filter", f"{slug}:{name}")[:12]


def _dashboard_charts(dash: Dashboard) -> list[Chart]:
    """The dashboard's charts in layout order (their position chartId is the 1-based index)."""
    return [CHART_BY_KEY[k] for row in dash.rows for k, _ in row]


def _month_only_charts(charts: list[Chart]) -> list[int]:
    """The positions (1-based) of the charts showing a month's client counts (MONTH_ONLY_METRICS)."""
    return [i for i, chart in enumerate(charts, start=1) if MONTH_ONLY_METRICS & set(chart.metrics)]


def native_filters(dash: Dashboard, columns: dict[str, set[str]]) -> list[dict]:
    """The filter bar. A column filter targets the first dataset of the dashboard that has the column and
    is scoped to the charts whose dataset has it (`columns`: dataset key -> its column names)."""
    charts = _dashboard_charts(dash)
    datasets = list(dict.fromkeys(c.dataset for c in charts))
    ids = {name: _filter_id(dash.slug, name) for name in dash.filters}
    out = []
    for name in dash.filters:
        base = {
            "id": ids[name],
            "description": "",
            "type": "NATIVE_FILTER",
            "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
            "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
            "cascadeParentIds": [],
            "tabsInScope": [],
        }
        if name == "date":
            base.update(
                name="日期范围",
                filterType="filter_time",
                targets=[{}],
                controlValues={"enableEmptyFilter": False},
            )
        elif name == "timegrain":
            base.update(
                name="时间粒度",
                filterType="filter_timegrain",
                targets=[{"datasetUuid": DATASET_BY_KEY[datasets[0]].uuid}],
                controlValues={"enableEmptyFilter": False},
                # a month's client counts are sums that hold by month only: those charts stay by month
                scope={"rootPath": ["ROOT_ID"], "excluded": _month_only_charts(charts)},
            )
        else:
            label, column = FILTER_COLUMNS[name]
            target = next(DATASET_BY_KEY[k] for k in datasets if column in columns[k])
            base.update(
                name=label,
                targets=[{"column": {"name": column}, "datasetUuid": target.uuid}],
                scope={
                    "rootPath": ["ROOT_ID"],
                    "excluded": [
                        i for i, chart in enumerate(charts, start=1) if column not in columns[chart.dataset]
                    ],
                },
            )
            if name == "rank_no":
                low, high = RANK_DEFAULT
                base.update(
                    filterType="filter_range",
                    controlValues={"enableEmptyFilter": False},
                    defaultDataMask={
                        "extraFormData": {
                            "filters": [
                                {"col": column, "op": ">=", "val": low},
                                {"col": column, "op": "<=", "val": high},
                            ]
                        },
                        "filterState": {"value": [low, high]},
                        "ownState": {},
                    },
                )
                out.append(base)
                continue
            required = name in REQUIRED
            default = REQUIRED.get(name)
            if default is not None:
                base["defaultDataMask"] = {
                    "extraFormData": {"filters": [{"col": column, "op": "IN", "val": [default]}]},
                    "filterState": {"value": [default]},
                    "ownState": {},
                }
            parent = next((ids[p] for p in CASCADE.get(name, []) if p in ids), None)
            base.update(
                filterType="filter_select",
                controlValues={
                    "enableEmptyFilter": required,
                    "defaultToFirstItem": required and default is None,
                    "multiSelect": not required,
                    "searchAllOptions": name == "client",
                    "inverseSelection": False,
                },
                cascadeParentIds=[parent] if parent else [],
            )
            if required and default is None:
                base["requiredFirst"] = True  # the first value is applied on load, not left pending
        out.append(base)
    return out


def dashboard_yaml(dash: Dashboard, columns: dict[str, set[str]]) -> dict:
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": dash.title}},
    }
    n = 0
    for r, row in enumerate(dash.rows, start=1):
        row_id = f"ROW-{dash.slug}-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        for key, width in row:
            n += 1
            chart = CHART_BY_KEY[key]
            chart_id = f"CHART-{key}"
            position[row_id]["children"].append(chart_id)
            height = 30 if chart.viz.startswith("big_number") else 60
            if chart.viz in ("table", "raw_table") and width == 12:
                height = 80
            height = chart.height or height
            position[chart_id] = {
                "type": "CHART",
                "id": chart_id,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {
                    "width": width,
                    "height": height,
                    "chartId": n,
                    "uuid": chart.uuid,
                    "sliceName": chart.title,
                },
            }
    return {
        "dashboard_title": dash.title,
        "description": dash.description or None,
        "css": "",
        "slug": dash.slug,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": dash.uuid,
        "position": position,
        "metadata": {
            "native_filter_configuration": native_filters(dash, columns),
            "chart_configuration": {},
            "global_chart_configuration": {
                "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                "chartsInScope": [],
            },
            "color_scheme": "supersetColors",
            "cross_filters_enabled": True,
            "refresh_frequency": 0,
            "expanded_slices": {},
            "timed_refresh_immune_slices": [],
            "default_filters": "{}",
            "shared_label_colors": [],
            "color_scheme_domain": [],
        },
        "version": VERSION,
    }


def database_yaml() -> dict:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": DATABASE_URI,
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {
            "allows_virtual_table_explore": True,
            # read only; no file, extension or other database reachable from SQL Lab (the lake's files
            # hold ID numbers) and no setting changeable: the serving file holds every table it needs
            "engine_params": {"connect_args": {"config": READER_CONFIG}},
            "metadata_params": {},
            "schemas_allowed_for_file_upload": [],
        },
        "impersonate_user": False,
        "uuid": uid("database", DATABASE_KEY),
        "version": VERSION,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")


def write_bundle(serving: Path, out: Path = ASSETS) -> None:
    if out.exists():
        shutil.rmtree(out)
    for sub in ("databases", f"datasets/{DATABASE_KEY}", "charts", "dashboards"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    def dump(path: Path, data: dict) -> None:
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8"
        )

    dump(
        out / "metadata.yaml",
        {"version": VERSION, "type": "assets", "timestamp": "2024-01-01T00:00:00+00:00"},
    )
    dump(out / "databases" / f"{DATABASE_KEY}.yaml", database_yaml())
    columns: dict[str, set[str]] = {}
    for ds in DATASETS:
        described = describe(serving, ds)
        columns[ds.key] = {name for name, _ in described}
        dump(out / "datasets" / DATABASE_KEY / f"{ds.key}.yaml", dataset_yaml(ds, described))
    for chart in CHARTS:
        dump(out / "charts" / f"{_slug(chart.key)}.yaml", chart_yaml(chart))
    for dash in DASHBOARDS:
        dump(out / "dashboards" / f"{_slug(dash.slug)}.yaml", dashboard_yaml(dash, columns))


# ---------------------------------------------------------------------------------------------------
# dbt exposures: one per dashboard, depending on every mart / seed its datasets read
# ---------------------------------------------------------------------------------------------------
EXPOSURES = HERE.parent / "models" / "exposures" / "_exposures.yml"
EXPOSURE_OWNER = {"name": "BI 看板", "email": "bi@example.invalid"}
SUPERSET_URL = "http://127.0.0.1:8088"
# the warehouse schemas a dataset may read: marts (dbt models) and reference (dbt seeds)
RELATION = re.compile(r"\b(marts|reference)\.([A-Za-z_][A-Za-z0-9_]*)\b")


def relations(sql: str) -> list[tuple[str, str]]:
    """The (schema, name) of the marts.* / reference.* relations a dataset's SQL reads, sorted."""
    return sorted(set(RELATION.findall(sql)))


def dashboard_datasets(dash: Dashboard) -> list[Dataset]:
    keys = {CHART_BY_KEY[key].dataset for row in dash.rows for key, _ in row}
    return [d for d in DATASETS if d.key in keys]


def dashboard_relations(dash: Dashboard) -> list[str]:
    """The dbt nodes (model or seed names) a dashboard reads through its datasets, sorted."""
    return sorted({name for ds in dashboard_datasets(dash) for _, name in relations(ds.sql)})


def exposure_name(dash: Dashboard) -> str:
    return "superset_" + _slug(dash.slug)


def exposures_yaml() -> dict:
    return {
        "version": 2,
        "exposures": [
            {
                "name": exposure_name(dash),
                "label": dash.title,
                "type": "dashboard",
                "maturity": "high",
                "url": f"{SUPERSET_URL}/superset/dashboard/{dash.slug}/",
                "description": (
                    f"Superset 看板「{dash.title}」(superset/assets_spec.py 生成),数据集:"
                    + ", ".join(d.key for d in dashboard_datasets(dash))
                ),
                "owner": dict(EXPOSURE_OWNER),
                "depends_on": [f"ref('{name}')" for name in dashboard_relations(dash)],
            }
            for dash in DASHBOARDS
        ],
    }


def exposures_text() -> str:
    header = (
        "# generated by superset/assets_spec.py (python superset/assets_spec.py --exposures-only): "
        "do not edit\n"
    )
    return header + yaml.safe_dump(exposures_yaml(), allow_unicode=True, sort_keys=False, width=110)


def write_exposures(path: Path = EXPOSURES) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(exposures_text(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, help="a built serving.duckdb to read column types from")
    parser.add_argument("--out", type=Path, default=ASSETS)
    parser.add_argument("--exposures", type=Path, default=EXPOSURES, help="the dbt exposures file to write")
    parser.add_argument(
        "--exposures-only", action="store_true", help="write the dbt exposures only (no serving file needed)"
    )
    args = parser.parse_args()
    if not args.exposures_only:
        if args.serving is None:
            parser.error("--serving is required (unless --exposures-only)")
        write_bundle(args.serving, args.out)
        counts = f"{len(DATASETS)} datasets, {len(CHARTS)} charts, {len(DASHBOARDS)} dashboards"
        print(f"wrote {counts} to {args.out}")
    write_exposures(args.exposures)
    print(f"wrote {len(DASHBOARDS)} dbt exposures to {args.exposures}")


if __name__ == "__main__":
    main()

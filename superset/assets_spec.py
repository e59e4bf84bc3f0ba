"""Dashboards as code: the one place where datasets, charts and dashboards are described.

`python superset/assets_spec.py --serving <serving.duckdb>` (Superset's venv) writes the Superset export
bundle under `superset/assets/` (metadata.yaml, databases/, datasets/, charts/, dashboards/), which is
committed and imported on every start (`superset/bi.py import`). Column lists of the datasets are read
from the serving file (DESCRIBE of each dataset's SQL), so a new mart column shows up after a rebuild and
a re-generation.

To add a chart: add a `Chart(...)` to `CHARTS` and put its key in a dashboard's `rows`.
To add a cube: add a `Dataset(...)` (its SQL must expose `business_date`, `region_name`, `branch_name`
and `branch_code` so the dashboards' native filters and the row-level security apply to it) and list it
in `RLS_DATASETS` of `bi.py` if branch heads may see it.

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

import yaml

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
NAMESPACE = uuid.UUID("6f1c9a52-3c2e-4d8e-9b5e-2f7d0c1b7a11")
VERSION = "1.0.0"

DATABASE_NAME = "证券经纪数仓"
DATABASE_KEY = "warehouse"
# rewritten to the absolute serving file by `bi.py import`; committed relative to the repository
DATABASE_URI = "duckdb:///data/warehouse/serving.duckdb?access_mode=read_only"

# every dataset's SQL ends with this comment: the viewer becomes part of the cache key, so row-level
# security clauses that use {{ current_username() }} never share cached results between users
VIEWER_TAG = "/* viewer: {{ current_username() }} */"

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

    @property
    def uuid(self) -> str:
        return uid("dataset", self.key)

    @property
    def full_sql(self) -> str:
        return self.sql.strip() + "\n" + VIEWER_TAG

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.name == name)


@dataclass
class Chart:
    key: str
    title: str
    viz: str  # big_number_total | big_number | line | bar | pie | table | cat_bar
    dataset: str
    metrics: list[str]
    groupby: list[str] = field(default_factory=list)
    row_limit: int = 1000
    order_desc: bool = True
    percent_metrics: list[str] = field(default_factory=list)
    description: str = ""
    # top-N charts: break ties of the sort metric by the group-by columns, so the N rows are deterministic
    tiebreak: bool = False

    @property
    def uuid(self) -> str:
        return uid("chart", self.key)


@dataclass
class Dashboard:
    slug: str
    title: str
    rows: list[list[tuple[str, int]]]  # rows of (chart key, width of 12)
    filters: list[str]  # "date", "region", "branch", "broker"
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
            Metric("orders", "委托笔数", "SUM(CASE WHEN is_normal THEN 1 ELSE 0 END)", F_INT, "普通委托"),
            Metric(
                "fill_to_order",
                "成交委托比",
                _ratio(
                    "SUM(CASE WHEN is_normal AND is_filled THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN is_normal THEN 1 ELSE 0 END)",
                ),
                F_PCT,
            ),
            Metric(
                "cancel_ratio",
                "撤单率",
                _ratio(
                    "SUM(CASE WHEN is_normal AND is_cancelled THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN is_normal THEN 1 ELSE 0 END)",
                ),
                F_PCT,
            ),
            Metric(
                "ipo_subscriptions",
                "新股申购笔数",
                "SUM(CASE WHEN is_ipo_subscription THEN 1 ELSE 0 END)",
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
        ["date", "region", "branch"],
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
        ["date", "region", "branch"],
    ),
    Dashboard(
        "brokers",
        "经纪人",
        [
            [("bk_brokers", 3), ("bk_aum", 3), ("bk_net_commission", 3), ("bk_inflow", 3)],
            [("bk_rank", 12)],
            [("bk_top_commission", 6), ("bk_aum_trend", 6)],
        ],
        ["date", "region", "branch", "broker"],
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
        ["date", "region", "branch"],
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
        ],
        ["date", "region", "branch"],
        description="营业部、经纪人、委托方式、热门股 Top 10(降序)",
    ),
    Dashboard(
        "data-quality",
        "数据质量",
        [
            [("dq_packages", 3), ("dq_refused", 3), ("dq_violations", 3), ("dq_quarantined", 3)],
            [("dq_packages_trend", 6), ("dq_by_rule", 6)],
            [("dq_by_branch_date", 6), ("dq_refused_table", 6)],
        ],
        ["date", "region", "branch"],
    ),
]

FILTER_COLUMNS = {
    "region": ("分公司", "region_name"),
    "branch": ("营业部", "branch_name"),
    "broker": ("经纪人", "broker_name"),
}

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
}
TIME_AXIS = {
    "timeGrainSqla": "P1D",
    "columnType": "BASE_AXIS",
    "sqlExpression": "business_date",
    "label": "business_date",
    "expressionType": "SQL",
}


def _format(chart: Chart) -> str:
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
            compare_suffix="较上一交易日",
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
    query = {
        "filters": [],
        "extras": {"having": "", "where": ""},
        "applied_time_extras": {},
        "columns": columns,
        "metrics": list(chart.metrics),
        "orderby": [[chart.metrics[0], not chart.order_desc]],
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
        rows = con.execute(f"describe ({ds.sql})").fetchall()
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


def native_filters(dash: Dashboard) -> list[dict]:
    charts = [CHART_BY_KEY[k] for row in dash.rows for k, _ in row]
    target_ds = DATASET_BY_KEY[charts[0].dataset]
    if "broker" in dash.filters:
        target_ds = DATASET_BY_KEY[K]
    out = []
    parent: str | None = None
    for name in dash.filters:
        fid = _filter_id(dash.slug, name)
        base = {
            "id": fid,
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
        else:
            label, column = FILTER_COLUMNS[name]
            base.update(
                name=label,
                filterType="filter_select",
                targets=[{"column": {"name": column}, "datasetUuid": target_ds.uuid}],
                controlValues={
                    "enableEmptyFilter": False,
                    "defaultToFirstItem": False,
                    "multiSelect": True,
                    "searchAllOptions": False,
                    "inverseSelection": False,
                },
                cascadeParentIds=[parent] if parent else [],
            )
            parent = fid
        out.append(base)
    return out


def dashboard_yaml(dash: Dashboard) -> dict:
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
            if chart.viz == "table" and width == 12:
                height = 80
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
            "native_filter_configuration": native_filters(dash),
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
            "engine_params": {"connect_args": {"config": {"access_mode": "read_only"}}},
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
    for ds in DATASETS:
        dump(out / "datasets" / DATABASE_KEY / f"{ds.key}.yaml", dataset_yaml(ds, describe(serving, ds)))
    for chart in CHARTS:
        dump(out / "charts" / f"{_slug(chart.key)}.yaml", chart_yaml(chart))
    for dash in DASHBOARDS:
        dump(out / "dashboards" / f"{_slug(dash.slug)}.yaml", dashboard_yaml(dash))


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

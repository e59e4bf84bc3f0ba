"""Compose each recipient's digest: Chinese HTML with inline PNG charts and a plain-text alternative.

broker               今日工作 (the day's reminders about their clients, by value at stake),
                     资讯主动通知 (held securities that hit a limit or moved >= 7%), their AUM trend
team lead            the same, then their team's day: totals, one line per broker, the top reminders
branch head          their own work list (with the unassigned clients of the branch), the branch's
                     day, broker ranking, exceptions
executive            company summary, top / bottom branches, exceptions, data-quality problems

Every function reads the day's facts through their per-recipient indexes (DayFacts), so one digest
costs the same whether the company has 20 brokers or 5,000.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from warehouse.digest import charts
from warehouse.digest.data import DayFacts, Row
from warehouse.digest.formatting import (
    CSS_TABLE,
    ImageSet,
    client_text,
    describe,
    escape,
    greeting,
    h2,
    image,
    links_html,
    money,
    notice_list,
    num,
    page,
    pct,
    table,
    text_links,
    work_list,
)
from warehouse.digest.links import dashboard_link
from warehouse.digest.message import Digest
from warehouse.digest.recipients import Recipient
from warehouse.digest.team import team_section

EXCEPTION_KINDS = ("churn_warning", "account_closed", "custody_transfer_out", "suitability", "large_transfer")


# ------------------------------------------------------------------------------------------ broker
def broker_digest(recipient: Recipient, facts: DayFacts, *, empty: str = "skip") -> Digest | None:
    """A broker's (or team lead's) digest; None when there is nothing (no reminder of theirs or their
    team's, no notice) and `empty` is "skip"."""
    d = facts.business_date
    mine = facts.reminders_by_recipient.get(recipient.broker_id, [])
    notices = facts.notices_by_recipient.get(recipient.broker_id, [])
    team = team_section(recipient, facts) if recipient.role == "team_lead" else None
    quiet = not mine and not notices and (team is None or team.reminder_count == 0)
    if quiet and empty == "skip":
        return None
    broker = facts.brokers.get(recipient.broker_id, {})
    branch_name = (facts.branches.get(recipient.branch_code) or {}).get("branch_name")
    links = [
        (
            "经纪人看板（本人）",
            dashboard_link(
                "brokers",
                business_date=d,
                branch_name=branch_name,
                broker_name=broker.get("broker_name") or recipient.name,
                days=20,
            ),
        ),
        ("经营总览（本营业部）", dashboard_link("overview", business_date=d, branch_name=branch_name)),
    ]
    subject = f"【每日提醒】{d.isoformat()} {recipient.name}：今日工作 {len(mine)} 项"
    title = f"每日提醒 · {d.isoformat()}"
    if quiet:
        line = "今日您的客户没有需要跟进的提醒。"
        body = f"<p>{line}</p>" + links_html(links)
        text = f"{title}\n\n{greeting(recipient, d)}\n\n{line}\n\n看板：\n{text_links(links)}\n"
        return Digest(recipient, "broker", d, subject, text, page(title, greeting(recipient, d), body))
    images = ImageSet(d, recipient)
    parts = [
        f"<p>今日工作 <b>{len(mine)}</b> 项，资讯通知 <b>{len(notices)}</b> 条，按涉及金额从高到低排列。</p>"
    ]
    text = [title, "", greeting(recipient, d), ""]
    counts = Counter(r["reminder_name_zh"] for r in mine)
    if mine:
        listing, lines = work_list(mine)
        parts += [h2(f"今日工作（{len(mine)} 项）"), listing]
        text += [f"今日工作（{len(mine)} 项，按涉及金额排序）", lines, ""]
    if notices:
        listing, lines = notice_list(notices)
        parts += [
            h2(f"资讯主动通知（{len(notices)} 条）"),
            "<p style='font-size:13px'>您的客户持有的以下证券今日涨跌停或涨跌幅达到 7%：</p>",
            listing,
        ]
        text += [f"资讯主动通知（{len(notices)} 条）", lines, ""]
    trend = facts.broker_days_by_broker.get(recipient.broker_id, [])
    if trend:
        by_date = defaultdict(float)
        for r in trend:
            by_date[r["business_date"]] += num(r["total_assets"])
        dates = [x for x in facts.trend_dates if x in by_date]
        cid = images.add(
            "aum", charts.trend_line(dates, [by_date[x] for x in dates], charts.label("万元", "CNY 10k"))
        )
        parts += [h2("我的托管资产"), image(cid, f"归属本人的客户总资产，近 {len(dates)} 个交易日（万元）")]
        today = by_date.get(d)
        if today is not None:
            text += [f"归属本人的客户总资产：{money(today)}", ""]
    if counts:
        summary = "、".join(f"{k} {v}" for k, v in counts.most_common())
        parts.insert(1, f"<p style='font-size:13px;color:#555'>分类：{escape(summary)}</p>")
    if team is not None:
        parts += team.html
        text += team.text
    parts.append(links_html(links))
    text += ["看板：", text_links(links), ""]
    return Digest(
        recipient,
        "broker",
        d,
        subject,
        "\n".join(text),
        page(title, greeting(recipient, d), "".join(parts)),
        images.images,
        item_count=len(mine) + len(notices) + (team.reminder_count if team else 0),
    )


# ------------------------------------------------------------------------------------------ branch head
def _branch_figures(row: Row) -> list[tuple[str, str]]:
    return [
        ("成交金额", money(row["turnover"])),
        ("净佣金", money(row["net_commission"])),
        ("净佣金率", pct(row["net_commission_rate"], 3) if row["net_commission_rate"] is not None else "—"),
        ("资产净流入", money(row["net_asset_inflow"])),
        ("客户总资产", money(row["total_assets"])),
        ("新开户", str(row["new_client_count"])),
        ("销户", str(row["closed_client_count"])),
        ("流失客户", str(row["churned_client_count"])),
        ("流失预警", str(row["churn_warning_count"])),
    ]


def _figures_html(figures: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<td style="padding:6px 10px;border:1px solid #e3e8ef;width:33%"><div style="font-size:12px;'
        f'color:#666">{escape(k)}</div><div style="font-size:15px;font-weight:600">{escape(v)}</div></td>'
        + ("</tr><tr>" if i % 3 == 2 and i + 1 < len(figures) else "")
        for i, (k, v) in enumerate(figures)
    )
    return f'<table style="{CSS_TABLE}"><tr>{cells}</tr></table>'


def branch_head_digest(recipient: Recipient, facts: DayFacts) -> Digest | None:
    d = facts.business_date
    branch_rows = facts.branch_days_by_branch.get(recipient.branch_code, [])
    today = next((r for r in branch_rows if r["business_date"] == d), None)
    mine = facts.reminders_by_recipient.get(recipient.broker_id, [])
    notices = facts.notices_by_recipient.get(recipient.broker_id, [])
    if today is None and not mine:
        return None
    branch_name = (facts.branches.get(recipient.branch_code) or {}).get(
        "branch_name"
    ) or recipient.branch_code
    images = ImageSet(d, recipient)
    title = f"营业部日报 · {branch_name} · {d.isoformat()}"
    subject = f"【营业部日报】{d.isoformat()} {branch_name}"
    parts, text = [], [title, "", greeting(recipient, d), ""]
    if today is not None:
        figures = _branch_figures(today)
        parts += [h2("营业部当日"), _figures_html(figures)]
        text += ["营业部当日："] + [f"  {k}：{v}" for k, v in figures] + [""]
        dates = [r["business_date"] for r in branch_rows]
        cid = images.add(
            "branch-turnover",
            charts.bars(
                [x.strftime("%m-%d") for x in dates][-10:],
                [num(r["net_asset_inflow"]) for r in branch_rows][-10:],
                charts.label("万元", "CNY 10k"),
            ),
        )
        parts.append(image(cid, f"资产净流入，近 {min(10, len(dates))} 个交易日（万元）"))
    # broker ranking by net commission
    ranked = sorted(
        (r for r in facts.broker_today_by_branch.get(recipient.branch_code, []) if not r["is_unassigned"]),
        key=lambda r: (-num(r["net_commission"]), -num(r["total_assets"]), r["attributed_broker_key"]),
    )
    reminder_counts = Counter(
        r["recipient_broker_id"] for r in facts.reminders_by_branch.get(recipient.branch_code, [])
    )
    if ranked:
        rows = [
            [
                i,
                r["broker_name"],
                r["client_count"],
                money(r["total_assets"]),
                money(r["net_asset_inflow"]),
                money(r["turnover"]),
                money(r["net_commission"]),
                reminder_counts.get(r["broker_id"], 0),
            ]
            for i, r in enumerate(ranked, 1)
        ]
        parts += [
            h2("经纪人排名（按净佣金）"),
            table(
                ["#", "经纪人", "客户数", "托管资产", "资产净流入", "成交金额", "净佣金", "今日提醒"],
                rows,
                {2, 3, 4, 5, 6, 7},
            ),
        ]
        text += (
            ["经纪人排名（按净佣金）："]
            + [
                f"  {row[0]}. {row[1]} 净佣金 {row[6]}，托管资产 {row[3]}，今日提醒 {row[7]} 项"
                for row in rows
            ]
            + [""]
        )
    # exceptions: the branch's risk reminders (all brokers) and its data-quality problems
    exceptions = [
        r
        for r in facts.reminders_by_branch.get(recipient.branch_code, [])
        if r["reminder_kind"] in EXCEPTION_KINDS
        and not (r["reminder_kind"] == "large_transfer" and num(r["amount"]) > 0)
    ]
    dq = facts.data_quality_by_branch.get(recipient.branch_code, [])
    if exceptions or dq:
        parts.append(h2("异常关注"))
        text.append("异常关注：")
        if exceptions:
            rows = []
            for r in sorted(exceptions, key=lambda r: -num(r["value_at_stake"]))[:15]:
                what, _ = describe(r)
                owner = facts.brokers.get(r["broker_id"] or "", {}).get("broker_name") or "无归属"
                rows.append([r["reminder_name_zh"], client_text(r), owner, what])
                text.append(f"  【{r['reminder_name_zh']}】{client_text(r)}（{owner}）：{what}")
            parts.append(table(["类型", "客户", "经纪人", "事项"], rows))
        if dq:
            parts.append(
                table(
                    ["数据问题", "文件", "条数", "示例"],
                    [
                        [q["rule_id"], q["file_name"] or "", q["problem_count"], q["example"] or ""]
                        for q in dq
                    ],
                    {2},
                )
            )
            text += [f"  数据问题 {q['rule_id']} {q['file_name'] or ''}：{q['problem_count']} 条" for q in dq]
        text.append("")
    if mine:
        listing, lines = work_list(mine)
        parts += [h2(f"我的今日工作（{len(mine)} 项，含无归属客户）"), listing]
        text += [f"我的今日工作（{len(mine)} 项，含无归属客户）", lines, ""]
    if notices:
        listing, lines = notice_list(notices)
        parts += [h2(f"资讯主动通知（{len(notices)} 条）"), listing]
        text += [f"资讯主动通知（{len(notices)} 条）", lines, ""]
    links = [
        ("经营总览（本营业部）", dashboard_link("overview", business_date=d, branch_name=branch_name)),
        ("经纪人看板（本营业部）", dashboard_link("brokers", business_date=d, branch_name=branch_name)),
        ("数据质量", dashboard_link("data-quality", business_date=d, branch_name=branch_name)),
    ]
    parts.append(links_html(links))
    text += ["看板：", text_links(links), ""]
    return Digest(
        recipient,
        "branch_head",
        d,
        subject,
        "\n".join(text),
        page(title, greeting(recipient, d), "".join(parts)),
        images.images,
        item_count=len(mine) + len(notices) + len(exceptions),
    )


# ------------------------------------------------------------------------------------------ executive
def _sum(rows: list[Row], column: str) -> Decimal:
    return sum((Decimal(r[column] or 0) for r in rows), Decimal(0))


def executive_digest(recipient: Recipient, facts: DayFacts) -> Digest | None:
    d = facts.business_date
    today = [r for r in facts.branch_days if r["business_date"] == d]
    if not today:
        return None
    images = ImageSet(d, recipient)
    title = f"公司日报 · {d.isoformat()}"
    subject = f"【公司日报】{d.isoformat()} 经营概况与数据质量"
    turnover, net_commission = _sum(today, "turnover"), _sum(today, "net_commission")
    company = {
        "turnover": turnover,
        "net_commission": net_commission,
        "net_commission_rate": (net_commission / turnover) if turnover else None,
        "net_asset_inflow": _sum(today, "net_asset_inflow"),
        "total_assets": _sum(today, "total_assets"),
        **{
            c: sum(int(r[c] or 0) for r in today)
            for c in (
                "new_client_count",
                "closed_client_count",
                "churned_client_count",
                "churn_warning_count",
            )
        },
    }
    figures = _branch_figures(company)
    parts = [h2("公司概况"), _figures_html(figures)]
    text = [title, "", greeting(recipient, d), "", "公司概况："] + [f"  {k}：{v}" for k, v in figures] + [""]
    by_date: dict[date, float] = defaultdict(float)
    for r in facts.branch_days:
        by_date[r["business_date"]] += num(r["turnover"])
    dates = sorted(by_date)
    cid = images.add(
        "company-turnover",
        charts.trend_line(dates, [by_date[x] for x in dates], charts.label("万元", "CNY 10k")),
    )
    parts.append(image(cid, f"公司成交金额，近 {len(dates)} 个交易日（万元）"))

    def name(r: Row) -> str:
        return r.get("branch_name") or r["branch_code"]

    ranked = sorted(today, key=lambda r: (-num(r["net_commission"]), r["branch_code"]))
    top, bottom = ranked[:3], ranked[-3:][::-1] if len(ranked) > 3 else []
    rows = [
        [
            i,
            name(r),
            money(r["net_commission"]),
            money(r["turnover"]),
            money(r["net_asset_inflow"]),
            r["new_client_count"],
            r["churned_client_count"],
        ]
        for i, r in enumerate(ranked, 1)
    ]
    headers = ["#", "营业部", "净佣金", "成交金额", "资产净流入", "新开户", "流失"]
    parts += [
        h2("营业部排名（按净佣金）"),
        "<p style='font-size:13px'>前三："
        + escape("、".join(name(r) for r in top))
        + ("；后三：" + escape("、".join(name(r) for r in bottom)) if bottom else "")
        + "</p>",
        table(headers, rows[:10] + (rows[-3:] if len(rows) > 13 else []), {2, 3, 4, 5, 6}),
    ]
    text += ["营业部排名（按净佣金）：", "  前三：" + "、".join(name(r) for r in top)]
    if bottom:
        text.append("  后三：" + "、".join(name(r) for r in bottom))
    text.append("")
    inflow_sorted = sorted(today, key=lambda r: num(r["net_asset_inflow"]))
    cid = images.add(
        "branch-inflow",
        charts.bars(
            [r["branch_code"] for r in inflow_sorted],
            [num(r["net_asset_inflow"]) for r in inflow_sorted],
            charts.label("万元", "CNY 10k"),
            horizontal=True,
        ),
    )
    parts.append(image(cid, "各营业部当日资产净流入（万元）"))
    kinds = Counter(r["reminder_name_zh"] for r in facts.reminders)
    big = sorted(
        (r for r in facts.reminders if r["reminder_kind"] in EXCEPTION_KINDS),
        key=lambda r: -num(r["value_at_stake"]),
    )[:10]
    parts.append(h2("异常与提醒"))
    text.append("异常与提醒：")
    if kinds:
        summary = "、".join(f"{k} {v}" for k, v in kinds.most_common())
        parts.append(f"<p style='font-size:13px'>今日各类提醒：{escape(summary)}</p>")
        text.append(f"  今日各类提醒：{summary}")
    if big:
        rows = []
        for r in big:
            what, _ = describe(r)
            branch = (facts.branches.get(r["branch_code"]) or {}).get("branch_name") or r["branch_code"]
            rows.append([r["reminder_name_zh"], branch, client_text(r), what])
            text.append(f"  【{r['reminder_name_zh']}】{branch} {client_text(r)}：{what}")
        parts.append(table(["类型", "营业部", "客户", "事项"], rows))
    text.append("")
    parts.append(h2(f"数据质量（{len(facts.data_quality)} 项问题）"))
    if facts.data_quality:
        rows = [
            [
                q["package_branch"],
                q["rule_id"],
                q["severity"],
                q["file_name"] or "",
                q["problem_count"],
                q["example"] or "",
            ]
            for q in facts.data_quality[:20]
        ]
        parts.append(table(["营业部", "规则", "级别", "文件", "条数", "示例"], rows, {4}))
        text += ["数据质量问题："] + [f"  {r[0]} {r[1]}（{r[2]}）{r[3]}：{r[4]} 条" for r in rows]
    else:
        parts.append("<p style='font-size:13px'>今日各营业部数据包均已落地，未发现数据质量问题。</p>")
        text.append("数据质量：今日未发现问题。")
    text.append("")
    links = [
        ("经营总览", dashboard_link("overview", business_date=d)),
        ("交易分析", dashboard_link("trading", business_date=d)),
        ("经纪人", dashboard_link("brokers", business_date=d)),
        ("数据质量", dashboard_link("data-quality", business_date=d)),
    ]
    parts.append(links_html(links))
    text += ["看板：", text_links(links), ""]
    return Digest(
        recipient,
        "executive",
        d,
        subject,
        "\n".join(text),
        page(title, greeting(recipient, d), "".join(parts)),
        images.images,
        item_count=len(big) + len(facts.data_quality),
    )

"""Compose each recipient's digest: Chinese HTML with inline PNG charts and a plain-text alternative.

broker / team lead   今日工作 (the day's reminders about their clients, by value at stake),
                     资讯主动通知 (held securities that hit a limit or moved >= 7%), their AUM trend
branch head          their own work list (with the unassigned clients of the branch), the branch's
                     day, broker ranking, exceptions
executive            company summary, top / bottom branches, exceptions, data-quality problems
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any

from warehouse.digest import charts
from warehouse.digest.data import DayFacts, Row
from warehouse.digest.links import dashboard_link
from warehouse.digest.recipients import Recipient

EXCEPTION_KINDS = ("churn_warning", "account_closed", "custody_transfer_out", "suitability", "large_transfer")
WEEKDAYS = "一二三四五六日"


@dataclass
class Digest:
    recipient: Recipient
    kind: str  # broker | branch_head | executive
    business_date: date
    subject: str
    text: str
    html: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (content id without <>, png)
    item_count: int = 0

    def to_message(self, sender: str, message_id: str) -> EmailMessage:
        """multipart/alternative: text/plain, then multipart/related (text/html + the PNGs by cid)."""
        message = EmailMessage()
        message["Subject"] = self.subject
        message["From"] = sender
        message["To"] = formataddr((self.recipient.name, self.recipient.email))
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = message_id
        message["X-Digest-Key"] = f"{self.business_date.isoformat()}/{self.recipient.broker_id}/{self.kind}"
        message.set_content(self.text, subtype="plain", charset="utf-8")
        message.add_alternative(self.html, subtype="html", charset="utf-8")
        html_part = message.get_payload()[1]
        for cid, png in self.images:
            html_part.add_related(
                png,
                maintype="image",
                subtype="png",
                cid=f"<{cid}>",
                filename=f"{cid.split('@')[0]}.png",
                disposition="inline",
            )
        return message


# ------------------------------------------------------------------------------------------ format
def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def money(value: Any) -> str:
    """¥1,234,567.89; amounts of 100,000 and more also read in 万."""
    v = _num(value)
    text = f"¥{v:,.2f}"
    return f"{text}（{v / 10_000:,.1f}万）" if abs(v) >= 100_000 else text


def pct(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{_num(value) * 100:.{digits}f}%"


def signed_pct(value: Any) -> str:
    return "—" if value is None else f"{_num(value) * 100:+.2f}%"


def day_text(d: date) -> str:
    return f"{d.isoformat()}（周{WEEKDAYS[d.weekday()]}）"


def _security(row: Row) -> str:
    if not row.get("security_code"):
        return ""
    name = row.get("security_name") or ""
    return f"{name}（{row['security_code']}）" if name else row["security_code"]


def _client(row: Row) -> str:
    return f"{row.get('client_name_masked') or '客户'}（{row['client_id']}）"


BOARD_NAMES = {"STAR": "科创板", "CHINEXT": "创业板", "BSE": "北交所"}


def describe(row: Row) -> tuple[str, str]:
    """(what happened, what to do) of one reminder, in Chinese."""
    kind = row["reminder_kind"]
    amount = _num(row["amount"])
    count = row.get("event_count") or 1
    security = _security(row)
    more = f"等{count}只" if count > 1 else ""
    if kind == "large_transfer":
        direction = "转入" if amount >= 0 else "转出"
        times = f"（{count}笔）" if count > 1 else ""
        return (
            f"银证转账{direction} {money(abs(amount))}{times}",
            "了解资金用途；转出时关注是否有流失倾向" if amount < 0 else "了解资金计划，做好配置建议",
        )
    if kind == "churn_warning":
        return (
            f"近5个交易日资产净流出 {money(-amount)}，占期初总资产 {pct(row.get('metric_value'))}",
            "尽快联系客户，了解流出原因，做好挽留",
        )
    if kind == "account_closed":
        closed = row.get("reference_date")
        return (
            f"客户已销户（销户日 {closed.isoformat() if closed else '—'}），销户前总资产 {money(amount)}",
            "回访了解销户原因，登记流失原因",
        )
    if kind == "custody_transfer_out":
        return (
            f"转托管转出 {security}{more}，按收盘价市值 {money(-amount)}",
            "联系客户了解转出原因，关注是否转至他家券商",
        )
    if kind == "newly_trapped":
        main = f"，主要为 {security}" if security else ""
        return (
            f"套牢程度升至 {pct(row.get('metric_value'))}，套牢市值 {money(amount)}{main}",
            "主动沟通持仓情况，做好情绪安抚与投资建议",
        )
    if kind == "limit_down":
        return (
            f"持仓 {security}{more} 今日跌停，持仓市值 {money(amount)}"
            f"（浮动收益率 {signed_pct(row.get('metric_value'))}）",
            "关注客户情绪，提示风险，避免非理性操作",
        )
    if kind == "suitability":
        board = BOARD_NAMES.get(row.get("board_code") or "", row.get("board_code") or "")
        return (
            f"风险等级 {row.get('risk_level') or '—'} 的客户买入{board} {security}{more}，"
            f"金额 {money(amount)}",
            "核实投资者适当性与权限开通情况，必要时做风险揭示并留痕",
        )
    if kind == "reactivated":
        last = row.get("reference_date")
        since = f"（上次成交 {last.isoformat()}）" if last else ""
        return (
            f"沉寂 {int(_num(row.get('metric_value')))} 天后重新成交{since}，成交额 {money(amount)}",
            "及时跟进，了解客户新的投资需求",
        )
    if kind == "new_client":
        opened = row.get("reference_date")
        return (
            f"新分配的服务客户（开户日 {opened.isoformat() if opened else '—'}），总资产 {money(amount)}",
            "三日内完成首次联系与风险测评回顾",
        )
    if kind == "birthday":
        days = int(_num(row.get("metric_value")))
        when = "今天" if days == 0 else f"{days}天后"
        birthday = row.get("reference_date")
        return (
            f"{when}生日（{birthday.strftime('%m月%d日') if birthday else ''}），总资产 {money(amount)}",
            "送上生日祝福",
        )
    return (row.get("reminder_name_zh") or kind, "")


# ------------------------------------------------------------------------------------------ HTML
CSS_TABLE = "border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 14px"
CSS_TH = "text-align:left;background:#f1f4f8;padding:5px 8px;border-bottom:1px solid #d6dce4"
CSS_TD = "padding:5px 8px;border-bottom:1px solid #eef1f5;vertical-align:top"
CSS_NUM = CSS_TD + ";text-align:right;white-space:nowrap"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th style="{CSS_TH}">{_e(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{CSS_NUM if i in numeric else CSS_TD}">{_e(v)}</td>' for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table style="{CSS_TABLE}"><tr>{head}</tr>{body}</table>'


def _h2(text: str) -> str:
    return (
        f'<h2 style="font-size:16px;color:#1f5fa8;border-left:4px solid #1f5fa8;padding-left:8px;'
        f'margin:20px 0 6px">{_e(text)}</h2>'
    )


def _image(cid: str, caption: str) -> str:
    return (
        f'<figure style="margin:6px 0 14px"><img src="cid:{cid}" alt="{_e(caption)}" width="560" '
        f'style="max-width:100%"><figcaption style="font-size:12px;color:#666">{_e(caption)}</figcaption>'
        f"</figure>"
    )


def _links(links: list[tuple[str, str]]) -> str:
    items = " · ".join(f'<a href="{_e(url)}" style="color:#1f5fa8">{_e(text)}</a>' for text, url in links)
    return f'<p style="font-size:13px">在看板中查看：{items}</p>'


def _page(title: str, greeting: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title></head>"
        "<body style=\"font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;"
        'max-width:760px;margin:0 auto;padding:12px">'
        f'<h1 style="font-size:19px;margin:4px 0 10px">{_e(title)}</h1><p>{_e(greeting)}</p>{body}'
        '<p style="font-size:11px;color:#999;margin-top:24px">'
        "本邮件由客户关系管理分析系统根据当日数据自动生成；"
        "客户姓名已脱敏。如有疑问请联系营业部运营岗。</p></body></html>"
    )


def _text_links(links: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {text}: {url}" for text, url in links)


class ImageSet:
    """Content ids unique per message: <name>.<date>.<recipient>@digest."""

    def __init__(self, business_date: date, recipient: Recipient) -> None:
        self.prefix = f"{business_date:%Y%m%d}.{recipient.broker_id.lower()}"
        self.images: list[tuple[str, bytes]] = []

    def add(self, name: str, png: bytes) -> str:
        cid = f"{name}.{self.prefix}@digest"
        self.images.append((cid, png))
        return cid


# ------------------------------------------------------------------------------------------ pieces
def _work_list(reminders: list[Row]) -> tuple[str, str]:
    """今日工作 as an HTML table and as text, ordered by value at stake."""
    ordered = sorted(
        reminders, key=lambda r: (-_num(r["value_at_stake"]), r["kind_priority"], r["client_id"])
    )
    rows, lines = [], []
    for n, r in enumerate(ordered, 1):
        what, action = describe(r)
        owner = "（无归属客户）" if r.get("is_unassigned") else ""
        rows.append([n, r["reminder_name_zh"], _client(r) + owner, what, action])
        lines.append(f"{n}. 【{r['reminder_name_zh']}】{_client(r)}{owner}：{what}。建议：{action}")
    return _table(["#", "类型", "客户", "事项", "建议"], rows), "\n".join(lines)


def _notices(notices: list[Row]) -> tuple[str, str]:
    rows, lines = [], []
    for r in notices:
        security = _security(r)
        rows.append(
            [
                security,
                r["notice_name_zh"],
                signed_pct(r["price_change_pct"]),
                r["holder_count"],
                money(r["held_market_value"]),
            ]
        )
        lines.append(
            f"- {security} {r['notice_name_zh']} {signed_pct(r['price_change_pct'])}，"
            f"持有客户 {r['holder_count']} 人，持仓市值 {money(r['held_market_value'])}"
        )
    return (_table(["证券", "类型", "涨跌幅", "持有客户", "持仓市值"], rows, {2, 3, 4}), "\n".join(lines))


def _greeting(recipient: Recipient, business_date: date) -> str:
    return f"{recipient.name}，您好！以下是 {day_text(business_date)} 的情况。"


# ------------------------------------------------------------------------------------------ broker
def broker_digest(recipient: Recipient, facts: DayFacts, *, empty: str = "skip") -> Digest | None:
    """A broker's (or team lead's) digest; None when there is nothing and `empty` is "skip"."""
    d = facts.business_date
    mine = [r for r in facts.reminders if r["recipient_broker_id"] == recipient.broker_id]
    notices = [n for n in facts.notices if n["recipient_broker_id"] == recipient.broker_id]
    if not mine and not notices and empty == "skip":
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
    if not mine and not notices:
        line = "今日您的客户没有需要跟进的提醒。"
        body = f"<p>{line}</p>" + _links(links)
        text = f"{title}\n\n{_greeting(recipient, d)}\n\n{line}\n\n看板：\n{_text_links(links)}\n"
        return Digest(recipient, "broker", d, subject, text, _page(title, _greeting(recipient, d), body))
    images = ImageSet(d, recipient)
    parts = [
        f"<p>今日工作 <b>{len(mine)}</b> 项，资讯通知 <b>{len(notices)}</b> 条，按涉及金额从高到低排列。</p>"
    ]
    text = [title, "", _greeting(recipient, d), ""]
    counts = Counter(r["reminder_name_zh"] for r in mine)
    if mine:
        table, lines = _work_list(mine)
        parts += [_h2(f"今日工作（{len(mine)} 项）"), table]
        text += [f"今日工作（{len(mine)} 项，按涉及金额排序）", lines, ""]
    if notices:
        table, lines = _notices(notices)
        parts += [
            _h2(f"资讯主动通知（{len(notices)} 条）"),
            "<p style='font-size:13px'>您的客户持有的以下证券今日涨跌停或涨跌幅达到 7%：</p>",
            table,
        ]
        text += [f"资讯主动通知（{len(notices)} 条）", lines, ""]
    trend = [r for r in facts.broker_days if r["attributed_broker_key"] == recipient.broker_id]
    if trend:
        by_date = defaultdict(float)
        for r in trend:
            by_date[r["business_date"]] += _num(r["total_assets"])
        dates = [x for x in facts.trend_dates if x in by_date]
        cid = images.add(
            "aum", charts.trend_line(dates, [by_date[x] for x in dates], charts.label("万元", "CNY 10k"))
        )
        parts += [_h2("我的托管资产"), _image(cid, f"归属本人的客户总资产，近 {len(dates)} 个交易日（万元）")]
        today = by_date.get(d)
        if today is not None:
            text += [f"归属本人的客户总资产：{money(today)}", ""]
    if counts:
        summary = "、".join(f"{k} {v}" for k, v in counts.most_common())
        parts.insert(1, f"<p style='font-size:13px;color:#555'>分类：{_e(summary)}</p>")
    parts.append(_links(links))
    text += ["看板：", _text_links(links), ""]
    return Digest(
        recipient,
        "broker",
        d,
        subject,
        "\n".join(text),
        _page(title, _greeting(recipient, d), "".join(parts)),
        images.images,
        item_count=len(mine) + len(notices),
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
        f'color:#666">{_e(k)}</div><div style="font-size:15px;font-weight:600">{_e(v)}</div></td>'
        + ("</tr><tr>" if i % 3 == 2 and i + 1 < len(figures) else "")
        for i, (k, v) in enumerate(figures)
    )
    return f'<table style="{CSS_TABLE}"><tr>{cells}</tr></table>'


def branch_head_digest(recipient: Recipient, facts: DayFacts) -> Digest | None:
    d = facts.business_date
    branch_rows = [r for r in facts.branch_days if r["branch_code"] == recipient.branch_code]
    today = next((r for r in branch_rows if r["business_date"] == d), None)
    mine = [r for r in facts.reminders if r["recipient_broker_id"] == recipient.broker_id]
    notices = [n for n in facts.notices if n["recipient_broker_id"] == recipient.broker_id]
    if today is None and not mine:
        return None
    branch_name = (facts.branches.get(recipient.branch_code) or {}).get(
        "branch_name"
    ) or recipient.branch_code
    images = ImageSet(d, recipient)
    title = f"营业部日报 · {branch_name} · {d.isoformat()}"
    subject = f"【营业部日报】{d.isoformat()} {branch_name}"
    parts, text = [], [title, "", _greeting(recipient, d), ""]
    if today is not None:
        figures = _branch_figures(today)
        parts += [_h2("营业部当日"), _figures_html(figures)]
        text += ["营业部当日："] + [f"  {k}：{v}" for k, v in figures] + [""]
        dates = [r["business_date"] for r in branch_rows]
        cid = images.add(
            "branch-turnover",
            charts.bars(
                [x.strftime("%m-%d") for x in dates][-10:],
                [_num(r["net_asset_inflow"]) for r in branch_rows][-10:],
                charts.label("万元", "CNY 10k"),
            ),
        )
        parts.append(_image(cid, f"资产净流入，近 {min(10, len(dates))} 个交易日（万元）"))
    # broker ranking by net commission
    ranked = sorted(
        (
            r
            for r in facts.broker_days
            if r["business_date"] == d
            and r["branch_code"] == recipient.branch_code
            and not r["is_unassigned"]
        ),
        key=lambda r: (-_num(r["net_commission"]), -_num(r["total_assets"]), r["attributed_broker_key"]),
    )
    reminder_counts = Counter(
        r["recipient_broker_id"] for r in facts.reminders if r["branch_code"] == recipient.branch_code
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
            _h2("经纪人排名（按净佣金）"),
            _table(
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
        for r in facts.reminders
        if r["branch_code"] == recipient.branch_code
        and r["reminder_kind"] in EXCEPTION_KINDS
        and not (r["reminder_kind"] == "large_transfer" and _num(r["amount"]) > 0)
    ]
    dq = [q for q in facts.data_quality if q["package_branch"] == recipient.branch_code]
    if exceptions or dq:
        parts.append(_h2("异常关注"))
        text.append("异常关注：")
        if exceptions:
            rows = []
            for r in sorted(exceptions, key=lambda r: -_num(r["value_at_stake"]))[:15]:
                what, _ = describe(r)
                owner = facts.brokers.get(r["broker_id"] or "", {}).get("broker_name") or "无归属"
                rows.append([r["reminder_name_zh"], _client(r), owner, what])
                text.append(f"  【{r['reminder_name_zh']}】{_client(r)}（{owner}）：{what}")
            parts.append(_table(["类型", "客户", "经纪人", "事项"], rows))
        if dq:
            parts.append(
                _table(
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
        table, lines = _work_list(mine)
        parts += [_h2(f"我的今日工作（{len(mine)} 项，含无归属客户）"), table]
        text += [f"我的今日工作（{len(mine)} 项，含无归属客户）", lines, ""]
    if notices:
        table, lines = _notices(notices)
        parts += [_h2(f"资讯主动通知（{len(notices)} 条）"), table]
        text += [f"资讯主动通知（{len(notices)} 条）", lines, ""]
    links = [
        ("经营总览（本营业部）", dashboard_link("overview", business_date=d, branch_name=branch_name)),
        ("经纪人看板（本营业部）", dashboard_link("brokers", business_date=d, branch_name=branch_name)),
        ("数据质量", dashboard_link("data-quality", business_date=d, branch_name=branch_name)),
    ]
    parts.append(_links(links))
    text += ["看板：", _text_links(links), ""]
    return Digest(
        recipient,
        "branch_head",
        d,
        subject,
        "\n".join(text),
        _page(title, _greeting(recipient, d), "".join(parts)),
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
    parts = [_h2("公司概况"), _figures_html(figures)]
    text = [title, "", _greeting(recipient, d), "", "公司概况："] + [f"  {k}：{v}" for k, v in figures] + [""]
    by_date: dict[date, float] = defaultdict(float)
    for r in facts.branch_days:
        by_date[r["business_date"]] += _num(r["turnover"])
    dates = sorted(by_date)
    cid = images.add(
        "company-turnover",
        charts.trend_line(dates, [by_date[x] for x in dates], charts.label("万元", "CNY 10k")),
    )
    parts.append(_image(cid, f"公司成交金额，近 {len(dates)} 个交易日（万元）"))

    def name(r: Row) -> str:
        return r.get("branch_name") or r["branch_code"]

    ranked = sorted(today, key=lambda r: (-_num(r["net_commission"]), r["branch_code"]))
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
        _h2("营业部排名（按净佣金）"),
        "<p style='font-size:13px'>前三："
        + _e("、".join(name(r) for r in top))
        + ("；后三：" + _e("、".join(name(r) for r in bottom)) if bottom else "")
        + "</p>",
        _table(headers, rows[:10] + (rows[-3:] if len(rows) > 13 else []), {2, 3, 4, 5, 6}),
    ]
    text += ["营业部排名（按净佣金）：", "  前三：" + "、".join(name(r) for r in top)]
    if bottom:
        text.append("  后三：" + "、".join(name(r) for r in bottom))
    text.append("")
    inflow_sorted = sorted(today, key=lambda r: _num(r["net_asset_inflow"]))
    cid = images.add(
        "branch-inflow",
        charts.bars(
            [r["branch_code"] for r in inflow_sorted],
            [_num(r["net_asset_inflow"]) for r in inflow_sorted],
            charts.label("万元", "CNY 10k"),
            horizontal=True,
        ),
    )
    parts.append(_image(cid, "各营业部当日资产净流入（万元）"))
    kinds = Counter(r["reminder_name_zh"] for r in facts.reminders)
    big = sorted(
        (r for r in facts.reminders if r["reminder_kind"] in EXCEPTION_KINDS),
        key=lambda r: -_num(r["value_at_stake"]),
    )[:10]
    parts.append(_h2("异常与提醒"))
    text.append("异常与提醒：")
    if kinds:
        summary = "、".join(f"{k} {v}" for k, v in kinds.most_common())
        parts.append(f"<p style='font-size:13px'>今日各类提醒：{_e(summary)}</p>")
        text.append(f"  今日各类提醒：{summary}")
    if big:
        rows = []
        for r in big:
            what, _ = describe(r)
            branch = (facts.branches.get(r["branch_code"]) or {}).get("branch_name") or r["branch_code"]
            rows.append([r["reminder_name_zh"], branch, _client(r), what])
            text.append(f"  【{r['reminder_name_zh']}】{branch} {_client(r)}：{what}")
        parts.append(_table(["类型", "营业部", "客户", "事项"], rows))
    text.append("")
    parts.append(_h2(f"数据质量（{len(facts.data_quality)} 项问题）"))
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
        parts.append(_table(["营业部", "规则", "级别", "文件", "条数", "示例"], rows, {4}))
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
    parts.append(_links(links))
    text += ["看板：", _text_links(links), ""]
    return Digest(
        recipient,
        "executive",
        d,
        subject,
        "\n".join(text),
        _page(title, _greeting(recipient, d), "".join(parts)),
        images.images,
        item_count=len(big) + len(facts.data_quality),
    )

"""The digests' wording and HTML: amounts in Chinese style, one sentence per reminder, tables, the page."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from warehouse.digest.data import Row
from warehouse.digest.recipients import Recipient

WEEKDAYS = "一二三四五六日"


def num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def money(value: Any) -> str:
    """¥1,234,567.89; amounts of 100,000 and more also read in 万."""
    v = num(value)
    text = f"¥{v:,.2f}"
    return f"{text}（{v / 10_000:,.1f}万）" if abs(v) >= 100_000 else text


def pct(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{num(value) * 100:.{digits}f}%"


def signed_pct(value: Any) -> str:
    return "—" if value is None else f"{num(value) * 100:+.2f}%"


def day_text(d: date) -> str:
    return f"{d.isoformat()}（周{WEEKDAYS[d.weekday()]}）"


def security_text(row: Row) -> str:
    if not row.get("security_code"):
        return ""
    name = row.get("security_name") or ""
    return f"{name}（{row['security_code']}）" if name else row["security_code"]


def client_text(row: Row) -> str:
    return f"{row.get('client_name_masked') or '客户'}（{row['client_id']}）"


BOARD_NAMES = {"STAR": "科创板", "CHINEXT": "创业板", "BSE": "北交所"}


def describe(row: Row) -> tuple[str, str]:
    """(what happened, what to do) of one reminder, in Chinese."""
    kind = row["reminder_kind"]
    amount = num(row["amount"])
    count = row.get("event_count") or 1
    security = security_text(row)
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
            f"沉寂 {int(num(row.get('metric_value')))} 天后重新成交{since}，成交额 {money(amount)}",
            "及时跟进，了解客户新的投资需求",
        )
    if kind == "new_client":
        opened = row.get("reference_date")
        return (
            f"新分配的服务客户（开户日 {opened.isoformat() if opened else '—'}），总资产 {money(amount)}",
            "三日内完成首次联系与风险测评回顾",
        )
    if kind == "birthday":
        days = int(num(row.get("metric_value")))
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


def escape(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th style="{CSS_TH}">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{CSS_NUM if i in numeric else CSS_TD}">{escape(v)}</td>' for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table style="{CSS_TABLE}"><tr>{head}</tr>{body}</table>'


def h2(text: str) -> str:
    return (
        f'<h2 style="font-size:16px;color:#1f5fa8;border-left:4px solid #1f5fa8;padding-left:8px;'
        f'margin:20px 0 6px">{escape(text)}</h2>'
    )


def image(cid: str, caption: str) -> str:
    return (
        f'<figure style="margin:6px 0 14px"><img src="cid:{cid}" alt="{escape(caption)}" width="560" '
        f'style="max-width:100%"><figcaption style="font-size:12px;color:#666">{escape(caption)}</figcaption>'
        f"</figure>"
    )


def links_html(links: list[tuple[str, str]]) -> str:
    items = " · ".join(
        f'<a href="{escape(url)}" style="color:#1f5fa8">{escape(text)}</a>' for text, url in links
    )
    return f'<p style="font-size:13px">在看板中查看：{items}</p>'


def page(title: str, greeting: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        "<body style=\"font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;"
        'max-width:760px;margin:0 auto;padding:12px">'
        f'<h1 style="font-size:19px;margin:4px 0 10px">{escape(title)}</h1><p>{escape(greeting)}</p>{body}'
        '<p style="font-size:11px;color:#999;margin-top:24px">'
        "本邮件由客户关系管理分析系统根据当日数据自动生成；"
        "客户姓名已脱敏。如有疑问请联系营业部运营岗。</p></body></html>"
    )


def text_links(links: list[tuple[str, str]]) -> str:
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
def work_list(reminders: list[Row]) -> tuple[str, str]:
    """今日工作 as an HTML table and as text, ordered by value at stake."""
    ordered = sorted(reminders, key=lambda r: (-num(r["value_at_stake"]), r["kind_priority"], r["client_id"]))
    rows, lines = [], []
    for n, r in enumerate(ordered, 1):
        what, action = describe(r)
        owner = "（无归属客户）" if r.get("is_unassigned") else ""
        rows.append([n, r["reminder_name_zh"], client_text(r) + owner, what, action])
        lines.append(f"{n}. 【{r['reminder_name_zh']}】{client_text(r)}{owner}：{what}。建议：{action}")
    return table(["#", "类型", "客户", "事项", "建议"], rows), "\n".join(lines)


def notice_list(notices: list[Row]) -> tuple[str, str]:
    rows, lines = [], []
    for r in notices:
        security = security_text(r)
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
    return (table(["证券", "类型", "涨跌幅", "持有客户", "持仓市值"], rows, {2, 3, 4}), "\n".join(lines))


def greeting(recipient: Recipient, business_date: date) -> str:
    return f"{recipient.name}，您好！以下是 {day_text(business_date)} 的情况。"

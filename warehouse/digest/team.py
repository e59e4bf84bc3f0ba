"""The team lead's part of their digest: the team's day (the lead and the brokers reporting to them
directly, dim_broker.team_lead_id), one line per broker, and the team's top reminders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from warehouse.digest.data import DayFacts, Row
from warehouse.digest.formatting import client_text, describe, h2, money, num, table
from warehouse.digest.recipients import Recipient

TOP_REMINDERS = 10
FIGURES = ("client_count", "total_assets", "net_asset_inflow", "turnover", "net_commission")


@dataclass(frozen=True)
class TeamSection:
    html: list[str]
    text: list[str]
    reminder_count: int  # the members' reminders (the lead's own are in the lead's work list)


def _line(broker_id: str, name: str, facts: DayFacts) -> dict:
    """The broker's day: agg_broker_daily summed over the rows attributed to them, and reminders."""
    today = [
        r for r in facts.broker_days_by_broker.get(broker_id, []) if r["business_date"] == facts.business_date
    ]
    line: dict = {f: sum((Decimal(r[f] or 0) for r in today), Decimal(0)) for f in FIGURES}
    line.update(broker_id=broker_id, name=name)
    line["reminders"] = len(facts.reminders_by_recipient.get(broker_id, []))
    return line


def team_section(recipient: Recipient, facts: DayFacts) -> TeamSection | None:
    """None when nobody reports to the team lead (any more)."""
    d = facts.business_date
    members = [
        m
        for m in facts.team_members.get(recipient.broker_id, [])
        if m.get("leave_date") is None or m["leave_date"] > d
    ]
    if not members:
        return None
    lead = facts.brokers.get(recipient.broker_id, {})
    lines = [_line(recipient.broker_id, (lead.get("broker_name") or recipient.name) + "（本人）", facts)]
    lines += sorted(
        (_line(m["broker_id"], m["broker_name"], facts) for m in members),
        key=lambda x: (-x["net_commission"], -x["total_assets"], x["broker_id"]),
    )
    totals = {f: sum((x[f] for x in lines), Decimal(0)) for f in (*FIGURES, "reminders")}
    heading = f"团队今日（{len(lines)} 人：本人与 {len(members)} 名组员）"
    summary = (
        f"客户 {totals['client_count']} 人，托管资产 {money(totals['total_assets'])}，"
        f"资产净流入 {money(totals['net_asset_inflow'])}，成交金额 {money(totals['turnover'])}，"
        f"净佣金 {money(totals['net_commission'])}，今日提醒 {totals['reminders']} 项"
    )
    rows = [
        [
            x["name"],
            x["client_count"],
            money(x["total_assets"]),
            money(x["net_asset_inflow"]),
            money(x["turnover"]),
            money(x["net_commission"]),
            x["reminders"],
        ]
        for x in lines
    ]
    html = [
        h2(heading),
        f"<p style='font-size:13px'>{summary}</p>",
        table(
            ["经纪人", "客户数", "托管资产", "资产净流入", "成交金额", "净佣金", "今日提醒"],
            rows,
            {1, 2, 3, 4, 5, 6},
        ),
    ]
    text = [f"{heading}：", f"  {summary}"] + [
        f"  {r[0]}：客户 {r[1]} 人，托管资产 {r[2]}，资产净流入 {r[3]}，净佣金 {r[5]}，今日提醒 {r[6]} 项"
        for r in rows
    ]
    names = {m["broker_id"]: m["broker_name"] for m in members}
    team_reminders: list[Row] = [
        r for m in members for r in facts.reminders_by_recipient.get(m["broker_id"], [])
    ]
    top = sorted(
        team_reminders, key=lambda r: (-num(r["value_at_stake"]), r["kind_priority"], r["client_id"])
    )
    if top:
        title = f"组员重点提醒（共 {len(top)} 项，按涉及金额取前 {min(TOP_REMINDERS, len(top))} 项）"
        picked = []
        for r in top[:TOP_REMINDERS]:
            what, _ = describe(r)
            picked.append([r["reminder_name_zh"], names[r["recipient_broker_id"]], client_text(r), what])
        html += [h2(title), table(["类型", "经纪人", "客户", "事项"], picked)]
        text += ["", f"{title}："] + [f"  【{p[0]}】{p[1]} · {p[2]}：{p[3]}" for p in picked]
    return TeamSection(html, [*text, ""], len(team_reminders))

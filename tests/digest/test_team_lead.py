"""The team lead's digest on the hand-made scenario: K0002 (吴敏) leads K0003 (陈晨) from 2023-10-11.

Figures by hand (tests/digest/scenario.py), total assets = cash + quantity x close:
2023-10-11  K0002: 101 303,077.94 + 3,000 x 11.25 + 100 x 190 = 355,827.94; 103 9,971.40 + 2,000 x 55
            = 119,971.40; 104 328,955.54 + 100 x 1,765 = 505,455.54; together 981,254.88.
            K0003: 102 30,994.81 + 100 x 190 = 49,994.81. Inflows 120,000 (103) and 50,000 (102);
            turnover 110,000 and 19,000; net commission = commission - handling fee (0.0341‰) -
            regulator fee (0.02‰), each rounded: 27.50 - 3.75 - 2.20 = 21.55, 5.00 - 0.65 - 0.38 = 3.97.
2023-10-12  K0002: 101 153,077.94 + 3,000 x 10.13 + 100 x 228 = 206,267.94; 103 9,971.40 + 2,000 x 44
            = 97,971.40; 104 410,893.22 + 50 x 1,640 = 492,893.22; together 797,132.56; 150,000 out;
            104 sells 82,000: 20.50 - 2.80 - 1.64 = 16.06. K0003: 30,994.81 + 100 x 228 = 53,794.81.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest

from warehouse.digest import send_digests
from warehouse.settings import Paths


@pytest.fixture
def outbox_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WAREHOUSE_SMTP_HOST", "WAREHOUSE_DIGEST_EMPTY", "SUPERSET_URL"):
        monkeypatch.delenv(name, raising=False)


def _text(paths: Paths, day: date, key: str) -> str:
    raw = (paths.outbox / day.isoformat() / f"{key}.eml").read_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()


def _team_part(text: str) -> str:
    return text[text.index("团队今日") : text.index("看板：")]


def test_team_lead_gets_the_team_day(outbox_only: None, digest_paths: Paths) -> None:
    day = date(2023, 10, 11)
    assert send_digests(digest_paths, day).outcomes["K0002/broker"] == "written"
    assert _team_part(_text(digest_paths, day, "K0002-broker")) == (
        "团队今日（2 人：本人与 1 名组员）：\n"
        "  客户 4 人，托管资产 ¥1,031,249.69（103.1万），资产净流入 ¥170,000.00（17.0万），"
        "成交金额 ¥129,000.00（12.9万），净佣金 ¥25.52，今日提醒 5 项\n"
        "  吴敏（本人）：客户 3 人，托管资产 ¥981,254.88（98.1万），资产净流入 ¥120,000.00（12.0万），"
        "净佣金 ¥21.55，今日提醒 3 项\n"
        "  陈晨：客户 1 人，托管资产 ¥49,994.81，资产净流入 ¥50,000.00，净佣金 ¥3.97，今日提醒 2 项\n"
        "\n"
        "组员重点提醒（共 2 项，按涉及金额取前 2 项）：\n"
        "  【新分配客户】陈晨 · 王**（1101000102）：新分配的服务客户（开户日 2023-10-11），"
        "总资产 ¥49,994.81\n"
        "  【适当性提示】陈晨 · 王**（1101000102）：风险等级 C1 的客户买入创业板 宁德时代（300750），"
        "金额 ¥19,000.00\n"
        "\n"
    )
    # the member's own digest has no team part
    assert "团队今日" not in _text(digest_paths, day, "K0003-broker")


def test_team_day_without_member_reminders(outbox_only: None, digest_paths: Paths) -> None:
    day = date(2023, 10, 12)
    send_digests(digest_paths, day)
    assert _team_part(_text(digest_paths, day, "K0002-broker")) == (
        "团队今日（2 人：本人与 1 名组员）：\n"
        "  客户 4 人，托管资产 ¥850,927.37（85.1万），资产净流入 ¥-150,000.00（-15.0万），"
        "成交金额 ¥82,000.00，净佣金 ¥16.06，今日提醒 6 项\n"
        "  吴敏（本人）：客户 3 人，托管资产 ¥797,132.56（79.7万），资产净流入 ¥-150,000.00（-15.0万），"
        "净佣金 ¥16.06，今日提醒 6 项\n"
        "  陈晨：客户 1 人，托管资产 ¥53,794.81，资产净流入 ¥0.00，净佣金 ¥0.00，今日提醒 0 项\n"
        "\n"
    )

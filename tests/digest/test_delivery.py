"""The digests end to end: a real SMTP server (aiosmtpd on 127.0.0.1), the outbox, the delivery log,
re-runs, refused recipients, and the Dagster asset."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import date

import dagster as dg
import pytest
from aiosmtpd.controller import Controller

from tests.digest.mailbox import Mailbox, free_port
from warehouse.digest import DeliveryLog, DigestOptions, send_digests
from warehouse.digest.delivery import LOG_FILE
from warehouse.settings import Paths

DAY = date(2023, 10, 12)


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("WAREHOUSE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WAREHOUSE_SMTP_PORT", str(port))
    monkeypatch.setenv("WAREHOUSE_SMTP_SECURITY", "none")
    monkeypatch.setenv("WAREHOUSE_SMTP_BACKOFF", "0")
    monkeypatch.setenv("WAREHOUSE_SMTP_FROM", "每日提醒 <digests@brokerage.example.com>")
    monkeypatch.setenv("SUPERSET_URL", "http://bi.example.com:8088")
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WAREHOUSE_SMTP_HOST", "WAREHOUSE_DIGEST_EMPTY", "SUPERSET_URL"):
        monkeypatch.delenv(name, raising=False)


def test_smtp_delivery_rerun_and_refused_recipient(smtp_server: Mailbox, digest_paths: Paths) -> None:
    smtp_server.refuse.add("k0003@brokerage.example.com")
    smtp_server.busy_once.add("k0002@brokerage.example.com")
    report = send_digests(digest_paths, DAY)
    assert report.outcomes == {
        "K0001/branch_head": "sent",
        "K0002/broker": "sent",  # after one 451 and a retry
        "K0003/broker": "failed_permanent",  # 550: recorded, the others still delivered
        "K0301/branch_head": "sent",
        "EXEC01/executive": "sent",
        # K0302 left (active=0): nothing
    }
    received = {
        rcpts[0]: email.message_from_bytes(raw, policy=email.policy.default)
        for rcpts, raw in smtp_server.messages
    }
    assert set(received) == {
        "k0001@brokerage.example.com",
        "k0002@brokerage.example.com",
        "k0301@brokerage.example.com",
        "exec01@brokerage.example.com",
    }
    raw_k0002 = next(raw for rcpts, raw in smtp_server.messages if rcpts == ["k0002@brokerage.example.com"])
    subject_line = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw_k0002, re.M).group(1)
    assert subject_line.isascii() and b"=?utf-8?" in subject_line.lower()  # RFC 2047 encoded
    for message in received.values():
        assert message.get_content_type() == "multipart/alternative"
        plain, html = message.get_body(("plain",)), message.get_body(("html",))
        assert plain is not None and html is not None
        html_text = html.get_content()
        images = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert images, message["Subject"]
        for image in images:
            assert image.get_content().startswith(b"\x89PNG")
            assert f"cid:{image['Content-ID'].strip('<>')}" in html_text
        assert "http://bi.example.com:8088/superset/dashboard/" in html_text
        assert "http://bi.example.com:8088/superset/dashboard/" in plain.get_content()
    k0002 = received["k0002@brokerage.example.com"]
    assert k0002["Subject"] == "【每日提醒】2023-10-12 吴敏：今日工作 6 项"
    text = k0002.get_body(("plain",)).get_content()
    assert "银证转账转出 ¥150,000.00" in text and "吴**" not in text
    assert "沉寂 133 天后重新成交" in text and "600519" in text
    # the work list is ordered by value at stake: 150,000 out before the 88,000 newly trapped
    assert text.index("银证转账转出") < text.index("套牢程度升至 100.0%")
    assert "native_filters=" in k0002.get_body(("html",)).get_content()
    head = received["k0301@brokerage.example.com"]
    assert head["Subject"] == "【营业部日报】2023-10-12 杭州解放路营业部"
    head_text = head.get_body(("plain",)).get_content()
    assert "流失预警" in head_text and "销户" in head_text and "无归属客户" in head_text
    executive = received["exec01@brokerage.example.com"].get_body(("plain",)).get_content()
    assert "公司概况" in executive and "数据质量" in executive

    log = {(e.recipient_id, e.kind): e for e in DeliveryLog(digest_paths.outbox / LOG_FILE).entries(DAY)}
    assert log["K0002", "broker"].status == "sent" and log["K0002", "broker"].attempts == 2
    assert log["K0003", "broker"].status == "failed_permanent" and "550" in log["K0003", "broker"].detail
    assert log["K0002", "broker"].message_id == k0002["Message-ID"]

    # re-running the day sends nothing twice (and does not hammer the refused mailbox)
    again = send_digests(digest_paths, DAY)
    assert len(smtp_server.messages) == 4
    assert set(again.outcomes.values()) == {"already_delivered"}


def test_transient_failure_is_retried_by_the_next_run(
    smtp_server: Mailbox, digest_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAREHOUSE_SMTP_RETRIES", "1")
    smtp_server.busy_once.add("k0001@brokerage.example.com")
    first = send_digests(digest_paths, DAY)
    assert first.outcomes["K0001/branch_head"] == "failed_transient"
    second = send_digests(digest_paths, DAY)
    assert second.outcomes["K0001/branch_head"] == "sent"
    assert sum(r == ["k0001@brokerage.example.com"] for r, _ in smtp_server.messages) == 1


def test_outbox_without_smtp_and_one_line_option(
    no_smtp: None, digest_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet_day = date(2023, 10, 10)  # only 3301000201's transfer: nothing for the 1101 brokers
    report = send_digests(digest_paths, quiet_day)
    assert report.transport == "outbox"
    assert report.outcomes["K0002/broker"] == "nothing_to_send"
    written = sorted(p.name for p in (digest_paths.outbox / quiet_day.isoformat()).glob("*.eml"))
    assert written == ["EXEC01-executive.eml", "K0001-branch_head.eml", "K0301-branch_head.eml"]
    message = email.message_from_bytes(
        (digest_paths.outbox / "2023-10-10" / "K0301-branch_head.eml").read_bytes(),
        policy=email.policy.default,
    )
    assert "http://127.0.0.1:8088/superset/dashboard/" in message.get_body(("html",)).get_content()

    monkeypatch.setenv("WAREHOUSE_DIGEST_EMPTY", "line")
    again = send_digests(digest_paths, quiet_day)
    assert (
        again.outcomes["K0002/broker"] == "written"
        and again.outcomes["K0301/branch_head"] == "already_delivered"
    )
    line = email.message_from_bytes(
        (digest_paths.outbox / "2023-10-10" / "K0002-broker.eml").read_bytes(), policy=email.policy.default
    )
    assert "今日您的客户没有需要跟进的提醒" in line.get_body(("plain",)).get_content()


def test_worker_processes_compose_the_same_messages(no_smtp: None, digest_paths: Paths) -> None:
    serial = send_digests(digest_paths, DAY, options=DigestOptions(workers=1))
    folder = digest_paths.outbox / DAY.isoformat()
    first = {p.name: _without_date(p.read_bytes()) for p in folder.glob("*.eml")}
    for eml in folder.glob("*.eml"):
        eml.unlink()
    (digest_paths.outbox / LOG_FILE).unlink()
    parallel = send_digests(digest_paths, DAY, options=DigestOptions(workers=2, parallel_from=1))
    assert parallel.outcomes == serial.outcomes
    assert {p.name: _without_date(p.read_bytes()) for p in folder.glob("*.eml")} == first
    assert len(first) == 5


def _without_date(raw: bytes) -> bytes:
    """The message but its Date, the one header that differs between two builds."""
    return re.sub(rb"^Date: .*\r\n", b"", raw, count=1, flags=re.M)


def test_dagster_run_sends_the_last_business_day(no_smtp: None, digest_paths: Paths) -> None:
    from pipelines.run import send_digests as run_send_digests

    with dg.DagsterInstance.ephemeral() as instance:
        summary = run_send_digests(instance, digest_paths)
        assert summary.startswith("digests of 2023-10-12 via outbox")
        assert len(list((digest_paths.outbox / "2023-10-12").glob("*.eml"))) == 5
        # a manual run for a past date, then the same again: nothing new
        run_send_digests(instance, digest_paths, date(2023, 10, 11))
        assert "already_delivered" in run_send_digests(instance, digest_paths, date(2023, 10, 11))
        runs = instance.get_runs()
        assert len(runs) == 3 and all(run.is_success for run in runs)
        assert {run.tags.get("dagster/partition") for run in runs} == {"2023-10-12", "2023-10-11"}


def test_schedule_skips_a_day_without_packages() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pipelines.definitions import defs

    schedule = defs.get_schedule_def("daily_digests_schedule")
    beijing = ZoneInfo("Asia/Shanghai")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("business_date", ["2023-10-12"])
        on_day = dg.build_schedule_context(
            instance=instance,
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=datetime(2023, 10, 12, 19, 30, tzinfo=beijing),
        )
        [request] = schedule.evaluate_tick(on_day).run_requests
        assert request.partition_key == "2023-10-12"
        no_package = dg.build_schedule_context(
            instance=instance,
            repository_def=defs.get_repository_def(),
            scheduled_execution_time=datetime(2023, 10, 13, 19, 30, tzinfo=beijing),
        )
        assert not schedule.evaluate_tick(no_package).run_requests

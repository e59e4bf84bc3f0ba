"""SMTP over STARTTLS and over implicit TLS, with a login, against a real aiosmtpd server holding a
self-signed certificate: trusted through WAREHOUSE_SMTP_CA_FILE, refused without it (the run stops,
nothing is lost: the next run sends every message)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.digest.mailbox import PASSWORD, USER, Arrival, Mailbox, authenticate, free_port, self_signed
from warehouse.digest import DeliveryLog, send_digests
from warehouse.digest.delivery import LOG_FILE
from warehouse.settings import Paths

# aiosmtpd warns about AUTH without STARTTLS, which is the point of implicit TLS
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
DAY = date(2023, 10, 12)
Certificate = tuple[Path, ssl.SSLContext]  # the certificate file, the server's TLS context
ALL_SENT = {
    "K0001/branch_head": "sent",
    "K0002/broker": "sent",
    "K0003/broker": "sent",
    "K0301/branch_head": "sent",
    "EXEC01/executive": "sent",
}
EXPECTED_ARRIVALS = [
    Arrival([f"{who}@brokerage.example.com"], b"", tls=True, login=USER)
    for who in ("k0001", "k0002", "k0003", "k0301", "exec01")
]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed(tmp_path_factory.mktemp("tls"))


def _serve(monkeypatch: pytest.MonkeyPatch, certificate: Certificate, security: str) -> Iterator[Mailbox]:
    cert, context = certificate
    mailbox = Mailbox()
    port = free_port()
    if security == "starttls":
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticate,
            auth_required=True,
        )
    else:  # implicit TLS: the whole connection is encrypted, so login needs no STARTTLS first
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=port,
            ssl_context=context,
            authenticator=authenticate,
            auth_required=True,
            auth_require_tls=False,
        )
    controller.start()
    for name, value in {
        "WAREHOUSE_SMTP_HOST": "127.0.0.1",
        "WAREHOUSE_SMTP_PORT": str(port),
        "WAREHOUSE_SMTP_SECURITY": security,
        "WAREHOUSE_SMTP_USER": USER,
        "WAREHOUSE_SMTP_PASSWORD": PASSWORD,
        "WAREHOUSE_SMTP_CA_FILE": str(cert),
        "WAREHOUSE_SMTP_BACKOFF": "0",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WAREHOUSE_SMTP_VERIFY", raising=False)
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(monkeypatch: pytest.MonkeyPatch, certificate: Certificate) -> Iterator[Mailbox]:
    yield from _serve(monkeypatch, certificate, "starttls")


@pytest.fixture
def ssl_server(monkeypatch: pytest.MonkeyPatch, certificate: Certificate) -> Iterator[Mailbox]:
    yield from _serve(monkeypatch, certificate, "ssl")


@pytest.fixture(params=["starttls", "ssl"])
def any_tls_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, certificate: Certificate
) -> Iterator[Mailbox]:
    yield from _serve(monkeypatch, certificate, request.param)


def _arrivals(mailbox: Mailbox) -> list[Arrival]:
    return [Arrival(a.recipients, b"", a.tls, a.login) for a in mailbox.arrivals]


def test_starttls_with_login(starttls_server: Mailbox, digest_paths: Paths) -> None:
    assert send_digests(digest_paths, DAY).outcomes == ALL_SENT
    assert _arrivals(starttls_server) == EXPECTED_ARRIVALS
    assert all(b"Subject: =?utf-8?b?" in a.raw for a in starttls_server.arrivals)


def test_implicit_tls_with_login(ssl_server: Mailbox, digest_paths: Paths) -> None:
    assert send_digests(digest_paths, DAY).outcomes == ALL_SENT
    assert _arrivals(ssl_server) == EXPECTED_ARRIVALS


def test_untrusted_certificate_stops_the_run_and_the_next_run_sends(
    any_tls_server: Mailbox, monkeypatch: pytest.MonkeyPatch, digest_paths: Paths
) -> None:
    monkeypatch.delenv("WAREHOUSE_SMTP_CA_FILE")  # the system's CAs do not know the self-signed cert
    report = send_digests(digest_paths, DAY)
    assert report.outcomes == {key: "failed_transient" for key in ALL_SENT}
    assert any_tls_server.arrivals == []
    log = DeliveryLog(digest_paths.outbox / LOG_FILE).entries(DAY)
    refused = "TLS: self-signed certificate"
    assert [(e.recipient_id, e.attempts, e.detail) for e in log] == [
        ("EXEC01", 0, f"not attempted: {refused}"),
        ("K0001", 1, refused),  # the first message: not retried, the others not attempted
        ("K0002", 0, f"not attempted: {refused}"),
        ("K0003", 0, f"not attempted: {refused}"),
        ("K0301", 0, f"not attempted: {refused}"),
    ]
    # not checking the certificate at all (a test server only) gets through, as trusting it does
    monkeypatch.setenv("WAREHOUSE_SMTP_VERIFY", "0")
    assert send_digests(digest_paths, DAY).outcomes == ALL_SENT
    assert _arrivals(any_tls_server) == EXPECTED_ARRIVALS


def test_wrong_password_stops_the_run(
    starttls_server: Mailbox, digest_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAREHOUSE_SMTP_PASSWORD", "wrong")
    report = send_digests(digest_paths, DAY)
    assert report.outcomes == {key: "failed_transient" for key in ALL_SENT}
    assert starttls_server.arrivals == []
    [first] = [e for e in DeliveryLog(digest_paths.outbox / LOG_FILE).entries(DAY) if e.attempts]
    assert (first.recipient_id, first.detail) == (
        "K0001",
        "login refused: 535 5.7.8 Authentication credentials invalid",
    )
    monkeypatch.setenv("WAREHOUSE_SMTP_PASSWORD", PASSWORD)
    assert send_digests(digest_paths, DAY).outcomes == ALL_SENT

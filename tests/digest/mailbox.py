"""A real SMTP server for the delivery tests: aiosmtpd on 127.0.0.1, plain, STARTTLS or implicit TLS,
with or without login; its handler keeps what arrived and can refuse or delay recipients."""

from __future__ import annotations

import socket
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "digests", "s3cret!pw"


@dataclass(frozen=True)
class Arrival:
    recipients: list[str]
    raw: bytes
    tls: bool  # the message came over an encrypted connection
    login: str | None  # the user the client logged in as


class Mailbox:
    """An SMTP server's handler: refuses some recipients (550), delays others once (451)."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.refuse: set[str] = set()
        self.busy_once: set[str] = set()

    @property
    def messages(self) -> list[tuple[list[str], bytes]]:
        return [(a.recipients, a.raw) for a in self.arrivals]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.busy_once:
            self.busy_once.discard(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        login = session.auth_data.login.decode() if session.authenticated else None
        self.arrivals.append(
            Arrival(
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                server.transport.get_extra_info("ssl_object") is not None,
                login,
            )
        )
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism: str, auth_data: object) -> AuthResult:
    """Accepts USER / PASSWORD only."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, auth_data=auth_data if ok else None, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 signed by itself (openssl), and the server's TLS context."""
    cert, key = folder / "server.crt", folder / "server.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context

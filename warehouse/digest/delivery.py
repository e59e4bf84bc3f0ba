"""Delivery of the digests: SMTP, or .eml files in the outbox, and the delivery log.

SMTP settings come from the environment:

    WAREHOUSE_SMTP_HOST       no host: the digests are written as .eml files into the outbox
    WAREHOUSE_SMTP_PORT       default 587 with STARTTLS, 465 with SSL, 25 without
    WAREHOUSE_SMTP_SECURITY   starttls | ssl | none (default: by port, 465 ssl, 587 starttls, else none)
    WAREHOUSE_SMTP_USER, WAREHOUSE_SMTP_PASSWORD   login, when set
    WAREHOUSE_SMTP_CA_FILE    PEM file of the certificate authorities to trust instead of the system's
                              (a company CA, or the server's own self-signed certificate)
    WAREHOUSE_SMTP_VERIFY     1 (default): check the server's certificate and host name; 0: do not
                              (encrypted but unauthenticated: only for a test server)
    WAREHOUSE_SMTP_FROM       sender (default 每日提醒 <digests@localhost>)
    WAREHOUSE_SMTP_TIMEOUT    seconds (default 30)
    WAREHOUSE_SMTP_RETRIES    attempts per message for transient errors (default 3)
    WAREHOUSE_SMTP_BACKOFF    first wait in seconds between attempts, doubled each time (default 2)

Every message is recorded in the delivery log (SQLite, <outbox>/delivery_log.sqlite3), keyed by
business date, recipient and kind: a message recorded as sent (or written, or refused for good) is
never sent again; one that failed transiently is tried again by the next run. The log is committed
after every message (write-ahead log, synchronous=NORMAL: a crash of the process loses nothing).

A server whose certificate cannot be verified, or which refuses the login, fails the whole batch at
once (DeliveryError.fatal): nothing is retried, every message of the run is recorded as failed
transiently, and the next run, once the configuration is fixed, sends them.
"""

from __future__ import annotations

import os
import smtplib
import sqlite3
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parseaddr
from pathlib import Path

LOG_FILE = "delivery_log.sqlite3"

SENT, WRITTEN, FAILED_PERMANENT, FAILED_TRANSIENT = "sent", "written", "failed_permanent", "failed_transient"
FINAL = (SENT, WRITTEN, FAILED_PERMANENT)


class DeliveryError(Exception):
    """permanent: this message will never go through (5xx); fatal: no message can (TLS, login)."""

    def __init__(
        self, message: str, *, permanent: bool, code: int | None = None, fatal: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.fatal = fatal
        self.attempts = 1


@dataclass(frozen=True)
class LogEntry:
    business_date: str
    recipient_id: str
    kind: str
    email: str
    message_id: str
    status: str
    attempts: int
    transport: str
    detail: str
    updated_at: str


class DeliveryLog:
    """Which digest went to whom: one row per business date x recipient x kind (one connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        with self._db as db:
            db.execute(
                """
                create table if not exists deliveries (
                    business_date text not null,
                    recipient_id text not null,
                    kind text not null,
                    email text not null,
                    message_id text not null,
                    status text not null,
                    attempts integer not null,
                    transport text not null,
                    detail text not null,
                    updated_at text not null,
                    primary key (business_date, recipient_id, kind)
                )
                """
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DeliveryLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, business_date: date, recipient_id: str, kind: str) -> LogEntry | None:
        row = self._db.execute(
            "select * from deliveries where business_date = ? and recipient_id = ? and kind = ?",
            (business_date.isoformat(), recipient_id, kind),
        ).fetchone()
        return LogEntry(*row) if row else None

    def is_done(self, business_date: date, recipient_id: str, kind: str) -> bool:
        entry = self.get(business_date, recipient_id, kind)
        return entry is not None and entry.status in FINAL

    def done(self, business_date: date) -> set[tuple[str, str]]:
        """(recipient, kind) of the day's messages that are never to be sent again."""
        rows = self._db.execute(
            f"select recipient_id, kind from deliveries where business_date = ? "
            f"and status in ({', '.join('?' * len(FINAL))})",
            (business_date.isoformat(), *FINAL),
        )
        return set(rows.fetchall())

    def record(
        self,
        business_date: date,
        recipient_id: str,
        kind: str,
        email: str,
        message_id: str,
        status: str,
        attempts: int,
        transport: str,
        detail: str = "",
    ) -> None:
        """Upsert the message's row; attempts add up over runs."""
        with self._db as db:
            db.execute(
                "insert into deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "on conflict (business_date, recipient_id, kind) do update set email = excluded.email, "
                "message_id = excluded.message_id, status = excluded.status, "
                "attempts = deliveries.attempts + excluded.attempts, transport = excluded.transport, "
                "detail = excluded.detail, updated_at = excluded.updated_at",
                (
                    business_date.isoformat(),
                    recipient_id,
                    kind,
                    email,
                    message_id,
                    status,
                    attempts,
                    transport,
                    detail[:1000],
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )

    def entries(self, business_date: date | None = None) -> list[LogEntry]:
        if business_date is None:
            rows = self._db.execute("select * from deliveries order by business_date, recipient_id, kind")
        else:
            rows = self._db.execute(
                "select * from deliveries where business_date = ? order by recipient_id, kind",
                (business_date.isoformat(),),
            )
        return [LogEntry(*row) for row in rows.fetchall()]


# ------------------------------------------------------------------------------------------ transports
class OutboxTransport:
    """Writes each message as <outbox>/<YYYY-MM-DD>/<recipient>-<kind>.eml (atomically)."""

    name = "outbox"
    success_status = WRITTEN

    def __init__(self, outbox: Path) -> None:
        self.outbox = Path(outbox)

    def __enter__(self) -> OutboxTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def deliver(self, message: bytes, recipient: str, *, business_date: date, key: str) -> str:
        folder = self.outbox / business_date.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}.eml"
        staged = folder / f".{key}.eml.tmp"
        staged.write_bytes(message)
        os.replace(staged, target)
        return str(target)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password: str | None = None
    sender: str = "每日提醒 <digests@localhost>"
    ca_file: str | None = None
    verify: bool = True
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpSettings | None:
        env = os.environ if environ is None else environ
        host = env.get("WAREHOUSE_SMTP_HOST", "").strip()
        if not host:
            return None
        security = env.get("WAREHOUSE_SMTP_SECURITY", "").strip().lower()
        port_text = env.get("WAREHOUSE_SMTP_PORT", "").strip()
        if not security:
            security = {"465": "ssl", "587": "starttls"}.get(port_text, "none" if port_text else "starttls")
        if security not in ("starttls", "ssl", "none"):
            raise ValueError(f"WAREHOUSE_SMTP_SECURITY must be starttls, ssl or none, not {security!r}")
        port = int(port_text) if port_text else {"ssl": 465, "starttls": 587, "none": 25}[security]
        return cls(
            host=host,
            port=port,
            security=security,
            user=env.get("WAREHOUSE_SMTP_USER") or None,
            password=env.get("WAREHOUSE_SMTP_PASSWORD") or None,
            sender=env.get("WAREHOUSE_SMTP_FROM") or cls.sender,
            ca_file=env.get("WAREHOUSE_SMTP_CA_FILE") or None,
            verify=env.get("WAREHOUSE_SMTP_VERIFY", "1").strip().lower() not in ("0", "false", "no"),
            timeout=float(env.get("WAREHOUSE_SMTP_TIMEOUT") or 30),
            retries=max(1, int(env.get("WAREHOUSE_SMTP_RETRIES") or 3)),
            backoff=float(env.get("WAREHOUSE_SMTP_BACKOFF") or 2),
        )


class SmtpTransport:
    """One SMTP connection for the batch, re-opened after a dropped connection. A 5xx answer is a
    permanent failure of that message; 4xx answers and connection errors are transient (retried)."""

    name = "smtp"
    success_status = SENT

    def __init__(self, settings: SmtpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self._client: smtplib.SMTP | None = None
        self.last_attempts = 0  # attempts the last deliver() made

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.settings.ca_file)
        if not self.settings.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _open(self) -> smtplib.SMTP:
        if self._client is not None:
            return self._client
        s = self.settings
        try:
            if s.security == "ssl":
                self._client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self.tls_context())
            else:
                self._client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    self._client.starttls(context=self.tls_context())
            if s.user:
                self._client.login(s.user, s.password or "")
        except ssl.SSLCertVerificationError as error:
            self._close()
            raise DeliveryError(f"TLS: {error.verify_message}", permanent=False, fatal=True) from error
        except smtplib.SMTPAuthenticationError as error:
            self._close()
            raise DeliveryError(
                f"login refused: {error.smtp_code} {_text(error.smtp_error)}",
                permanent=False,
                code=error.smtp_code,
                fatal=True,
            ) from error
        return self._client

    def _close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (smtplib.SMTPException, OSError):
                self._client.close()
            self._client = None

    def _send_once(self, message: bytes, recipient: str) -> None:
        sender = parseaddr(self.settings.sender)[1] or "digests@localhost"
        try:
            client = self._open()
            refused = client.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._reset()
            raise DeliveryError(f"{code} {_text(reply)}", permanent=500 <= code < 600, code=code) from error
        except smtplib.SMTPResponseException as error:
            self._reset()
            code = error.smtp_code
            raise DeliveryError(
                f"{code} {_text(error.smtp_error)}", permanent=500 <= code < 600, code=code
            ) from error
        except (
            TimeoutError,
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            ConnectionError,
            OSError,
        ) as error:
            self._close()
            raise DeliveryError(f"connection: {error}", permanent=False) from error
        if refused:
            code, reply = next(iter(refused.values()))
            raise DeliveryError(f"{code} {_text(reply)}", permanent=500 <= code < 600, code=code)

    def _reset(self) -> None:
        if self._client is not None:
            try:
                self._client.rset()
            except (smtplib.SMTPException, OSError):
                self._close()

    def deliver(self, message: bytes, recipient: str, *, business_date: date, key: str) -> str:
        """Send with retries; returns the server's acceptance, raises DeliveryError (with attempts)."""
        attempts = 0
        while True:
            attempts += 1
            self.last_attempts = attempts
            try:
                self._send_once(message, recipient)
                return f"accepted by {self.settings.host}:{self.settings.port} after {attempts} attempt(s)"
            except DeliveryError as error:
                error.attempts = attempts
                if error.permanent or error.fatal or attempts >= self.settings.retries:
                    raise
                self.sleep(self.settings.backoff * 2 ** (attempts - 1))


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)

"""Build and deliver one business day's digests to every active recipient.

The day's facts are read once (a handful of set-based queries, indexed per recipient); the messages
are composed and flattened to bytes by a pool of worker processes (forked: they share the facts),
in recipient order, while this process delivers them over one transport connection and records each
in the delivery log. Small batches are composed in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from warehouse.digest import charts
from warehouse.digest.compose import branch_head_digest, broker_digest, executive_digest
from warehouse.digest.data import DayFacts, open_serving, read_day
from warehouse.digest.delivery import (
    FAILED_PERMANENT,
    FAILED_TRANSIENT,
    LOG_FILE,
    DeliveryError,
    DeliveryLog,
    OutboxTransport,
    SmtpSettings,
    SmtpTransport,
)
from warehouse.digest.message import Digest
from warehouse.digest.recipients import Recipient, read_recipients
from warehouse.settings import Paths, workers_from_env

log = logging.getLogger(__name__)
CHUNK = 16  # recipients per task of a worker process


class Transport(Protocol):
    name: str
    success_status: str

    def __enter__(self) -> Transport: ...
    def __exit__(self, *exc: object) -> None: ...
    def deliver(self, message: bytes, recipient: str, *, business_date: date, key: str) -> str: ...


@dataclass(frozen=True)
class DigestOptions:
    #: a broker with nothing to report gets no e-mail ("skip") or a one-line e-mail ("line")
    empty: str = "skip"
    sender: str = "每日提醒 <digests@localhost>"
    message_id_domain: str = "digest.localhost"
    #: processes composing the messages (WAREHOUSE_DIGEST_WORKERS; default: the CPUs, at most 4)
    workers: int = 1
    #: below this many messages to compose, one process composes them all
    parallel_from: int = 200

    @classmethod
    def from_env(cls) -> DigestOptions:
        empty = os.environ.get("WAREHOUSE_DIGEST_EMPTY", "skip").strip().lower() or "skip"
        if empty not in ("skip", "line"):
            raise ValueError(f"WAREHOUSE_DIGEST_EMPTY must be skip or line, not {empty!r}")
        sender = os.environ.get("WAREHOUSE_SMTP_FROM") or cls.sender
        return cls(empty=empty, sender=sender, workers=workers_from_env("WAREHOUSE_DIGEST_WORKERS"))


@dataclass
class DigestReport:
    business_date: date | None
    transport: str
    outcomes: dict[str, str] = field(default_factory=dict)  # "<recipient>/<kind>" -> status

    @property
    def counts(self) -> Counter:
        return Counter(self.outcomes.values())

    def summary(self) -> str:
        if self.business_date is None:
            return "no business day in the serving warehouse: no digests"
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "nothing to send"
        return f"digests of {self.business_date} via {self.transport}: {counts}"


def message_id(business_date: date, recipient: Recipient, kind: str, domain: str) -> str:
    """Deterministic, so a message re-built for the same day and recipient keeps its id."""
    return f"<{business_date:%Y%m%d}.{kind}.{recipient.broker_id.lower()}@{domain}>"


def compose(recipient: Recipient, facts: DayFacts, options: DigestOptions) -> Digest | None:
    if recipient.role == "executive":
        return executive_digest(recipient, facts)
    if recipient.role == "branch_head":
        return branch_head_digest(recipient, facts)
    return broker_digest(recipient, facts, empty=options.empty)


def default_transport(paths: Paths) -> Transport:
    settings = SmtpSettings.from_env()
    return SmtpTransport(settings) if settings else OutboxTransport(paths.outbox)


# what composing one recipient's digest gave: the message, nothing to send, or what went wrong
Composed = bytes | None | Exception


def _compose_bytes(recipient: Recipient, facts: DayFacts, options: DigestOptions) -> Composed:
    try:
        digest = compose(recipient, facts, options)
        if digest is None:
            return None
        mid = message_id(facts.business_date, recipient, digest.kind, options.message_id_domain)
        return digest.to_bytes(options.sender, mid)
    except Exception as error:  # one recipient's bad data must not stop the others
        return RuntimeError(f"compose: {error!r}")


_shared: tuple[DayFacts, DigestOptions] | None = None  # the facts a forked worker inherits


def _compose_shared(recipient: Recipient) -> Composed:
    assert _shared is not None, "a digest worker started without the day's facts"
    return _compose_bytes(recipient, *_shared)


def composed(recipients: Sequence[Recipient], facts: DayFacts, options: DigestOptions) -> Iterator[Composed]:
    """Each recipient's composed message, in order: by a pool of forked workers for a big batch."""
    global _shared
    if options.workers <= 1 or len(recipients) < options.parallel_from:
        for recipient in recipients:
            yield _compose_bytes(recipient, facts, options)
        return
    charts.font()  # once here rather than once per worker
    _shared = (facts, options)
    try:
        with multiprocessing.get_context("fork").Pool(options.workers) as pool:
            yield from pool.imap(_compose_shared, recipients, chunksize=CHUNK)
    finally:
        _shared = None


def send_digests(
    paths: Paths,
    business_date: date | None = None,
    *,
    options: DigestOptions | None = None,
    transport: Transport | None = None,
) -> DigestReport:
    """Send (or write to the outbox) `business_date`'s digests; default: the last business day published.

    Re-running sends nothing twice; one failing recipient never stops the others (a fatal transport
    error, a refused certificate or login, stops the run: every message left is tried next time)."""
    options = options or DigestOptions.from_env()
    transport = transport or default_transport(paths)
    with open_serving(paths.warehouse) as connection:
        if business_date is None:
            business_date = connection.execute(
                "select max(business_date) from marts.agg_branch_daily"
            ).fetchone()[0]
        if business_date is None:
            return DigestReport(None, transport.name)
        facts = read_day(connection, business_date)
    report = DigestReport(business_date, transport.name)
    if not facts.has_data:
        log.warning("no published data for %s: no digests", business_date)
        return report
    with DeliveryLog(paths.outbox / LOG_FILE) as delivery_log:
        done = delivery_log.done(business_date)
        todo = []
        for recipient in (r for r in read_recipients(paths.directory) if r.active):
            if (recipient.broker_id, recipient.digest_kind) in done:
                report.outcomes[f"{recipient.broker_id}/{recipient.digest_kind}"] = "already_delivered"
            else:
                todo.append(recipient)
        with transport:
            _deliver_all(
                todo, composed(todo, facts, options), business_date, options, transport, delivery_log, report
            )
    return report


def _deliver_all(
    recipients: Sequence[Recipient],
    messages: Iterator[Composed],
    business_date: date,
    options: DigestOptions,
    transport: Transport,
    delivery_log: DeliveryLog,
    report: DigestReport,
) -> None:
    fatal: DeliveryError | None = None
    for recipient, message in zip(recipients, messages, strict=True):
        kind = recipient.digest_kind
        if message is None:
            report.outcomes[f"{recipient.broker_id}/{kind}"] = "nothing_to_send"
            continue
        if isinstance(message, Exception):
            log.error("composing the digest of %s failed: %s", recipient.broker_id, message)
            status, attempts, detail = FAILED_TRANSIENT, 0, str(message)
        elif not recipient.email:
            status, attempts, detail = FAILED_PERMANENT, 0, "no e-mail address in recipients.csv"
        elif fatal is not None:
            status, attempts, detail = FAILED_TRANSIENT, 0, f"not attempted: {fatal}"
        else:
            try:
                detail = transport.deliver(
                    message, recipient.email, business_date=business_date, key=f"{recipient.broker_id}-{kind}"
                )
                status, attempts = transport.success_status, getattr(transport, "last_attempts", 1) or 1
            except DeliveryError as error:
                status = FAILED_PERMANENT if error.permanent else FAILED_TRANSIENT
                attempts, detail = error.attempts, str(error)
                log.warning("digest to %s: %s (%s)", recipient.email, status, error)
                fatal = error if error.fatal else None
        mid = message_id(business_date, recipient, kind, options.message_id_domain)
        delivery_log.record(
            business_date,
            recipient.broker_id,
            kind,
            recipient.email,
            mid,
            status,
            attempts,
            transport.name,
            detail,
        )
        report.outcomes[f"{recipient.broker_id}/{kind}"] = status

"""Build and deliver one business day's digests to every active recipient."""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from warehouse.digest.compose import Digest, branch_head_digest, broker_digest, executive_digest
from warehouse.digest.data import open_serving, read_day
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
from warehouse.digest.recipients import Recipient, read_recipients
from warehouse.settings import Paths

log = logging.getLogger(__name__)


class Transport(Protocol):
    name: str
    success_status: str

    def __enter__(self) -> Transport: ...
    def __exit__(self, *exc: object) -> None: ...
    def deliver(self, message, recipient: str, *, business_date: date, key: str) -> str: ...


@dataclass(frozen=True)
class DigestOptions:
    #: a broker with nothing to report gets no e-mail ("skip") or a one-line e-mail ("line")
    empty: str = "skip"
    sender: str = "每日提醒 <digests@localhost>"
    message_id_domain: str = "digest.localhost"

    @classmethod
    def from_env(cls) -> DigestOptions:
        empty = os.environ.get("WAREHOUSE_DIGEST_EMPTY", "skip").strip().lower() or "skip"
        if empty not in ("skip", "line"):
            raise ValueError(f"WAREHOUSE_DIGEST_EMPTY must be skip or line, not {empty!r}")
        sender = os.environ.get("WAREHOUSE_SMTP_FROM") or cls.sender
        return cls(empty=empty, sender=sender)


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


def compose(recipient: Recipient, facts, options: DigestOptions) -> Digest | None:
    if recipient.role == "executive":
        return executive_digest(recipient, facts)
    if recipient.role == "branch_head":
        return branch_head_digest(recipient, facts)
    return broker_digest(recipient, facts, empty=options.empty)


def default_transport(paths: Paths) -> Transport:
    settings = SmtpSettings.from_env()
    return SmtpTransport(settings) if settings else OutboxTransport(paths.outbox)


def send_digests(
    paths: Paths,
    business_date: date | None = None,
    *,
    options: DigestOptions | None = None,
    transport: Transport | None = None,
) -> DigestReport:
    """Send (or write to the outbox) `business_date`'s digests; default: the last business day published.

    Re-running sends nothing twice; one failing recipient never stops the others."""
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
    delivery_log = DeliveryLog(paths.outbox / LOG_FILE)
    recipients = [r for r in read_recipients(paths.directory) if r.active]
    with transport:
        for recipient in recipients:
            kind = recipient.digest_kind
            key = f"{recipient.broker_id}/{kind}"
            if delivery_log.is_done(business_date, recipient.broker_id, kind):
                report.outcomes[key] = "already_delivered"
                continue
            mid = message_id(business_date, recipient, kind, options.message_id_domain)
            try:
                digest = compose(recipient, facts, options)
            except Exception as error:  # one recipient's bad data must not stop the others
                log.exception("composing the digest of %s failed", recipient.broker_id)
                delivery_log.record(
                    business_date,
                    recipient.broker_id,
                    kind,
                    recipient.email,
                    mid,
                    FAILED_TRANSIENT,
                    0,
                    transport.name,
                    f"compose: {error!r}",
                )
                report.outcomes[key] = FAILED_TRANSIENT
                continue
            if digest is None:
                report.outcomes[key] = "nothing_to_send"
                continue
            if not recipient.email:
                delivery_log.record(
                    business_date,
                    recipient.broker_id,
                    kind,
                    "",
                    mid,
                    FAILED_PERMANENT,
                    0,
                    transport.name,
                    "no e-mail address in recipients.csv",
                )
                report.outcomes[key] = FAILED_PERMANENT
                continue
            message = digest.to_message(options.sender, mid)
            try:
                detail = transport.deliver(
                    message, recipient.email, business_date=business_date, key=f"{recipient.broker_id}-{kind}"
                )
            except DeliveryError as error:
                status = FAILED_PERMANENT if error.permanent else FAILED_TRANSIENT
                delivery_log.record(
                    business_date,
                    recipient.broker_id,
                    kind,
                    recipient.email,
                    mid,
                    status,
                    getattr(error, "attempts", 1),
                    transport.name,
                    str(error),
                )
                report.outcomes[key] = status
                log.warning("digest to %s: %s (%s)", recipient.email, status, error)
                continue
            delivery_log.record(
                business_date,
                recipient.broker_id,
                kind,
                recipient.email,
                mid,
                transport.success_status,
                getattr(transport, "last_attempts", 1) or 1,
                transport.name,
                detail,
            )
            report.outcomes[key] = transport.success_status
    return report

"""Daily reminder digests 每日提醒: one e-mail per broker, team lead, branch head and executive.

    serving.duckdb (read-only) --data--> the day's facts, indexed per recipient
        --compose (worker processes)--> HTML + text + inline PNG charts, flattened to MIME bytes
        --deliver--> SMTP (WAREHOUSE_SMTP_*) or .eml files in the outbox, every message in a delivery log

    from warehouse.digest import send_digests
    report = send_digests(paths)                   # the last business day in the serving file
    report = send_digests(paths, date(2024, 3, 22))

Re-running a day sends nothing twice (the delivery log is keyed by business date, recipient and kind).
"""

from warehouse.digest.delivery import DeliveryLog, OutboxTransport, SmtpSettings, SmtpTransport
from warehouse.digest.run import DigestOptions, DigestReport, send_digests

__all__ = [
    "DeliveryLog",
    "DigestOptions",
    "DigestReport",
    "OutboxTransport",
    "SmtpSettings",
    "SmtpTransport",
    "send_digests",
]

"""The digest recipients: `recipients.csv` of the directory (broker_id, broker_name, branch_code, role,
email, active). Role is broker | team_lead | branch_head | executive; active=0 marks a broker who left."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

RECIPIENTS_FILE = "recipients.csv"
ROLES = ("broker", "team_lead", "branch_head", "executive")


@dataclass(frozen=True)
class Recipient:
    broker_id: str
    name: str
    branch_code: str
    role: str
    email: str
    active: bool

    @property
    def digest_kind(self) -> str:
        """broker (brokers and team leads), branch_head or executive: one message of each per day."""
        return self.role if self.role in ("branch_head", "executive") else "broker"


def read_recipients(directory: Path) -> list[Recipient]:
    path = Path(directory) / RECIPIENTS_FILE
    if not path.exists():
        raise FileNotFoundError(f"no digest recipients at {path}")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    recipients = []
    for row in rows:
        role = (row.get("role") or "").strip()
        if role not in ROLES:
            raise ValueError(f"{path}: unknown role {role!r} for {row.get('broker_id')}")
        recipients.append(
            Recipient(
                broker_id=row["broker_id"].strip(),
                name=(row.get("broker_name") or "").strip(),
                branch_code=(row.get("branch_code") or "").strip(),
                role=role,
                email=(row.get("email") or "").strip(),
                active=(row.get("active") or "1").strip() not in ("0", "false", "False", ""),
            )
        )
    return recipients

"""One composed digest and its MIME message: multipart/alternative of text/plain and multipart/related
(text/html + the PNGs by content id), written straight to bytes with CRLF line ends (RFC 5322), which
the outbox writes and SMTP sends as they are.

Written here rather than by the `email` package's generator, which spends milliseconds per message
re-splitting the base64 lines it was given; the parts are the same and any mail reader (and
`email.message_from_bytes`) reads them. The MIME boundaries derive from the message id, so a message
built twice is the same but for its Date."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from warehouse.digest.recipients import Recipient

CRLF = b"\r\n"


def _part(headers: list[str], body: bytes = b"") -> bytes:
    return "\r\n".join(headers).encode("ascii") + CRLF + CRLF + body


def _base64(data: bytes) -> bytes:
    """Base64 in lines of 76 characters, each ended by CRLF."""
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + 76] + CRLF for i in range(0, len(encoded), 76))


@dataclass
class Digest:
    recipient: Recipient
    kind: str  # broker | branch_head | executive
    business_date: date
    subject: str
    text: str
    html: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (content id without <>, png)
    item_count: int = 0

    def to_bytes(self, sender: str, message_id: str) -> bytes:
        """The whole message, ready for SMTP's DATA or an .eml file."""
        token = hashlib.sha1(message_id.encode("utf-8")).hexdigest()[:24]
        outer, inner = f"=_alternative_{token}", f"=_related_{token}"  # "=_" is never in base64
        head = [
            f'Content-Type: multipart/alternative; boundary="{outer}"',
            "MIME-Version: 1.0",
            "Subject: " + Header(self.subject, "utf-8", header_name="Subject").encode(linesep="\r\n"),
            "From: " + formataddr(parseaddr(sender), "utf-8"),
            "To: " + formataddr((self.recipient.name, self.recipient.email), "utf-8"),
            "Date: " + formatdate(localtime=True),
            "Message-ID: " + message_id,
            f"X-Digest-Key: {self.business_date.isoformat()}/{self.recipient.broker_id}/{self.kind}",
        ]
        chunks = [
            _part(head),
            f"--{outer}\r\n".encode(),
            _part(
                ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                _base64(self.text.encode("utf-8")),
            ),
            f"--{outer}\r\n".encode(),
            _part([f'Content-Type: multipart/related; boundary="{inner}"']),
            f"--{inner}\r\n".encode(),
            _part(
                ['Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                _base64(self.html.encode("utf-8")),
            ),
        ]
        for cid, png in self.images:
            chunks += [
                f"--{inner}\r\n".encode(),
                _part(
                    [
                        "Content-Type: image/png",
                        "Content-Transfer-Encoding: base64",
                        f"Content-ID: <{cid}>",
                        f'Content-Disposition: inline; filename="{cid.split("@")[0]}.png"',
                    ],
                    _base64(png),
                ),
            ]
        chunks += [f"--{inner}--\r\n".encode(), f"--{outer}--\r\n".encode()]
        return b"".join(chunks)

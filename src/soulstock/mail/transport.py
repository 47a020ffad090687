"""Email transports: SMTP configured by URL, and the dev sink that keeps mail in the DB.

``smtp://user:pass@host:587`` uses STARTTLS (port 587, or ``?starttls=1``); ``smtps://`` is
TLS from the start; ``smtp://host:25`` without credentials is plain (a local relay or a test
server). ``dev`` stores each message in ``dev_mails`` for the console's mail sink page.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from soulstock.domain.clock import Clock
from soulstock.domain.errors import InvalidInput
from soulstock.mail.templates import Rendered
from soulstock.store.models import DevMail
from soulstock.store.uow import UnitOfWork


def message_id(key: str) -> str:
    """The Message-ID of an outbox message: derived from its idempotency key, so a resent
    message carries the same id and the receiving side can tell it is the same one."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@soulstock.outbox>"


def build(
    *,
    key: str,
    sender: str,
    recipient: str,
    rendered: Rendered,
    unsubscribe: str | None,
    clock: Clock,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, recipient, rendered.subject
    msg["Message-ID"] = message_id(key)
    msg["Date"] = format_datetime(clock.now())
    msg["X-Soulstock-Key"] = key
    body = rendered.body
    if unsubscribe:
        # RFC 8058 one-click: a POST to this URL with "List-Unsubscribe=One-Click" leaves.
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(body)
    return msg


class Transport(Protocol):
    def send(self, messages: Sequence[EmailMessage]) -> None: ...


class SmtpTransport:
    def __init__(self, url: str, *, timeout: float = 20.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput("SOULSTOCK_SMTP_URL must look like smtp://user:pass@host:587")
        self.tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 25)
        query = parse_qs(parts.query)
        self.starttls = not self.tls and (self.port == 587 or query.get("starttls") == ["1"])
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls()
        return smtp

    def send(self, messages: Sequence[EmailMessage]) -> None:
        with self._connect() as smtp:
            if self.user:
                smtp.login(self.user, self.password or "")
            for msg in messages:
                smtp.send_message(msg)


class DevTransport:
    """The demo's sink: the message is "delivered" into ``dev_mails`` (once per Message-ID)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    def send(self, messages: Sequence[EmailMessage]) -> None:
        with self.uow.write() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            for msg in messages:
                session.execute(
                    insert(DevMail)
                    .values(
                        message_id=str(msg["Message-ID"]),
                        recipient=str(msg["To"]),
                        subject=str(msg["Subject"]),
                        raw=msg.as_string(),
                        created_at=self.clock.now(),
                    )
                    .on_conflict_do_nothing(index_elements=["message_id"])
                )


def transport_for(url: str, *, uow: UnitOfWork, clock: Clock) -> Transport:
    return DevTransport(uow, clock) if url == "dev" else SmtpTransport(url)

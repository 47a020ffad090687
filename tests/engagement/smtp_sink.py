"""A real SMTP server for the tests (aiosmtpd on a free 127.0.0.1 port) that keeps what it
receives, parsed, in arrival order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from soulstock.devserver import free_port


class Sink:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def received(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)


@contextmanager
def smtp_sink(*, delay: float = 0.0) -> Iterator[tuple[Sink, str]]:
    """Yields the sink and its ``smtp://127.0.0.1:<port>`` URL."""
    sink = Sink(delay=delay)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()

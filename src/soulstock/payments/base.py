"""The ``PaymentProvider`` interface: start a payment, and turn a provider's callback into a
verified ``PaymentNotice``. A provider never touches stock or orders; the payments service does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from soulstock.domain.orders import PaymentOutcome


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    order_public_id: str
    amount_minor: int
    currency: str
    description: str


@dataclass(frozen=True, slots=True)
class PaymentSession:
    provider: str
    redirect_url: str


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """A callback whose signature has been verified; ``event_id`` is unique per notice."""

    provider: str
    event_id: str
    order_public_id: str
    outcome: PaymentOutcome
    amount_minor: int
    currency: str


class PaymentProvider(Protocol):
    name: str

    def start(self, request: PaymentRequest) -> PaymentSession:
        """Where to send the buyer to pay."""
        ...

    def parse_notice(self, body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
        """Verify a callback and read it; raises ``NotAuthenticated`` for a bad signature
        and ``InvalidInput`` for a malformed body."""
        ...

"""The built-in ``dev`` provider: a local pay page with Pay / Fail buttons and callbacks signed
with HMAC-SHA256, shaped like a real gateway's (event id, timestamp, amount, signature header).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from soulstock.domain.clock import Clock
from soulstock.domain.errors import InvalidInput, NotAuthenticated
from soulstock.domain.orders import PaymentOutcome
from soulstock.payments.base import PaymentNotice, PaymentRequest, PaymentSession

SIGNATURE_HEADER = "x-soulstock-signature"
MAX_NOTICE_AGE = timedelta(minutes=10)


class DevPaymentProvider:
    name = "dev"

    def __init__(self, *, secret: bytes, base_url: str, clock: Clock) -> None:
        self._secret = hashlib.sha256(b"soulstock-dev-payments:" + secret).digest()
        self._base_url = base_url.rstrip("/")
        self._clock = clock

    def start(self, request: PaymentRequest) -> PaymentSession:
        return PaymentSession(self.name, f"{self._base_url}/pay/dev/{request.order_public_id}")

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def make_notice(
        self, *, order_public_id: str, outcome: PaymentOutcome, amount_minor: int, currency: str
    ) -> tuple[bytes, dict[str, str]]:
        """What the dev gateway sends when the buyer presses Pay or Fail: body and headers."""
        payload = {
            "event_id": "evt_" + secrets.token_hex(12),
            "order": order_public_id,
            "outcome": outcome.value,
            "amount_minor": amount_minor,
            "currency": currency,
            "created_at": self._clock.now().isoformat(),
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        return body, {SIGNATURE_HEADER: self.sign(body)}

    def parse_notice(self, body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
        given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given, self.sign(body)):
            raise NotAuthenticated("payment callback signature is missing or wrong")
        try:
            data = json.loads(body)
            created = datetime.fromisoformat(data["created_at"])
            notice = PaymentNotice(
                provider=self.name,
                event_id=str(data["event_id"]),
                order_public_id=str(data["order"]),
                outcome=PaymentOutcome(data["outcome"]),
                amount_minor=int(data["amount_minor"]),
                currency=str(data["currency"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"malformed payment callback: {exc}") from None
        if created.tzinfo is None or abs(self._clock.now() - created) > MAX_NOTICE_AGE:
            raise NotAuthenticated("payment callback is too old or from the future")
        return notice

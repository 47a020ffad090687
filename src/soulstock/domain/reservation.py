"""Reservations (holds): units set aside for one buyer for a while, counted against stock.

A hold is *live* while it is ``held`` and its expiry is in the future. Every read treats an
expired hold as absent; the sweeper only tidies rows up and never decides correctness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from soulstock.domain.errors import CapReached, InvalidInput

MAX_UNITS_PER_ORDER = 10


class HoldStatus(StrEnum):
    HELD = "held"
    PAID = "paid"
    RELEASED = "released"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Hold:
    quantity: int
    status: HoldStatus
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return self.status is HoldStatus.HELD and now < self.expires_at

    def seconds_left(self, now: datetime) -> int:
        if not self.is_live(now):
            return 0
        return max(0, int((self.expires_at - now).total_seconds()))


def hold_expiry(now: datetime, ttl_seconds: int) -> datetime:
    if ttl_seconds <= 0:
        raise InvalidInput("a hold needs a positive time to live")
    return now + timedelta(seconds=ttl_seconds)


def check_quantity(quantity: int) -> int:
    if not 1 <= quantity <= MAX_UNITS_PER_ORDER:
        raise InvalidInput(f"quantity must be between 1 and {MAX_UNITS_PER_ORDER}")
    return quantity


def check_cap(*, cap: int | None, used: int, quantity: int, scope: str) -> None:
    """Refuse a hold that would take a buyer past a per-buyer cap (paid + live holds)."""
    if cap is not None and used + quantity > cap:
        raise CapReached(f"each buyer may have at most {cap} per {scope}; you already have {used}")

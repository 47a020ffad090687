"""Analytics in pure terms: event kinds, pseudonymous visitors, stock bands and periods.

A visitor is an HMAC of a first-party cookie id under the shop's secret and the UTC day, so the
same browser gets a new pseudonym every day and nobody can reverse it to the cookie. A view is
kept once per visitor, product and ``VIEW_WINDOW_SECONDS``; crawlers (by user agent) are not
counted at all. Periods are local calendar days in the shop's time zone, turned into UTC
instants here so the database only compares instants.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from soulstock.domain.errors import InvalidInput

VIEW_WINDOW_SECONDS = 30 * 60
MAX_PERIOD_DAYS = 731
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|scrapy|facebookexternalhit|preview",
    re.IGNORECASE,
)


class EventKind(StrEnum):
    VIEWED = "viewed"
    RESERVED = "reserved"  # added to cart: a hold
    CHECKOUT_STARTED = "checkout_started"
    PAID = "paid"
    EXPIRED = "expired"  # a hold ran out unpaid
    RELEASED = "released"  # the buyer let go, or the payment failed
    WAITLIST_JOINED = "waitlist_joined"


def is_bot(user_agent: str) -> bool:
    return not user_agent or BOT_AGENTS.search(user_agent) is not None


def visitor_of(*, secret: bytes, cookie_id: str, at: datetime) -> str:
    """The day's pseudonym of a browser: 32 hex chars, rotated at 00:00 UTC."""
    day = at.astimezone(UTC).date().isoformat()
    return hmac.new(secret, f"{day}:{cookie_id}".encode(), hashlib.sha256).hexdigest()[:32]


def view_dedup_key(visitor: str, at: datetime) -> str:
    """Equal for one visitor's views within the same window, so the second is dropped."""
    return f"{visitor}:{int(at.timestamp()) // VIEW_WINDOW_SECONDS}"


def stock_pct(*, quantity: int | None, remaining: int) -> int | None:
    """The remaining share of a capped release in whole percent (floor); None if uncapped."""
    if not quantity:
        return None
    return max(0, min(100, remaining * 100 // quantity))


class Band(StrEnum):
    HIGH = "high"  # more than ``high`` percent left
    MID = "mid"
    LOW = "low"  # under ``low`` percent left
    UNCAPPED = "uncapped"


@dataclass(frozen=True, slots=True)
class StockBands:
    """Bands of remaining stock: > high, low..high, < low (percent)."""

    high: int = 50
    low: int = 20

    def __post_init__(self) -> None:
        if not 0 < self.low < self.high < 100:
            raise InvalidInput("stock bands need 0 < low < high < 100 (percent remaining)")

    def band_of(self, pct: int | None) -> Band:
        if pct is None:
            return Band.UNCAPPED
        if pct > self.high:
            return Band.HIGH
        return Band.LOW if pct < self.low else Band.MID


@dataclass(frozen=True, slots=True)
class Period:
    """Local calendar days ``first``..``last`` (inclusive) in the shop's zone ``tz``."""

    first: date
    last: date
    tz: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput("a period ends on or after the day it starts")
        if (self.last - self.first).days >= MAX_PERIOD_DAYS:
            raise InvalidInput(f"a period is at most {MAX_PERIOD_DAYS} days")

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.tz)

    def days(self) -> list[tuple[date, datetime, datetime]]:
        """Each local day with its UTC bounds [start, end); DST days are 23 or 25 hours."""
        count = (self.last - self.first).days + 1
        out = []
        for i in range(count):
            day = self.first + timedelta(days=i)
            out.append(
                (day, local_midnight(day, self.tz), local_midnight(day + timedelta(1), self.tz))
            )
        return out

    def months(self) -> list[tuple[date, datetime, datetime]]:
        """Each calendar month touching the period, clipped to it, with UTC bounds."""
        out = []
        month = self.first.replace(day=1)
        while month <= self.last:
            following = (month + timedelta(days=32)).replace(day=1)
            lo, hi = max(month, self.first), min(following - timedelta(days=1), self.last)
            out.append(
                (month, local_midnight(lo, self.tz), local_midnight(hi + timedelta(1), self.tz))
            )
            month = following
        return out


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(UTC)


def last_days(now: datetime, *, tz: str, days: int) -> Period:
    """The ``days`` local days ending today (in ``tz``)."""
    today = now.astimezone(ZoneInfo(tz)).date()
    return Period(today - timedelta(days=days - 1), today, tz)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None

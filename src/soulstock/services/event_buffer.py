"""A small in-process buffer of events that need not share a buyer's transaction.

Product views and "checkout started" are noted here in memory (no database round trip on the
page) and written in one batch by the app's background loop (``analytics.flush_events``). A
crash loses at most one loop interval of views; money-moving events never go through here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

MAX_PENDING = 50_000  # beyond this, views are dropped (and counted) rather than eating memory


@dataclass(frozen=True, slots=True)
class PendingView:
    product_id: int
    at: datetime
    release_seq: int | None
    price_minor: int | None
    windowed: bool
    hint: bool
    visitor: str
    dedup: str


@dataclass(frozen=True, slots=True)
class PendingOrderEvent:
    kind: str
    order_id: int
    at: datetime


Pending = PendingView | PendingOrderEvent


class EventBuffer:
    """Thread-safe append and take-all; bounded."""

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._lock = threading.Lock()
        self._items: list[Pending] = []
        self._limit = limit
        self.dropped = 0

    def add(self, item: Pending) -> None:
        with self._lock:
            if len(self._items) >= self._limit:
                self.dropped += 1
                return
            self._items.append(item)

    def take(self) -> list[Pending]:
        with self._lock:
            items, self._items = self._items, []
        return items

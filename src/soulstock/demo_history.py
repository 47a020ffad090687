"""The demo shop's analytics history: months of views, holds, abandoned holds, waitlist joins
and the PPT template's sales from before its orders were kept here, from a seeded
``random.Random`` so every run is the same.

What the dashboard and the advisor then show is true of this data:

- the staple PPT template sold 87, 12 and 3 units in the last three full months (the
  article's decay): the advisor suggests monthly drops;
- the 50-copy Halloween set sold out within a day and 30 buyers joined its waitlist in the
  days after (real accounts and members, through the services): it is limited (永不复刻), so
  the advisor suggests a new product, never a reissue;
- holds taken when little is left are abandoned more often; the red-packet pack, nearly sold
  out, has its last holds mostly unpaid: the advisor suggests a lower per-buyer cap.

Views carry the stock level the buyer saw (from the real sales' times) and whether "only X
left" was shown. Events go in through ``analytics.load_events``: one INSERT per batch.
Buyers signed up here share the demo password.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from soulstock.domain.analytics import EventKind, stock_pct
from soulstock.domain.clock import FixedClock
from soulstock.services import accounts, analytics, dashboard, waitlists
from soulstock.services.advisor import full_months
from soulstock.services.context import Context

DECAY_PRODUCT = "minimal-business-ppt"
DECAY_UNITS = (87, 12, 3)
WAITLIST_PRODUCT = "halloween-icons"
WAITLIST_JOINS = 30
DEMO_PASSWORD = "soulstock-demo"  # as in soulstock.demo
ABANDONED_AT_LOW = 6  # unpaid holds on a nearly sold-out product in its last days
MENTIONS = (
    (
        WAITLIST_PRODUCT,
        "https://www.xianyu.example/item/halloween-120",
        "闲鱼",
        "转卖 ¥88，原价 ¥29.9",
    ),
    (
        WAITLIST_PRODUCT,
        "https://www.xiaohongshu.example/note/ghost-icons",
        "小红书",
        "求购帖 40+ 评论",
    ),
    ("illustrated-splash-screens", "https://weibo.example/status/splash-10", "微博", "#7 转手"),
)


@dataclass(frozen=True, slots=True)
class Listed:
    product_id: int
    slug: str
    total: int | None
    price_minor: int
    listed_at: datetime
    sales: list[datetime]  # when each copy was paid, oldest first


def seed_history(
    ctx: Context,
    *,
    clock: FixedClock,
    shop_id: int,
    seller_id: int,
    products: list[Listed],
    now: datetime,
    rng: random.Random,
) -> int:
    """Write the history; returns the number of events."""
    rows: list[dict[str, Any]] = []
    for item in products:
        rows += _views_and_holds(item, shop_id=shop_id, now=now, rng=rng)
    by_slug = {p.slug: p for p in products}
    rows += _decay(by_slug[DECAY_PRODUCT], shop_id=shop_id, now=now, rng=rng)
    analytics.load_events(ctx, rows)
    _waitlist(ctx, by_slug[WAITLIST_PRODUCT], clock=clock, now=now, rng=rng)
    for slug, url, source, note in MENTIONS:
        sold_out = by_slug[slug].sales[-1] if by_slug[slug].sales else now
        dashboard.add_mention(
            ctx,
            actor_id=seller_id,
            product_id=by_slug[slug].product_id,
            url=url,
            source=source,
            noted_on=_day_after(sold_out, rng, now),
            note=note,
        )
    return len(rows)


def _day_after(at: datetime, rng: random.Random, now: datetime) -> date:
    return min(now, at + timedelta(days=rng.randint(1, 6))).date()


def _event(
    kind: EventKind, item: Listed, *, shop_id: int, at: datetime, **more: Any
) -> dict[str, Any]:
    row = {
        "kind": kind.value,
        "shop_id": shop_id,
        "product_id": item.product_id,
        "at": at,
        "release_seq": 0,
        "order_id": None,
        "quantity": 1,
        "price_minor": item.price_minor,
        "stock_pct": None,
        "windowed": False,
        "hint": False,
        "visitor": None,
        "dedup": None,
    }
    row.update(more)
    return row


def _views_and_holds(
    item: Listed, *, shop_id: int, now: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """Views every day since listing (busier while stock is short), a few abandoned holds,
    more of them when little is left."""
    rows = []
    days = max(1, (now - item.listed_at).days)
    for day in range(days):
        for n in range(rng.randint(4, 14)):
            at = item.listed_at + timedelta(days=day, seconds=rng.uniform(0, 86400))
            if at >= now:
                continue
            sold = bisect.bisect_right(item.sales, at)
            left = None if item.total is None else item.total - sold
            pct = None if left is None else stock_pct(quantity=item.total, remaining=left)
            visitor = f"{rng.getrandbits(64):016x}"
            rows.append(
                _event(
                    EventKind.VIEWED,
                    item,
                    shop_id=shop_id,
                    at=at,
                    stock_pct=pct,
                    hint=pct is not None,
                    visitor=visitor,
                    dedup=f"{visitor}:{day}:{n}",
                )
            )
            if left == 0:
                continue
            abandon_rate = 0.05 if pct is not None and pct < 20 else 0.015
            if rng.random() < abandon_rate:
                rows.append(_event(EventKind.RESERVED, item, shop_id=shop_id, at=at, stock_pct=pct))
    left_now = None if item.total is None else item.total - len(item.sales)
    if item.total is not None and left_now is not None and 0 < left_now < 0.2 * item.total:
        pct = stock_pct(quantity=item.total, remaining=left_now)
        for i in range(ABANDONED_AT_LOW):
            at = now - timedelta(hours=6 + 11 * i)
            rows.append(_event(EventKind.RESERVED, item, shop_id=shop_id, at=at, stock_pct=pct))
    return rows


def _decay(
    item: Listed, *, shop_id: int, now: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """Paid units of the staple in each of the last full months: 87 → 12 → 3."""
    months = full_months(now, tz="Asia/Shanghai", months=len(DECAY_UNITS)).months()
    rows = []
    for (_, lo, hi), units in zip(months, DECAY_UNITS, strict=True):
        span = (hi - lo).total_seconds()
        for _ in range(units):
            at = lo + timedelta(seconds=rng.uniform(0, span))
            rows.append(_event(EventKind.PAID, item, shop_id=shop_id, at=at))
    return rows


def _waitlist(
    ctx: Context, item: Listed, *, clock: FixedClock, now: datetime, rng: random.Random
) -> None:
    """Buyers asking for the sold-out set in the days after it sold out: each signs up and
    joins its waitlist (the service records the "waitlist joined" event)."""
    sold_out = item.sales[-1]
    times = sorted(
        min(now, sold_out + timedelta(hours=rng.expovariate(1 / 30))) for _ in range(WAITLIST_JOINS)
    )
    for i, at in enumerate(times, start=1):
        clock.set(at)
        user = accounts.sign_up(
            ctx,
            email=f"waiting{i:02d}@soulstock.demo",
            password=DEMO_PASSWORD,
            display_name=f"等待者 {i}",
        )
        waitlists.join_user(ctx, user_id=user.id, product_id=item.product_id)
    clock.set(now)

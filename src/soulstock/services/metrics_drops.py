"""Per-drop metrics: time to sell out, waitlist demand and its conversion when a release opens,
and the article's comparison of a product line before and after leaving unlimited stock.

These read releases, orders, waitlist members and the policy history: a few rows per drop,
aggregated in SQL. Times are returned as instants; the page shows them in the shop's zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from soulstock.domain.analytics import EventKind, Period
from soulstock.domain.policy import PolicyKind
from soulstock.store.columns import UTCDateTime
from soulstock.store.models import (
    AnalyticsEvent,
    Order,
    PolicyChange,
    Product,
    Release,
    Reservation,
    WaitlistMember,
)

UNLIMITED = (PolicyKind.STAPLE.value, PolicyKind.UNLOCK.value)


@dataclass(frozen=True, slots=True)
class DropRow:
    product_id: int
    title: str
    policy: str
    seq: int
    kind: str
    quantity: int
    sold: int
    opened_at: datetime
    sold_out_at: datetime | None
    waiting: int  # confirmed waitlist members when the release opened
    converted: int  # of them, how many paid for the product after it opened

    @property
    def hours_to_sell_out(self) -> float | None:
        if self.sold_out_at is None:
            return None
        return round((self.sold_out_at - self.opened_at).total_seconds() / 3600, 1)


def drops(
    session: Session, *, shop_id: int, period: Period, product_id: int | None = None
) -> list[DropRow]:
    """Capped releases that opened in the period, with their sell-out time and waitlist."""
    opened = func.coalesce(Release.opens_at, Release.created_at)
    last_paid = (
        select(func.max(Order.paid_at))
        .join(Reservation, Reservation.id == Order.reservation_id)
        .where(Reservation.release_id == Release.id, Order.paid_at.is_not(None))
        .scalar_subquery()
    )
    stmt = (
        select(Release, Product.title, Product.policy, last_paid)
        .join(Product, Product.id == Release.product_id)
        .where(
            Product.shop_id == shop_id,
            Release.quantity.is_not(None),
            opened >= literal(period.start, UTCDateTime()),
            opened < literal(period.end, UTCDateTime()),
        )
        .order_by(opened)
    )
    if product_id is not None:
        stmt = stmt.where(Product.id == product_id)
    out = []
    for release, title, policy, paid_at in session.execute(stmt).all():
        start = release.opens_at or release.created_at
        quantity = release.quantity or 0
        sold_out = _as_utc(paid_at, session) if release.sold >= quantity else None
        waiting, converted = _waitlist(session, product_id=release.product_id, opened_at=start)
        out.append(
            DropRow(
                release.product_id,
                title,
                policy,
                release.seq,
                release.kind,
                quantity,
                release.sold,
                start,
                sold_out,
                waiting,
                converted,
            )
        )
    return out


def _as_utc(value: object, session: Session) -> datetime | None:
    """max() over a UTCDateTime column comes back untyped on SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, session.get_bind().dialect)


def _waitlist(session: Session, *, product_id: int, opened_at: datetime) -> tuple[int, int]:
    at = literal(opened_at, UTCDateTime())
    waiting = and_(
        WaitlistMember.product_id == product_id,
        WaitlistMember.confirmed_at.is_not(None),
        WaitlistMember.confirmed_at <= at,
        (WaitlistMember.left_at.is_(None)) | (WaitlistMember.left_at > at),
    )
    bought = (
        select(Order.id)
        .where(
            Order.product_id == product_id,
            Order.email == WaitlistMember.email,
            Order.paid_at >= at,
        )
        .exists()
    )
    total, converted = session.execute(
        select(func.count(), func.count().filter(bought)).where(waiting)
    ).one()
    return int(total), int(converted)


@dataclass(frozen=True, slots=True)
class Side:
    days: int
    views: int
    units: int
    revenue_minor: int

    @property
    def units_per_30_days(self) -> float:
        return round(self.units * 30 / self.days, 1) if self.days else 0.0


@dataclass(frozen=True, slots=True)
class Switch:
    product_id: int
    title: str
    at: datetime
    before_policy: str
    after_policy: str
    before: Side
    after: Side


def switches(session: Session, *, shop_id: int, now: datetime, days: int = 90) -> list[Switch]:
    """Each product that left unlimited stock (policy history), with equal windows before and
    after the change (at most ``days``, and no longer than the time since the change)."""
    changes = session.execute(
        select(PolicyChange, Product.title)
        .join(Product, Product.id == PolicyChange.product_id)
        .where(Product.shop_id == shop_id, PolicyChange.what == "policy")
        .order_by(PolicyChange.at)
    ).all()
    out = []
    for change, title in changes:
        before, after = json.loads(change.before)["kind"], json.loads(change.after)["kind"]
        if before not in UNLIMITED or after in UNLIMITED:
            continue
        span = min(timedelta(days=days), now - change.at)
        if span <= timedelta(0):
            continue
        sides = [
            _side(session, product_id=change.product_id, lo=lo, hi=lo + span)
            for lo in (change.at - span, change.at)
        ]
        out.append(Switch(change.product_id, title, change.at, before, after, *sides))
    return out


def _side(session: Session, *, product_id: int, lo: datetime, hi: datetime) -> Side:
    E = AnalyticsEvent
    viewed, paid = EventKind.VIEWED.value, EventKind.PAID.value
    views, units, revenue = session.execute(
        select(
            func.count().filter(E.kind == viewed),
            func.coalesce(func.sum(E.quantity).filter(E.kind == paid), 0),
            func.coalesce(func.sum(E.quantity * E.price_minor).filter(E.kind == paid), 0),
        ).where(
            E.product_id == product_id,
            E.at >= literal(lo, UTCDateTime()),
            E.at < literal(hi, UTCDateTime()),
        )
    ).one()
    return Side(round((hi - lo).total_seconds() / 86400), int(views), int(units), int(revenue))

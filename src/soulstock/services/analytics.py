"""Recording analytics events, each with the stock level, price and window of its moment.

Where each kind is written, so the buy path never waits for analytics:

- ``reserved``, ``paid``, ``released`` and ``expired`` are one ``INSERT ... SELECT`` inside the
  service transaction that changes the hold (``record_order_event``): exact, and rolled back
  with it;
- ``viewed`` and ``checkout_started`` are noted in ``ctx.events`` (memory) by the page and
  written in one batch by the background loop (``flush_events``); a repeated view of one
  visitor within ``VIEW_WINDOW_SECONDS`` hits the unique ``(product_id, dedup)`` index and is
  dropped by ``ON CONFLICT DO NOTHING``;
- ``waitlist_joined`` (and any other product-level event) is ``record_event`` in the caller's
  transaction.

The stock level is the remaining share of the release the event concerns, computed in the
statement from the release's counters and its live (unexpired) holds: what ``claims_at`` says.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, false, func, insert, literal, null, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from soulstock.domain.analytics import EventKind, is_bot, view_dedup_key, visitor_of
from soulstock.domain.reservation import HoldStatus
from soulstock.services.catalog import ProductView
from soulstock.services.context import Context
from soulstock.services.event_buffer import PendingOrderEvent, PendingView
from soulstock.store.columns import UTCDateTime
from soulstock.store.models import AnalyticsEvent, Order, Product, Release, Reservation

COLUMNS = (
    "kind",
    "shop_id",
    "product_id",
    "at",
    "release_seq",
    "order_id",
    "quantity",
    "price_minor",
    "stock_pct",
    "windowed",
    "hint",
    "visitor",
    "dedup",
)


def new_visitor_cookie() -> str:
    return secrets.token_urlsafe(16)


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(AnalyticsEvent)


def _stock_pct(at: datetime, *, adjust: Any = 0) -> ColumnElement[Any]:
    """Remaining share of ``releases`` (joined in the caller) at ``at``; NULL if uncapped."""
    live = aliased(Reservation)
    live_held = (
        select(func.coalesce(func.sum(live.quantity), 0))
        .where(
            live.release_id == Release.id,
            live.status == HoldStatus.HELD.value,
            live.expires_at > literal(at, UTCDateTime()),
        )
        .scalar_subquery()
    )
    remaining = Release.quantity - Release.sold - live_held + adjust
    return case(
        (Release.quantity.is_(None), null()),
        (Release.quantity == 0, null()),
        else_=remaining * 100 // Release.quantity,
    )


def record_order_event(
    session: Session, *, kind: EventKind, order_id: int, at: datetime, before_hold: bool = False
) -> None:
    """One INSERT in the caller's transaction. ``before_hold``: the order's own hold is already
    counted, and the level recorded is the one the buyer saw before taking it."""
    adjust = Order.quantity if before_hold else 0
    source = (
        select(
            literal(kind.value),
            Order.shop_id,
            Order.product_id,
            literal(at, UTCDateTime()),
            Release.seq,
            Order.id,
            Order.quantity,
            Order.unit_price_minor,
            _stock_pct(at, adjust=adjust),
            Order.unit_price_minor != Product.price_minor,
            false(),
            cast(null(), String(32)),
            cast(null(), String(48)),
        )
        .join(Reservation, Reservation.id == Order.reservation_id)
        .join(Release, Release.id == Reservation.release_id)
        .join(Product, Product.id == Order.product_id)
        .where(Order.id == order_id)
    )
    session.execute(_insert(session).from_select(COLUMNS, source))


def record_expired(session: Session, *, release_id: int, now: datetime) -> None:
    """An ``expired`` event for each of the release's holds about to be reclaimed; call it with
    the release row locked (the sweeper does), so the set cannot change underneath."""
    source = (
        select(
            literal(EventKind.EXPIRED.value),
            Order.shop_id,
            Order.product_id,
            Reservation.expires_at,
            Release.seq,
            Order.id,
            Order.quantity,
            Order.unit_price_minor,
            _stock_pct(now),
            Order.unit_price_minor != Product.price_minor,
            false(),
            cast(null(), String(32)),
            cast(null(), String(48)),
        )
        .join(Order, Order.reservation_id == Reservation.id)
        .join(Release, Release.id == Reservation.release_id)
        .join(Product, Product.id == Order.product_id)
        .where(
            Reservation.release_id == release_id,
            Reservation.status == HoldStatus.HELD.value,
            Reservation.expires_at <= literal(now, UTCDateTime()),
        )
    )
    session.execute(_insert(session).from_select(COLUMNS, source))


def record_event(
    session: Session,
    *,
    kind: EventKind,
    product_id: int,
    at: datetime,
    release_seq: int | None = None,
    price_minor: int | None = None,
    windowed: bool = False,
    hint: bool = False,
    visitor: str | None = None,
    dedup: str | None = None,
) -> None:
    """A product-level event (a view, a waitlist join) in the caller's transaction: one INSERT.

    The stock level comes from the product's release ``release_seq`` when given. With
    ``dedup``, a second event with the same key for the product is silently dropped.
    """
    on_release = and_(Release.product_id == Product.id, Release.seq == release_seq)
    source = (
        select(
            literal(kind.value),
            Product.shop_id,
            Product.id,
            literal(at, UTCDateTime()),
            literal(release_seq),
            cast(null(), Product.id.type),
            literal(1),
            literal(price_minor),
            _stock_pct(at),
            literal(windowed),
            literal(hint),
            literal(visitor, String(32)),
            literal(dedup, String(48)),
        )
        .select_from(Product)
        .outerjoin(Release, on_release)
        .where(Product.id == product_id)
    )
    statement = _insert(session).from_select(COLUMNS, source)
    if dedup is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["product_id", "dedup"])
    session.execute(statement)


def note_view(ctx: Context, *, view: ProductView, cookie_id: str, user_agent: str) -> None:
    """Remember a product page view for the next flush; crawlers are not counted."""
    if is_bot(user_agent):
        return
    at = ctx.clock.now()
    visitor = visitor_of(secret=ctx.settings.secret_key.encode(), cookie_id=cookie_id, at=at)
    claims = view.claims
    ctx.events.add(
        PendingView(
            product_id=view.product.id,
            at=at,
            release_seq=claims.release_seq,
            price_minor=claims.price_minor,
            windowed=claims.special_price,
            hint=claims.remaining is not None,
            visitor=visitor,
            dedup=view_dedup_key(visitor, at),
        )
    )


def note_checkout_started(ctx: Context, *, order_id: int) -> None:
    ctx.events.add(PendingOrderEvent(EventKind.CHECKOUT_STARTED.value, order_id, ctx.clock.now()))


def flush_events(ctx: Context) -> int:
    """Write every buffered event in one transaction; returns how many were taken."""
    items = ctx.events.take()
    if not items:
        return 0
    with ctx.uow.write() as session:
        for item in items:
            if isinstance(item, PendingOrderEvent):
                record_order_event(
                    session, kind=EventKind(item.kind), order_id=item.order_id, at=item.at
                )
                continue
            record_event(
                session,
                kind=EventKind.VIEWED,
                product_id=item.product_id,
                at=item.at,
                release_seq=item.release_seq,
                price_minor=item.price_minor,
                windowed=item.windowed,
                hint=item.hint,
                visitor=item.visitor,
                dedup=item.dedup,
            )
    return len(items)


def load_events(ctx: Context, rows: Sequence[dict[str, Any]], *, batch: int = 5_000) -> int:
    """Append past events (the demo's history, an import, the bench) in one transaction: one
    multi-row INSERT per ``batch``, each row a dict of ``COLUMNS``."""
    with ctx.uow.write() as session:
        for start in range(0, len(rows), batch):
            session.execute(insert(AnalyticsEvent), list(rows[start : start + batch]))
    return len(rows)

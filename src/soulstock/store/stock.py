"""The stock engine: every statement that moves units between free, held and sold.

No oversell by construction. Each change is one conditional UPDATE whose WHERE clause states
the invariant (``sold + held + q <= quantity``); the database evaluates it on the newest row
version while holding the row's write lock (PostgreSQL re-checks the WHERE after waiting for a
concurrent writer; SQLite runs one writer at a time under BEGIN IMMEDIATE), so two buyers can
never both take the last unit. The ``never_oversold`` CHECK constraint backs it up. Python
never reads a count and then decides.

Lock order (all multi-row work in this module and in the services follows it, so concurrent
transactions queue instead of deadlocking):

    draw row (services/draws.py: entering and closing a draw)
    → buyer cap row (``buyer_locks``, capped products: services/scarcity.py ``prepare_claim``
      and, for the same buyer's payments, services/payments.py ``apply_notice``)
    → release row (this module's ``lock_release``/``_take``; a roll-over locks the closing
      drop's release row before the new drop's row is created, once, in seq order)
    → reservation rows → product row → order row
    → the shop's log row → payload rows (store/logstore.py, services/payloads.py).

``prepare_claim`` takes the buyer cap row before any release row; ``add_window`` locks the
product's sale-window rows on their own (no stock row after them); policy changes lock only
the open release row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from soulstock.domain.reservation import HoldStatus
from soulstock.domain.scarcity import StockLevel
from soulstock.store.models import Product, Release, Reservation


def lock_release(session: Session, release_id: int) -> None:
    """Take the release row's lock first, before touching its reservations (lock order)."""
    session.execute(select(Release.id).where(Release.id == release_id).with_for_update())


def _take(session: Session, *, release_id: int, quantity: int, into: str) -> bool:
    release = Release.__table__.c
    fits = or_(
        release.quantity.is_(None), release.sold + release.held + quantity <= release.quantity
    )
    values = {into: getattr(release, into) + quantity}
    # Safe: one statement; the WHERE is evaluated under the row's write lock on its newest
    # version, so the sum can never pass `quantity` whatever the concurrency.
    row = session.execute(
        update(Release).where(release.id == release_id, fits).values(values).returning(release.id)
    ).first()
    return row is not None


def reclaim_expired(session: Session, *, release_id: int, now: datetime) -> int:
    """Turn this release's expired holds back into free units; returns how many came back."""
    lock_release(session, release_id)
    # Safe: `status = 'held'` is re-checked under each reservation row's lock, so two
    # transactions reclaiming at once never give the same hold back twice.
    quantities = session.scalars(
        update(Reservation)
        .where(
            Reservation.release_id == release_id,
            Reservation.status == HoldStatus.HELD.value,
            Reservation.expires_at <= now,
        )
        .values(status=HoldStatus.EXPIRED.value)
        .returning(Reservation.quantity)
    ).all()
    freed = sum(quantities)
    if freed:
        session.execute(
            update(Release).where(Release.id == release_id).values(held=Release.held - freed)
        )
    return freed


def claim_hold(session: Session, *, release_id: int, quantity: int, now: datetime) -> bool:
    """Hold ``quantity`` units if they are free, reclaiming expired holds when needed."""
    if _take(session, release_id=release_id, quantity=quantity, into="held"):
        return True
    if reclaim_expired(session, release_id=release_id, now=now):
        return _take(session, release_id=release_id, quantity=quantity, into="held")
    return False


def sell_free_units(session: Session, *, release_id: int, quantity: int, now: datetime) -> bool:
    """Sell units straight from free stock (a payment that arrived after its hold was gone)."""
    if _take(session, release_id=release_id, quantity=quantity, into="sold"):
        return True
    if reclaim_expired(session, release_id=release_id, now=now):
        return _take(session, release_id=release_id, quantity=quantity, into="sold")
    return False


def end_hold(session: Session, *, reservation_id: int, release_id: int, to: HoldStatus) -> int:
    """Move a still-held reservation to ``paid`` or ``released``; returns its quantity, or 0
    if it was no longer held (already paid, released or reclaimed: nothing happens twice)."""
    lock_release(session, release_id)
    quantity: int | None = session.scalar(
        update(Reservation)
        .where(Reservation.id == reservation_id, Reservation.status == HoldStatus.HELD.value)
        .values(status=to.value)
        .returning(Reservation.quantity)
    )
    if quantity is None:
        return 0
    sold_delta = quantity if to is HoldStatus.PAID else 0
    # Moving units from held to sold keeps sold + held unchanged, so the CHECK still holds.
    session.execute(
        update(Release)
        .where(Release.id == release_id)
        .values(held=Release.held - quantity, sold=Release.sold + sold_delta)
    )
    return quantity


def mint_numbers(session: Session, *, product_id: int, quantity: int) -> int:
    """Advance the product's edition counter; returns the counter after the change.

    Called after the units are sold on the release, under its lock, so numbers follow the
    order of payment with no gap. The `minted_within_cap` CHECK is the backstop for limited
    products; the WHERE makes a breach a clear error instead of a constraint failure.
    """
    minted: int | None = session.scalar(
        update(Product)
        .where(
            Product.id == product_id,
            or_(Product.cap.is_(None), Product.minted + quantity <= Product.cap),
        )
        .values(minted=Product.minted + quantity)
        .returning(Product.minted)
    )
    if minted is None:
        raise RuntimeError(f"product {product_id} would exceed its cap: stock engine bug")
    return minted


def stock_level(session: Session, *, release_id: int, now: datetime) -> StockLevel:
    """The release's counters as the storefront must see them: expired holds never count."""
    live_held = (
        select(func.coalesce(func.sum(Reservation.quantity), 0))
        .where(
            Reservation.release_id == release_id,
            Reservation.status == HoldStatus.HELD.value,
            Reservation.expires_at > now,
        )
        .scalar_subquery()
    )
    row = session.execute(
        select(Release.quantity, Release.sold, live_held).where(Release.id == release_id)
    ).one()
    return StockLevel(quantity=row[0], sold=row[1], live_held=int(row[2]))


def releases_with_expired_holds(session: Session, *, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(Reservation.release_id)
            .where(Reservation.status == HoldStatus.HELD.value, Reservation.expires_at <= now)
            .distinct()
            .order_by(Reservation.release_id)
        )
    )

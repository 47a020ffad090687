""" "Opening soon" reminders: when a product's next drop, tranche or timed release opens within
``SOON``, its waitlist hears about it once (a ``drop_soon`` scheduler event, unique per
opening, plus the messages, in one transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulstock.domain.drops import opening_at
from soulstock.services import notify
from soulstock.services.scarcity import _insert, product_state
from soulstock.store.models import Product, ScarcityEvent, Shop, WaitlistMember

SOON = timedelta(hours=1)


def emit_opening_soon(session: Session, *, now: datetime) -> int:
    """Record a "drop_soon" event for each opening due within ``SOON`` of a product someone
    waits for, once per opening, and tell its waitlist; returns how many were new."""
    waited = select(WaitlistMember.product_id).where(WaitlistMember.confirmed_at.is_not(None))
    rows = session.execute(
        select(Product, Shop)
        .join(Shop, Shop.id == Product.shop_id)
        .where(Product.listed, Product.id.in_(waited))
    ).all()
    emitted = 0
    for product, shop in rows:
        state = product_state(session, product=product, shop=shop, now=now)
        upcoming = opening_at(state.policy, state.releases, tz=state.tz, t=now).next_opens_at
        if upcoming is None or upcoming - now > SOON:
            continue
        key = f"{upcoming:%Y%m%dT%H%M%SZ}"
        inserted = session.execute(
            _insert(session)(ScarcityEvent)
            .values(
                product_id=product.id, kind="drop_soon", key=key, occurs_at=upcoming, created_at=now
            )
            .on_conflict_do_nothing(index_elements=["product_id", "kind", "key"])
            .returning(ScarcityEvent.id)
        ).first()
        if inserted is not None:
            notify.drop_soon(session, product=product, key=key, opens_at=upcoming, now=now)
            emitted += 1
    return emitted

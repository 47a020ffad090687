"""Notifications, written in the transaction of the event that causes them.

Each hook here is called once, where its event happens, with that event's session: an email
(or webhook) row goes into the outbox and an in-app notification into the recipient's list,
so either the event and its messages commit together or neither does. ``soulstock worker``
sends the outbox after commit (``soulstock/mail/worker.py``); links are kept as paths and the
worker puts ``base_url`` in front. Every row's ``key`` is its idempotency key: an event that
fires twice enqueues once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from soulstock.services.context import Context
from soulstock.store.models import (
    Edition,
    Notification,
    Order,
    OutboxMessage,
    Product,
    Release,
    Reservation,
    Restock,
    Shop,
    ShopHook,
    User,
    WaitlistMember,
)


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _params(**values: Any) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)


def enqueue(
    session: Session,
    *,
    key: str,
    channel: str,
    recipient: str,
    template: str,
    params: dict[str, Any],
    now: datetime,
    locale: str = "zh_CN",
    shop_id: int | None = None,
) -> None:
    """Add one message to the outbox, once per ``key``."""
    session.execute(
        _insert(session)(OutboxMessage)
        .values(
            key=key,
            channel=channel,
            shop_id=shop_id,
            recipient=recipient,
            locale=locale,
            template=template,
            params=_params(**params),
            attempts=0,
            in_doubt=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )


def in_app(
    session: Session,
    *,
    user_id: int,
    key: str,
    template: str,
    params: dict[str, Any],
    now: datetime,
) -> None:
    session.execute(
        _insert(session)(Notification)
        .values(
            user_id=user_id, key=key, template=template, params=_params(**params), created_at=now
        )
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
    )


def _tell(
    session: Session,
    *,
    key: str,
    email: str,
    user_id: int | None,
    template: str,
    params: dict[str, Any],
    shop_id: int,
    locale: str,
    now: datetime,
    in_app_key: str | None = None,
) -> None:
    """One event to one person: an email, and an in-app note when they have an account."""
    enqueue(
        session,
        key=key,
        channel="email",
        recipient=email,
        locale=locale,
        template=template,
        params=params,
        shop_id=shop_id,
        now=now,
    )
    if user_id is not None:
        note_key = in_app_key or key
        in_app(session, user_id=user_id, key=note_key, template=template, params=params, now=now)


def _product_params(session: Session, product: Product) -> dict[str, Any]:
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    return {
        "product": product.title,
        "shop": shop.name,
        "path": f"/s/{shop.slug}/p/{product.slug}",
    }


def _tell_waitlist(
    session: Session,
    *,
    product: Product,
    event: str,
    template: str,
    extra: dict[str, Any],
    now: datetime,
) -> int:
    members = session.scalars(
        select(WaitlistMember).where(
            WaitlistMember.product_id == product.id,
            WaitlistMember.confirmed_at.is_not(None),
            WaitlistMember.left_at.is_(None),
        )
    ).all()
    common = {**_product_params(session, product), **extra}
    for member in members:
        params = {**common, "unsubscribe_path": f"/unsubscribe/{member.token}"}
        _tell(
            session,
            key=f"{event}:m{member.id}",
            email=member.email,
            user_id=member.user_id,
            template=template,
            params=params,
            shop_id=product.shop_id,
            locale=member.locale,
            now=now,
            in_app_key=event,
        )
    return len(members)


def restock_released(session: Session, *, product: Product, restock: Restock, now: datetime) -> int:
    """Tell the waitlist about a restock (with its priority window, if it has one)."""
    template = "priority_window" if restock.priority_starts_at else "restock_released"
    return _tell_waitlist(
        session,
        product=product,
        event=f"restock:{product.id}:{restock.number}",
        template=template,
        extra={
            "title": restock.title,
            "quantity": restock.quantity,
            "opens_at": f"{restock.opens_at:%Y-%m-%d %H:%M}",
            "priority_starts_at": (
                f"{restock.priority_starts_at:%Y-%m-%d %H:%M}"
                if restock.priority_starts_at
                else None
            ),
            "priority_cap": restock.priority_cap,
        },
        now=now,
    )


def drop_opened(session: Session, *, product: Product, key: str, now: datetime) -> int:
    """Tell the waitlist that a drop (or tranche, or timed launch) just opened."""
    return _tell_waitlist(
        session,
        product=product,
        event=f"drop:{product.id}:{key}",
        template="drop_opened",
        extra={},
        now=now,
    )


def drop_soon(
    session: Session, *, product: Product, key: str, opens_at: datetime, now: datetime
) -> int:
    """Tell the waitlist that a drop (or tranche, or timed launch) opens soon."""
    return _tell_waitlist(
        session,
        product=product,
        event=f"soon:{product.id}:{key}",
        template="drop_soon",
        extra={"opens_at": f"{opens_at:%Y-%m-%d %H:%M}"},
        now=now,
    )


def unlock_reached(
    session: Session, *, product: Product, goal_id: int, title: str, now: datetime
) -> None:
    """Tell every holder that a goal was reached (in the payment that crossed it)."""
    params = {**_product_params(session, product), "goal": title}
    holders = session.execute(
        select(Edition.owner_id, Edition.owner_email)
        .where(Edition.product_id == product.id)
        .distinct()
    ).all()
    for owner_id, email in holders:
        _tell(
            session,
            key=f"unlock:{goal_id}:{owner_id or email}",
            email=email,
            user_id=owner_id,
            template="unlock_reached",
            params=params,
            shop_id=product.shop_id,
            locale=_locale_of(session, owner_id),
            now=now,
        )


def gift_received(
    session: Session, *, transfer_id: int, edition: Edition, to_email: str, now: datetime
) -> None:
    """Tell the receiver of a gift that an edition waits for them."""
    product = session.get(Product, edition.product_id)
    assert product is not None
    params = {**_product_params(session, product), "edition": edition.number}
    params["path"] = "/library"
    user_id = session.scalar(select(User.id).where(User.email == to_email))
    _tell(
        session,
        key=f"gift:{transfer_id}",
        email=to_email,
        user_id=user_id,
        template="gift_received",
        params=params,
        shop_id=product.shop_id,
        locale=_locale_of(session, user_id),
        now=now,
    )


def sale(session: Session, *, order: Order, now: datetime) -> None:
    """Alert the seller's webhooks of a paid order, and of the sell-out it caused."""
    hooks = session.scalars(select(ShopHook).where(ShopHook.shop_id == order.shop_id)).all()
    if not hooks:
        return
    session.flush()
    release = session.scalar(
        select(Release)
        .join(Reservation, Reservation.release_id == Release.id)
        .where(Reservation.id == order.reservation_id)
    )
    sold_out = (
        release is not None and release.quantity is not None and (release.sold >= release.quantity)
    )
    product = session.get(Product, order.product_id)
    assert product is not None
    params = {
        **_product_params(session, product),
        "order": order.public_id,
        "quantity": order.quantity,
        "amount_minor": order.amount_minor,
        "currency": order.currency,
    }
    events = [("sale", f"sale:{order.id}")] + (
        [("sold_out", f"soldout:{order.id}")] if sold_out else []
    )
    for template, event in events:
        for hook in hooks:
            enqueue(
                session,
                key=f"{event}:h{hook.id}",
                channel="webhook",
                recipient=str(hook.id),
                template=template,
                params=params,
                shop_id=order.shop_id,
                now=now,
            )


def _locale_of(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "zh_CN"
    return session.scalar(select(User.locale).where(User.id == user_id)) or "zh_CN"


def inbox(ctx: Context, *, user_id: int, limit: int = 50) -> list[Notification]:
    """A buyer's in-app notifications, newest first (their library shows them)."""
    with ctx.uow.read() as session:
        return list(
            session.scalars(
                select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.id.desc())
                .limit(limit)
            )
        )

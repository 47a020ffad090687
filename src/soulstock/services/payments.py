"""Payment notices: the one place where money turns held units into sold, numbered editions.

Idempotent twice over: a notice's (provider, event id) is stored uniquely, so a replay does
nothing; and the order and hold only move forward under the release's lock, so two different
notices for one order settle it once. What each notice does is ``domain.orders.settle``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from soulstock.domain.analytics import EventKind
from soulstock.domain.editions import edition_numbers
from soulstock.domain.errors import InvalidInput, NotFound
from soulstock.domain.orders import OrderStatus, PaymentOutcome, Settlement, settle
from soulstock.domain.reservation import HoldStatus
from soulstock.payments.base import PaymentNotice
from soulstock.payments.dev import DevPaymentProvider
from soulstock.services import analytics, notify, ownership, scarcity
from soulstock.services.context import Context
from soulstock.store import stock
from soulstock.store.models import Edition, Order, PaymentEvent, Reservation


def receive_callback(
    ctx: Context, *, provider: str, body: bytes, headers: Mapping[str, str]
) -> Settlement:
    """Verify a provider's callback and apply it."""
    notice = ctx.provider(provider).parse_notice(body, headers)
    return apply_notice(ctx, notice)


def apply_notice(ctx: Context, notice: PaymentNotice) -> Settlement:
    """Apply a verified payment notice exactly once; replays return ``Settlement.NOTHING``."""
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        ids = session.execute(
            select(
                Order.id,
                Reservation.id,
                Reservation.release_id,
                Order.product_id,
                Order.buyer_id,
                Order.email,
            )
            .join(Reservation, Reservation.id == Order.reservation_id)
            .where(Order.public_id == notice.order_public_id)
        ).first()
        if ids is None:
            raise NotFound("payment notice for an unknown order")
        order_id, reservation_id, release_id, product_id, buyer_id, email = ids
        # Lock order (store/stock.py): the buyer's cap row, then the release row.
        scarcity.lock_capped_buyer(session, product_id=product_id, user_id=buyer_id, email=email)
        stock.lock_release(session, release_id)
        # Read after the lock, so a concurrent notice's committed work is seen.
        order = session.execute(
            select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
        ).scalar_one()
        _check_amount(order, notice)
        if not _record_event(session, notice=notice, order_id=order_id, now=now):
            return Settlement.NOTHING
        reservation = session.execute(
            select(Reservation)
            .where(Reservation.id == reservation_id)
            .execution_options(populate_existing=True)
        ).scalar_one()
        decision = settle(OrderStatus(order.status), HoldStatus(reservation.status), notice.outcome)
        outcome = _carry_out(
            session, decision=decision, order=order, reservation=reservation, ctx=ctx
        )
        session.execute(
            update(PaymentEvent)
            .where(
                PaymentEvent.provider == notice.provider, PaymentEvent.event_id == notice.event_id
            )
            .values(settlement=outcome.value)
        )
        return outcome


def _check_amount(order: Order, notice: PaymentNotice) -> None:
    if notice.amount_minor != order.amount_minor or notice.currency != order.currency:
        raise InvalidInput(
            f"payment notice is for {notice.amount_minor} {notice.currency}, "
            f"but the order is {order.amount_minor} {order.currency}"
        )


def _record_event(session: Session, *, notice: PaymentNotice, order_id: int, now: datetime) -> bool:
    """Insert the notice once; False if this (provider, event id) was already applied."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    row = session.execute(
        insert(PaymentEvent)
        .values(
            provider=notice.provider,
            event_id=notice.event_id,
            order_id=order_id,
            outcome=notice.outcome.value,
            amount_minor=notice.amount_minor,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(PaymentEvent.id)
    ).first()
    return row is not None


def _carry_out(
    session: Session,
    *,
    decision: Settlement,
    order: Order,
    reservation: Reservation,
    ctx: Context,
) -> Settlement:
    """Do what ``decision`` says; returns what actually happened."""
    now = ctx.clock.now()
    release_id = reservation.release_id
    if decision is Settlement.FULFIL_FROM_HOLD:
        # A lapsed hold no longer counted against the buyer's cap, so they may have taken
        # their cap's worth since: then this late payment is refunded instead.
        lapsed = reservation.expires_at <= now
        if lapsed and not scarcity.within_caps(
            session, order=order, release_id=release_id, now=now
        ):
            stock.end_hold(
                session,
                reservation_id=reservation.id,
                release_id=release_id,
                to=HoldStatus.RELEASED,
            )
            return _refund_due(order, now=now)
        stock.end_hold(
            session, reservation_id=reservation.id, release_id=release_id, to=HoldStatus.PAID
        )
        _fulfil(session, order=order, now=now)
    elif decision is Settlement.FULFIL_FROM_FREE_STOCK:
        fits = scarcity.within_caps(session, order=order, release_id=release_id, now=now)
        if not fits or not stock.sell_free_units(
            session, release_id=release_id, quantity=order.quantity, now=now
        ):
            # Paid, but the units went to others after the hold lapsed (or the buyer has
            # since taken their cap's worth again): the money is on record and the order
            # is flagged for a refund; nothing is oversold, no cap is exceeded.
            return _refund_due(order, now=now)
        _fulfil(session, order=order, now=now)
    elif decision is Settlement.RELEASE_HOLD:
        stock.end_hold(
            session, reservation_id=reservation.id, release_id=release_id, to=HoldStatus.RELEASED
        )
        order.status = OrderStatus.FAILED.value
        analytics.record_order_event(session, kind=EventKind.RELEASED, order_id=order.id, at=now)
    elif decision is Settlement.MARK_FAILED:
        order.status = OrderStatus.FAILED.value
    return decision


def _refund_due(order: Order, *, now: datetime) -> Settlement:
    order.status = OrderStatus.REFUND_DUE.value
    order.paid_at = now
    return Settlement.REFUND_DUE


def _fulfil(session: Session, *, order: Order, now: datetime) -> None:
    minted = stock.mint_numbers(session, product_id=order.product_id, quantity=order.quantity)
    numbers = list(edition_numbers(minted_after=minted, quantity=order.quantity))
    for number in numbers:
        session.add(
            Edition(
                product_id=order.product_id,
                number=number,
                order_id=order.id,
                owner_id=order.buyer_id,
                owner_email=order.email,
                created_at=now,
            )
        )
    order.status = OrderStatus.PAID.value
    order.paid_at = now
    scarcity.grant_unlocks(session, order=order, now=now)
    analytics.record_order_event(session, kind=EventKind.PAID, order_id=order.id, at=now)
    ownership.record_mints(session, order=order, numbers=numbers, now=now)
    notify.sale(session, order=order, now=now)


def dev_notice(ctx: Context, *, order_public_id: str, outcome: PaymentOutcome) -> Settlement:
    """What the dev pay page's Pay / Fail buttons do: the dev gateway signs a callback for
    the order's amount and it goes through the same verification as any callback."""
    provider = ctx.provider("dev")
    assert isinstance(provider, DevPaymentProvider)
    with ctx.uow.read() as session:
        order = session.scalar(select(Order).where(Order.public_id == order_public_id))
    if order is None:
        raise NotFound("no such order")
    body, headers = provider.make_notice(
        order_public_id=order.public_id,
        outcome=outcome,
        amount_minor=order.amount_minor,
        currency=order.currency,
    )
    return receive_callback(ctx, provider="dev", body=body, headers=headers)

"""Checkout: hold units for a buyer, let them pay or let go, and show them their order."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulstock.domain.analytics import EventKind
from soulstock.domain.errors import HoldExpired, InvalidInput, NotFound, NotPayable, SoldOut
from soulstock.domain.orders import OrderStatus, OrderView, order_view
from soulstock.domain.reservation import Hold, HoldStatus, check_quantity, hold_expiry
from soulstock.payments.base import PaymentRequest, PaymentSession
from soulstock.services import analytics
from soulstock.services.accounts import hash_secret, normalise_email
from soulstock.services.context import Context
from soulstock.services.scarcity import prepare_claim
from soulstock.store import stock
from soulstock.store.models import Edition, Order, Product, Reservation, User


@dataclass(frozen=True, slots=True)
class Buyer:
    """Who is buying: an account, or a guest known only by email."""

    user_id: int | None
    email: str


@dataclass(frozen=True, slots=True)
class OrderAccess:
    """Proof of the right to see an order: its buyer's account, or the order's secret."""

    user_id: int | None = None
    token: str | None = None


@dataclass(frozen=True, slots=True)
class Reserved:
    order: Order
    hold: Hold
    access_token: str  # shown once, to the buyer; only its hash is stored


@dataclass(frozen=True, slots=True)
class OrderDetails:
    order: Order
    product: Product
    hold: Hold
    view: OrderView
    editions: list[Edition]


def buyer_for(ctx: Context, *, user_id: int | None, email: str | None) -> Buyer:
    if user_id is not None:
        with ctx.uow.read() as session:
            user = session.get(User, user_id)
        if user is None:
            raise NotFound("no such account")
        return Buyer(user_id, user.email)
    if not email:
        raise InvalidInput("an email is needed to check out as a guest")
    return Buyer(None, normalise_email(email))


def reserve(ctx: Context, *, product_id: int, quantity: int, buyer: Buyer) -> Reserved:
    """Hold units of a product for the buyer for the hold TTL, or fail with ``SoldOut``."""
    check_quantity(quantity)
    now = ctx.clock.now()
    access_token = secrets.token_urlsafe(24)
    with ctx.uow.write() as session:
        product = session.get(Product, product_id)
        if product is None or not product.listed:
            raise NotFound("no such product")
        claim = prepare_claim(
            session,
            product=product,
            user_id=buyer.user_id,
            email=buyer.email,
            quantity=quantity,
            now=now,
        )
        if not stock.claim_hold(session, release_id=claim.release_id, quantity=quantity, now=now):
            raise _sold_out_error(session, release_id=claim.release_id, ctx=ctx)
        reservation = Reservation(
            release_id=claim.release_id,
            quantity=quantity,
            status=HoldStatus.HELD.value,
            expires_at=hold_expiry(now, ctx.settings.hold_ttl_seconds),
            created_at=now,
        )
        session.add(reservation)
        session.flush()
        order = Order(
            public_id=secrets.token_hex(8),
            access_token_hash=hash_secret(access_token),
            shop_id=product.shop_id,
            product_id=product.id,
            reservation_id=reservation.id,
            buyer_id=buyer.user_id,
            email=buyer.email,
            quantity=quantity,
            unit_price_minor=claim.unit_price_minor,
            amount_minor=claim.unit_price_minor * quantity,
            currency=product.currency,
            status=OrderStatus.AWAITING_PAYMENT.value,
            provider=ctx.default_provider,
            created_at=now,
        )
        session.add(order)
        session.flush()
        analytics.record_order_event(
            session, kind=EventKind.RESERVED, order_id=order.id, at=now, before_hold=True
        )
        hold = Hold(quantity, HoldStatus.HELD, reservation.expires_at)
        return Reserved(order=order, hold=hold, access_token=access_token)


def _sold_out_error(session: Session, *, release_id: int, ctx: Context) -> SoldOut:
    level = stock.stock_level(session, release_id=release_id, now=ctx.clock.now())
    if level.quantity is not None and level.sold >= level.quantity:
        return SoldOut("sold out: every copy has been bought")
    minutes = max(1, ctx.settings.hold_ttl_seconds // 60)
    return SoldOut(
        f"sold out for now: the last copies are in other buyers' carts; unpaid holds return "
        f"within {minutes} min"
    )


def _find_order(session: Session, *, public_id: str, access: OrderAccess) -> Order:
    order = session.scalar(select(Order).where(Order.public_id == public_id))
    allowed = order is not None and (
        (access.user_id is not None and order.buyer_id == access.user_id)
        or (access.token is not None and order.access_token_hash == hash_secret(access.token))
    )
    if order is None or not allowed:
        # Same answer whether the order exists or not: order numbers reveal nothing.
        raise NotFound("no such order")
    return order


def order_details(ctx: Context, *, public_id: str, access: OrderAccess) -> OrderDetails:
    """An order as its buyer sees it now; anyone else gets ``NotFound``."""
    with ctx.uow.read() as session:
        order = _find_order(session, public_id=public_id, access=access)
        reservation = session.get(Reservation, order.reservation_id)
        product = session.get(Product, order.product_id)
        assert reservation is not None and product is not None
        editions = list(
            session.scalars(
                select(Edition).where(Edition.order_id == order.id).order_by(Edition.number)
            )
        )
    hold = Hold(reservation.quantity, HoldStatus(reservation.status), reservation.expires_at)
    view = order_view(OrderStatus(order.status), hold, ctx.clock.now())
    return OrderDetails(order, product, hold, view, editions)


def cancel(ctx: Context, *, public_id: str, access: OrderAccess) -> None:
    """The buyer lets go of a hold: its units are free again at once."""
    with ctx.uow.write() as session:
        order = _find_order(session, public_id=public_id, access=access)
        reservation = session.get(Reservation, order.reservation_id)
        assert reservation is not None
        released = stock.end_hold(
            session,
            reservation_id=reservation.id,
            release_id=reservation.release_id,
            to=HoldStatus.RELEASED,
        )
        # Decide on what end_hold saw under the release lock, never on the order read
        # before it: a payment that committed while we waited has already moved the hold
        # to paid, and then there is nothing to cancel.
        if released:
            order.status = OrderStatus.CANCELLED.value
            analytics.record_order_event(
                session, kind=EventKind.RELEASED, order_id=order.id, at=ctx.clock.now()
            )


def start_payment(ctx: Context, *, public_id: str, access: OrderAccess) -> PaymentSession:
    """Where the buyer goes to pay for a live hold."""
    details = order_details(ctx, public_id=public_id, access=access)
    if details.view is OrderView.HOLD_EXPIRED:
        raise HoldExpired("the hold on this order has expired; reserve again")
    if details.view is not OrderView.HELD:
        raise NotPayable(f"this order is {details.view.value} and cannot be paid")
    provider = ctx.provider(details.order.provider)
    analytics.note_checkout_started(ctx, order_id=details.order.id)
    return provider.start(
        PaymentRequest(
            order_public_id=details.order.public_id,
            amount_minor=details.order.amount_minor,
            currency=details.order.currency,
            description=details.product.title,
        )
    )


@dataclass(frozen=True, slots=True)
class OrderSummary:
    order: Order
    view: OrderView  # what the buyer is told now, e.g. hold_expired rather than unpaid


def buyer_orders(
    ctx: Context, *, user_id: int, offset: int = 0, limit: int = 50
) -> list[OrderSummary]:
    """A page of the account's orders, newest first, each with its state right now."""
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        rows = session.execute(
            select(Order, Reservation)
            .join(Reservation, Reservation.id == Order.reservation_id)
            .where(Order.buyer_id == user_id)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .offset(offset)
            .limit(max(1, min(limit, 100)))
        ).all()
    return [
        OrderSummary(
            order,
            order_view(
                OrderStatus(order.status),
                Hold(hold.quantity, HoldStatus(hold.status), hold.expires_at),
                now,
            ),
        )
        for order, hold in rows
    ]

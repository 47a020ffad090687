"""Payment notices on real databases: idempotent, verified, and honest about late payments."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from soulstock.domain.errors import InvalidInput, NotAuthenticated
from soulstock.domain.orders import PaymentOutcome, Settlement
from soulstock.services import catalog, checkout, payments, sweeper
from soulstock.store.models import Edition, Order, PaymentEvent, Release
from tests.factories import guest, make_product

OK, FAIL = PaymentOutcome.SUCCEEDED, PaymentOutcome.FAILED


def _signed(ctx, order, outcome=OK, **overrides):
    body, headers = ctx.provider("dev").make_notice(
        order_public_id=order.public_id,
        outcome=outcome,
        amount_minor=overrides.get("amount", order.amount_minor),
        currency=order.currency,
    )
    return body, headers


def _callback(ctx, body, headers):
    return payments.receive_callback(ctx, provider="dev", body=body, headers=headers)


def _order(ctx, public_id):
    with ctx.uow.read() as session:
        return session.scalar(select(Order).where(Order.public_id == public_id))


def _editions(ctx, product_id):
    with ctx.uow.read() as session:
        return list(
            session.scalars(
                select(Edition.number)
                .where(Edition.product_id == product_id)
                .order_by(Edition.number)
            )
        )


def test_a_replayed_callback_changes_nothing(ctx):
    product = make_product(ctx, total=3)
    order = checkout.reserve(ctx, product_id=product.id, quantity=2, buyer=guest()).order
    body, headers = _signed(ctx, order)
    assert _callback(ctx, body, headers) is Settlement.FULFIL_FROM_HOLD
    for _ in range(3):
        assert _callback(ctx, body, headers) is Settlement.NOTHING
    assert _editions(ctx, product.id) == [1, 2]
    with ctx.uow.read() as session:
        assert session.scalar(select(func.count()).select_from(PaymentEvent)) == 1


def test_a_second_success_notice_with_another_event_id_settles_nothing(ctx):
    product = make_product(ctx, total=3)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    assert _callback(ctx, *_signed(ctx, order)) is Settlement.FULFIL_FROM_HOLD
    assert _callback(ctx, *_signed(ctx, order)) is Settlement.NOTHING
    assert _editions(ctx, product.id) == [1]


def test_editions_are_numbered_in_the_order_of_payment_without_gaps(ctx):
    product = make_product(ctx, total=5)
    orders = [
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
        for _ in range(4)
    ]
    _callback(ctx, *_signed(ctx, orders[2]))
    _callback(ctx, *_signed(ctx, orders[1], FAIL))  # released: leaves no gap
    _callback(ctx, *_signed(ctx, orders[0]))
    _callback(ctx, *_signed(ctx, orders[3]))
    with ctx.uow.read() as session:
        rows = dict(
            session.execute(
                select(Order.public_id, Edition.number).join(Edition, Edition.order_id == Order.id)
            ).all()
        )
    assert rows == {orders[2].public_id: 1, orders[0].public_id: 2, orders[3].public_id: 3}


def test_a_failed_payment_releases_the_hold(ctx):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    assert _callback(ctx, *_signed(ctx, order, FAIL)) is Settlement.RELEASE_HOLD
    assert _order(ctx, order.public_id).status == "failed"
    assert catalog.product_view_by_id(ctx, product.id).claims.remaining == 1


def test_late_payment_is_fulfilled_when_stock_still_allows(ctx, clock):
    product = make_product(ctx, total=2)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 60)
    assert sweeper.sweep_expired_holds(ctx) == 1
    assert _callback(ctx, *_signed(ctx, order)) is Settlement.FULFIL_FROM_FREE_STOCK
    assert _order(ctx, order.public_id).status == "paid"
    assert _editions(ctx, product.id) == [1]


def test_late_payment_for_a_held_but_unreclaimed_hold_uses_that_hold(ctx, clock):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 60)
    assert _callback(ctx, *_signed(ctx, order)) is Settlement.FULFIL_FROM_HOLD
    assert _editions(ctx, product.id) == [1]


def test_late_payment_when_units_are_gone_is_marked_for_refund_not_oversold(ctx, clock):
    product = make_product(ctx, total=1)
    late = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)
    taker = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    _callback(ctx, *_signed(ctx, taker))
    assert _callback(ctx, *_signed(ctx, late)) is Settlement.REFUND_DUE
    refunded = _order(ctx, late.public_id)
    assert refunded.status == "refund_due" and refunded.paid_at is not None
    assert _editions(ctx, product.id) == [1]
    with ctx.uow.read() as session:
        release = session.scalar(select(Release).where(Release.product_id == product.id))
    assert (release.sold, release.held) == (1, 0)


def test_forged_or_tampered_callbacks_are_rejected_and_write_nothing(ctx):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    body, headers = _signed(ctx, order)
    tampered = body.replace(b'"amount_minor":2990', b'"amount_minor":1')
    with pytest.raises(NotAuthenticated):
        _callback(ctx, tampered, headers)
    with pytest.raises(NotAuthenticated):
        _callback(ctx, body, {"x-soulstock-signature": "sha256=" + "0" * 64})
    with pytest.raises(NotAuthenticated):
        _callback(ctx, body, {})
    with ctx.uow.read() as session:
        assert session.scalar(select(func.count()).select_from(PaymentEvent)) == 0
    assert _order(ctx, order.public_id).status == "awaiting_payment"


def test_a_signed_notice_for_the_wrong_amount_is_refused(ctx):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    with pytest.raises(InvalidInput, match="but the order is 2990 CNY"):
        _callback(ctx, *_signed(ctx, order, amount=1))
    assert _order(ctx, order.public_id).status == "awaiting_payment"


def test_an_old_signed_notice_is_refused(ctx, clock):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    body, headers = _signed(ctx, order)
    clock.advance(minutes=11)
    with pytest.raises(NotAuthenticated, match="too old"):
        _callback(ctx, body, headers)


def test_a_malformed_but_signed_notice_is_invalid_input(ctx):
    provider = ctx.provider("dev")
    body = json.dumps({"event_id": "x"}).encode()
    with pytest.raises(InvalidInput, match="malformed"):
        _callback(ctx, body, {"x-soulstock-signature": provider.sign(body)})


def test_notices_keep_their_times_aware(ctx, clock):
    product = make_product(ctx, total=1)
    order = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest()).order
    _callback(ctx, *_signed(ctx, order))
    paid = _order(ctx, order.public_id)
    assert paid.paid_at == clock.now() and paid.paid_at.utcoffset() == timedelta(0)


def test_a_late_payment_never_takes_a_buyer_past_their_cap(ctx, clock):
    from soulstock.services import policies

    product = make_product(ctx, total=10)
    with ctx.uow.read() as session:
        owner = session.scalar(
            select(catalog.Shop.owner_id).where(catalog.Shop.id == product.shop_id)
        )
    policies.set_options(ctx, actor_id=owner, product_id=product.id, buyer_cap=1)
    buyer = guest("capped@example.com")
    lapsed = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=buyer).order
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)
    again = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=buyer).order
    assert _callback(ctx, *_signed(ctx, again)) is Settlement.FULFIL_FROM_HOLD
    # The first order's money arrives late: units are free, but the buyer is at their cap.
    assert _callback(ctx, *_signed(ctx, lapsed)) is Settlement.REFUND_DUE
    assert _order(ctx, lapsed.public_id).status == "refund_due"
    assert _editions(ctx, product.id) == [1]

"""Reserve, expire, cancel and sweep on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from soulstock.domain.errors import InvalidInput, NotFound, SoldOut
from soulstock.domain.orders import OrderView, PaymentOutcome
from soulstock.services import catalog, checkout, payments, sweeper
from soulstock.store.models import Release, Reservation
from tests.factories import guest, make_product


def _release(ctx, product_id):
    with ctx.uow.read() as session:
        return session.scalar(select(Release).where(Release.product_id == product_id))


def _remaining(ctx, product_id):
    return catalog.product_view_by_id(ctx, product_id).claims.remaining


def test_a_hold_counts_against_stock_until_it_expires(ctx, clock):
    product = make_product(ctx, total=3)
    checkout.reserve(ctx, product_id=product.id, quantity=2, buyer=guest())
    assert _remaining(ctx, product.id) == 1
    clock.advance(seconds=ctx.settings.hold_ttl_seconds)
    # Expiry is honoured at read time, before any sweep ran.
    assert _remaining(ctx, product.id) == 3
    assert _release(ctx, product.id).held == 2  # the counter is only tidied later


def test_a_claim_reclaims_expired_holds_itself_without_the_sweeper(ctx, clock):
    product = make_product(ctx, total=1)
    first = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    with pytest.raises(SoldOut, match="carts"):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)
    second = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    release = _release(ctx, product.id)
    assert (release.held, release.sold) == (1, 0)
    access = checkout.OrderAccess(token=first.access_token)
    details = checkout.order_details(ctx, public_id=first.order.public_id, access=access)
    assert details.view is OrderView.HOLD_EXPIRED
    assert second.order.public_id != first.order.public_id


def test_sweeper_only_tidies_counters(ctx, clock):
    product = make_product(ctx, total=5)
    for _ in range(3):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    clock.advance(seconds=ctx.settings.hold_ttl_seconds)
    before = _remaining(ctx, product.id)
    assert sweeper.sweep_expired_holds(ctx) == 3
    assert sweeper.sweep_expired_holds(ctx) == 0
    assert _remaining(ctx, product.id) == before == 5
    assert _release(ctx, product.id).held == 0
    with ctx.uow.read() as session:
        statuses = set(session.scalars(select(Reservation.status)))
    assert statuses == {"expired"}


def test_cancel_frees_units_at_once_and_only_once(ctx):
    product = make_product(ctx, total=1)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    access = checkout.OrderAccess(token=reserved.access_token)
    checkout.cancel(ctx, public_id=reserved.order.public_id, access=access)
    checkout.cancel(ctx, public_id=reserved.order.public_id, access=access)
    assert _release(ctx, product.id).held == 0
    assert _remaining(ctx, product.id) == 1
    details = checkout.order_details(ctx, public_id=reserved.order.public_id, access=access)
    assert details.order.status == "cancelled"


def test_sold_out_says_so_when_every_copy_is_paid(ctx):
    product = make_product(ctx, total=1)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    with pytest.raises(SoldOut, match="every copy"):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())


def test_quantity_over_stock_is_sold_out_and_writes_nothing(ctx):
    product = make_product(ctx, total=2)
    with pytest.raises(SoldOut):
        checkout.reserve(ctx, product_id=product.id, quantity=3, buyer=guest())
    with pytest.raises(InvalidInput):
        checkout.reserve(ctx, product_id=product.id, quantity=0, buyer=guest())
    with ctx.uow.read() as session:
        assert session.scalars(select(Reservation)).all() == []
    assert _release(ctx, product.id).held == 0


def test_unlisted_product_cannot_be_reserved(ctx):
    product = make_product(ctx, total=2)
    with ctx.uow.read() as session:
        shop_owner = session.scalar(
            select(catalog.Shop.owner_id).where(catalog.Shop.id == product.shop_id)
        )
    catalog.update_product(ctx, actor_id=shop_owner, product_id=product.id, listed=False)
    with pytest.raises(NotFound):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())


def test_orders_are_invisible_without_the_account_or_secret(ctx):
    product = make_product(ctx, total=2)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    for access in (
        checkout.OrderAccess(),
        checkout.OrderAccess(token="not-the-token"),
        checkout.OrderAccess(user_id=999),
    ):
        with pytest.raises(NotFound):
            checkout.order_details(ctx, public_id=reserved.order.public_id, access=access)

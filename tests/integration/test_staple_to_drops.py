"""A staple with a sales history switched to monthly drops is capped from then on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import SoldOut
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog, checkout, payments, policies
from soulstock.services.context import Context
from tests.factories import guest, make_product, make_shop


def _buy(ctx: Context, product_id: int) -> None:
    reserved = checkout.reserve(ctx, product_id=product_id, quantity=1, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )


def test_staple_becomes_monthly_drops_of_two(ctx: Context, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 5, 4, 0, tzinfo=UTC))
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=None)
    for _ in range(3):
        _buy(ctx, product.id)
    drops = InventoryPolicy(
        PolicyKind.PERIODIC, rrule="FREQ=MONTHLY", starts_at=clock.now(), drop_quantity=2
    )
    seller_id = shop.owner_id
    policies.set_policy(ctx, actor_id=seller_id, product_id=product.id, policy=drops)
    claims = catalog.product_view_by_id(ctx, product.id).claims
    assert claims.remaining == 2 and claims.release_seq == 1
    _buy(ctx, product.id)
    _buy(ctx, product.id)
    with pytest.raises(SoldOut):
        _buy(ctx, product.id)
    history = policies.history(ctx, actor_id=seller_id, product_id=product.id)
    assert '"kind": "periodic"' in history[-1].after

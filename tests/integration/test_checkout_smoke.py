from __future__ import annotations

import pytest

from soulstock.domain.errors import SoldOut
from soulstock.domain.orders import PaymentOutcome, Settlement
from soulstock.services import catalog, checkout, payments
from tests.factories import guest, make_product


def test_reserve_pay_mints_edition_then_sold_out(ctx):
    product = make_product(ctx, total=1)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    outcome = payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    assert outcome is Settlement.FULFIL_FROM_HOLD
    access = checkout.OrderAccess(token=reserved.access_token)
    details = checkout.order_details(ctx, public_id=reserved.order.public_id, access=access)
    assert [e.number for e in details.editions] == [1]
    view = catalog.product_view_by_id(ctx, product.id)
    assert view.claims.availability.value == "sold_out"
    with pytest.raises(SoldOut):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())

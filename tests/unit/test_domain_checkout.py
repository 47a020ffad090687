from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from soulstock.domain.clock import FixedClock
from soulstock.domain.drops import ReleaseKind, ReleaseState
from soulstock.domain.editions import edition_label, edition_numbers
from soulstock.domain.errors import InvalidInput
from soulstock.domain.money import Money, check_currency, check_price
from soulstock.domain.orders import (
    OrderStatus,
    OrderView,
    PaymentOutcome,
    Settlement,
    order_view,
    settle,
)
from soulstock.domain.policy import InventoryPolicy
from soulstock.domain.reservation import Hold, HoldStatus, check_quantity, hold_expiry
from soulstock.domain.scarcity import Availability, ProductState, StockLevel, claims_at

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


def claims_for(policy: InventoryPolicy, level: StockLevel):
    """The claims of a product with one base release at ``level``."""
    release = ReleaseState(0, ReleaseKind.BASE, level.quantity, level.sold, level.live_held)
    state = ProductState(policy, (release,), "Asia/Shanghai", 100, sold_total=level.sold)
    return claims_at(state, NOW)


def test_a_hold_is_live_until_the_second_it_expires():
    hold = Hold(1, HoldStatus.HELD, hold_expiry(NOW, 600))
    assert hold.is_live(NOW + timedelta(seconds=599))
    assert hold.seconds_left(NOW + timedelta(seconds=599)) == 1
    assert not hold.is_live(NOW + timedelta(seconds=600))
    assert hold.seconds_left(NOW + timedelta(seconds=600)) == 0


@pytest.mark.parametrize("status", [HoldStatus.PAID, HoldStatus.RELEASED, HoldStatus.EXPIRED])
def test_only_held_holds_are_live(status):
    assert not Hold(1, status, NOW + timedelta(hours=1)).is_live(NOW)


def test_quantity_bounds():
    assert check_quantity(1) == 1
    for bad in (0, -1, 11):
        with pytest.raises(InvalidInput):
            check_quantity(bad)


def test_claims_show_only_the_real_remainder_of_a_limited_product():
    claims = claims_for(InventoryPolicy.limited(50), StockLevel(50, sold=45, live_held=3))
    assert (claims.remaining, claims.availability, claims.never_reissued) == (
        2,
        Availability.AVAILABLE,
        True,
    )


def test_all_held_is_not_called_sold_out():
    claims = claims_for(InventoryPolicy.limited(5), StockLevel(5, sold=3, live_held=2))
    assert claims.availability is Availability.ALL_HELD
    assert claims.remaining == 0
    assert not claims.buyable


def test_sold_out_once_every_unit_is_paid():
    claims = claims_for(InventoryPolicy.limited(5), StockLevel(5, sold=5, live_held=0))
    assert claims.availability is Availability.SOLD_OUT


def test_staple_never_claims_scarcity():
    claims = claims_for(InventoryPolicy.staple(), StockLevel(None, sold=9999, live_held=7))
    assert claims.remaining is None and claims.total is None
    assert claims.availability is Availability.AVAILABLE and not claims.never_reissued


def test_edition_numbers_follow_the_counter_without_gaps():
    assert list(edition_numbers(minted_after=3, quantity=2)) == [2, 3]
    assert list(edition_numbers(minted_after=1, quantity=1)) == [1]
    with pytest.raises(ValueError):
        edition_numbers(minted_after=1, quantity=2)


def test_edition_labels():
    assert edition_label(12, 50) == "#12 / 50"
    assert edition_label(7, None) == "#7"


S, F = PaymentOutcome.SUCCEEDED, PaymentOutcome.FAILED


@pytest.mark.parametrize(
    ("order", "hold", "outcome", "expected"),
    [
        (OrderStatus.AWAITING_PAYMENT, HoldStatus.HELD, S, Settlement.FULFIL_FROM_HOLD),
        (OrderStatus.AWAITING_PAYMENT, HoldStatus.EXPIRED, S, Settlement.FULFIL_FROM_FREE_STOCK),
        (OrderStatus.AWAITING_PAYMENT, HoldStatus.RELEASED, S, Settlement.FULFIL_FROM_FREE_STOCK),
        (OrderStatus.FAILED, HoldStatus.RELEASED, S, Settlement.FULFIL_FROM_FREE_STOCK),
        (OrderStatus.CANCELLED, HoldStatus.RELEASED, S, Settlement.FULFIL_FROM_FREE_STOCK),
        (OrderStatus.AWAITING_PAYMENT, HoldStatus.HELD, F, Settlement.RELEASE_HOLD),
        (OrderStatus.AWAITING_PAYMENT, HoldStatus.EXPIRED, F, Settlement.MARK_FAILED),
        (OrderStatus.PAID, HoldStatus.PAID, S, Settlement.NOTHING),
        (OrderStatus.PAID, HoldStatus.PAID, F, Settlement.NOTHING),
        (OrderStatus.REFUND_DUE, HoldStatus.EXPIRED, S, Settlement.NOTHING),
        (OrderStatus.FAILED, HoldStatus.RELEASED, F, Settlement.NOTHING),
    ],
)
def test_settlement_table(order, hold, outcome, expected):
    assert settle(order, hold, outcome) is expected


def test_order_view_derives_hold_expiry_from_the_clock():
    hold = Hold(1, HoldStatus.HELD, NOW + timedelta(seconds=10))
    assert order_view(OrderStatus.AWAITING_PAYMENT, hold, NOW) is OrderView.HELD
    later = NOW + timedelta(seconds=10)
    assert order_view(OrderStatus.AWAITING_PAYMENT, hold, later) is OrderView.HOLD_EXPIRED
    assert order_view(OrderStatus.PAID, hold, later) is OrderView.PAID


def test_money_is_whole_minor_units():
    assert Money(2990, "CNY").times(3) == Money(8970, "CNY")
    with pytest.raises(InvalidInput):
        Money(-1, "CNY")
    with pytest.raises(InvalidInput):
        Money(10, "XYZ")
    with pytest.raises(InvalidInput):
        check_price(-5)
    with pytest.raises(InvalidInput, match="CNY"):
        check_currency("BTC")


def test_fixed_clock_only_moves_when_told():
    clock = FixedClock(NOW)
    assert clock.now() == NOW
    assert clock.advance(seconds=5) == NOW + timedelta(seconds=5)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))  # naive

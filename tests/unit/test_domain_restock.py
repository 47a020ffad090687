"""Restock rules, the priority window and reissue suggestions: pure, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from soulstock.domain.drops import ReleaseKind, ReleaseState, opening_at
from soulstock.domain.errors import InvalidInput, NeverReissued
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.restock import (
    PastRelease,
    PriorityWindow,
    check_restock,
    suggest_reissue,
)

T0 = datetime(2026, 11, 11, 12, tzinfo=UTC)
PERIODIC = InventoryPolicy(
    PolicyKind.PERIODIC, rrule="FREQ=MONTHLY", starts_at=T0 + timedelta(days=9), drop_quantity=5
)
SEASONAL = InventoryPolicy(PolicyKind.SEASONAL, 10, sale_ends_at=T0 + timedelta(days=30))


@pytest.mark.parametrize("policy", [InventoryPolicy.limited(10), SEASONAL])
def test_fixed_totals_never_get_units_but_may_get_a_story(policy):
    with pytest.raises(NeverReissued, match="永不复刻"):
        check_restock(policy, quantity=1)
    check_restock(policy, quantity=0)


def test_staples_get_stories_only_and_quantities_are_bounded():
    with pytest.raises(InvalidInput):
        check_restock(InventoryPolicy.staple(), quantity=3)
    with pytest.raises(InvalidInput):
        check_restock(PERIODIC, quantity=-1)
    check_restock(PERIODIC, quantity=30)


def test_an_open_restock_with_units_comes_before_the_drops():
    restock = ReleaseState(1_000_001, ReleaseKind.RESTOCK, 3, 0, 0, opens_at=T0)
    assert opening_at(PERIODIC, [restock], tz="UTC", t=T0 - timedelta(seconds=1)).slot is None
    assert opening_at(PERIODIC, [restock], tz="UTC", t=T0).slot.kind is ReleaseKind.RESTOCK
    sold = ReleaseState(1_000_001, ReleaseKind.RESTOCK, 3, 3, 0, opens_at=T0)
    assert opening_at(PERIODIC, [sold], tz="UTC", t=T0).slot is None  # back to the schedule


def test_the_priority_window_is_half_open_and_checked():
    window = PriorityWindow(T0, T0 + timedelta(hours=1), 2)
    assert window.open_at(T0) and not window.open_at(T0 + timedelta(hours=1))
    with pytest.raises(InvalidInput):
        PriorityWindow(T0, T0, 2)
    with pytest.raises(InvalidInput):
        PriorityWindow(T0, T0 + timedelta(hours=1), 0)


def test_a_fast_sell_out_with_a_waitlist_suggests_a_light_reissue_of_its_size():
    past = [PastRelease(20, T0, T0 + timedelta(hours=5))]
    suggestion = suggest_reissue(PERIODIC, waiting=30, releases=past)
    assert suggestion is not None and suggestion.quantity == 30
    assert suggestion.reason == "sold out in 5 h, 30 waiting → light reissue of ~30?"


def test_a_slow_sell_out_caps_the_suggestion_at_the_last_release():
    past = [PastRelease(10, T0, T0 + timedelta(days=3))]
    assert suggest_reissue(PERIODIC, waiting=42, releases=past).quantity == 10


def test_no_suggestion_without_demand_or_for_limited_products():
    assert suggest_reissue(PERIODIC, waiting=0, releases=[]) is None
    assert suggest_reissue(InventoryPolicy.limited(5), waiting=100, releases=[]) is None
    assert suggest_reissue(PERIODIC, waiting=3, releases=[]).quantity == 5

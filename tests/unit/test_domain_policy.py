from __future__ import annotations

import pytest

from soulstock.domain.errors import InvalidInput, NeverReissued
from soulstock.domain.policy import MAX_LIMITED_TOTAL, InventoryPolicy, PolicyKind


def test_limited_needs_a_total_within_bounds():
    with pytest.raises(InvalidInput):
        InventoryPolicy(PolicyKind.LIMITED)
    with pytest.raises(InvalidInput):
        InventoryPolicy.limited(0)
    with pytest.raises(InvalidInput):
        InventoryPolicy.limited(MAX_LIMITED_TOTAL + 1)
    assert InventoryPolicy.limited(50).cap == 50


def test_staple_has_no_cap_and_refuses_a_total():
    assert InventoryPolicy.staple().cap is None
    with pytest.raises(InvalidInput):
        InventoryPolicy(PolicyKind.STAPLE, 10)


def test_parse_rejects_unknown_policy_with_the_known_ones_listed():
    with pytest.raises(InvalidInput, match="staple, limited"):
        InventoryPolicy.parse("infinite", None)


@pytest.mark.parametrize(
    "new",
    [InventoryPolicy.limited(51), InventoryPolicy.limited(49), InventoryPolicy.staple()],
)
def test_a_limited_total_can_never_change(new):
    with pytest.raises(NeverReissued, match="永不复刻"):
        InventoryPolicy.limited(50).check_change_to(new, minted=3)


def test_unchanged_limited_policy_is_accepted():
    InventoryPolicy.limited(50).check_change_to(InventoryPolicy.limited(50), minted=50)


def test_staple_may_become_limited_but_not_below_what_is_sold():
    InventoryPolicy.staple().check_change_to(InventoryPolicy.limited(100), minted=100)
    with pytest.raises(InvalidInput, match="already sold"):
        InventoryPolicy.staple().check_change_to(InventoryPolicy.limited(10), minted=11)

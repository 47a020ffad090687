"""Kind changes: staple → periodic / tranche only lower supply and are allowed; every change
of a limited or seasonal product is still refused (永不复刻)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from soulstock.domain.errors import InvalidInput, NeverReissued
from soulstock.domain.policy import InventoryPolicy, PolicyKind

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
PERIODIC = InventoryPolicy(
    PolicyKind.PERIODIC, rrule="FREQ=MONTHLY", starts_at=NOW, drop_quantity=8
)
TRANCHE = InventoryPolicy(PolicyKind.TRANCHE, 100, tranche_size=10)
SEASONAL = InventoryPolicy(PolicyKind.SEASONAL, 50, sale_ends_at=NOW + timedelta(days=9))


@pytest.mark.parametrize("new", [PERIODIC, TRANCHE], ids=["periodic", "tranche"])
def test_a_staple_may_become_drops_or_tranches(new: InventoryPolicy) -> None:
    InventoryPolicy.staple().check_change_to(new, minted=87)
    InventoryPolicy.staple().check_kind_change(new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (PERIODIC, InventoryPolicy.staple()),  # raises supply
        (TRANCHE, InventoryPolicy.staple()),
        (InventoryPolicy(PolicyKind.UNLOCK), PERIODIC),
        (PERIODIC, TRANCHE),
    ],
)
def test_other_kind_changes_are_refused(old: InventoryPolicy, new: InventoryPolicy) -> None:
    with pytest.raises(InvalidInput, match="list a new product instead"):
        old.check_kind_change(new)


@pytest.mark.parametrize(
    "old", [InventoryPolicy.limited(50), SEASONAL], ids=["limited", "seasonal"]
)
@pytest.mark.parametrize("new", [PERIODIC, TRANCHE, InventoryPolicy.staple()])
def test_limited_and_seasonal_never_change_kind(old: InventoryPolicy, new: InventoryPolicy) -> None:
    with pytest.raises(NeverReissued, match="永不复刻"):
        old.check_change_to(new, minted=50)

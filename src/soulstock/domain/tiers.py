"""Tiers (分层库存法): templates that pre-fill a policy, and the portfolio's balance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from soulstock.domain.policy import InventoryPolicy, PolicyKind

DEFAULT_STAPLE_TARGET = 0.20


class Tier(StrEnum):
    FLAGSHIP = "flagship"  # 旗舰
    EVERGREEN = "evergreen"  # 常青
    SEASONAL = "seasonal"  # 季节
    TRAFFIC = "traffic"  # 引流
    STAPLE = "staple"  # 常备


@dataclass(frozen=True, slots=True)
class TierTemplate:
    tier: Tier
    policy: InventoryPolicy
    hint_threshold: int | None = None  # traffic: show "only X left" only at or below this
    countdown: bool = False


def template(tier: Tier, *, now: datetime) -> TierTemplate:
    """The policy a tier starts from; every field may be overridden by the seller."""
    if tier is Tier.FLAGSHIP:
        return TierTemplate(tier, InventoryPolicy.limited(20))
    if tier is Tier.EVERGREEN:
        policy = InventoryPolicy(
            PolicyKind.PERIODIC,
            rrule="FREQ=MONTHLY",
            starts_at=now,
            drop_quantity=150,
            rollover=False,
        )
        return TierTemplate(tier, policy)
    if tier is Tier.SEASONAL:
        ends = now + timedelta(days=30)
        return TierTemplate(
            tier, InventoryPolicy(PolicyKind.SEASONAL, 100, sale_ends_at=ends), countdown=True
        )
    if tier is Tier.TRAFFIC:
        policy = InventoryPolicy(PolicyKind.TRANCHE, 1000, tranche_size=100)
        return TierTemplate(tier, policy, hint_threshold=10)
    return TierTemplate(tier, InventoryPolicy.staple())


@dataclass(frozen=True, slots=True)
class Portfolio:
    products: int
    staples: int
    target: float

    @property
    def staple_share(self) -> float:
        return self.staples / self.products if self.products else 0.0

    @property
    def below_target(self) -> bool:
        return self.products > 0 and self.staple_share < self.target


def portfolio(kinds: Sequence[PolicyKind], *, target: float = DEFAULT_STAPLE_TARGET) -> Portfolio:
    return Portfolio(len(kinds), sum(k is PolicyKind.STAPLE for k in kinds), target)

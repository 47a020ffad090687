"""Scarcity claims: the only things the storefront may say about stock, computed from state.

``claims_for`` is the one function that turns engine state at an instant into claims. Pages
and the API show its result and nothing else, so "only X left" is always the real remainder.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from soulstock.domain.policy import InventoryPolicy, PolicyKind


@dataclass(frozen=True, slots=True)
class StockLevel:
    """A release's counters at one instant; ``live_held`` counts only unexpired holds."""

    quantity: int | None
    sold: int
    live_held: int

    @property
    def remaining(self) -> int | None:
        if self.quantity is None:
            return None
        return max(0, self.quantity - self.sold - self.live_held)


class Availability(StrEnum):
    AVAILABLE = "available"
    ALL_HELD = "all_held"  # nothing free now, but unpaid holds may still come back
    SOLD_OUT = "sold_out"  # every unit is paid for: final for a limited product


@dataclass(frozen=True, slots=True)
class ScarcityClaims:
    availability: Availability
    total: int | None
    remaining: int | None
    sold: int
    never_reissued: bool

    @property
    def buyable(self) -> bool:
        return self.availability is Availability.AVAILABLE


def claims_for(policy: InventoryPolicy, level: StockLevel) -> ScarcityClaims:
    """Everything the storefront may truthfully say about a product's stock right now."""
    if policy.kind is PolicyKind.STAPLE:
        return ScarcityClaims(Availability.AVAILABLE, None, None, level.sold, False)
    remaining = level.remaining
    if level.quantity is not None and level.sold >= level.quantity:
        availability = Availability.SOLD_OUT
    elif remaining == 0:
        availability = Availability.ALL_HELD
    else:
        availability = Availability.AVAILABLE
    return ScarcityClaims(availability, policy.total, remaining, level.sold, True)

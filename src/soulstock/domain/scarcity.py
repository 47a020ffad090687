"""Scarcity claims: the only things the storefront may say about a product, computed from state.

``claims_at`` is the one function that turns engine state at an instant into claims: X left of
the open drop or tranche, opens in, ends in, sold out, delisted, progress to the next unlock
goal, the window price. Pages and the API show its result and nothing else, so every claim is
the engine's state at that instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from soulstock.domain.drops import Opening, ReleaseKind, ReleaseState, Slot, opening_at
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.schedule import RecurringWindow, Window
from soulstock.domain.unlock import Goal, GoalProgress, progress


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
    SOLD_OUT = "sold_out"  # every unit of the open release is paid for
    UPCOMING = "upcoming"  # nothing open now; ``opens_at`` says when, if known
    CLOSED = "closed"  # outside every sale window (flash sales)
    DELISTED = "delisted"  # the sale has ended for good (seasonal)


@dataclass(frozen=True, slots=True)
class ProductState:
    """Everything ``claims_at`` needs, read from the rows in one transaction."""

    policy: InventoryPolicy
    releases: tuple[ReleaseState, ...]
    tz: str
    price_minor: int
    sold_total: int = 0  # editions minted: cumulative paid units of the product
    windows: tuple[RecurringWindow, ...] = ()
    goals: tuple[Goal, ...] = ()
    countdown: bool = False
    hint_threshold: int | None = None


@dataclass(frozen=True, slots=True)
class ScarcityClaims:
    availability: Availability
    total: int | None
    remaining: int | None
    sold: int
    never_reissued: bool
    kind: PolicyKind = PolicyKind.LIMITED
    release_kind: ReleaseKind | None = None
    release_seq: int | None = None
    opens_at: datetime | None = None
    ends_at: datetime | None = None
    opens_in_seconds: int | None = None
    ends_in_seconds: int | None = None
    countdown: bool = False
    price_minor: int | None = None
    special_price: bool = False
    goals: GoalProgress | None = field(default=None)

    @property
    def buyable(self) -> bool:
        return self.availability is Availability.AVAILABLE


def _seconds(a: datetime, b: datetime) -> int:
    return max(0, int((b - a).total_seconds()))


def _stock_availability(slot: Slot) -> Availability:
    if slot.quantity is None:
        return Availability.AVAILABLE
    if slot.sold >= slot.quantity:
        return Availability.SOLD_OUT
    return Availability.AVAILABLE if slot.free else Availability.ALL_HELD


def _window_now(state: ProductState, t: datetime) -> tuple[Window | None, RecurringWindow | None]:
    for window in state.windows:
        current = window.window_at(t)
        if current is not None:
            return current, window
    return None, None


def _next_window(state: ProductState, t: datetime) -> datetime | None:
    starts = [s for w in state.windows if (s := w.next_start(t)) is not None]
    return min(starts) if starts else None


def claims_at(state: ProductState, t: datetime) -> ScarcityClaims:
    """Everything the storefront may truthfully say about the product at instant ``t``."""
    policy = state.policy
    goals = progress(state.goals, state.sold_total) if state.goals else None
    base = ScarcityClaims(
        Availability.AVAILABLE,
        policy.total if policy.never_reissued else None,
        None,
        state.sold_total,
        policy.never_reissued,
        kind=policy.kind,
        countdown=state.countdown,
        price_minor=state.price_minor,
        goals=goals,
    )
    opening = opening_at(policy, state.releases, tz=state.tz, t=t)
    if opening.slot is None:
        return _not_open(base, opening, t)
    slot = opening.slot
    window, recurring = _window_now(state, t)
    ends_at = slot.closes_at
    price, special = state.price_minor, False
    if slot.price_minor is not None:
        price, special = slot.price_minor, True
    availability = _stock_availability(slot)
    if state.windows and window is None:
        availability = Availability.CLOSED
        nxt = _next_window(state, t)
        return _with(base, availability, slot, opens_at=nxt, t=t)
    if window is not None and recurring is not None:
        ends_at = window.end if ends_at is None else min(ends_at, window.end)
        if recurring.price_minor is not None:
            price, special = recurring.price_minor, True
    claims = _with(base, availability, slot, ends_at=ends_at, t=t)
    return _replace_price(claims, price, special, state)


def _with(
    base: ScarcityClaims,
    availability: Availability,
    slot: Slot,
    *,
    t: datetime,
    opens_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> ScarcityClaims:
    if base.kind is PolicyKind.STAPLE or base.kind is PolicyKind.UNLOCK:
        remaining, total, sold = None, None, base.sold
    elif base.never_reissued:
        remaining, total, sold = slot.free, base.total, slot.sold
    else:
        remaining, total, sold = slot.free, slot.quantity, slot.sold
    return ScarcityClaims(
        availability,
        total,
        remaining,
        sold,
        base.never_reissued,
        kind=base.kind,
        release_kind=slot.kind,
        release_seq=slot.seq,
        opens_at=opens_at,
        ends_at=ends_at,
        opens_in_seconds=_seconds(t, opens_at) if opens_at else None,
        ends_in_seconds=_seconds(t, ends_at) if ends_at else None,
        countdown=base.countdown and ends_at is not None,
        price_minor=base.price_minor,
        goals=base.goals,
    )


def _replace_price(
    claims: ScarcityClaims, price: int, special: bool, state: ProductState
) -> ScarcityClaims:
    remaining = claims.remaining
    hidden = claims.countdown or (  # countdown mode: remaining time instead of quantity
        state.hint_threshold is not None
        and remaining is not None
        and remaining > state.hint_threshold
    )
    return replace(
        claims, remaining=None if hidden else remaining, price_minor=price, special_price=special
    )


def _not_open(base: ScarcityClaims, opening: Opening, t: datetime) -> ScarcityClaims:
    if opening.ended:
        delisted = base.kind is PolicyKind.SEASONAL
        availability = Availability.DELISTED if delisted else Availability.SOLD_OUT
        return replace(base, availability=availability, remaining=None if delisted else 0)
    nxt = opening.next_opens_at
    return replace(
        base,
        availability=Availability.UPCOMING,
        opens_at=nxt,
        opens_in_seconds=_seconds(t, nxt) if nxt else None,
    )

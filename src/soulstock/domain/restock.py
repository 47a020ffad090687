"""Story restocks (故事化补货) and reissue suggestions (轻度复刻): pure rules, time passed in.

A restock is a release with a title, a markdown story, what changed, a quantity and a time it
opens. Which policies may add units, and how:

- ``limited`` / ``seasonal``: never (永不复刻); a story without units is still allowed;
- ``staple`` / ``unlock``: always in stock, so a restock is a story only;
- ``periodic``: an extra ``restock`` release next to the drops, open from ``opens_at``;
- ``tranche``: the units join the pool (its total grows) and the tranches release them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from soulstock.domain.errors import InvalidInput, NeverReissued
from soulstock.domain.policy import NEVER_REISSUED, InventoryPolicy, PolicyKind

MAX_RESTOCK = 1_000_000
STORY_ONLY = (PolicyKind.STAPLE, PolicyKind.UNLOCK)


def check_restock(policy: InventoryPolicy, *, quantity: int) -> None:
    """Refuse a restock that would add units its policy forbids."""
    if not 0 <= quantity <= MAX_RESTOCK:
        raise InvalidInput(f"a restock adds 0 to {MAX_RESTOCK} units")
    if quantity == 0:
        return
    if policy.never_reissued:
        raise NeverReissued(
            f"this product is limited to {policy.total} and never gets more units "
            f"({NEVER_REISSUED}); publish the story without a quantity"
        )
    if policy.kind in STORY_ONLY:
        raise InvalidInput(
            f"a {policy.kind.value} product is always in stock; publish the story without "
            "a quantity"
        )


def check_story(*, title: str, story_md: str, changes: str) -> None:
    if not 1 <= len(title.strip()) <= 120:
        raise InvalidInput("a restock title has 1 to 120 characters")
    if len(story_md) > 20_000 or len(changes) > 2_000:
        raise InvalidInput("the story is longer than 20,000 characters or the changes 2,000")


@dataclass(frozen=True, slots=True)
class PriorityWindow:
    """Waitlist members may buy from ``starts_at`` until the public opens at ``ends_at``."""

    starts_at: datetime
    ends_at: datetime
    member_cap: int

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise InvalidInput("a priority window ends after it starts")
        if self.member_cap < 1:
            raise InvalidInput("a member's cap in the priority window is 1 or more")

    def open_at(self, t: datetime) -> bool:
        return self.starts_at <= t < self.ends_at


@dataclass(frozen=True, slots=True)
class PastRelease:
    quantity: int
    opened_at: datetime
    sold_out_at: datetime | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    quantity: int
    reason: str  # plain English; pages show their own translated sentence from the numbers
    sold_out_hours: float | None
    waiting: int


FAST_HOURS = 24.0


def suggest_reissue(
    policy: InventoryPolicy, *, waiting: int, releases: list[PastRelease]
) -> Suggestion | None:
    """A light reissue's size and why, or None: never for absolute-limited products, never
    without demand. Sized to the waitlist, capped at the last release's size when it sold
    out slowly (≥ 24 h), rounded up to a multiple of 5."""
    if policy.never_reissued or policy.kind in STORY_ONLY or waiting < 1:
        return None
    last = max(releases, key=lambda r: r.opened_at) if releases else None
    hours = None
    if last is not None and last.sold_out_at is not None:
        hours = max(0.0, (last.sold_out_at - last.opened_at) / timedelta(hours=1))
    size = waiting
    if last is not None and (hours is None or hours >= FAST_HOURS):
        size = min(size, last.quantity)
    size = max(5, math.ceil(size / 5) * 5)
    if hours is None:
        reason = f"{waiting} waiting → light reissue of ~{size}?"
    else:
        reason = f"sold out in {hours:.0f} h, {waiting} waiting → light reissue of ~{size}?"
    return Suggestion(size, reason, hours, waiting)


def is_retired(policy: InventoryPolicy, *, minted: int, now: datetime) -> bool:
    """A limited product whose copies are all sold, or a seasonal one past its sale end:
    its files may go into a remix (重组)."""
    if not policy.never_reissued:
        return False
    sold_out = policy.total is not None and minted >= policy.total
    ended = policy.sale_ends_at is not None and now >= policy.sale_ends_at
    return sold_out or ended

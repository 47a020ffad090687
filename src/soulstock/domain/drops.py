"""Which release is open at an instant: the one interface every policy answers through.

A *release* is a batch of units on sale: the product's base release (staple, limited, unlock,
seasonal), a periodic drop, a tranche of a pool, an early-bird batch, or a story restock (which
comes first while it has units). ``opening_at`` says which release is (or would be, once a
buyer arrives) open at ``t``, with what quantity and price, or when the next one opens. Periodic
drops and later tranches need no cron: the service materialises the release ``opening_at``
describes on the first reserve after it opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.schedule import next_occurrence, occurrence_at, parse_rule

EARLY_BIRD_SEQ = -1
BASE_SEQ = 0
RESTOCK_SEQ = 1_000_000  # restock n has seq RESTOCK_SEQ + n: apart from drop and tranche seqs


class ReleaseKind(StrEnum):
    BASE = "base"
    DROP = "drop"
    TRANCHE = "tranche"
    EARLY_BIRD = "early_bird"
    RESTOCK = "restock"


@dataclass(frozen=True, slots=True)
class ReleaseState:
    """A release's row at one instant; ``live_held`` counts only unexpired holds."""

    seq: int
    kind: ReleaseKind
    quantity: int | None
    sold: int
    live_held: int
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    price_minor: int | None = None
    sold_out_at: datetime | None = None  # when the last unit was paid for

    @property
    def free(self) -> int | None:
        if self.quantity is None:
            return None
        return max(0, self.quantity - self.sold - self.live_held)

    @property
    def sold_out(self) -> bool:
        return self.quantity is not None and self.sold >= self.quantity


@dataclass(frozen=True, slots=True)
class Slot:
    """The release open at an instant; ``existing`` is None until it is materialised."""

    seq: int
    kind: ReleaseKind
    quantity: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    existing: ReleaseState | None = None
    price_minor: int | None = None
    carry_from: int | None = None  # periodic roll-over: seq of the drop whose units carry

    @property
    def sold(self) -> int:
        return self.existing.sold if self.existing else 0

    @property
    def free(self) -> int | None:
        return self.existing.free if self.existing else self.quantity


@dataclass(frozen=True, slots=True)
class Opening:
    slot: Slot | None  # open now
    next_opens_at: datetime | None = None  # when nothing is open: the next opening, if known
    ended: bool = False  # nothing will ever open again (sale over, pool released)


def _by_seq(releases: Sequence[ReleaseState], kind: ReleaseKind) -> list[ReleaseState]:
    return sorted((r for r in releases if r.kind is kind), key=lambda r: r.seq)


def _slot_of(r: ReleaseState) -> Slot:
    return Slot(r.seq, r.kind, r.quantity, r.opens_at, r.closes_at, r, r.price_minor)


def opening_at(
    policy: InventoryPolicy, releases: Sequence[ReleaseState], *, tz: str, t: datetime
) -> Opening:
    """The release open at ``t`` under ``policy``, derived from the rows and the clock alone."""
    for early in _by_seq(releases, ReleaseKind.EARLY_BIRD):
        if early.opens_at and early.closes_at and early.opens_at <= t < early.closes_at:
            return Opening(_slot_of(early))
        if early.opens_at and t < early.opens_at:
            return Opening(None, next_opens_at=early.opens_at)
    for restock in _by_seq(releases, ReleaseKind.RESTOCK):
        # An opened restock with units left comes before the policy's own releases.
        if (restock.opens_at is None or restock.opens_at <= t) and not restock.sold_out:
            return Opening(_slot_of(restock))
    if policy.kind is PolicyKind.PERIODIC:
        return _periodic(policy, releases, tz=tz, t=t)
    if policy.kind is PolicyKind.TRANCHE:
        return _tranche(policy, releases, t=t)
    base = _by_seq(releases, ReleaseKind.BASE)
    if not base:
        return Opening(None, ended=True)
    release = base[-1]
    if release.opens_at and t < release.opens_at:
        return Opening(None, next_opens_at=release.opens_at)
    if policy.sale_ends_at and t >= policy.sale_ends_at:
        return Opening(None, ended=True)
    slot = _slot_of(release)
    if policy.sale_ends_at:
        slot = Slot(slot.seq, slot.kind, slot.quantity, slot.opens_at, policy.sale_ends_at, release)
    return Opening(slot)


def _periodic(
    policy: InventoryPolicy, releases: Sequence[ReleaseState], *, tz: str, t: datetime
) -> Opening:
    assert policy.rrule and policy.starts_at and policy.drop_quantity
    rule = parse_rule(policy.rrule, starts_at=policy.starts_at, tz=tz)
    current = occurrence_at(rule, tz=tz, t=t)
    if current is None:
        return Opening(None, next_opens_at=next_occurrence(rule, tz=tz, t=t))
    drops = _by_seq(releases, ReleaseKind.DROP)
    existing = next((d for d in drops if d.seq == current.index), None)
    if existing is not None:
        return Opening(_slot_of(existing))
    earlier = [d for d in drops if d.seq < current.index]
    carry_from = earlier[-1] if policy.rollover and earlier else None
    carried = (carry_from.free or 0) if carry_from else 0
    slot = Slot(
        current.index,
        ReleaseKind.DROP,
        policy.drop_quantity + carried,
        current.at,
        current.next_at,
        carry_from=carry_from.seq if carry_from else None,
    )
    return Opening(slot)


def next_tranche_size(policy: InventoryPolicy, last: ReleaseState) -> int:
    """T, or half of it when the last tranche sold out faster than ``velocity_seconds``."""
    assert policy.tranche_size is not None
    size = policy.tranche_size
    fast = policy.velocity_seconds
    took = (last.sold_out_at - last.opens_at) if last.opens_at and last.sold_out_at else None
    if fast and took is not None and took.total_seconds() < fast:
        size = max(1, size // 2)
    return size


def _tranche(policy: InventoryPolicy, releases: Sequence[ReleaseState], *, t: datetime) -> Opening:
    assert policy.total is not None and policy.tranche_size is not None
    tranches = _by_seq(releases, ReleaseKind.TRANCHE)
    if not tranches:
        return Opening(None, ended=True)
    last = tranches[-1]
    if not last.sold_out:
        if last.opens_at and t < last.opens_at:
            return Opening(None, next_opens_at=last.opens_at)
        return Opening(_slot_of(last))
    released = sum(r.quantity or 0 for r in tranches)
    if released >= policy.total:
        return Opening(None, ended=True)
    opens = (last.sold_out_at or t) + timedelta(seconds=policy.cooldown_seconds)
    if t < opens:
        return Opening(None, next_opens_at=opens)
    size = min(next_tranche_size(policy, last), policy.total - released)
    return Opening(Slot(last.seq + 1, ReleaseKind.TRANCHE, size, opens, None))

"""Inventory policies (库存策略): how many units exist, when, and whether that may ever change.

Every product has exactly one policy, behind one type:

- ``staple`` 常备: no cap, always buyable, never any scarcity claim;
- ``limited`` 绝对限量: a total fixed at creation that no path may ever raise (永不复刻);
- ``periodic`` 周期性补货: drops of ``drop_quantity`` on an RFC 5545 RRULE in the shop's time
  zone, each open until the next; unsold units roll over or expire at the drop's close;
- ``tranche`` 动态库存: a pool of ``total`` released ``tranche_size`` at a time; the next tranche
  opens when the current one sells out (after ``cooldown_seconds``; with ``velocity_seconds``
  a tranche that sold out faster than that makes the next one half as big, a slower one keeps T);
- ``unlock`` 解锁式: no cap; goals at cumulative sales thresholds unlock bonus content;
- ``seasonal`` 季节性: strictly limited like ``limited`` plus ``sale_ends_at``, after which the
  product leaves the storefront by itself (owners keep their copies).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from soulstock.domain.errors import InvalidInput, NeverReissued

MAX_LIMITED_TOTAL = 1_000_000
NEVER_REISSUED = "永不复刻 · never reissued"


class PolicyKind(StrEnum):
    STAPLE = "staple"
    LIMITED = "limited"
    PERIODIC = "periodic"
    TRANCHE = "tranche"
    UNLOCK = "unlock"
    SEASONAL = "seasonal"


FIXED_TOTAL = (PolicyKind.LIMITED, PolicyKind.SEASONAL)  # totals that never change
NEEDS_TOTAL = (*FIXED_TOTAL, PolicyKind.TRANCHE)
INTERCHANGEABLE = frozenset({PolicyKind.STAPLE, PolicyKind.UNLOCK})  # both uncapped
# Kind changes that only lower supply: an always-in-stock product becomes drops or tranches.
SUPPLY_LOWERING = frozenset(
    {(PolicyKind.STAPLE, PolicyKind.PERIODIC), (PolicyKind.STAPLE, PolicyKind.TRANCHE)}
)


@dataclass(frozen=True, slots=True)
class InventoryPolicy:
    kind: PolicyKind
    total: int | None = None
    rrule: str | None = None  # periodic: e.g. "FREQ=MONTHLY;BYMONTHDAY=15"
    starts_at: datetime | None = None  # periodic: first occurrence (its local time of day)
    drop_quantity: int | None = None  # periodic: Q units per drop
    rollover: bool = False  # periodic: unsold units carry into the next drop
    tranche_size: int | None = None
    cooldown_seconds: int = 0
    velocity_seconds: int | None = None
    sale_ends_at: datetime | None = None  # seasonal

    def __post_init__(self) -> None:
        if self.kind in NEEDS_TOTAL:
            if self.total is None:
                raise InvalidInput(f"a {self.kind.value} product needs a total (1 or more)")
            if not 1 <= self.total <= MAX_LIMITED_TOTAL:
                raise InvalidInput(f"a total must be between 1 and {MAX_LIMITED_TOTAL}")
        elif self.total is not None:
            raise InvalidInput(f"a {self.kind.value} product has no total; leave it empty")
        self._check_periodic()
        self._check_tranche()
        if (self.kind is PolicyKind.SEASONAL) != (self.sale_ends_at is not None):
            raise InvalidInput("a seasonal product needs a sale end (and only it has one)")

    def _check_periodic(self) -> None:
        periodic = self.kind is PolicyKind.PERIODIC
        if not periodic:
            if self.rrule or self.drop_quantity is not None or self.rollover:
                raise InvalidInput("only a periodic product has a schedule and drops")
            return
        if not self.rrule or self.starts_at is None:
            raise InvalidInput("a periodic product needs an RRULE and a first drop time")
        if self.drop_quantity is None or not 1 <= self.drop_quantity <= MAX_LIMITED_TOTAL:
            raise InvalidInput(f"a drop quantity must be between 1 and {MAX_LIMITED_TOTAL}")
        if self.starts_at.tzinfo is None:
            raise InvalidInput("the first drop time needs a time zone")

    def _check_tranche(self) -> None:
        if self.kind is not PolicyKind.TRANCHE:
            if self.tranche_size is not None or self.velocity_seconds is not None:
                raise InvalidInput("only a tranche product has tranches")
            return
        if self.tranche_size is None or self.total is None:
            raise InvalidInput("a tranche product needs a tranche size")
        if not 1 <= self.tranche_size <= self.total:
            raise InvalidInput("a tranche size must be between 1 and the pool")
        if self.cooldown_seconds < 0 or (self.velocity_seconds or 0) < 0:
            raise InvalidInput("a cool-down or velocity time cannot be negative")

    @classmethod
    def staple(cls) -> InventoryPolicy:
        return cls(PolicyKind.STAPLE)

    @classmethod
    def limited(cls, total: int) -> InventoryPolicy:
        return cls(PolicyKind.LIMITED, total)

    @classmethod
    def parse(cls, kind: str, total: int | None, **params: object) -> InventoryPolicy:
        try:
            policy_kind = PolicyKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in PolicyKind)
            raise InvalidInput(f"unknown policy {kind!r}; use one of {known}") from None
        return cls(policy_kind, total, **params)  # type: ignore[arg-type]

    @property
    def cap(self) -> int | None:
        """The most units that may ever exist, or None for no cap."""
        return self.total

    @property
    def is_numbered_edition(self) -> bool:
        return self.kind in FIXED_TOTAL

    @property
    def never_reissued(self) -> bool:
        return self.kind in FIXED_TOTAL

    def check_change_to(self, new: InventoryPolicy, *, minted: int) -> None:
        """Refuse any change that would let more units exist than this policy promised."""
        if self.kind in FIXED_TOTAL:
            # A seasonal product may only move its sale end earlier; nothing else changes.
            earlier_end = (
                new.kind is self.kind
                and new.sale_ends_at is not None
                and self.sale_ends_at is not None
                and new.sale_ends_at <= self.sale_ends_at
                and replace(new, sale_ends_at=self.sale_ends_at) == self
            )
            if new != self and not earlier_end:
                raise NeverReissued(
                    f"this product is limited to {self.total} and can never be reissued or "
                    f"changed ({NEVER_REISSUED})"
                )
            return
        if new.cap is not None and new.cap < minted:
            raise InvalidInput(f"{minted} copies are already sold; a total of {new.cap} is too low")

    def check_kind_change(self, new: InventoryPolicy) -> None:
        """A seller's product keeps its kind, except staple ↔ unlock (both uncapped) and
        staple → periodic or tranche, which only lower supply (the advisor's answer to
        decaying staple sales). Limited and seasonal are refused by ``check_change_to``."""
        kinds = {self.kind, new.kind}
        allowed = not kinds - INTERCHANGEABLE or (self.kind, new.kind) in SUPPLY_LOWERING
        if new.kind is not self.kind and not allowed:
            raise InvalidInput(
                f"a {self.kind.value} product cannot become {new.kind.value}; "
                "list a new product instead"
            )

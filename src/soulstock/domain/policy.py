"""Inventory policies (库存策略): how many units exist and whether that may ever change.

For now two policies exist: ``staple`` (常备库存, no cap, never any scarcity claim) and
``limited`` (绝对限量, a total fixed at creation that no path may ever raise: 永不复刻).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from soulstock.domain.errors import InvalidInput, NeverReissued

MAX_LIMITED_TOTAL = 1_000_000
NEVER_REISSUED = "永不复刻 · never reissued"


class PolicyKind(StrEnum):
    STAPLE = "staple"
    LIMITED = "limited"


@dataclass(frozen=True, slots=True)
class InventoryPolicy:
    kind: PolicyKind
    total: int | None = None

    def __post_init__(self) -> None:
        if self.kind is PolicyKind.STAPLE and self.total is not None:
            raise InvalidInput("a staple product has no total; leave it empty")
        if self.kind is PolicyKind.LIMITED:
            if self.total is None:
                raise InvalidInput("a limited product needs a total (1 or more)")
            if not 1 <= self.total <= MAX_LIMITED_TOTAL:
                raise InvalidInput(f"a limited total must be between 1 and {MAX_LIMITED_TOTAL}")

    @classmethod
    def staple(cls) -> InventoryPolicy:
        return cls(PolicyKind.STAPLE)

    @classmethod
    def limited(cls, total: int) -> InventoryPolicy:
        return cls(PolicyKind.LIMITED, total)

    @classmethod
    def parse(cls, kind: str, total: int | None) -> InventoryPolicy:
        try:
            policy_kind = PolicyKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in PolicyKind)
            raise InvalidInput(f"unknown policy {kind!r}; use one of {known}") from None
        return cls(policy_kind, total)

    @property
    def cap(self) -> int | None:
        """The most units that may ever exist, or None for no cap."""
        return self.total

    @property
    def is_numbered_edition(self) -> bool:
        return self.kind is PolicyKind.LIMITED

    def check_change_to(self, new: InventoryPolicy, *, minted: int) -> None:
        """Refuse any change that would let more units exist than this policy promised."""
        if self.kind is PolicyKind.LIMITED:
            if new != self:
                raise NeverReissued(
                    f"this product is limited to {self.total} and can never be reissued or "
                    f"changed ({NEVER_REISSUED})"
                )
            return
        if new.cap is not None and new.cap < minted:
            raise InvalidInput(f"{minted} copies are already sold; a total of {new.cap} is too low")

"""The provably fair draw (抽签).

1. Before entries open the shop publishes ``commitment(seed)``: the seed is fixed but secret.
2. When the entry window closes the entries are frozen and ``entries_hash`` is published.
3. Then the seed is revealed. Anyone checks ``commitment(seed)`` against step 1 and recomputes
   ``winners(seed, entries, k)``: each entry's ticket is ``sha256(seed || 0x00 || entry)`` and
   the ``k`` smallest tickets win. The shop cannot pick the seed after seeing the entries, and
   cannot add or drop entries after seeing the seed. ``docs/draw.md`` has a stand-alone script.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from soulstock.domain.errors import InvalidInput


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def entries_hash(entries: Sequence[str]) -> str:
    """The hash of the frozen entry list (sorted, one per line)."""
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def ticket(seed: bytes, entry: str) -> str:
    return hashlib.sha256(seed + b"\x00" + entry.encode()).hexdigest()


def winners(seed: bytes, entries: Sequence[str], k: int) -> list[str]:
    """The ``k`` entries with the smallest tickets, in ticket order."""
    if k < 0:
        raise InvalidInput("the number of winners cannot be negative")
    if len(set(entries)) != len(entries):
        raise InvalidInput("an entry appears twice")
    return sorted(entries, key=lambda e: (ticket(seed, e), e))[:k]


def check_reveal(seed: bytes, published: str) -> None:
    if commitment(seed) != published:
        raise InvalidInput("the revealed seed does not match the published commitment")

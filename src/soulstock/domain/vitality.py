"""The vitality waterfall (活力瀑布流): how the shop home orders its products.

A platform that sorts by sales or age lets an always-in-stock item sink and stay sunk. Ours
ranks by *vitality*, which is made only of true things the engine can say at instant ``t``:

==========================  ===============================================================
signal                      points
==========================  ===============================================================
freshness                   up to 3, halving every 3 days since the product was listed or
                            its current release opened (a restock makes an item fresh again)
open now, briefly           2 while a sale window, early bird or drop that ends within a day
                            is open; scaled up as its end nears
opening soon                up to 1.5 for a release or window opening within a day
real low stock              up to 2 as the open release's free share falls below half
                            (never for staples, which make no scarcity claim)
sold out / all held         -1: still shown (proof that the edition exists) but below
                            what can be bought
==========================  ===============================================================

Delisted products (a seasonal sale that has ended) are not ranked: they left the storefront.
Ties go to the newer product. Scores are never shown; only the claims are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from soulstock.domain.scarcity import Availability, ScarcityClaims

DAY_SECONDS = 24 * 3600
FRESHNESS_HALF_LIFE_HOURS = 72.0
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Signals:
    claims: ScarcityClaims
    listed_at: datetime


def vitality(signals: Signals, t: datetime) -> float:
    """The product's score at ``t`` per the table in this module's docstring."""
    claims = signals.claims
    since = signals.listed_at
    if claims.opens_at is not None and claims.opens_at <= t:
        since = max(since, claims.opens_at)
    age_hours = max(0.0, (t - since).total_seconds() / 3600)
    score = 3.0 * math.pow(0.5, age_hours / FRESHNESS_HALF_LIFE_HOURS)
    if claims.availability in (Availability.SOLD_OUT, Availability.ALL_HELD):
        return score - 1.0
    if claims.availability is Availability.UPCOMING and claims.opens_in_seconds is not None:
        return score + 1.5 * _nearness(claims.opens_in_seconds)
    if claims.availability is not Availability.AVAILABLE:
        return score
    if claims.ends_in_seconds is not None and claims.ends_in_seconds <= DAY_SECONDS:
        score += 1.0 + _nearness(claims.ends_in_seconds)
    if claims.total and claims.remaining is not None:
        free_share = claims.remaining / claims.total
        if free_share < 0.5:
            score += 2.0 * (1 - free_share / 0.5)
    return score


def _nearness(seconds: int) -> float:
    """1 when the moment is now, falling to 0 a day away."""
    return max(0.0, 1.0 - seconds / DAY_SECONDS)


def rank(items: Sequence[T], *, signals: Callable[[T], Signals], t: datetime) -> list[T]:
    """The waterfall order: highest vitality first, newer first on ties; delisted left out."""
    scored = [
        (vitality(s, t), s.listed_at, index, item)
        for index, item in enumerate(items)
        if (s := signals(item)).claims.availability is not Availability.DELISTED
    ]
    scored.sort(key=lambda row: (-row[0], -row[1].timestamp(), row[2]))
    return [item for *_, item in scored]

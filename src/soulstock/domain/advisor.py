"""The strategy advisor: plain rules over a shop's metrics, each a pure function.

A rule looks at numbers a service computed in SQL (the dataclasses below) and returns a
``Suggestion``, or ``None`` when it has nothing to say. A suggestion carries a message (an
English msgid with ``%(name)s`` fields, translated where it is shown), the evidence (the
numbers and the period they cover) and, where one exists, an ``Action`` the console can
apply in one click through the policy services.

The rules, with their thresholds as constants:

- ``staple_decay``: a staple whose last ``DECAY_MONTHS`` full months each sold fewer units
  than the month before, the last under ``DECAY_SHARE`` of the first (the article's
  87 → 12 → 3) → periodic monthly drops of about the recent monthly demand;
- ``light_reissue``: the latest capped release sold out in under ``FAST_HOURS`` with people
  waiting → a light reissue of about the waitlist size (a restock story the seller writes, so
  no one-click action). Never for a limited or seasonal
  product (永不复刻): for those ``new_product_for_waitlist`` says a *new* product could serve
  the people waiting, with no action;
- ``low_stock_abandonment``: at least ``ABANDON_SHARE`` of holds taken under the low stock
  band were never paid (with ``ABANDON_MIN_HOLDS`` holds or more) → lengthen the hold or
  lower the per-buyer cap;
- ``staple_portfolio``: fewer staples than the shop's target share → the products with
  uncapped demand and the steadiest monthly sales, as many as the target needs;
- ``hint_always``: a traffic (tranche) item whose "only X left" hint was shown on at least
  ``HINT_SHARE`` of its views (``HINT_MIN_VIEWS`` or more) → show it only when few are left,
  or switch policy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import pairwise

from soulstock.domain.policy import FIXED_TOTAL, PolicyKind

DECAY_MONTHS = 3
DECAY_SHARE = 0.25
FAST_HOURS = 24.0
ABANDON_SHARE = 0.40
ABANDON_MIN_HOLDS = 10
HINT_SHARE = 0.90
HINT_MIN_VIEWS = 50
HINT_SHARE_OF_TRANCHE = 0.10  # the suggested threshold: "only X left" for the last 10%

Value = int | float | str


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class RuleId(StrEnum):
    STAPLE_DECAY = "staple_decay"
    LIGHT_REISSUE = "light_reissue"
    NEW_PRODUCT_FOR_WAITLIST = "new_product_for_waitlist"
    LOW_STOCK_ABANDONMENT = "low_stock_abandonment"
    STAPLE_PORTFOLIO = "staple_portfolio"
    HINT_ALWAYS = "hint_always"


class ActionKind(StrEnum):
    TO_PERIODIC = "to_periodic"  # params: drop_quantity (monthly drops)
    LOWER_BUYER_CAP = "lower_buyer_cap"  # params: buyer_cap
    SET_HINT_THRESHOLD = "set_hint_threshold"  # params: hint_threshold
    TO_STAPLE = "to_staple"  # no params


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    product_id: int
    params: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The numbers a suggestion rests on and the local days they cover."""

    numbers: Mapping[str, Value]
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class Suggestion:
    rule: RuleId
    message: str  # an English msgid with %(name)s fields from ``params``
    params: Mapping[str, Value]
    evidence: Evidence
    product_id: int | None = None
    action: Action | None = None


@dataclass(frozen=True, slots=True)
class MonthlySales:
    """Units sold in each full month, oldest first, from ``first`` to ``last``."""

    product_id: int
    title: str
    policy: PolicyKind
    units: Sequence[int]
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class SellOut:
    """A product's latest capped release and the people waiting for it now."""

    product_id: int
    title: str
    policy: PolicyKind
    quantity: int
    hours_to_sell_out: float | None
    waiting: int
    opened_on: date
    today: date


@dataclass(frozen=True, slots=True)
class LowStockHolds:
    product_id: int
    title: str
    holds: int  # taken while under the low band
    abandoned: int  # of them, never paid
    low_band: int  # percent
    buyer_cap: int | None
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class HintViews:
    product_id: int
    title: str
    policy: PolicyKind
    views: int
    with_hint: int
    tranche_size: int | None
    hint_threshold: int | None
    first: date
    last: date


def staple_decay(sales: MonthlySales) -> Suggestion | None:
    """Staple sales falling month after month → periodic drops of the recent demand."""
    units = list(sales.units[-DECAY_MONTHS:])
    if sales.policy is not PolicyKind.STAPLE or len(units) < DECAY_MONTHS or units[0] <= 0:
        return None
    falling = all(later < earlier for earlier, later in pairwise(units))
    if not falling or units[-1] >= DECAY_SHARE * units[0]:
        return None
    drop = max(1, math.ceil((units[-1] + units[-2]) / 2))
    trend = " → ".join(str(u) for u in units)
    return Suggestion(
        RuleId.STAPLE_DECAY,
        N_(
            "“%(title)s” sold %(trend)s units in the last %(months)s months. Switch it to "
            "monthly drops of about %(drop)s units: scarcity may bring the buyers back."
        ),
        {"title": sales.title, "trend": trend, "months": len(units), "drop": drop},
        Evidence({"units_per_month": trend}, sales.first, sales.last),
        sales.product_id,
        Action(ActionKind.TO_PERIODIC, sales.product_id, {"drop_quantity": drop}),
    )


def light_reissue(drop: SellOut) -> Suggestion | None:
    """Sold out in under a day with people waiting → a light reissue of about that many;
    for a limited or seasonal product never a reissue, only the idea of a new product."""
    hours = drop.hours_to_sell_out
    if hours is None or hours >= FAST_HOURS or drop.waiting < 1:
        return None
    numbers: dict[str, Value] = {
        "quantity": drop.quantity,
        "hours_to_sell_out": hours,
        "waiting": drop.waiting,
    }
    evidence = Evidence(numbers, drop.opened_on, drop.today)
    params: dict[str, Value] = {"title": drop.title, **numbers}
    if drop.policy in FIXED_TOTAL:
        return Suggestion(
            RuleId.NEW_PRODUCT_FOR_WAITLIST,
            N_(
                "“%(title)s” (%(quantity)s copies) sold out in %(hours_to_sell_out)s h and "
                "%(waiting)s people are waiting. It is never reissued (永不复刻): a new "
                "product could serve them."
            ),
            params,
            evidence,
            drop.product_id,
        )
    if drop.policy not in (PolicyKind.PERIODIC, PolicyKind.TRANCHE):
        return None
    return Suggestion(
        RuleId.LIGHT_REISSUE,
        N_(
            "“%(title)s” sold out in %(hours_to_sell_out)s h and %(waiting)s people are "
            "waiting. A light reissue of about %(waiting)s units would meet them."
        ),
        params,
        evidence,
        drop.product_id,
    )


def low_stock_abandonment(holds: LowStockHolds) -> Suggestion | None:
    """Holds under the low band mostly left unpaid → a longer hold or a lower buyer cap."""
    if holds.holds < ABANDON_MIN_HOLDS or holds.abandoned < ABANDON_SHARE * holds.holds:
        return None
    share = round(100 * holds.abandoned / holds.holds)
    action = None
    if holds.buyer_cap is None or holds.buyer_cap > 1:
        cap = 1 if holds.buyer_cap is None else holds.buyer_cap - 1
        action = Action(ActionKind.LOWER_BUYER_CAP, holds.product_id, {"buyer_cap": cap})
    return Suggestion(
        RuleId.LOW_STOCK_ABANDONMENT,
        N_(
            "%(share)s%% of the holds on “%(title)s” taken with under %(low)s%% left were "
            "never paid. Lengthen the hold time (shop setting) or lower the per-buyer cap."
        ),
        {"title": holds.title, "share": share, "low": holds.low_band},
        Evidence(
            {"holds": holds.holds, "abandoned": holds.abandoned, "share_pct": share},
            holds.first,
            holds.last,
        ),
        holds.product_id,
        action,
    )


def _steadiness(units: Sequence[int]) -> float:
    """The coefficient of variation of monthly units (lower is steadier); inf without sales."""
    mean = sum(units) / len(units) if units else 0.0
    if mean <= 0:
        return math.inf
    return math.sqrt(sum((u - mean) ** 2 for u in units) / len(units)) / mean


def staple_portfolio(
    sales: Sequence[MonthlySales], *, products: int, staples: int, target: float
) -> Suggestion | None:
    """Fewer staples than the target share → the steadiest products with uncapped demand."""
    if products == 0 or staples / products >= target:
        return None
    needed = math.ceil(target * products) - staples
    candidates = sorted(
        (s for s in sales if s.policy not in FIXED_TOTAL and s.policy is not PolicyKind.STAPLE),
        key=lambda s: _steadiness(s.units),
    )
    picked = [s for s in candidates if _steadiness(s.units) < math.inf][:needed]
    if not picked:
        return None
    names = "、".join(f"“{s.title}”" for s in picked)
    share = round(100 * staples / products)
    first, last = min(s.first for s in picked), max(s.last for s in picked)
    action = None
    if len(picked) == 1 and picked[0].policy is PolicyKind.UNLOCK:
        action = Action(ActionKind.TO_STAPLE, picked[0].product_id)
    return Suggestion(
        RuleId.STAPLE_PORTFOLIO,
        N_(
            "Staples are %(share)s%% of your line, under the %(target)s%% target. Make "
            "%(names)s a staple: their monthly sales are the steadiest."
        ),
        {"share": share, "target": round(100 * target), "names": names},
        Evidence({"products": products, "staples": staples, "share_pct": share}, first, last),
        picked[0].product_id if len(picked) == 1 else None,
        action,
    )


def hint_always(views: HintViews) -> Suggestion | None:
    """A traffic item's "only X left" on nearly every view → show it only near the end."""
    if views.policy is not PolicyKind.TRANCHE or views.views < HINT_MIN_VIEWS:
        return None
    if views.with_hint < HINT_SHARE * views.views:
        return None
    share = round(100 * views.with_hint / views.views)
    action = None
    if views.tranche_size is not None:
        threshold = max(1, round(views.tranche_size * HINT_SHARE_OF_TRANCHE))
        if views.hint_threshold is None or threshold < views.hint_threshold:
            action = Action(
                ActionKind.SET_HINT_THRESHOLD, views.product_id, {"hint_threshold": threshold}
            )
    return Suggestion(
        RuleId.HINT_ALWAYS,
        N_(
            "“%(title)s” showed “only X left” on %(share)s%% of its views, so it no longer "
            "means much. Show it only when few are left, or switch the policy."
        ),
        {"title": views.title, "share": share},
        Evidence({"views": views.views, "with_hint": views.with_hint}, views.first, views.last),
        views.product_id,
        action,
    )

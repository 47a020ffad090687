"""The console's policy editor: tier cards that pre-fill it, and its fields parsed into a policy.

Every field is text from a form; each one is checked here and reported against its own field
(``FieldError``, a catalog msgid) so nothing is written until the whole form is right. Times are
typed as ``datetime-local`` on the shop's wall clock and become aware UTC datetimes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from soulstock.domain.errors import InvalidInput
from soulstock.domain.policy import MAX_LIMITED_TOTAL, InventoryPolicy, PolicyKind
from soulstock.domain.schedule import parse_rule
from soulstock.domain.tiers import Tier, TierTemplate, template
from soulstock.web.pages.i18n import N_

WHOLE = re.compile(r"^\d{1,9}$")
LOCAL = "%Y-%m-%dT%H:%M"
EDITABLE = ("staple", "limited", "periodic", "tranche", "seasonal")  # unlock: via the API
POLICY_FIELDS = (
    "policy", "total", "tier", "rrule", "first_drop", "drop_quantity", "rollover",
    "tranche_size", "hint_threshold", "sale_ends", "countdown",
)  # fmt: skip
MONTHLY_15TH = "FREQ=MONTHLY;BYMONTHDAY=15"


@dataclass(frozen=True, slots=True)
class TierCard:
    tier: str
    name: str  # msgid
    explanation: str  # msgid


TIER_CARDS = (
    TierCard("flagship", N_("Flagship tier"), N_("10–20 numbered editions, never reissued.")),
    TierCard("evergreen", N_("Evergreen tier"), N_("A monthly drop of 100–200 copies.")),
    TierCard("seasonal", N_("Seasonal tier"), N_("Limited, with a sale end and a countdown.")),
    TierCard("traffic", N_("Traffic tier"), N_("A large pool; “only X left” under a threshold.")),
    TierCard("staple", N_("Staple tier"), N_("Always in stock, no scarcity shown.")),
)


class FieldError(Exception):
    """One form field is wrong; ``message`` is a catalog msgid, translated when shown."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class PolicyChoice:
    """A parsed policy editor: the policy and the display options that go with it."""

    policy: InventoryPolicy
    hint_threshold: int | None
    countdown: bool
    tier: str | None


def local_text(instant: datetime | None, timezone: str) -> str:
    """An aware instant as the ``datetime-local`` text of the shop's wall clock."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(timezone)).strftime(LOCAL)


def _next_15th_at_20(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    day = local.replace(day=15, hour=20, minute=0, second=0, microsecond=0)
    if day <= local:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=15)
    return day.astimezone(UTC)


def tier_values(tier: str, *, now: datetime, timezone: str) -> dict[str, str]:
    """The policy editor's fields pre-filled from a tier's template (empty for no such tier)."""
    try:
        chosen = Tier(tier)
    except ValueError:
        return {}
    made: TierTemplate = template(chosen, now=now)
    policy = made.policy
    values = {
        "tier": chosen.value,
        "policy": policy.kind.value,
        "total": "" if policy.total is None else str(policy.total),
        "countdown": "on" if made.countdown else "",
        "hint_threshold": "" if made.hint_threshold is None else str(made.hint_threshold),
    }
    if policy.kind is PolicyKind.PERIODIC:
        values["rrule"] = MONTHLY_15TH  # monthly on the 15th at 20:00 shop time
        values["first_drop"] = local_text(_next_15th_at_20(now, timezone), timezone)
        values["drop_quantity"] = str(policy.drop_quantity)
        values["rollover"] = "on" if policy.rollover else ""
    if policy.kind is PolicyKind.TRANCHE:
        values["tranche_size"] = str(policy.tranche_size)
    if policy.kind is PolicyKind.SEASONAL:
        ends = (policy.sale_ends_at or now).astimezone(ZoneInfo(timezone))
        values["sale_ends"] = local_text(ends.replace(hour=23, minute=59), timezone)
    return values


def policy_values(
    policy: InventoryPolicy, options: dict[str, Any], timezone: str
) -> dict[str, str]:
    """The editor's fields for a stored policy and its options."""
    hint = options.get("hint_threshold")
    return {
        "policy": policy.kind.value,
        "total": "" if policy.total is None else str(policy.total),
        "tier": options.get("tier") or "",
        "rrule": policy.rrule or "",
        "first_drop": local_text(policy.starts_at, timezone),
        "drop_quantity": "" if policy.drop_quantity is None else str(policy.drop_quantity),
        "rollover": "on" if policy.rollover else "",
        "tranche_size": "" if policy.tranche_size is None else str(policy.tranche_size),
        "hint_threshold": "" if hint is None else str(hint),
        "sale_ends": local_text(policy.sale_ends_at, timezone),
        "countdown": "on" if options.get("countdown") else "",
    }


def _whole(form: dict[str, str], field: str, message: str, *, optional: bool = False) -> int | None:
    text = form.get(field, "").strip()
    if optional and not text:
        return None
    if not WHOLE.match(text) or not 1 <= int(text) <= MAX_LIMITED_TOTAL:
        raise FieldError(field, message)
    return int(text)


def _local_time(form: dict[str, str], field: str, timezone: str, message: str) -> datetime:
    try:
        local = datetime.strptime(form.get(field, "").strip()[:16], LOCAL)
    except ValueError:
        raise FieldError(field, message) from None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _periodic(form: dict[str, str], timezone: str) -> InventoryPolicy:
    rule = form.get("rrule", "").strip()
    starts = _local_time(
        form, "first_drop", timezone, N_("Pick the date and time of the first drop.")
    )
    wrong = FieldError("rrule", N_("Enter a schedule rule such as FREQ=MONTHLY;BYMONTHDAY=15."))
    if not rule:
        raise wrong
    try:
        parse_rule(rule, starts_at=starts, tz=timezone)
    except InvalidInput:
        raise wrong from None
    quantity = _whole(form, "drop_quantity", N_("Enter the copies per drop as a whole number."))
    return InventoryPolicy(
        PolicyKind.PERIODIC,
        rrule=rule.removeprefix("RRULE:"),
        starts_at=starts,
        drop_quantity=quantity,
        rollover=bool(form.get("rollover")),
    )


def _tranche(form: dict[str, str]) -> InventoryPolicy:
    pool = _whole(form, "total", N_("Enter the pool as a whole number of copies, 1 or more."))
    size = _whole(form, "tranche_size", N_("Enter the tranche size as a whole number."))
    assert pool is not None and size is not None
    if size > pool:
        raise FieldError("tranche_size", N_("A tranche cannot be bigger than the pool."))
    return InventoryPolicy(PolicyKind.TRANCHE, pool, tranche_size=size)


def _seasonal(form: dict[str, str], timezone: str) -> InventoryPolicy:
    total = _whole(form, "total", N_("Enter the total as a whole number of copies, 1 or more."))
    ends = _local_time(form, "sale_ends", timezone, N_("Pick the date and time the sale ends."))
    return InventoryPolicy(PolicyKind.SEASONAL, total, sale_ends_at=ends)


def parse_policy(form: dict[str, str], *, timezone: str) -> PolicyChoice:
    """The policy editor's fields as a policy and options, or the first wrong field."""
    kind = form.get("policy", "")
    if kind == "staple":
        policy = InventoryPolicy.staple()
    elif kind == "limited":
        total = _whole(form, "total", N_("Enter the total as a whole number of copies, 1 or more."))
        assert total is not None
        policy = InventoryPolicy.limited(total)
    elif kind == "periodic":
        policy = _periodic(form, timezone)
    elif kind == "tranche":
        policy = _tranche(form)
    elif kind == "seasonal":
        policy = _seasonal(form, timezone)
    else:
        raise FieldError("policy", N_("Choose a policy."))
    hint = None
    if kind == "tranche":
        hint = _whole(
            form, "hint_threshold", N_("Enter the hint threshold as a whole number."), optional=True
        )
    tier = form.get("tier", "").strip()
    known = tier if tier in {t.value for t in Tier} else None
    return PolicyChoice(policy, hint, bool(form.get("countdown")), known)

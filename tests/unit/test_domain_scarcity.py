"""Every policy and time mechanic, pure, with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from soulstock.domain import draw
from soulstock.domain.drops import ReleaseKind, ReleaseState, opening_at
from soulstock.domain.errors import CapReached, InvalidInput, NeverReissued
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.reservation import check_cap
from soulstock.domain.scarcity import Availability, ProductState, claims_at
from soulstock.domain.schedule import RecurringWindow, first_overlap, occurrence_at, parse_rule
from soulstock.domain.tiers import Tier, portfolio, template
from soulstock.domain.unlock import Goal, progress, reached_goals

SH = "Asia/Shanghai"
NY = "America/New_York"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def local(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def periodic(rule: str, start: datetime, q: int = 10, rollover: bool = False) -> InventoryPolicy:
    return InventoryPolicy(
        PolicyKind.PERIODIC, rrule=rule, starts_at=start, drop_quantity=q, rollover=rollover
    )


def drop(seq: int, q: int, sold: int = 0, held: int = 0) -> ReleaseState:
    return ReleaseState(seq, ReleaseKind.DROP, q, sold, held)


# --- schedules ----------------------------------------------------------------------------


def test_month_end_rule_fires_on_the_last_day_of_each_month_in_shanghai():
    rule = parse_rule("FREQ=MONTHLY;BYMONTHDAY=-1", starts_at=local(SH, 2028, 1, 31, 20), tz=SH)
    feb = occurrence_at(rule, tz=SH, t=local(SH, 2028, 3, 1, 12))
    assert feb is not None and feb.at == local(SH, 2028, 2, 29, 20) and feb.index == 2
    assert feb.next_at == local(SH, 2028, 3, 31, 20)


def test_the_31st_skips_short_months_as_rfc_5545_says():
    rule = parse_rule("FREQ=MONTHLY;BYMONTHDAY=31", starts_at=local(SH, 2026, 1, 31, 20), tz=SH)
    latest = occurrence_at(rule, tz=SH, t=local(SH, 2026, 4, 15))
    assert latest is not None and latest.at == local(SH, 2026, 3, 31, 20)
    assert latest.next_at == local(SH, 2026, 5, 31, 20)


def test_leap_day_rule_fires_only_in_leap_years():
    rule = parse_rule(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", starts_at=local(SH, 2028, 2, 29, 0), tz=SH
    )
    latest = occurrence_at(rule, tz=SH, t=local(SH, 2031, 6, 1))
    assert latest is not None and latest.at == local(SH, 2028, 2, 29, 0)
    assert latest.next_at == local(SH, 2032, 2, 29, 0)


def test_a_weekly_drop_keeps_its_wall_clock_time_across_dst_in_new_york():
    rule = parse_rule("FREQ=WEEKLY", starts_at=local(NY, 2026, 3, 1, 20), tz=NY)
    before = occurrence_at(rule, tz=NY, t=local(NY, 2026, 3, 2))
    after = occurrence_at(rule, tz=NY, t=local(NY, 2026, 3, 9))
    assert before is not None and after is not None
    assert before.at.hour == 1 and after.at.hour == 0  # 20:00 EST = 01:00Z, EDT = 00:00Z
    assert after.at - before.at == timedelta(days=7, hours=-1)


def test_a_window_is_open_from_its_first_second_until_just_before_its_end():
    friday = local(SH, 2026, 1, 2, 20)  # a Friday
    flash = RecurringWindow("flash", friday, 3600, SH, rule="FREQ=WEEKLY;BYDAY=FR", price_minor=9)
    assert flash.window_at(friday - timedelta(seconds=1)) is None
    assert flash.window_at(friday) is not None
    assert flash.window_at(friday + timedelta(seconds=3599)) is not None
    assert flash.window_at(friday + timedelta(seconds=3600)) is None
    assert flash.next_start(friday) == friday + timedelta(days=7)


def test_overlapping_windows_are_found_and_named():
    a = RecurringWindow("fri", local(SH, 2026, 1, 2, 20), 3600, SH, rule="FREQ=WEEKLY")
    b = RecurringWindow("early", local(SH, 2026, 1, 16, 20, 30), 600, SH)
    c = RecurringWindow("later", local(SH, 2026, 1, 16, 21), 600, SH)
    found = first_overlap(a, b, since=T0)
    assert found is not None and found[0].start == local(SH, 2026, 1, 16, 20)
    assert first_overlap(a, c, since=T0) is None


def test_bad_rules_and_zones_are_clear_errors():
    with pytest.raises(InvalidInput, match="RRULE"):
        parse_rule("FREQ=SOMETIMES", starts_at=T0, tz=SH)
    with pytest.raises(InvalidInput, match="time zone"):
        parse_rule("FREQ=DAILY", starts_at=T0, tz="Mars/Base")


# --- policies -----------------------------------------------------------------------------


def test_periodic_drop_is_open_until_the_next_and_expires_unsold_units():
    policy = periodic("FREQ=MONTHLY;BYMONTHDAY=15", local(SH, 2026, 1, 15, 20), q=10)
    before = opening_at(policy, (), tz=SH, t=local(SH, 2026, 1, 15, 19, 59, 59))
    assert before.slot is None and before.next_opens_at == local(SH, 2026, 1, 15, 20)
    first = opening_at(policy, (), tz=SH, t=local(SH, 2026, 1, 15, 20))
    assert first.slot is not None and (first.slot.seq, first.slot.quantity) == (1, 10)
    second = opening_at(policy, (drop(1, 10, sold=4),), tz=SH, t=local(SH, 2026, 2, 15, 20))
    assert second.slot is not None and (second.slot.seq, second.slot.quantity) == (2, 10)


def test_periodic_rollover_carries_the_unsold_units_of_the_last_drop():
    policy = periodic("FREQ=DAILY", local(SH, 2026, 1, 1, 20), q=10, rollover=True)
    opening = opening_at(policy, (drop(1, 10, sold=4, held=1),), tz=SH, t=local(SH, 2026, 1, 2, 21))
    assert opening.slot is not None
    assert (opening.slot.quantity, opening.slot.carry_from) == (15, 1)


def tranche_policy(**kw) -> InventoryPolicy:
    return InventoryPolicy(PolicyKind.TRANCHE, 50, tranche_size=20, **kw)


def tranche(seq: int, q: int, sold: int, out_at: datetime | None = None) -> ReleaseState:
    return ReleaseState(seq, ReleaseKind.TRANCHE, q, sold, 0, opens_at=T0, sold_out_at=out_at)


def test_the_next_tranche_opens_after_the_cool_down_and_the_last_is_what_the_pool_has_left():
    policy = tranche_policy(cooldown_seconds=60)
    out = T0 + timedelta(minutes=5)
    rows = (tranche(1, 20, 20, out), tranche(2, 20, 20, out))
    waiting = opening_at(policy, rows, tz=SH, t=out + timedelta(seconds=59))
    assert waiting.slot is None and waiting.next_opens_at == out + timedelta(seconds=60)
    third = opening_at(policy, rows, tz=SH, t=out + timedelta(seconds=60))
    assert third.slot is not None and (third.slot.seq, third.slot.quantity) == (3, 10)
    done = opening_at(policy, (*rows, tranche(3, 10, 10, out)), tz=SH, t=out + timedelta(hours=1))
    assert done.ended


def test_a_tranche_that_sold_out_fast_makes_the_next_one_smaller():
    policy = tranche_policy(velocity_seconds=600)
    fast = opening_at(
        policy, (tranche(1, 20, 20, T0 + timedelta(minutes=1)),), tz=SH, t=T0 + timedelta(hours=1)
    )
    slow = opening_at(
        policy, (tranche(1, 20, 20, T0 + timedelta(hours=1)),), tz=SH, t=T0 + timedelta(hours=2)
    )
    assert fast.slot and fast.slot.quantity == 10
    assert slow.slot and slow.slot.quantity == 20


def test_limited_and_seasonal_totals_never_change():
    ends = T0 + timedelta(days=30)
    seasonal = InventoryPolicy(PolicyKind.SEASONAL, 100, sale_ends_at=ends)
    with pytest.raises(NeverReissued, match="永不复刻"):
        seasonal.check_change_to(
            InventoryPolicy(PolicyKind.SEASONAL, 101, sale_ends_at=ends), minted=0
        )
    with pytest.raises(NeverReissued):
        seasonal.check_change_to(
            InventoryPolicy(PolicyKind.SEASONAL, 100, sale_ends_at=ends + timedelta(days=1)),
            minted=0,
        )
    earlier = InventoryPolicy(PolicyKind.SEASONAL, 100, sale_ends_at=ends - timedelta(days=1))
    seasonal.check_change_to(earlier, minted=0)
    with pytest.raises(InvalidInput):
        InventoryPolicy(PolicyKind.PERIODIC, rrule="FREQ=DAILY", starts_at=T0)


def test_per_buyer_caps():
    check_cap(cap=2, used=1, quantity=1, scope="product")
    check_cap(cap=None, used=99, quantity=5, scope="product")
    with pytest.raises(CapReached, match="at most 2"):
        check_cap(cap=2, used=2, quantity=1, scope="drop")


# --- claims -------------------------------------------------------------------------------


def state(policy: InventoryPolicy, *releases: ReleaseState, **kw) -> ProductState:
    return ProductState(policy, releases, SH, 1000, **kw)


def test_claims_of_an_open_tranche_are_its_real_remainder():
    rows = (tranche(1, 20, 20, T0), ReleaseState(2, ReleaseKind.TRANCHE, 20, 5, 3, opens_at=T0))
    claims = claims_at(state(tranche_policy(), *rows), T0 + timedelta(hours=1))
    assert (claims.availability, claims.remaining, claims.total, claims.release_seq) == (
        Availability.AVAILABLE,
        12,
        20,
        2,
    )


def test_claims_before_a_drop_say_when_it_opens_to_the_second():
    policy = periodic("FREQ=MONTHLY", local(SH, 2026, 2, 1, 20))
    claims = claims_at(state(policy), local(SH, 2026, 2, 1, 19, 0))
    assert claims.availability is Availability.UPCOMING
    assert claims.opens_in_seconds == 3600 and not claims.buyable


def test_a_seasonal_product_is_delisted_at_its_sale_end():
    ends = T0 + timedelta(days=1)
    policy = InventoryPolicy(PolicyKind.SEASONAL, 10, sale_ends_at=ends)
    base = ReleaseState(0, ReleaseKind.BASE, 10, 3, 0)
    open_claims = claims_at(state(policy, base, countdown=True), ends - timedelta(seconds=1))
    assert open_claims.ends_in_seconds == 1 and open_claims.countdown
    assert open_claims.remaining is None  # countdown mode shows time, not quantity
    assert claims_at(state(policy, base), ends).availability is Availability.DELISTED


def test_flash_windows_close_the_sale_outside_and_set_the_price_inside():
    start = local(SH, 2026, 1, 2, 20)
    flash = RecurringWindow("fri", start, 3600, SH, rule="FREQ=WEEKLY", price_minor=500)
    base = ReleaseState(0, ReleaseKind.BASE, 10, 0, 0)
    st = state(InventoryPolicy.limited(10), base, windows=(flash,))
    inside = claims_at(st, start + timedelta(minutes=59, seconds=59))
    assert inside.buyable and inside.price_minor == 500 and inside.ends_in_seconds == 1
    outside = claims_at(st, start + timedelta(hours=1))
    assert outside.availability is Availability.CLOSED
    assert outside.opens_at == start + timedelta(days=7)


def test_early_bird_has_its_own_quantity_and_price_then_the_launch():
    opens, closes = T0, T0 + timedelta(days=1)
    early = ReleaseState(-1, ReleaseKind.EARLY_BIRD, 5, 1, 0, opens, closes, price_minor=600)
    base = ReleaseState(0, ReleaseKind.BASE, 45, 0, 0, opens_at=closes)
    st = state(InventoryPolicy.limited(50), early, base)
    assert claims_at(st, opens - timedelta(seconds=1)).availability is Availability.UPCOMING
    during = claims_at(st, opens)
    assert (during.remaining, during.price_minor, during.special_price) == (4, 600, True)
    after = claims_at(st, closes)
    assert (after.remaining, after.price_minor, after.release_kind) == (45, 1000, ReleaseKind.BASE)


def test_traffic_items_show_only_x_left_under_the_threshold():
    base = ReleaseState(0, ReleaseKind.BASE, 100, 80, 5, None)
    assert (
        claims_at(state(InventoryPolicy.limited(100), base, hint_threshold=10), T0).remaining
        is None
    )
    base = ReleaseState(0, ReleaseKind.BASE, 100, 90, 2, None)
    assert (
        claims_at(state(InventoryPolicy.limited(100), base, hint_threshold=10), T0).remaining == 8
    )


def test_unlock_progress_and_goals_reached():
    goals = (Goal(100, "bonus pack"), Goal(300, "fonts"))
    base = ReleaseState(0, ReleaseKind.BASE, None, 120, 0)
    claims = claims_at(
        state(InventoryPolicy(PolicyKind.UNLOCK), base, goals=goals, sold_total=120), T0
    )
    assert claims.goals is not None and claims.goals.to_next == 180
    assert claims.remaining is None and claims.buyable
    assert [g.title for g in reached_goals(goals, 300)] == ["bonus pack", "fonts"]
    assert progress(goals, 0).next_goal == goals[0]


# --- draw, tiers --------------------------------------------------------------------------


def test_the_draw_is_a_function_of_the_seed_and_the_frozen_entries():
    seed = b"s" * 32
    entries = [f"entry-{i}" for i in range(20)]
    picked = draw.winners(seed, entries, 3)
    assert picked == draw.winners(seed, list(reversed(entries)), 3)
    assert len(set(picked)) == 3 and draw.winners(b"t" * 32, entries, 3) != picked
    assert draw.entries_hash(entries) == draw.entries_hash(sorted(entries, reverse=True))
    draw.check_reveal(seed, draw.commitment(seed))
    with pytest.raises(InvalidInput, match="commitment"):
        draw.check_reveal(b"x", draw.commitment(seed))


def test_tier_templates_and_portfolio_balance():
    assert template(Tier.FLAGSHIP, now=T0).policy == InventoryPolicy.limited(20)
    assert template(Tier.EVERGREEN, now=T0).policy.kind is PolicyKind.PERIODIC
    assert template(Tier.TRAFFIC, now=T0).hint_threshold == 10
    kinds = [PolicyKind.STAPLE] + [PolicyKind.LIMITED] * 5
    assert portfolio(kinds).below_target and not portfolio(kinds, target=0.1).below_target

"""The vitality waterfall: a pure ranking by freshness and real scarcity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from soulstock.domain.policy import PolicyKind
from soulstock.domain.scarcity import Availability, ScarcityClaims
from soulstock.domain.vitality import Signals, rank, vitality

T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def claims(
    availability: Availability = Availability.AVAILABLE,
    *,
    total: int | None = None,
    remaining: int | None = None,
    opens_at: datetime | None = None,
    ends_in: int | None = None,
    opens_in: int | None = None,
) -> ScarcityClaims:
    kind = PolicyKind.STAPLE if total is None else PolicyKind.LIMITED
    return ScarcityClaims(
        availability,
        total,
        remaining,
        sold=0,
        never_reissued=total is not None,
        kind=kind,
        opens_at=opens_at,
        ends_in_seconds=ends_in,
        opens_in_seconds=opens_in,
    )


def item(name: str, c: ScarcityClaims, *, days_old: float) -> tuple[str, Signals]:
    return name, Signals(c, T - timedelta(days=days_old))


def order(*items: tuple[str, Signals]) -> list[str]:
    return [name for name, _ in rank(list(items), signals=lambda i: i[1], t=T)]


def test_freshness_halves_every_three_days():
    new = vitality(Signals(claims(), T), T)
    three_days = vitality(Signals(claims(), T - timedelta(days=3)), T)
    assert new == 3.0 and abs(three_days - 1.5) < 1e-9


def test_a_restock_makes_an_old_item_fresh_again():
    old = Signals(claims(total=50, remaining=40), T - timedelta(days=60))
    restocked = Signals(
        claims(total=50, remaining=40, opens_at=T - timedelta(hours=1)), old.listed_at
    )
    assert vitality(restocked, T) > vitality(old, T) + 2


def test_real_low_stock_rises_and_staples_never_claim_scarcity():
    plenty = vitality(Signals(claims(total=50, remaining=40), T - timedelta(days=30)), T)
    low = vitality(Signals(claims(total=50, remaining=3), T - timedelta(days=30)), T)
    staple = vitality(Signals(claims(), T - timedelta(days=30)), T)
    assert low > plenty and abs(plenty - staple) < 1e-9


def test_a_window_closing_soon_beats_one_closing_next_week():
    soon = vitality(Signals(claims(ends_in=600), T - timedelta(days=10)), T)
    later = vitality(Signals(claims(ends_in=7 * 24 * 3600), T - timedelta(days=10)), T)
    assert soon > later + 1.5


def test_sold_out_items_stay_visible_below_what_can_be_bought():
    ranked = order(
        item("sold-out-new", claims(Availability.SOLD_OUT, total=50, remaining=0), days_old=0),
        item("staple-new", claims(), days_old=0),
        item("delisted", claims(Availability.DELISTED, total=50, remaining=0), days_old=0),
    )
    assert ranked == ["staple-new", "sold-out-new"]


def test_the_waterfall_surfaces_vitality_not_age():
    ranked = order(
        item("staple-last-month", claims(), days_old=30),
        item("flash-sale-open", claims(ends_in=1800), days_old=20),
        item("last-copies", claims(total=20, remaining=2), days_old=25),
        item("drop-tonight", claims(Availability.UPCOMING, opens_in=3600), days_old=15),
        item("new-today", claims(), days_old=0.1),
    )
    assert ranked == [
        "new-today",
        "flash-sale-open",
        "last-copies",
        "drop-tonight",
        "staple-last-month",
    ]


def test_ties_go_to_the_newer_product_and_the_order_is_stable():
    a = item("a", claims(Availability.CLOSED), days_old=400)
    b = item("b", claims(Availability.CLOSED), days_old=300)
    assert order(a, b) == ["b", "a"]
    assert order(b, a) == ["b", "a"]

"""The advisor's rules on synthetic numbers: each one triggers, and does not, where it should."""

from __future__ import annotations

from datetime import date

import pytest

from soulstock.domain import advisor
from soulstock.domain.advisor import (
    ActionKind,
    HintViews,
    LowStockHolds,
    MonthlySales,
    RuleId,
    SellOut,
)
from soulstock.domain.policy import PolicyKind

JUL, SEP = date(2026, 7, 1), date(2026, 9, 30)


def monthly(units: list[int], policy: PolicyKind = PolicyKind.STAPLE, pid: int = 1):
    return MonthlySales(pid, f"P{pid}", policy, units, JUL, SEP)


def test_the_articles_decay_suggests_monthly_drops_of_recent_demand() -> None:
    found = advisor.staple_decay(monthly([87, 12, 3]))
    assert found is not None and found.rule is RuleId.STAPLE_DECAY
    assert found.action is not None and found.action.kind is ActionKind.TO_PERIODIC
    assert found.action.params == {"drop_quantity": 8}  # ceil((12 + 3) / 2)
    assert found.evidence.numbers == {"units_per_month": "87 → 12 → 3"}
    assert (found.evidence.first, found.evidence.last) == (JUL, SEP)
    assert "%(trend)s" in found.message and found.params["trend"] == "87 → 12 → 3"


@pytest.mark.parametrize(
    "units",
    [
        [87, 12, 30],  # not falling every month
        [40, 35, 30],  # falling, but the last is 75% of the first
        [87, 12],  # too short a history
        [0, 0, 0],
    ],
)
def test_no_decay_suggestion_without_a_steep_monthly_fall(units: list[int]) -> None:
    assert advisor.staple_decay(monthly(units)) is None


def test_decay_only_concerns_staples() -> None:
    assert advisor.staple_decay(monthly([87, 12, 3], PolicyKind.PERIODIC)) is None
    assert advisor.staple_decay(monthly([87, 12, 3], PolicyKind.LIMITED)) is None


def sellout(policy: PolicyKind, *, hours: float | None = 20.0, waiting: int = 30) -> SellOut:
    return SellOut(2, "Icons", policy, 50, hours, waiting, date(2026, 10, 20), date(2026, 11, 1))


def test_fast_sell_out_with_a_waitlist_suggests_a_reissue_of_its_size() -> None:
    found = advisor.light_reissue(sellout(PolicyKind.PERIODIC))
    assert found is not None and found.rule is RuleId.LIGHT_REISSUE
    assert found.params["waiting"] == 30
    assert found.evidence.numbers["hours_to_sell_out"] == 20.0


@pytest.mark.parametrize("policy", [PolicyKind.LIMITED, PolicyKind.SEASONAL])
def test_never_a_reissue_for_limited_or_seasonal(policy: PolicyKind) -> None:
    found = advisor.light_reissue(sellout(policy))
    assert found is not None
    assert found.rule is RuleId.NEW_PRODUCT_FOR_WAITLIST
    assert found.action is None
    assert "永不复刻" in found.message and "reissue of" not in found.message


@pytest.mark.parametrize(
    ("hours", "waiting"), [(30.0, 30), (None, 30), (20.0, 0)], ids=["slow", "unsold", "nobody"]
)
def test_no_reissue_when_slow_or_nobody_waits(hours: float | None, waiting: int) -> None:
    assert advisor.light_reissue(sellout(PolicyKind.PERIODIC, hours=hours, waiting=waiting)) is None


def holds(n: int, lost: int, cap: int | None = 3) -> LowStockHolds:
    return LowStockHolds(3, "Kit", n, lost, 20, cap, JUL, SEP)


def test_abandonment_at_low_stock_suggests_a_lower_cap() -> None:
    found = advisor.low_stock_abandonment(holds(20, 9))
    assert found is not None and found.params["share"] == 45
    assert found.action is not None and found.action.params == {"buyer_cap": 2}
    assert found.evidence.numbers == {"holds": 20, "abandoned": 9, "share_pct": 45}
    no_cap = advisor.low_stock_abandonment(holds(20, 9, cap=None))
    assert no_cap is not None and no_cap.action is not None
    assert no_cap.action.params == {"buyer_cap": 1}
    at_one = advisor.low_stock_abandonment(holds(20, 9, cap=1))
    assert at_one is not None and at_one.action is None  # the hold time is the only lever


@pytest.mark.parametrize(("n", "lost"), [(20, 7), (9, 9)], ids=["few-lost", "few-holds"])
def test_no_abandonment_suggestion_below_thresholds(n: int, lost: int) -> None:
    assert advisor.low_stock_abandonment(holds(n, lost)) is None


def test_portfolio_below_target_names_the_steadiest_uncapped_products() -> None:
    sales = [
        monthly([10, 11, 10], PolicyKind.TRANCHE, pid=1),
        monthly([2, 30, 1], PolicyKind.PERIODIC, pid=2),
        monthly([20, 20, 20], PolicyKind.LIMITED, pid=3),  # never a staple
        monthly([0, 0, 0], PolicyKind.UNLOCK, pid=4),  # no sales: no evidence
    ]
    found = advisor.staple_portfolio(sales, products=10, staples=0, target=0.2)
    assert found is not None and found.rule is RuleId.STAPLE_PORTFOLIO
    assert found.params["names"] == "“P1”、“P2”"
    assert found.evidence.numbers["share_pct"] == 0
    one = advisor.staple_portfolio(sales, products=10, staples=1, target=0.2)
    assert one is not None and one.params["names"] == "“P1”" and one.product_id == 1


def test_unlock_candidate_gets_a_one_click_staple() -> None:
    found = advisor.staple_portfolio(
        [monthly([5, 6, 5], PolicyKind.UNLOCK)], products=5, staples=0, target=0.2
    )
    assert found is not None and found.action is not None
    assert found.action.kind is ActionKind.TO_STAPLE


def test_no_portfolio_suggestion_at_target_or_without_candidates() -> None:
    sales = [monthly([10, 11, 10], PolicyKind.TRANCHE)]
    assert advisor.staple_portfolio(sales, products=10, staples=2, target=0.2) is None
    limited = [monthly([10, 11, 10], PolicyKind.LIMITED)]
    assert advisor.staple_portfolio(limited, products=10, staples=0, target=0.2) is None


def hints(shown: int, views: int = 100, policy: PolicyKind = PolicyKind.TRANCHE) -> HintViews:
    return HintViews(5, "Stickers", policy, views, shown, 100, None, JUL, SEP)


def test_hint_on_nearly_every_view_suggests_a_threshold() -> None:
    found = advisor.hint_always(hints(95))
    assert found is not None and found.params["share"] == 95
    assert found.action is not None and found.action.params == {"hint_threshold": 10}


@pytest.mark.parametrize(
    "case", [hints(60), hints(40, views=40), hints(100, policy=PolicyKind.LIMITED)]
)
def test_no_hint_suggestion_when_rare_few_views_or_not_traffic(case: HintViews) -> None:
    assert advisor.hint_always(case) is None

"""The advisor on the dashboard: the article's 87 → 12 → 3 staple gets a monthly-drops
suggestion with its evidence and a button that switches the policy; a limited product that
sold out in hours with people waiting is never offered a reissue (永不复刻)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from soulstock.domain.advisor import RuleId
from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import PolicyKind
from soulstock.services import catalog, checkout, dashboard, payments
from soulstock.services.context import Context
from soulstock.store.models import AnalyticsEvent, Product
from tests.factories import PASSWORD, guest, make_product, make_seller, make_shop
from tests.web.pages import post_form

NOW = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)  # noon in Shanghai


def _events(ctx: Context, product: Product, kind: str, times: list[datetime]) -> None:
    with ctx.uow.write() as session:
        session.add_all(
            AnalyticsEvent(
                shop_id=product.shop_id,
                product_id=product.id,
                kind=kind,
                at=at,
                quantity=1,
                price_minor=product.price_minor,
                windowed=False,
                hint=False,
            )
            for at in times
        )


def _history(ctx: Context, clock: FixedClock):
    seller = make_seller(ctx)
    shop = make_shop(ctx, owner=seller)
    clock.set(NOW - timedelta(days=120))
    ppt = make_product(ctx, shop=shop, total=None, title="PPT 模板")
    for month, units in ((8, 87), (9, 12), (10, 3)):
        start = datetime(2026, month, 2, 4, 0, tzinfo=UTC)
        _events(ctx, ppt, "paid", [start + timedelta(hours=5 * i) for i in range(units)])
    clock.set(NOW - timedelta(days=10))
    icons = make_product(ctx, shop=shop, total=3, title="Halloween")
    for hour in range(3):
        clock.set(NOW - timedelta(days=10, hours=-hour))
        reserved = checkout.reserve(ctx, product_id=icons.id, quantity=1, buyer=guest())
        payments.dev_notice(
            ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )
    _events(ctx, icons, "waitlist_joined", [NOW - timedelta(days=9, hours=h) for h in range(5)])
    clock.set(NOW)
    return seller, shop, ppt, icons


def test_advisor_suggests_drops_for_decay_and_no_reissue_for_limited(
    ctx: Context, clock: FixedClock, client: TestClient
) -> None:
    seller, shop, ppt, icons = _history(ctx, clock)
    dash = dashboard.dashboard(ctx, actor_id=seller.id, shop_slug=shop.slug)
    by_rule = {s.rule: s for s in dash.advice}
    decay = by_rule[RuleId.STAPLE_DECAY]
    assert decay.product_id == ppt.id and decay.params["trend"] == "87 → 12 → 3"
    assert str(decay.evidence.first) == "2026-08-01" and str(decay.evidence.last) == "2026-10-31"
    assert RuleId.LIGHT_REISSUE not in by_rule
    fast = by_rule[RuleId.NEW_PRODUCT_FOR_WAITLIST]
    assert fast.product_id == icons.id and fast.params["waiting"] == 5 and fast.action is None
    assert fast.params["hours_to_sell_out"] == 2.0

    response = post_form(client, "/login", {"email": seller.email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    for lang, words in (("en", "Switch to monthly drops of 8"), ("zh_CN", "改为每月限量发售 8 份")):
        page = client.get(f"/console/{shop.slug}/dashboard?lang={lang}")
        assert 'id="advisor"' in page.text and words in page.text, page.text[:300]
        assert "87 → 12 → 3" in page.text
    response = post_form(
        client,
        f"/console/{shop.slug}/dashboard/advice",
        {"product_id": str(ppt.id), "action": "to_periodic", "value": "8"},
        csrf_from=f"/console/{shop.slug}/dashboard",
    )
    assert response.status_code in (302, 303), response.text[:300]
    view = catalog.product_view_by_id(ctx, ppt.id)
    assert view.product.policy == PolicyKind.PERIODIC.value and view.claims.remaining == 8


def test_advice_cannot_touch_a_limited_product(
    ctx: Context, clock: FixedClock, client: TestClient
) -> None:
    seller, shop, _, icons = _history(ctx, clock)
    post_form(client, "/login", {"email": seller.email, "password": PASSWORD})
    response = post_form(
        client,
        f"/console/{shop.slug}/dashboard/advice",
        {"product_id": str(icons.id), "action": "to_periodic", "value": "30"},
        csrf_from=f"/console/{shop.slug}/dashboard",
    )
    assert response.status_code == 409, response.text[:300]
    assert catalog.product_view_by_id(ctx, icons.id).product.policy == "limited"

"""The product page and its polled fragment show exactly the claims of the API at one instant.

Every badge names its claim (``data-claim``/``data-value``); for several policies at a
FixedClock instant the set of badges equals what ``/api/v1/products/{id}`` returns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog, checkout, payments, policies
from tests.conftest import T0
from tests.factories import guest, make_shop
from tests.web.pages import attribute, parse, visible_text


def shown(html: str) -> dict[str, list[str]]:
    """The claims the page shows: ``data-claim`` → its values, in page order."""
    found: dict[str, list[str]] = {}
    for _tag, attrs in parse(html).tags:
        if "data-claim" in attrs:
            found.setdefault(str(attrs["data-claim"]), []).append(str(attrs["data-value"]))
    return found


def expected(api: dict[str, Any]) -> dict[str, list[str]]:
    """What the page must show for the API's claims, and nothing more."""
    out: dict[str, list[str]] = {}
    if api["availability"] != "available":
        out["availability"] = [api["availability"]]
    for key in ("opens_in_seconds", "ends_in_seconds"):
        if api[key] is not None:
            out[key] = [str(api[key])]
    if api["remaining"] is not None and api["availability"] == "available":
        out["remaining"] = [str(api["remaining"])]
    if api["release"] in ("tranche", "drop", "early_bird"):
        out["release_seq"] = [str(api["release_seq"])]
    if api["total"] is not None:
        out["total"] = [str(api["total"])]
    if api["special_price"]:
        out["price_minor"] = [str(api["price_minor"])]
    if api["next_goal"] is not None:
        out["next_goal"] = [str(api["next_goal"])]
    if api["goals_reached"]:
        out["goal_reached"] = list(api["goals_reached"])
    if api["never_reissued"]:
        out["never_reissued"] = ["true"]
    return out


def same_claims(client, product) -> dict[str, Any]:
    api = client.get(f"/api/v1/products/{product.id}").json()["claims"]
    url = f"/s/{product.shop_slug}/p/{product.slug}"
    for path in (url, f"{url}/claims"):
        html = client.get(path).text
        assert shown(html) == expected(api), path
        assert attribute(html, "claims", "data-availability") == api["availability"]
    return api


def sell(ctx, product, quantity: int = 1) -> None:
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=quantity, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )


def listed(ctx, policy: InventoryPolicy, *, price_minor: int = 1990):
    shop = make_shop(ctx)
    product = catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Pack",
        price_minor=price_minor,
        policy=policy,
    )
    product.shop_slug = shop.slug  # for the tests' URLs
    product.owner_id = shop.owner_id
    return product


def test_tranche_shows_the_open_tranche_and_its_real_remainder(client, ctx):
    product = listed(ctx, InventoryPolicy(PolicyKind.TRANCHE, 30, tranche_size=10))
    sell(ctx, product, 3)
    api = same_claims(client, product)
    assert (api["remaining"], api["release_seq"]) == (7, 1)
    sell(ctx, product, 7)
    api = same_claims(client, product)
    assert (api["remaining"], api["release_seq"]) == (10, 2)
    text = visible_text(client.get(f"/s/{product.shop_slug}/p/{product.slug}").text)
    assert "仅剩 10 份" in text and "第 2 批" in text and "本批共 10 份" in text


def test_periodic_drop_opens_in_then_ends_in_with_countdown_mode(client, ctx):
    policy = InventoryPolicy(
        PolicyKind.PERIODIC,
        rrule="FREQ=DAILY",
        starts_at=T0 + timedelta(hours=1),
        drop_quantity=10,
    )
    product = listed(ctx, policy)
    api = same_claims(client, product)
    assert (api["availability"], api["opens_in_seconds"]) == ("upcoming", 3600)
    html = client.get(f"/s/{product.shop_slug}/p/{product.slug}").text
    assert "距开售 01:00:00" in visible_text(html)
    assert attribute(html, "buy-button", "disabled") is not None
    ctx.clock.advance(hours=2)
    policies.set_options(ctx, actor_id=product.owner_id, product_id=product.id, countdown=True)
    api = same_claims(client, product)
    assert api["countdown"] and api["remaining"] is None
    assert api["ends_in_seconds"] == 23 * 3600
    text = visible_text(client.get(f"/s/{product.shop_slug}/p/{product.slug}").text)
    assert "距结束 23:00:00" in text and "仅剩" not in text


def test_flash_window_closed_then_window_price(client, ctx):
    product = listed(ctx, InventoryPolicy.limited(5), price_minor=1990)
    policies.add_window(
        ctx,
        actor_id=product.owner_id,
        product_id=product.id,
        name="friday",
        starts_at=T0 + timedelta(days=1),
        duration_seconds=3600,
        rrule="FREQ=WEEKLY",
        price_minor=990,
    )
    api = same_claims(client, product)
    assert (api["availability"], api["opens_in_seconds"]) == ("closed", 86400)
    assert "1天 00:00:00" in visible_text(
        client.get(f"/s/{product.shop_slug}/p/{product.slug}").text
    )
    ctx.clock.advance(days=1, minutes=15)
    api = same_claims(client, product)
    assert api["special_price"] and api["ends_in_seconds"] == 45 * 60
    text = visible_text(client.get(f"/s/{product.shop_slug}/p/{product.slug}?lang=en").text)
    assert "Special price CN¥9.90 (normally CN¥19.90)" in text and "Ends in 00:45:00" in text


def test_unlock_progress_and_reached_goals(client, ctx):
    product = listed(ctx, InventoryPolicy(PolicyKind.UNLOCK))
    for threshold, title in ((2, "wallpapers"), (5, "bonus pack")):
        policies.add_goal(
            ctx, actor_id=product.owner_id, product_id=product.id, threshold=threshold, title=title
        )
    sell(ctx, product, 3)
    api = same_claims(client, product)
    assert api["next_goal"] == 5 and api["goals_reached"] == ["wallpapers"]
    text = visible_text(client.get(f"/s/{product.shop_slug}/p/{product.slug}").text)
    assert "已售 3 / 5 → 解锁 bonus pack" in text and "已解锁：wallpapers" in text


def test_traffic_hint_only_under_the_threshold(client, ctx):
    product = listed(ctx, InventoryPolicy.limited(12))
    policies.set_options(ctx, actor_id=product.owner_id, product_id=product.id, hint_threshold=5)
    assert same_claims(client, product)["remaining"] is None
    sell(ctx, product, 7)
    assert same_claims(client, product)["remaining"] == 5
    assert "仅剩 5 份" in visible_text(client.get("/s/" + product.shop_slug).text)


@pytest.mark.parametrize("after", [timedelta(seconds=-1), timedelta(0)])
def test_seasonal_is_delisted_at_its_sale_end_to_the_second(client, ctx, after):
    end = T0 + timedelta(days=3)
    product = listed(ctx, InventoryPolicy(PolicyKind.SEASONAL, 10, sale_ends_at=end))
    ctx.clock.advance(seconds=(end - T0 + after).total_seconds())
    api = same_claims(client, product)
    html = client.get(f"/s/{product.shop_slug}/p/{product.slug}").text
    if after < timedelta(0):
        assert api["availability"] == "available" and api["ends_in_seconds"] == 1
        assert attribute(html, "claims", "hx-get") is not None
    else:
        assert api["availability"] == "delisted"
        assert "已下架" in visible_text(html) and attribute(html, "claims", "hx-get") is None

"""The console's tier cards and policy editor: each tier pre-fills a policy that the seller can
override, the preview says what the storefront will, and wrong fields write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from soulstock.services import catalog, policies
from tests.web.pages import attribute, post_form, visible_text
from tests.web.test_console import product_form, products_in, seller_with_shop

NEW = "/console/lantern/products/new"


def _value(html: str, element_id: str) -> str | None:
    return attribute(html, element_id, "value")


def test_the_new_product_page_offers_five_tiers_with_an_explanation_each(client, ctx):
    seller_with_shop(client, ctx)
    text = visible_text(client.get(NEW).text)
    for name in ("旗舰款", "常青款", "季节款", "引流款", "常备款"):
        assert name in text
    assert "10–20 份编号版本，永不复刻。" in text and "每一项都可以再修改" in text
    english = visible_text(client.get(NEW + "?lang=en").text)
    assert "Flagship" in english and "A monthly drop of 100–200 copies." in english


def test_flagship_prefills_a_limited_twenty_and_creates_it(client, ctx):
    shop = seller_with_shop(client, ctx)
    html = client.get(NEW + "?tier=flagship").text
    assert 'aria-current="true"' in html and _value(html, "f-total") == "20"
    assert 'value="limited" checked' in html
    form = product_form(tier="flagship", total="15", slug="flag")  # overridden: 15, not 20
    r = post_form(client, "/console/lantern/products", form, csrf_from=NEW)
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    assert (product.policy, product.cap) == ("limited", 15)
    _policy, options = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert options["tier"] == "flagship"
    assert "仅剩 15 份" in visible_text(client.get("/s/lantern/p/flag").text)


def test_evergreen_prefills_monthly_on_the_15th_at_20_shop_time(client, ctx, clock):
    shop = seller_with_shop(client, ctx)
    html = client.get(NEW + "?tier=evergreen").text
    assert _value(html, "f-rrule") == "FREQ=MONTHLY;BYMONTHDAY=15"
    first = _value(html, "f-first-drop") or ""
    assert first.endswith("-15T20:00") and _value(html, "f-drop-quantity") == "150"
    form = product_form(
        policy="periodic", total="", tier="evergreen", rrule="FREQ=MONTHLY;BYMONTHDAY=15",
        first_drop="2031-03-15T20:00", drop_quantity="120", rollover="on", slug="monthly",
    )  # fmt: skip
    r = post_form(client, "/console/lantern/products", form, csrf_from=NEW)
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    policy, _ = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert policy.kind.value == "periodic" and policy.drop_quantity == 120 and policy.rollover
    assert policy.starts_at == datetime(2031, 3, 15, 12, 0, tzinfo=UTC)  # 20:00 Shanghai


def test_traffic_prefills_a_tranche_pool_with_an_only_x_left_threshold(client, ctx):
    shop = seller_with_shop(client, ctx)
    html = client.get(NEW + "?tier=traffic").text
    assert (_value(html, "f-total"), _value(html, "f-tranche-size")) == ("1000", "100")
    assert _value(html, "f-hint") == "10"
    preview = post_form(
        client, "/console/lantern/preview/claims",
        {"policy": "tranche", "total": "1000", "tranche_size": "8", "hint_threshold": "10"},
        csrf_from=NEW,
    )  # fmt: skip
    assert "仅剩 8 份" in visible_text(preview.text)
    quiet = post_form(
        client, "/console/lantern/preview/claims",
        {"policy": "tranche", "total": "1000", "tranche_size": "100", "hint_threshold": "10"},
        csrf_from=NEW,
    )  # fmt: skip
    assert "仅剩" not in visible_text(quiet.text)
    form = product_form(
        policy="tranche", total="1000", tranche_size="100", hint_threshold="10",
        tier="traffic", slug="traffic",
    )  # fmt: skip
    r = post_form(client, "/console/lantern/products", form, csrf_from=NEW)
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    policy, options = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert (policy.total, policy.tranche_size, options["hint_threshold"]) == (1000, 100, 10)


def test_seasonal_takes_the_sale_end_in_the_shops_time_zone(client, ctx):
    shop = seller_with_shop(client, ctx)
    html = client.get(NEW + "?tier=seasonal").text
    assert _value(html, "f-total") == "100"
    assert (_value(html, "f-sale-ends") or "").endswith("23:59")
    form = product_form(
        policy="seasonal", total="30", sale_ends="2031-12-31T23:59", countdown="on",
        tier="seasonal", slug="winter",
    )  # fmt: skip
    r = post_form(client, "/console/lantern/products", form, csrf_from=NEW)
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    policy, options = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert policy.sale_ends_at == datetime(2031, 12, 31, 15, 59, tzinfo=UTC)
    assert options["countdown"] is True
    edit = client.get(f"/console/lantern/products/{product.id}").text
    assert "永不复刻 · never reissued" in visible_text(edit)
    assert attribute(edit, "f-total", "readonly") is not None
    url = f"/console/lantern/products/{product.id}"
    later = {**form, "sale_ends": "2032-01-31T23:59"}
    r = post_form(client, url, later, csrf_from=url)
    assert r.status_code == 400 and "永不复刻" in visible_text(r.text)
    earlier = {**form, "title": "冬季 2", "sale_ends": "2031-12-24T23:59"}
    r = post_form(client, url, earlier, csrf_from=url)
    assert r.status_code == 303, r.text
    policy, _ = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert policy.sale_ends_at == datetime(2031, 12, 24, 15, 59, tzinfo=UTC)
    assert catalog.product_view_by_id(ctx, product.id).product.title == "冬季 2"


def test_staple_tier_makes_a_staple(client, ctx):
    shop = seller_with_shop(client, ctx)
    html = client.get(NEW + "?tier=staple").text
    assert 'value="staple" checked' in html
    form = product_form(policy="staple", total="", tier="staple", slug="basics")
    r = post_form(client, "/console/lantern/products", form, csrf_from=NEW)
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    assert (product.policy, product.cap) == ("staple", None)


def test_wrong_policy_fields_are_named_and_nothing_is_written(client, ctx):
    shop = seller_with_shop(client, ctx)
    cases = [
        ({"policy": "periodic", "rrule": "FREQ=SOMETIMES", "first_drop": "2031-03-15T20:00",
          "drop_quantity": "5"}, "rrule-error", "补货规则"),
        ({"policy": "periodic", "rrule": "FREQ=MONTHLY", "first_drop": "soon",
          "drop_quantity": "5"}, "first_drop-error", "首次补货"),
        ({"policy": "tranche", "total": "10", "tranche_size": "20"}, "tranche_size-error",
         "每批数量不能大于总库存"),
        ({"policy": "seasonal", "total": "10", "sale_ends": ""}, "sale_ends-error", "停售"),
        ({"policy": "tranche", "total": "10", "tranche_size": "5", "hint_threshold": "0"},
         "hint_threshold-error", "提示阈值"),
    ]  # fmt: skip
    for fields, error_id, words in cases:
        r = post_form(client, "/console/lantern/products", product_form(**fields), csrf_from=NEW)
        assert r.status_code == 400, fields
        assert words in visible_text(r.text) and f'id="{error_id}"' in r.text, fields
    assert products_in(ctx, shop) == []


def test_a_tranche_product_stays_editable_and_keeps_its_released_units(client, ctx):
    from soulstock.domain.policy import InventoryPolicy, PolicyKind

    shop = seller_with_shop(client, ctx)
    pool = InventoryPolicy(PolicyKind.TRANCHE, 100, tranche_size=20)
    product = catalog.create_product(
        ctx, actor_id=shop.owner_id, shop_slug="lantern", title="批次图标",
        price_minor=990, policy=pool, slug="batches",
    )  # fmt: skip
    url = f"/console/lantern/products/{product.id}"
    html = client.get(url).text
    assert _value(html, "f-tranche-size") == "20" and "通过 API 管理" not in visible_text(html)
    form = product_form(policy="tranche", total="200", tranche_size="25", hint_threshold="5")
    r = post_form(client, url, form, csrf_from=url)
    assert r.status_code == 303, r.text
    policy, options = policies.current(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert (policy.total, policy.tranche_size, options["hint_threshold"]) == (200, 25, 5)
    r = post_form(client, url, {**form, "total": "10", "title": "改名"}, csrf_from=url)
    assert r.status_code == 400  # below the 20 already released: refused, and nothing changes
    assert catalog.product_view_by_id(ctx, product.id).product.title == "万圣节图标包"

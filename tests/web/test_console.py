"""The seller console through HTTP: who may enter, products, prices, tokens, orders, sales."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from soulstock.domain.orders import PaymentOutcome
from soulstock.services import accounts, catalog, checkout, console, payments
from soulstock.store.models import Product
from tests.factories import PASSWORD, guest, make_buyer, make_product, make_seller, make_shop
from tests.web.pages import attribute, post_form, visible_text

SECRET = re.compile(r'id="new-secret" value="([^"]+)"')


def log_in(client, user) -> None:
    r = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert r.status_code == 303, r.text


def seller_with_shop(client, ctx, *, slug: str = "lantern", timezone: str = "Asia/Shanghai"):
    seller = make_seller(ctx)
    shop = catalog.create_shop(
        ctx, owner_id=seller.id, slug=slug, name="灯笼工作室", timezone=timezone
    )
    log_in(client, seller)
    return shop


def sell(ctx, product, quantity: int = 1, *, email: str | None = None) -> str:
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=quantity, buyer=guest(email))
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    return reserved.order.public_id


def product_form(**fields: str) -> dict[str, str]:
    return {
        "title": "万圣节图标包",
        "price": "29.90",
        "policy": "limited",
        "total": "10",
        "listed": "on",
        "description_md": "## 只做十份",
        **fields,
    }


def products_in(ctx, shop) -> list[Product]:
    return [
        row.product for row in console.products(ctx, actor_id=shop.owner_id, shop_slug=shop.slug)[1]
    ]


# --- who may enter -----------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_log_in_and_back(client, ctx):
    r = client.get("/console/lantern/orders")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fconsole%2Flantern%2Forders"


def test_a_buyer_is_offered_to_become_a_seller(client, ctx):
    buyer = make_buyer(ctx)
    log_in(client, buyer)
    r = client.get("/console")
    assert r.status_code == 403
    assert "成为卖家" in visible_text(r.text)
    assert 'href="/console"' not in client.get("/library").text  # no console link yet
    r = post_form(client, "/console/become-seller", {}, csrf_from="/console")
    assert r.status_code == 303 and r.headers["location"] == "/console"
    assert accounts.get_user(ctx, buyer.id).is_seller
    page = client.get("/console")
    assert page.status_code == 200 and "开设你的店铺" in visible_text(page.text)
    assert 'href="/console"' in client.get("/library").text  # the header shows the console


def test_a_new_seller_opens_a_shop_and_sees_the_empty_state(client, ctx):
    log_in(client, make_seller(ctx))
    data = {"name": "灯笼工作室", "slug": "lantern", "currency": "CNY", "timezone": "Asia/Taipei"}
    r = post_form(client, "/console/shops", {**data, "slug": "Not A Slug!"}, csrf_from="/console")
    assert r.status_code == 400 and "请检查填写的内容" in visible_text(r.text)
    assert catalog.list_shops(ctx) == []
    r = post_form(client, "/console/shops", data, csrf_from="/console")
    assert r.status_code == 303 and r.headers["location"] == "/console/lantern"
    assert client.get("/console").headers["location"] == "/console/lantern"
    text = visible_text(client.get("/console/lantern").text)
    assert "还没有作品——创建你的第一个限量作品" in text
    assert "Asia/Taipei" in text


def test_another_sellers_shop_and_products_stay_closed(client, ctx):
    other = make_shop(ctx, slug="other-shop")
    theirs = make_product(ctx, shop=other, total=5, title="Their Secret Pack")
    sell(ctx, theirs, email="their-buyer@example.com")
    seller_with_shop(client, ctx)
    for path in (
        "/console/other-shop",
        "/console/other-shop/orders",
        "/console/other-shop/products",
        "/console/other-shop/settings",
        f"/console/other-shop/products/{theirs.id}",
        f"/console/lantern/products/{theirs.id}",
    ):
        r = client.get(path)
        assert r.status_code in (403, 404), path
        assert "Their Secret Pack" not in r.text and "their-buyer" not in r.text, path
    r = post_form(
        client,
        f"/console/lantern/products/{theirs.id}",
        product_form(total="5"),
        csrf_from="/console/lantern",
    )
    assert r.status_code in (403, 404)
    assert catalog.product_view_by_id(ctx, theirs.id).product.title == "Their Secret Pack"


# --- products ----------------------------------------------------------------------------


def test_a_limited_product_made_in_the_console_shows_its_claims_on_the_storefront(client, ctx):
    shop = seller_with_shop(client, ctx)
    form = product_form(slug="halloween-icons")
    r = post_form(client, "/console/lantern/products", form, csrf_from="/console/lantern")
    assert r.status_code == 303, r.text
    (product,) = products_in(ctx, shop)
    assert r.headers["location"] == f"/console/lantern/products/{product.id}?created=1"
    assert (product.price_minor, product.policy, product.cap) == (2990, "limited", 10)
    html = client.get("/s/lantern/p/halloween-icons").text
    assert attribute(html, "claims", "data-remaining") == "10"
    text = visible_text(html)
    assert "仅剩 10 份" in text and "限量 10 份" in text and "永不复刻" in text
    assert "¥29.90" in text
    edit = visible_text(client.get(r.headers["location"]).text)
    assert "作品已创建" in edit and "永不复刻 · never reissued" in edit


def test_prices_become_minor_units_exactly_or_a_clear_error(client, ctx):
    shop = seller_with_shop(client, ctx)
    for typed, minor in (("29.90", 2990), ("0", 0), ("1,299.5", 129950), ("¥8", 800)):
        slug = f"p-{minor}"
        r = post_form(
            client,
            "/console/lantern/products",
            product_form(price=typed, slug=slug),
            csrf_from="/console/lantern",
        )
        assert r.status_code == 303, (typed, r.text)
        assert (
            catalog.product_view(ctx, shop_slug="lantern", product_slug=slug).product.price_minor
            == minor
        )
    before = len(products_in(ctx, shop))
    for typed, message in (
        ("29.999", "小数位数过多"),
        ("abc", "请用数字填写价格"),
        ("-1", "价格不能为负数"),
        ("", "请填写价格"),
    ):
        r = post_form(
            client,
            "/console/lantern/products",
            product_form(price=typed, slug="bad"),
            csrf_from="/console/lantern",
        )
        assert r.status_code == 400, typed
        text = visible_text(r.text)
        assert message in text and "没有保存任何内容" in text, (typed, text)
        assert attribute(r.text, "price-error", "class") == "field-error"
        assert f'value="{typed}"' in r.text  # what was typed stays in the form
    assert len(products_in(ctx, shop)) == before


def test_bad_totals_and_taken_addresses_are_refused_in_place(client, ctx):
    shop = seller_with_shop(client, ctx)
    for total in ("0", "ten", ""):
        r = post_form(
            client,
            "/console/lantern/products",
            product_form(total=total),
            csrf_from="/console/lantern",
        )
        assert r.status_code == 400 and attribute(r.text, "total-error", "class")
    post_form(
        client,
        "/console/lantern/products",
        product_form(slug="taken"),
        csrf_from="/console/lantern",
    )
    r = post_form(
        client,
        "/console/lantern/products",
        product_form(slug="taken"),
        csrf_from="/console/lantern",
    )
    assert r.status_code == 400 and "已被占用" in visible_text(r.text)
    assert len(products_in(ctx, shop)) == 1


def test_a_limited_total_can_never_be_edited(client, ctx):
    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=10, title="Ten")
    url = f"/console/lantern/products/{product.id}"
    page = client.get(url).text
    assert 'name="total" value="10" readonly' in page
    r = post_form(client, url, product_form(title="Twenty", total="20"), csrf_from=url)
    assert r.status_code == 400
    assert "永不复刻" in visible_text(r.text)
    after = catalog.product_view_by_id(ctx, product.id).product
    assert (after.cap, after.title) == (10, "Ten")  # nothing half-written
    r = post_form(client, url, product_form(title="Ten, renamed", price="19.90"), csrf_from=url)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?saved=1"
    after = catalog.product_view_by_id(ctx, product.id).product
    assert (after.cap, after.title, after.price_minor) == (10, "Ten, renamed", 1990)


def test_previews_use_the_storefronts_sanitiser_and_claims(client, ctx):
    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=4)
    sell(ctx, product)
    url = f"/console/lantern/products/{product.id}"
    md = post_form(
        client,
        "/console/lantern/preview/markdown",
        {"description_md": "**粗体** <script>alert(1)</script>"},
        csrf_from=url,
    )
    assert "<strong>粗体</strong>" in md.text and "<script>" not in md.text
    story = post_form(
        client,
        "/console/lantern/preview/markdown",
        {"story_md": "## 第二批\n<img src=x onerror=alert(1)>"},
        csrf_from=f"{url}/restocks",
    )
    assert "<h2>第二批</h2>" in story.text and "<img" not in story.text
    claims = post_form(
        client,
        "/console/lantern/preview/claims",
        {"policy": "limited", "total": "4", "product_id": str(product.id)},
        csrf_from=url,
    )
    text = visible_text(claims.text)
    assert "仅剩 3 份" in text and "限量 4 份" in text and "永不复刻" in text
    new = post_form(
        client,
        "/console/lantern/preview/claims",
        {"policy": "limited", "total": "12"},
        csrf_from=url,
    )
    assert "仅剩 12 份" in visible_text(new.text)
    staple = post_form(
        client, "/console/lantern/preview/claims", {"policy": "staple"}, csrf_from=url
    )
    assert "仅剩" not in visible_text(staple.text) and "总是有货" in visible_text(staple.text)


def test_uploads_attach_a_cover_and_files(client, ctx):
    from soulstock.demo import png_bytes

    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=3)
    url = f"/console/lantern/products/{product.id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)
    r = client.post(
        f"{url}/files",
        data={"csrf_token": token, "kind": "cover"},
        files={"file": ("cover.png", png_bytes((200, 100, 80)), "image/png")},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert r.status_code == 200 and 'id="files"' in r.text and "/media/" in r.text
    r = client.post(
        f"{url}/files",
        data={"csrf_token": token, "kind": "file"},
        files={"file": ("icons.zip", b"PK icons", "application/zip")},
    )
    assert r.status_code == 303
    view = catalog.product_view_by_id(ctx, product.id)
    assert view.product.cover_file_id and [f.filename for f in view.files] == ["icons.zip"]
    r = client.post(
        f"{url}/files",
        data={"csrf_token": token, "kind": "cover"},
        files={"file": ("not.png", b"just text", "image/png")},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert r.status_code == 415 and "不支持" in visible_text(r.text)


# --- tokens, orders, sales, settings ----------------------------------------------------


def test_a_token_is_shown_once_then_listed_by_prefix_and_revocable(client, ctx):
    shop = seller_with_shop(client, ctx)
    r = post_form(client, "/console/tokens", {"name": "补货脚本"}, csrf_from="/console/tokens")
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    secret = SECRET.search(r.text).group(1)
    assert accounts.user_for_token(ctx, secret).id == shop.owner_id
    listing = client.get("/console/tokens").text
    assert secret not in listing and f"{secret[:10]}…" in visible_text(listing)
    (token,) = accounts.list_tokens(ctx, user_id=shop.owner_id)
    r = post_form(client, f"/console/tokens/{token.id}/revoke", {}, csrf_from="/console/tokens")
    assert r.status_code == 303
    assert "已撤销" in visible_text(client.get("/console/tokens").text)
    r = post_form(client, "/console/tokens", {"name": ""}, csrf_from="/console/tokens")
    assert r.status_code == 400 and "请检查填写的内容" in visible_text(r.text)


def test_orders_list_only_the_sellers_own_shop(client, ctx):
    shop = seller_with_shop(client, ctx)
    mine = make_product(ctx, shop=shop, total=5, title="我的图标")
    theirs = make_product(ctx, shop=make_shop(ctx), total=5, title="别人的图标")
    sell(ctx, mine, email="mine@example.com")
    sell(ctx, theirs, email="theirs@example.com")
    checkout.reserve(ctx, product_id=mine.id, quantity=1, buyer=guest("waiting@example.com"))
    text = visible_text(client.get("/console/lantern/orders").text)
    assert "mine@example.com" in text and "waiting@example.com" in text
    assert "theirs@example.com" not in text and "别人的图标" not in text
    assert "#1" in text and "¥29.90" in text and "已付款" in text and "待付款" in text


def test_orders_are_paginated(client, ctx):
    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=None)
    for i in range(console.ORDERS_PER_PAGE + 3):
        checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest(f"b{i}@example.com"))
        ctx.clock.advance(seconds=1)
    first = client.get("/console/lantern/orders").text
    assert "b22@example.com" in first and "b0@example.com" not in first
    second = client.get("/console/lantern/orders?page=2").text
    assert "b0@example.com" in visible_text(second) and "第 2 / 2 页" in visible_text(second)


def test_todays_sales_follow_the_shops_day_in_shanghai(client, ctx, clock):
    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=10, price_minor=1000)
    clock.set(datetime(2026, 11, 11, 15, 30, tzinfo=UTC))  # 23:30 on the 11th in Shanghai
    sell(ctx, product)
    clock.set(datetime(2026, 11, 11, 16, 30, tzinfo=UTC))  # 00:30 on the 12th in Shanghai
    sell(ctx, product)
    sell(ctx, product)
    for day, count, revenue in ((11, 1, 1000), (12, 2, 2000), (13, 0, 0)):
        sales = console.sales_on(
            ctx, actor_id=shop.owner_id, shop_slug="lantern", day=date(2026, 11, day)
        )
        assert (sales.orders, sales.revenue_minor) == (count, revenue), day
    html = client.get("/console/lantern").text  # now is 00:30 on the 12th: two sales today
    assert visible_text(html).count("¥20.00") == 1
    assert re.search(r'id="sales-count">2<', html)


def test_overview_shows_low_stock_and_a_portfolio_warning(client, ctx):
    shop = seller_with_shop(client, ctx)
    low = make_product(ctx, shop=shop, total=10, title="快卖完了")
    make_product(ctx, shop=shop, total=100, title="还多着呢")
    sell(ctx, low, quantity=8)
    text = visible_text(client.get("/console/lantern").text)
    assert "快卖完了" in text and "还剩 2 / 10 份" in text and "还多着呢" not in text
    assert "常备款不足" in text
    make_product(ctx, shop=shop, total=None, title="常备")
    assert "常备款不足" not in visible_text(client.get("/console/lantern").text)


def test_shop_settings_save_and_show_enabled_providers(client, ctx):
    seller_with_shop(client, ctx)
    page = client.get("/console/lantern/settings")
    assert "测试支付" in visible_text(page.text) and "Asia/Hong_Kong" in page.text
    data = {"name": "新名字", "currency": "CNY", "timezone": "Asia/Tokyo"}
    r = post_form(client, "/console/lantern/settings", data, csrf_from="/console/lantern/settings")
    assert r.status_code == 303
    assert (catalog.get_shop(ctx, "lantern").name, catalog.get_shop(ctx, "lantern").timezone) == (
        "新名字",
        "Asia/Tokyo",
    )
    r = post_form(
        client,
        "/console/lantern/settings",
        {**data, "name": " "},
        csrf_from="/console/lantern/settings",
    )
    assert r.status_code == 400 and "请检查填写的内容" in visible_text(r.text)
    assert catalog.get_shop(ctx, "lantern").name == "新名字"


def test_products_with_other_policies_are_shown_and_kept_as_they_are(client, ctx, clock):
    from soulstock.domain.policy import PolicyKind
    from soulstock.domain.tiers import Tier, template

    shop = seller_with_shop(client, ctx)
    periodic = template(Tier.EVERGREEN, now=clock.now()).policy
    product = catalog.create_product(
        ctx, actor_id=shop.owner_id, shop_slug="lantern", title="月更图标",
        price_minor=990, policy=periodic, slug="monthly",
    )  # fmt: skip
    assert client.get("/console/lantern").status_code == 200
    listing = visible_text(client.get("/console/lantern/products").text)
    assert "月更图标" in listing and "周期性补货" in listing
    url = f"/console/lantern/products/{product.id}"
    page = client.get(url).text
    assert "通过 API 管理" not in visible_text(page) and "补货计划（RRULE）" in visible_text(page)
    assert attribute(page, "f-rrule", "value") == "FREQ=MONTHLY"
    form = product_form(title="月更图标 2", price="12.50", policy="periodic", total="")
    form |= {"rrule": "FREQ=MONTHLY", "drop_quantity": "150"}
    form["first_drop"] = attribute(page, "f-first-drop", "value") or ""
    r = post_form(client, url, form, csrf_from=url)
    assert r.status_code == 303, r.text
    after = catalog.product_view_by_id(ctx, product.id)
    assert (after.product.title, after.product.price_minor) == ("月更图标 2", 1250)
    assert after.product.policy == PolicyKind.PERIODIC.value


def test_the_shop_default_language_greets_visitors_without_a_choice(client, other_client, ctx):
    seller_with_shop(client, ctx)
    moon = make_product(ctx, shop=catalog.get_shop(ctx, "lantern"), total=3, title="Moon")
    settings = visible_text(client.get("/console/lantern/settings").text)
    assert "店铺默认语言" in settings
    data = {"name": "灯笼工作室", "currency": "CNY", "timezone": "Asia/Shanghai", "locale": "fr"}
    url = "/console/lantern/settings"
    r = post_form(client, url, data, csrf_from=url)
    assert r.status_code == 400 and catalog.get_shop(ctx, "lantern").locale == "zh_CN"
    r = post_form(client, url, {**data, "locale": "en"}, csrf_from=url)
    assert r.status_code == 303 and catalog.get_shop(ctx, "lantern").locale == "en"
    shop_page = other_client.get("/s/lantern")  # a new visitor: no cookie, no ?lang
    assert '<html lang="en"' in shop_page.text and "soulstock_lang" not in other_client.cookies
    product = other_client.get(f"/s/lantern/p/{moon.slug}")
    assert '<html lang="en"' in product.text and "Only 3 left" in visible_text(product.text)
    chosen = other_client.get("/s/lantern?lang=zh_CN")  # the visitor's choice wins, remembered
    assert '<html lang="zh-CN"' in chosen.text
    assert '<html lang="zh-CN"' in other_client.get(f"/s/lantern/p/{moon.slug}").text


def test_overview_shows_open_drops_and_waitlist_sizes(client, ctx, clock):
    from soulstock.domain.policy import InventoryPolicy, PolicyKind
    from soulstock.services import waitlists

    shop = seller_with_shop(client, ctx)
    make_product(ctx, shop=shop, total=None, title="常备款")
    text = visible_text(client.get("/console/lantern").text)
    assert "当前没有正在进行的补货、批次或限时窗口。" in text and "还没有人在等待列表上。" in text
    tranche = InventoryPolicy(PolicyKind.TRANCHE, 100, tranche_size=20)
    catalog.create_product(
        ctx, actor_id=shop.owner_id, shop_slug="lantern", title="分批图标",
        price_minor=990, policy=tranche, slug="batches",
    )  # fmt: skip
    gone = make_product(ctx, shop=shop, total=1, title="一份就没")
    sell(ctx, gone)
    for name in ("a", "b"):
        buyer = make_buyer(ctx, email=f"{name}@example.com")
        waitlists.join_user(ctx, user_id=buyer.id, product_id=gone.id)
    text = visible_text(client.get("/console/lantern").text)
    assert "分批图标" in text and "本批剩 20 份" in text
    assert "一份就没" in text and "2 人在等" in text


def test_unique_codes_are_imported_from_the_console_and_delivered_once(client, ctx):
    import io

    from soulstock.services import payloads

    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=5, title="授权码包")
    url = f"/console/lantern/products/{product.id}/payloads"
    assert "还没有卡密" in visible_text(client.get(url).text)
    page = client.get(url).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(
        url,
        data={"csrf_token": token, "codes": "KEY-1\nKEY-2\nKEY-1\n"},
        files={"file": ("more.csv", io.BytesIO(b"code,note\nKEY-3,x\nKEY-2,y\n"), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    text = visible_text(client.get(r.headers["location"]).text)
    assert "已添加 3 个卡密" in text and "已发放 0 / 3 个卡密" in text
    sell(ctx, product)
    rows = payloads.pool(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert sorted(r.edition_number or 0 for r in rows) == [0, 0, 1]
    assert "已发放 1 / 3 个卡密" in visible_text(client.get(url).text)
    other = make_seller(ctx)
    log_in(client, other)
    assert client.get(url).status_code in (403, 404)


def test_buyers_are_listed_by_what_they_spent_in_this_shop_only(client, ctx):
    shop = seller_with_shop(client, ctx)
    product = make_product(ctx, shop=shop, total=10, price_minor=2990)
    for email in ("fan@example.com", "fan@example.com", "once@example.com"):
        sell(ctx, product, email=email)
    elsewhere = make_product(ctx, total=5)
    sell(ctx, elsewhere, email="stranger@example.com")
    text = visible_text(client.get("/console/lantern/buyers").text)
    assert "fan@example.com" in text and "once@example.com" in text
    assert "stranger@example.com" not in text
    assert text.index("fan@example.com") < text.index("once@example.com")
    assert "¥59.80" in text and "游客下单" in text


def test_every_console_page_offers_the_sellers_own_shops_to_switch_between(client, ctx):
    shop = seller_with_shop(client, ctx)
    catalog.create_shop(ctx, owner_id=shop.owner_id, slug="second", name="第二家店")
    catalog.create_shop(ctx, owner_id=make_seller(ctx).id, slug="theirs", name="别人的店")
    for path in ("/console/lantern", "/console/lantern/products", "/console/lantern/buyers",
                 "/console/lantern/dashboard", "/console/tokens"):  # fmt: skip
        page = client.get(path).text
        assert 'href="/console/second"' in page, path
        assert "别人的店" not in page, path

"""The server-rendered pages through HTTP: claims, the buy flow, safety, and languages."""

from __future__ import annotations

import io
import re

from babel.messages.pofile import read_po

from soulstock.domain.orders import PaymentOutcome
from soulstock.services import accounts, catalog, checkout, payments
from soulstock.web.pages.i18n import LOCALES, po_path
from tests.factories import PASSWORD, guest, make_buyer, make_product, make_shop
from tests.web.pages import attribute, links, parse, post_form, visible_text

ORDER_URL = re.compile(r"^/orders/([0-9a-f]+)(?:\?t=([\w-]+))?$")


def product_url(ctx, product) -> str:
    view = catalog.product_view_by_id(ctx, product.id)
    return f"/s/{view.shop.slug}/p/{product.slug}"


def sell(ctx, product, quantity: int = 1) -> None:
    """One paid guest order, through the services."""
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=quantity, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )


def sign_in(client, ctx, *, email: str | None = None):
    user = make_buyer(ctx, email=email)
    r = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return user


def buy(client, url: str, **fields: str):
    page = client.get(url)
    product_id = re.search(r'name="product_id" value="(\d+)"', page.text).group(1)
    data = {"product_id": product_id, "quantity": "1", **fields}
    return post_form(client, f"{url}/buy", data, csrf_from=url)


# --- claims -----------------------------------------------------------------------------


def test_product_page_shows_exactly_the_claims_of_the_api(client, ctx):
    product = make_product(ctx, total=3)
    url = product_url(ctx, product)
    sell(ctx, product)
    checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())  # a live hold

    def same_claims() -> dict:
        api = client.get(f"/api/v1/products/{product.id}").json()["claims"]
        for path in (url, f"{url}/claims"):
            html = client.get(path).text
            assert attribute(html, "claims", "data-availability") == api["availability"]
            assert attribute(html, "claims", "data-remaining") == str(api["remaining"])
        return api

    api = same_claims()
    assert api["remaining"] == 1
    text = visible_text(client.get(url).text)
    assert "仅剩 1 份" in text and "限量 3 份" in text and "永不复刻" in text

    checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    assert same_claims()["availability"] == "all_held"
    fragment = client.get(f"{url}/claims").text
    assert "暂时被预留完" in visible_text(fragment)
    assert attribute(fragment, "buy-button", "disabled") is not None

    ctx.clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)  # holds lapse: back on sale
    assert same_claims()["remaining"] == 2
    sell(ctx, product, quantity=2)
    assert same_claims()["availability"] == "sold_out"
    html = client.get(url).text
    assert "已售罄" in visible_text(html)
    assert attribute(html, "claims", "hx-get") is None  # final: polling stops
    assert attribute(html, "buy-button", "disabled") is not None


def test_claims_fragment_polls_and_swaps_the_buy_button(client, ctx):
    product = make_product(ctx, total=2)
    url = product_url(ctx, product)
    html = client.get(url).text
    assert attribute(html, "claims", "hx-get") == f"{url}/claims"
    assert "every 2s" in attribute(html, "claims", "hx-trigger")
    fragment = client.get(f"{url}/claims")
    assert fragment.headers["cache-control"] == "no-store"
    assert attribute(fragment.text, "buy-button", "hx-swap-oob") == "true"


def test_staple_products_make_no_scarcity_claim(client, ctx):
    product = make_product(ctx, total=None)
    text = visible_text(client.get(product_url(ctx, product)).text)
    assert "仅剩" not in text and "永不复刻" not in text and "已售罄" not in text


def test_shop_home_lists_cards_with_price_and_claims(client, ctx):
    shop = make_shop(ctx, slug="maker")
    make_product(ctx, shop=shop, total=5, price_minor=1990, title="Halloween Icons")
    sell(ctx, make_product(ctx, shop=shop, total=1, title="Only One"))
    text = visible_text(client.get("/s/maker").text)
    assert "Halloween Icons" in text and "¥19.90" in text and "仅剩 5 份" in text
    assert "Only One" in text and "已售罄" in text


def test_root_redirects_to_the_only_shop_and_lists_several(client, ctx):
    make_shop(ctx, slug="first")
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/s/first"
    make_shop(ctx, slug="second")
    text = visible_text(client.get("/").text)
    assert "/s/first" in text and "/s/second" in text


# --- buying -----------------------------------------------------------------------------


def test_signed_in_buyer_reserves_pays_and_downloads_only_their_own_file(client, other_client, ctx):
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=50, title="Story Pack")
    catalog.add_file(
        ctx,
        actor_id=shop.owner_id,
        product_id=product.id,
        stream=io.BytesIO(b"the story files"),
        filename="story.zip",
    )
    sell(ctx, product)  # edition #1 goes to someone else
    sign_in(client, ctx)
    url = product_url(ctx, product)
    assert 'name="email"' not in client.get(url).text  # signed in: no guest email field

    r = buy(client, url)
    assert r.status_code == 303, r.text
    public_id, token = ORDER_URL.match(r.headers["location"]).groups()
    assert token is None  # the account is the key
    order = client.get(r.headers["location"]).text
    assert attribute(order, "main", "id") == "main"
    assert re.search(r'data-countdown="600"', order) and "10:00" in order
    ctx.clock.advance(seconds=75)
    assert 'data-countdown="525"' in client.get(f"/orders/{public_id}").text

    r = post_form(client, f"/orders/{public_id}/pay", {}, csrf_from=f"/orders/{public_id}")
    assert r.status_code == 303 and r.headers["location"] == f"/pay/dev/{public_id}"
    pay_page = client.get(r.headers["location"]).text
    assert "支付" in visible_text(pay_page) and "模拟失败" in visible_text(pay_page)
    r = post_form(client, f"/pay/dev/{public_id}", {"outcome": "succeeded"}, csrf_from=url)
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{public_id}"

    paid = client.get(f"/orders/{public_id}").text
    assert "#2 / 50" in visible_text(paid)
    download = links(paid, "/download/")
    assert len(download) == 1
    got = client.get(download[0])
    assert got.status_code == 200 and got.content == b"the story files"

    library = visible_text(client.get("/library").text)
    assert "#2 / 50" in library and "Story Pack" in library and "已付款" in library
    assert client.get(links(client.get("/library").text, "/download/")[0]).status_code == 200

    sign_in(other_client, ctx)
    assert other_client.get(download[0]).status_code == 403
    assert other_client.get(f"/orders/{public_id}").status_code == 404


def test_guest_buys_with_the_secret_link_kept_in_every_link(client, other_client, ctx):
    product = make_product(ctx, total=2)
    url = product_url(ctx, product)
    r = buy(client, url, email="Guest@Example.com")
    assert r.status_code == 303
    public_id, token = ORDER_URL.match(r.headers["location"]).groups()
    assert token
    order = client.get(r.headers["location"]).text
    assert f"/orders/{public_id}/pay?t={token}" in order
    assert f"/orders/{public_id}/cancel?t={token}" in order
    assert other_client.get(f"/orders/{public_id}").status_code == 404  # no key, no order

    r = post_form(client, f"/orders/{public_id}/pay?t={token}", {}, csrf_from=url)
    assert r.headers["location"] == f"/pay/dev/{public_id}?t={token}"
    assert client.get(f"/pay/dev/{public_id}").status_code == 404  # the pay page needs it too
    assert f"/pay/dev/{public_id}?t={token}" in client.get(r.headers["location"]).text
    r = post_form(client, f"/pay/dev/{public_id}?t={token}", {"outcome": "succeeded"})
    assert r.headers["location"] == f"/orders/{public_id}?t={token}"
    assert "#1 / 2" in visible_text(client.get(r.headers["location"]).text)


def test_failed_payment_and_cancel_release_the_copy(client, ctx):
    product = make_product(ctx, total=1)
    url = product_url(ctx, product)
    location = buy(client, url, email="a@example.com").headers["location"]
    public_id, token = ORDER_URL.match(location).groups()
    post_form(client, f"/pay/dev/{public_id}?t={token}", {"outcome": "failed"})
    assert "付款失败" in visible_text(client.get(location).text)
    assert "仅剩 1 份" in visible_text(client.get(url).text)

    location = buy(client, url, email="b@example.com").headers["location"]
    public_id, token = ORDER_URL.match(location).groups()
    r = post_form(client, f"/orders/{public_id}/cancel?t={token}", {})
    assert r.headers["location"] == location
    assert "你已取消该订单" in visible_text(client.get(location).text)
    assert "仅剩 1 份" in visible_text(client.get(url).text)


def test_sold_out_and_expired_holds_get_clear_pages(client, other_client, ctx):
    product = make_product(ctx, total=1)
    url = product_url(ctx, product)
    location = buy(client, url, email="a@example.com").headers["location"]
    r = buy(other_client, url, email="b@example.com")
    assert r.status_code == 409
    assert "已售罄" in visible_text(r.text) and "几分钟内释放" in visible_text(r.text)

    ctx.clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)
    assert "你的预留已过期" in visible_text(client.get(location).text)
    public_id, token = ORDER_URL.match(location).groups()
    r = post_form(client, f"/orders/{public_id}/pay?t={token}", {})
    assert r.status_code == 410
    assert "预留已过期" in visible_text(r.text)


def test_form_posts_need_the_session_csrf_token(client, ctx):
    product = make_product(ctx, total=5)
    url = product_url(ctx, product)
    client.get(url)
    data = {"product_id": str(product.id), "email": "x@example.com"}
    for token in (None, "forged"):
        r = client.post(f"{url}/buy", data=data | ({"csrf_token": token} if token else {}))
        assert r.status_code == 403
        assert parse(r.text).tags and "表单已过期" in visible_text(r.text)
    assert "仅剩 5 份" in visible_text(client.get(url).text)  # nothing was reserved


def test_sign_up_log_in_and_out(client, ctx):
    r = post_form(client, "/signup", {"email": "new@example.com", "password": "short"})
    assert r.status_code == 400
    assert "请检查填写的内容" in visible_text(r.text) and "8 characters" in r.text
    r = post_form(client, "/signup", {"email": "new@example.com", "password": "long enough pw"})
    assert r.status_code == 303 and r.headers["location"] == "/library"
    assert "我的收藏" in visible_text(client.get("/library").text)
    r = post_form(client, "/logout", {}, csrf_from="/library")
    assert r.status_code == 303
    assert client.get("/library").headers["location"] == "/login?next=%2Flibrary"
    r = post_form(client, "/login", {"email": "new@example.com", "password": "wrong password"})
    assert r.status_code == 400 and "邮箱或密码错误" in visible_text(r.text)
    r = post_form(
        client,
        "/login",
        {"email": "new@example.com", "password": "long enough pw", "next": "//evil.example"},
    )
    assert r.headers["location"] == "/library"  # never off-site


# --- safety -----------------------------------------------------------------------------


def test_markdown_descriptions_are_sanitised(client, ctx):
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=5)
    hostile = (
        "# Story\n\n**bold** and [a link](https://example.com)\n\n"
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) ![pic](javascript:alert(4))\n\n"
        '<a href="javascript:alert(5)">raw</a>'
    )
    catalog.update_product(
        ctx, actor_id=shop.owner_id, product_id=product.id, description_md=hostile
    )
    html = client.get(product_url(ctx, product)).text
    page = parse(html)
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not str(attrs.get(name) or "").lower().startswith("javascript:"), (tag, attrs)
        if tag == "script":
            assert str(attrs.get("src", "")).startswith("/static/")
    assert "<h1>Story</h1>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">a link</a>' in html


def test_unknown_pages_get_a_friendly_translated_404(client, ctx):
    r = client.get("/s/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in visible_text(r.text)
    assert "Page not found" in visible_text(client.get("/no/such/page?lang=en").text)


# --- languages --------------------------------------------------------------------------


def test_language_switch_by_query_cookie_and_account(client, ctx):
    product = make_product(ctx, total=4)
    url = product_url(ctx, product)
    assert "预留并购买" in visible_text(client.get(url).text)
    r = client.get(f"{url}?lang=en")
    text = visible_text(r.text)
    assert "Reserve and buy" in text and "Only 4 left" in text and "CN¥29.90" in text
    assert '<html lang="en">' in r.text
    assert "Only 4 left" in visible_text(client.get(url).text)  # remembered in the cookie

    user = sign_in(client, ctx)
    r = post_form(client, "/lang", {"lang": "zh_CN", "next": url}, csrf_from=url)
    assert r.status_code == 303 and r.headers["location"] == url
    assert "仅剩 4 份" in visible_text(client.get(url).text)
    assert accounts.get_user(ctx, user.id).locale == "zh_CN"
    post_form(client, "/lang", {"lang": "en", "next": url}, csrf_from=url)
    assert accounts.get_user(ctx, user.id).locale == "en"


def test_zh_catalog_is_complete_and_matches_the_template():
    template = po_path("zh_CN").parent.parent.parent / "messages.pot"
    with template.open("rb") as handle:
        expected = {m.id for m in read_po(handle) if m.id}
    for locale in LOCALES:
        with po_path(locale).open("rb") as handle:
            catalog_ = read_po(handle, locale=locale)
        assert {m.id for m in catalog_ if m.id} == expected, locale
    with po_path("zh_CN").open("rb") as handle:
        zh = read_po(handle, locale="zh_CN")
    for message in zh:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(s.strip() for s in strings), message.id


def _english_msgids() -> list[str]:
    """Catalog msgids that zh translates into something else, without placeholders."""
    with po_path("zh_CN").open("rb") as handle:
        zh = read_po(handle, locale="zh_CN")
    found = []
    for message in zh:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            if msgid and "%(" not in msgid and message.string != msgid:
                found.append(msgid)
    return found


def test_zh_pages_show_no_untranslated_catalog_strings(client, other_client, ctx):
    shop = make_shop(ctx, slug="zh-shop")
    product = make_product(ctx, shop=shop, total=3, title="图标包")
    url = product_url(ctx, product)
    pages = [client.get(p).text for p in ("/s/zh-shop", url, "/login", "/signup", "/nope")]
    location = buy(client, url, email="g@example.com").headers["location"]
    public_id, token = ORDER_URL.match(location).groups()
    pages += [client.get(location).text, client.get(f"/pay/dev/{public_id}?t={token}").text]
    post_form(client, f"/pay/dev/{public_id}?t={token}", {"outcome": "succeeded"})
    pages.append(client.get(location).text)
    sign_in(other_client, ctx, email="reader@example.com")
    pages.append(other_client.get("/library").text)
    english = _english_msgids()
    assert len(english) > 50
    for html in pages:
        text = visible_text(html)
        leaked = [msgid for msgid in english if msgid in text]
        assert not leaked, leaked


def test_language_switch_keeps_a_guests_order_link(client, ctx):
    product = make_product(ctx, total=2)
    location = buy(client, product_url(ctx, product), email="g@example.com").headers["location"]
    html = client.get(f"{location}&lang=en").text
    assert f'name="next" value="{location}"' in html
    r = post_form(client, "/lang", {"lang": "zh_CN", "next": location}, csrf_from=location)
    assert r.headers["location"] == location
    assert client.get(location).status_code == 200


def test_assets_are_served_from_the_package_not_a_cdn(client, ctx):
    html = client.get("/login").text
    sources = [
        str(a.get("src") or a.get("href")) for t, a in parse(html).tags if t in ("script", "link")
    ]
    assert sources and all(s.startswith("/static/") for s in sources)
    for path in sources:
        assert client.get(path).status_code == 200
    assert "htmx" in client.get("/static/htmx.min.js").text[:200]


def test_unexpected_errors_get_a_friendly_500_page(app, ctx):
    from fastapi.testclient import TestClient

    def boom() -> None:
        raise RuntimeError("kaboom")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    assert "出错了" in visible_text(r.text) and "kaboom" not in r.text

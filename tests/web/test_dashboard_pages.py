"""The dashboard page renders its SVG charts with data points, in zh-CN and English; every
table round-trips through its CSV export; mentions take only http(s) links."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from soulstock.domain.errors import InvalidInput
from soulstock.domain.orders import PaymentOutcome
from soulstock.services import checkout, dashboard, payments
from soulstock.services.context import Context
from soulstock.web.pages.dashboard import tables
from tests.factories import PASSWORD, guest, make_product, make_seller, make_shop
from tests.web.pages import post_form


def _login(client: TestClient, email: str) -> None:
    response = post_form(client, "/login", {"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.text[:300]


def _shop_with_sales(ctx: Context):
    seller = make_seller(ctx)
    shop = make_shop(ctx, owner=seller)
    product = make_product(ctx, shop=shop, total=5)
    for _ in range(3):
        reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
        payments.dev_notice(
            ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )
    return seller, shop, product


def test_dashboard_shows_charts_with_points(ctx: Context, client: TestClient) -> None:
    seller, shop, product = _shop_with_sales(ctx)
    _login(client, seller.email)
    for lang, title in (("en", "Data dashboard"), ("zh_CN", "数据面板")):
        page = client.get(f"/console/{shop.slug}/dashboard?lang={lang}")
        assert page.status_code == 200, page.text[:500]
        assert title in page.text
        assert page.text.count('<svg class="chart"') == 5
        assert 'class="point"' in page.text and 'data-value="3"' in page.text
    product_page = client.get(f"/console/{shop.slug}/dashboard/p/{product.id}?lang=en")
    assert "Log the mention" in product_page.text


def test_every_table_round_trips_through_csv(ctx: Context, client: TestClient) -> None:
    seller, shop, product = _shop_with_sales(ctx)
    dashboard.add_mention(
        ctx,
        actor_id=seller.id,
        product_id=product.id,
        url="https://xianyu.example/item/1",
        source="闲鱼",
        noted_on=ctx.clock.now().date(),
        note='转卖 ¥99, "抢手"',
    )
    _login(client, seller.email)
    dash = dashboard.dashboard(ctx, actor_id=seller.id, shop_slug=shop.slug, product_id=product.id)
    for name, (header, rows) in tables(dash).items():
        response = client.get(f"/console/{shop.slug}/dashboard/{name}.csv?product_id={product.id}")
        assert response.status_code == 200
        parsed = list(csv.reader(io.StringIO(response.text)))
        assert parsed[0] == header
        assert parsed[1:] == [["" if c is None else str(c) for c in row] for row in rows]
    assert client.get(f"/console/{shop.slug}/dashboard/nope.csv").status_code == 404


def test_mentions_accept_only_http_links(ctx: Context) -> None:
    seller, _, product = _shop_with_sales(ctx)
    for bad in ("javascript:alert(1)", "ftp://x.example/a", "//x.example", "data:text/html,hi"):
        with pytest.raises(InvalidInput):
            dashboard.add_mention(
                ctx,
                actor_id=seller.id,
                product_id=product.id,
                url=bad,
                source="x",
                noted_on=ctx.clock.now().date(),
            )


def test_mentions_stand_on_the_products_timeline_beside_its_drops(
    ctx: Context, client: TestClient
) -> None:
    seller, shop, product = _shop_with_sales(ctx)
    dashboard.add_mention(
        ctx,
        actor_id=seller.id,
        product_id=product.id,
        url="https://xiaohongshu.example/note/7",
        source="小红书",
        noted_on=ctx.clock.now().date(),
        note="求补货",
    )
    _login(client, seller.email)
    page = client.get(f"/console/{shop.slug}/dashboard/p/{product.id}?lang=zh_CN")
    assert page.status_code == 200
    assert page.text.count('class="mark mark-mention"') == 1
    assert "<title>小红书: 求补货</title>" in page.text
    assert "每日销量（标出每次发售与二级市场讨论）" in page.text

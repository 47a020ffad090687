"""In a real browser: a guest buys the last copy of a limited product, and a second visitor
who has the product page open sees it sell out without reloading (htmx polling).

A real server process (uvicorn) runs on a SQLite file migrated by Alembic and seeded through
the services; Debian's chromium is driven by Playwright (no browser is ever downloaded).
Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api

from soulstock.demo import png_bytes
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import accounts, catalog, checkout, payments
from soulstock.services.context import build_context
from soulstock.settings import Settings
from tests.e2e.browser import ARTIFACTS, migrated_settings, serving

pytestmark = pytest.mark.browser

STORY = """## 万圣节限定图标

为十月的最后一夜画的 **24 枚** 图标：南瓜灯、黑猫、旧城堡。

> 只做两份，卖完就不再复刻。每一份都有自己的编号。
"""


@dataclass(frozen=True)
class Shop:
    base_url: str
    product_url: str


def _seed(settings: Settings) -> str:
    """A limited product of 2 with one copy already sold; returns its page's path."""
    ctx = build_context(settings)
    try:
        seller = accounts.sign_up(
            ctx, email="maker@example.com", password="maker password", seller=True
        )
        catalog.create_shop(ctx, owner_id=seller.id, slug="lantern", name="灯笼工作室")
        product = catalog.create_product(
            ctx,
            actor_id=seller.id,
            shop_slug="lantern",
            title="万圣节图标包",
            slug="halloween-icons",
            price_minor=1990,
            policy=InventoryPolicy.limited(2),
            description_md=STORY,
        )
        for stream, name, cover in (
            (io.BytesIO(png_bytes((214, 140, 110), width=640, height=480)), "cover.png", True),
            (io.BytesIO(b"PK icons"), "halloween-icons.zip", False),
        ):
            catalog.add_file(
                ctx,
                actor_id=seller.id,
                product_id=product.id,
                stream=stream,
                filename=name,
                as_cover=cover,
            )
        first = checkout.reserve(
            ctx, product_id=product.id, quantity=1, buyer=checkout.Buyer(None, "a@example.com")
        )
        payments.dev_notice(
            ctx, order_public_id=first.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )
    finally:
        ctx.uow.engine.dispose()
    return "/s/lantern/p/halloween-icons"


@pytest.fixture
def live_shop(tmp_path: Path) -> Iterator[Shop]:
    settings = migrated_settings(tmp_path)
    product_path = _seed(settings)
    with serving(settings) as base_url:
        yield Shop(base_url, base_url + product_path)


def test_guest_buys_the_last_copy_and_another_page_sees_it_sell_out(
    live_shop: Shop, browser: sync_api.Browser
) -> None:
    _buy_and_watch(browser, live_shop)


def _buy_and_watch(browser: sync_api.Browser, shop: Shop) -> None:
    expect = sync_api.expect
    watcher = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    buyer = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    watching = watcher.new_page()
    watching.goto(shop.product_url)
    expect(watching.locator("#claims")).to_contain_text("仅剩 1 份")
    watching.evaluate("window.__stillTheSamePage = true")
    watching.screenshot(path=ARTIFACTS / "01-product-last-copy.png", full_page=True)

    page = buyer.new_page()
    page.goto(shop.product_url)
    expect(page.locator("#claims")).to_contain_text("永不复刻")
    page.get_by_label("你的邮箱").fill("collector@example.com")
    page.screenshot(path=ARTIFACTS / "02-phone-product.png", full_page=True)
    page.get_by_role("button", name="预留并购买").click()
    page.wait_for_url("**/orders/*?t=*")
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^\d{1,2}:\d{2}$"))
    page.screenshot(path=ARTIFACTS / "03-phone-order-held.png", full_page=True)

    page.get_by_role("button", name="立即付款").click()
    page.wait_for_url("**/pay/dev/*?t=*")
    page.screenshot(path=ARTIFACTS / "04-phone-dev-pay.png", full_page=True)
    page.get_by_role("button", name="支付", exact=True).click()
    page.wait_for_url("**/orders/*?t=*")
    expect(page.locator(".editions")).to_contain_text("#2 / 2")
    expect(page.get_by_role("link", name="下载 · halloween-icons.zip")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "05-phone-order-paid.png", full_page=True)

    expect(watching.locator("#claims")).to_contain_text("已售罄", timeout=10_000)
    expect(watching.locator("#buy-button")).to_be_disabled()
    assert watching.evaluate("window.__stillTheSamePage") is True  # no reload happened
    watching.screenshot(path=ARTIFACTS / "06-product-sold-out-live.png", full_page=True)

    watching.goto(shop.base_url + "/s/lantern?lang=en")  # the English storefront, for a look
    expect(watching.locator(".product-card")).to_contain_text("Sold out")
    watching.screenshot(path=ARTIFACTS / "07-shop-home-en.png", full_page=True)
    watcher.close()
    buyer.close()

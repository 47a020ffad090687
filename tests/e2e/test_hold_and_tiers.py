"""In a real browser: (a) a buyer's hold expires and the copy comes back on another visitor's
product page without a reload; (b) a seller creates a limited product from the flagship tier
card in the console and sees it on the storefront.

A real server process on a migrated SQLite file with a 5-second hold and a 1-second sweep;
Debian's chromium through Playwright; screenshots in ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api

from soulstock.domain.policy import InventoryPolicy
from soulstock.services import accounts, catalog
from soulstock.services.context import build_context
from tests.e2e.browser import ARTIFACTS, migrated_settings, serving

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "maker@example.com", "maker password"
HOLD_SECONDS = 5


@dataclass(frozen=True)
class Live:
    base_url: str


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings = migrated_settings(tmp_path)
    ctx = build_context(settings)
    try:
        seller = accounts.sign_up(ctx, email=EMAIL, password=PASSWORD, seller=True)
        catalog.create_shop(ctx, owner_id=seller.id, slug="lantern", name="灯笼工作室")
        catalog.create_product(
            ctx, actor_id=seller.id, shop_slug="lantern", title="孤品书签",
            slug="one-bookmark", price_minor=990, policy=InventoryPolicy.limited(1),
            description_md="只有 **一份**。",
        )  # fmt: skip
    finally:
        ctx.uow.engine.dispose()
    with serving(
        settings,
        hold_ttl_seconds=HOLD_SECONDS,
        extra_env={"SOULSTOCK_SWEEP_INTERVAL_SECONDS": "1"},
    ) as base_url:
        yield Live(base_url)


def test_an_expired_hold_comes_back_on_the_page_without_a_reload(live, browser) -> None:
    expect = sync_api.expect
    url = live.base_url + "/s/lantern/p/one-bookmark"
    watcher = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    buyer = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    watching = watcher.new_page()
    watching.goto(url)
    claims = watching.locator("#claims")
    expect(claims).to_contain_text("仅剩 1 份")
    watching.evaluate("window.__stillTheSamePage = true")

    page = buyer.new_page()
    page.goto(url)
    page.get_by_label("你的邮箱").fill("slow@example.com")
    page.get_by_role("button", name="预留并购买").click()
    page.wait_for_url("**/orders/*?t=*")
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^0:0\d$"))

    expect(claims).to_have_attribute("data-availability", "all_held", timeout=5_000)
    expect(claims).to_contain_text("暂时被预留完")
    expect(watching.locator("#buy-button")).to_be_disabled()
    watching.screenshot(path=ARTIFACTS / "hold-01-all-held.png", full_page=True)

    expect(claims).to_have_attribute("data-availability", "available", timeout=15_000)
    expect(claims).to_contain_text("仅剩 1 份")
    expect(watching.locator("#buy-button")).to_be_enabled()
    assert watching.evaluate("window.__stillTheSamePage") is True  # no reload happened
    watching.screenshot(path=ARTIFACTS / "hold-02-back-on-sale.png", full_page=True)
    page.reload()
    page.screenshot(path=ARTIFACTS / "hold-03-phone-order-expired.png", full_page=True)
    watcher.close()
    buyer.close()


def test_a_seller_creates_a_flagship_drop_from_its_tier_card(live, browser) -> None:
    expect = sync_api.expect
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live.base_url + "/login")
    page.get_by_label("邮箱").fill(EMAIL)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/library")
    page.goto(live.base_url + "/console/lantern/products/new")
    expect(page.locator(".tier-card")).to_have_count(5)
    page.screenshot(path=ARTIFACTS / "tiers-01-cards.png", full_page=True)

    page.get_by_role("link", name=re.compile("旗舰款")).click()
    page.wait_for_url("**/products/new?tier=flagship")
    expect(page.locator(".tier-card.is-chosen")).to_contain_text("旗舰款")
    expect(page.get_by_label("总份数")).to_have_value("20")
    expect(page.locator("#claims-preview")).to_contain_text("限量 20 份")
    page.get_by_label("标题", exact=True).fill("旗舰插画集")
    page.get_by_label("作品地址").fill("flagship-art")
    page.get_by_label("价格（CNY）").fill("199")
    page.get_by_label("总份数").fill("12")  # the template is a start; the seller overrides it
    expect(page.locator("#claims-preview")).to_contain_text("仅剩 12 份")
    page.screenshot(path=ARTIFACTS / "tiers-02-flagship-filled.png", full_page=True)

    page.get_by_role("radio", name=re.compile("周期性补货")).check()  # the editor follows
    expect(page.get_by_label("补货计划（RRULE）")).to_be_visible()
    expect(page.get_by_label("总份数")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "tiers-03-periodic-fields.png", full_page=True)
    page.get_by_role("radio", name=re.compile("绝对限量|限量")).first.check()
    expect(page.get_by_label("总份数")).to_be_visible()

    page.get_by_role("button", name="创建作品").click()
    page.wait_for_url(re.compile(r".*/console/lantern/products/\d+\?created=1$"))
    expect(page.locator("main")).to_contain_text("永不复刻 · never reissued")
    page.screenshot(path=ARTIFACTS / "tiers-04-created.png", full_page=True)

    page.goto(live.base_url + "/s/lantern")
    expect(page.locator(".product-card", has_text="旗舰插画集")).to_be_visible()
    page.goto(live.base_url + "/s/lantern/p/flagship-art")
    expect(page.locator("#claims")).to_contain_text("仅剩 12 份")
    expect(page.locator("#claims")).to_contain_text("限量 12 份")
    page.screenshot(path=ARTIFACTS / "tiers-05-storefront.png", full_page=True)
    context.close()

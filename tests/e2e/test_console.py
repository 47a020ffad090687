"""In a real browser: a seller creates a limited product in the console, uploads its cover
with a progress bar and sees it on the storefront; the console switches language completely;
the console and the storefront fit a 375 px phone without horizontal scrolling.

Same setup as ``test_buy_last_unit``: a real server process on a migrated SQLite file, Debian's
chromium through Playwright, screenshots in ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright import sync_api

from soulstock.demo import png_bytes
from soulstock.services import accounts, catalog
from soulstock.services.context import build_context
from soulstock.web.pages.i18n import po_path
from tests.e2e.browser import ARTIFACTS, migrated_settings, serving

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "maker@example.com", "maker password"
STORY = "## 南瓜灯\n\n只做 **十份**，每一份都有自己的编号。"


@dataclass(frozen=True)
class Live:
    base_url: str
    tmp: Path


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings = migrated_settings(tmp_path)
    ctx = build_context(settings)
    try:
        seller = accounts.sign_up(ctx, email=EMAIL, password=PASSWORD, seller=True)
        catalog.create_shop(ctx, owner_id=seller.id, slug="lantern", name="灯笼工作室")
    finally:
        ctx.uow.engine.dispose()
    with serving(settings) as base_url:
        yield Live(base_url, tmp_path)


def _log_in(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("邮箱").fill(EMAIL)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/library")


def _create_limited_product(page: sync_api.Page, base_url: str, tmp: Path) -> str:
    """Through the console form, with the live previews; returns the edit page's URL."""
    expect = sync_api.expect
    page.get_by_role("link", name="卖家后台").click()
    page.wait_for_url("**/console/lantern")
    expect(page.locator("main")).to_contain_text("还没有作品——创建你的第一个限量作品")
    page.screenshot(path=ARTIFACTS / "console-01-overview-empty.png", full_page=True)

    page.get_by_role("link", name="创建作品").click()
    page.get_by_label("标题", exact=True).fill("南瓜灯图标包")
    page.get_by_label("作品地址").fill("pumpkin-icons")
    page.get_by_label("价格（CNY）").fill("29.90")
    page.get_by_label("描述（Markdown）").fill(STORY)
    expect(page.locator("#md-preview strong")).to_have_text("十份")
    page.get_by_label("总份数").fill("10")
    expect(page.locator("#claims-preview")).to_contain_text("限量 10 份")
    expect(page.locator("#claims-preview")).to_contain_text("仅剩 10 份")
    page.screenshot(path=ARTIFACTS / "console-02-new-product.png", full_page=True)
    page.get_by_role("button", name="创建作品").click()
    page.wait_for_url(re.compile(r".*/console/lantern/products/\d+\?created=1$"))
    expect(page.locator("main")).to_contain_text("永不复刻 · never reissued")

    cover = tmp / "cover.png"
    cover.write_bytes(png_bytes((214, 140, 110), width=1600, height=1200))
    form = page.locator("form[data-upload]").first
    form.locator("input[type=file]").set_input_files(cover)
    form.get_by_role("button", name="上传", exact=True).click()
    expect(form).to_have_attribute("data-uploaded", "true")
    expect(form.locator("progress")).to_have_js_property("value", 100)
    expect(form.locator(".upload-percent")).to_have_text("100% ✓")
    expect(page.locator("#files img")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "console-03-cover-uploaded.png", full_page=True)
    return page.url.split("?")[0]


def test_a_seller_creates_a_limited_drop_and_sees_it_on_the_storefront(live, browser) -> None:
    expect = sync_api.expect
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live.base_url)
    _create_limited_product(page, live.base_url, live.tmp)

    page.get_by_role("link", name="在店铺中查看").click()
    page.wait_for_url("**/s/lantern/p/pumpkin-icons")
    claims = page.locator("#claims")
    expect(claims).to_contain_text("仅剩 10 份")
    expect(claims).to_contain_text("限量 10 份")
    expect(claims).to_contain_text("永不复刻")
    expect(page.locator(".price-large")).to_contain_text("29.90")
    expect(page.locator("img.cover")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "console-04-storefront.png", full_page=True)
    context.close()


def _english_msgids() -> list[str]:
    with po_path("zh_CN").open("rb") as handle:
        zh = read_po(handle, locale="zh_CN")
    found = []
    for message in zh:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        found += [i for i in ids if i and "%(" not in i and message.string != i]
    return found


def test_the_language_switch_changes_every_string_of_a_console_page(live, browser) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live.base_url)
    url = _create_limited_product(page, live.base_url, live.tmp)
    english = _english_msgids()
    for path in (url, "/console/lantern", "/console/lantern/settings", "/console/tokens"):
        page.goto(path if path.startswith("http") else live.base_url + path)
        page.wait_for_load_state("networkidle")  # the htmx previews have arrived
        text = page.locator("body").inner_text()
        leaked = [m for m in english if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)]
        assert not leaked, (path, leaked)

    page.goto(url)
    page.get_by_role("button", name="English").click()
    page.wait_for_url(url)
    sync_api.expect(page.locator("html")).to_have_attribute("lang", "en")
    sync_api.expect(page.locator("#claims-preview")).to_contain_text("Limited to 10")
    text = page.locator("body").inner_text()
    for zh in ("卖家后台", "编辑作品", "库存策略", "保存修改", "封面与文件", "限量 10 份", "上传"):
        assert zh not in text, zh
    for en in ("Seller console", "Edit product", "Inventory policy", "Limited to 10"):
        assert en in text, en
    page.screenshot(path=ARTIFACTS / "console-05-edit-en.png", full_page=True)
    context.close()


WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def _assert_fits(page: sync_api.Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, (name, width, page.evaluate(WIDER_THAN_SCREEN))


def test_console_and_storefront_fit_a_phone(live, browser) -> None:
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    setup = desk.new_page()
    _log_in(setup, live.base_url)
    edit_url = _create_limited_product(setup, live.base_url, live.tmp)
    state = desk.storage_state()
    desk.close()

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, storage_state=state
    )
    page = phone.new_page()
    pages = {
        "overview": "/console/lantern",
        "products": "/console/lantern/products",
        "edit": edit_url.replace(live.base_url, ""),
        "orders": "/console/lantern/orders",
        "settings": "/console/lantern/settings",
        "tokens": "/console/tokens",
        "shop": "/s/lantern",
        "product": "/s/lantern/p/pumpkin-icons",
    }
    for name, path in pages.items():
        page.goto(live.base_url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=ARTIFACTS / f"console-phone-{name}.png", full_page=True)
        _assert_fits(page, name)
    page.goto(live.base_url + "/console/tokens")
    page.get_by_label("令牌名称").fill("补货脚本")
    page.get_by_role("button", name="创建令牌").click()
    sync_api.expect(page.locator("#new-secret")).to_have_value(re.compile(r"^ss_"))
    page.screenshot(path=ARTIFACTS / "console-phone-token-created.png", full_page=True)
    _assert_fits(page, "token created")
    phone.close()

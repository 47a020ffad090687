"""In a real browser, on the demo shop's months of history: the dashboard draws its charts
with data points, the advisor suggests monthly drops for the decaying PPT template with its
evidence, and its one-click button switches the policy. Screenshots in ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from soulstock import demo
from tests.e2e.browser import ARTIFACTS, migrated_settings, serving

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    settings = migrated_settings(tmp_path)
    demo.seed(settings)
    with serving(settings) as url:
        yield url


@pytest.fixture
def page(browser: sync_api.Browser) -> sync_api.Page:
    return browser.new_page(viewport={"width": 1280, "height": 900})


def test_dashboard_charts_and_the_advisors_one_click(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("邮箱").fill(demo.SELLER_EMAIL)
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/library")
    page.goto(f"{base_url}/console/{demo.SHOP_SLUG}/dashboard")

    for chart in ("sales", "funnel", "bands", "sellout", "waitlist"):
        svg = page.locator(f"#chart-{chart} svg.chart")
        sync_api.expect(svg).to_be_visible()
        assert svg.locator("rect.point").count() > 0, chart
    heights = page.locator("#chart-funnel rect.point").evaluate_all(
        "rects => rects.map(r => r.getBBox().height)"
    )
    assert max(heights) > 50  # drawn, not just present
    assert page.locator("#chart-sales line.mark").count() > 0  # drops marked

    decay = page.locator('#advisor article[data-rule="staple_decay"]')
    sync_api.expect(decay).to_contain_text("87 → 12 → 3")
    sync_api.expect(decay).to_contain_text("依据的数据")
    halloween = page.locator('#advisor article[data-rule="new_product_for_waitlist"]')
    sync_api.expect(halloween).to_contain_text("永不复刻")
    assert page.locator('#advisor article[data-rule="light_reissue"]').count() == 0
    page.locator("#advisor").screenshot(path=str(ARTIFACTS / "dashboard-advisor.png"))
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.locator(".dash-charts").screenshot(path=str(ARTIFACTS / "dashboard-charts.png"))

    decay.get_by_role("button", name="改为每月限量发售 8 份").click()
    page.wait_for_url("**/dashboard#advisor")
    assert page.locator('#advisor article[data-rule="staple_decay"]').count() == 0

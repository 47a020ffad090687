from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright import sync_api

from tests.e2e.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    """Debian's chromium, headless, driven by Playwright; screenshots go to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()

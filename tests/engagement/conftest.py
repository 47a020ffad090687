from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from soulstock.services.context import Context
from soulstock.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    """The whole app over HTTP (in-process) on the test's database and clock; like a browser
    it keeps cookies, unlike one it does not follow redirects by itself."""
    with TestClient(create_app(ctx.settings, ctx=ctx), follow_redirects=False) as test_client:
        yield test_client

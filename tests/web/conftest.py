from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from soulstock.services.context import Context
from soulstock.web.app import create_app


@pytest.fixture
def app(ctx: Context):
    return create_app(ctx.settings, ctx=ctx)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A browser-like visitor: keeps cookies, does not follow redirects by itself."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def other_client(app) -> Iterator[TestClient]:
    """A second visitor with a cookie jar of their own."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client

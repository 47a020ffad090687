"""Hot drops through HTTP against a real server process (uvicorn), on SQLite and PostgreSQL.

Each buyer is a thread with an HTTP client of its own; the winners pay the way a gateway
does, with a dev callback signed with the server's secret. The database is read directly
afterwards: exactly the limit is sold, editions 1..N once each.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from soulstock.devserver import LiveServer, live_server
from soulstock.domain.clock import SystemClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.payments.dev import DevPaymentProvider
from soulstock.services.context import build_context
from soulstock.settings import Settings
from soulstock.store.db import make_engine
from tests.concurrency.helpers import (
    StockRecount,
    assert_stock_consistent,
    read_recount,
    run_together,
)
from tests.factories import make_product

UNITS = 50
BUYERS = 200
SHORT_TTL_S = 5  # the shortest hold Settings accepts


def _seed(settings: Settings, *, total: int) -> int:
    """One limited product, made through the services before the server starts."""
    ctx = build_context(settings)
    try:
        return make_product(ctx, total=total).id
    finally:
        ctx.uow.engine.dispose()


def _recount(database_url: str, product_id: int) -> StockRecount:
    engine = make_engine(database_url, pool_size=1)
    try:
        return read_recount(engine, product_id=product_id, now=datetime.now(UTC))
    finally:
        engine.dispose()


class Shopper:
    """A buyer with an HTTP connection of their own."""

    def __init__(self, server: LiveServer, provider: DevPaymentProvider) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=60.0)
        self.provider = provider

    def reserve(self, product_id: int, email: str) -> dict[str, Any] | None:
        """The order on 201; None on 409 ``sold_out``; anything else fails the test."""
        r = self.http.post(f"/api/v1/products/{product_id}/reservations", json={"email": email})
        if r.status_code == 409:
            error = r.json()["error"]
            assert error["code"] == "sold_out", r.text
            assert error["message"]
            return None
        assert r.status_code == 201, r.text
        order: dict[str, Any] = r.json()["order"]
        return order

    def signed_callback(self, order: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        return self.provider.make_notice(
            order_public_id=order["id"],
            outcome=PaymentOutcome.SUCCEEDED,
            amount_minor=order["amount_minor"],
            currency=order["currency"],
        )

    def send(self, body: bytes, headers: dict[str, str]) -> str:
        r = self.http.post("/api/v1/payments/dev/callback", content=body, headers=headers)
        assert r.status_code == 200, r.text
        return str(r.json()["result"])

    def pay(self, order: dict[str, Any]) -> str:
        return self.send(*self.signed_callback(order))

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def provider(settings: Settings) -> DevPaymentProvider:
    """The dev gateway, holding the same secret as the server."""
    return DevPaymentProvider(
        secret=settings.secret_key.encode(), base_url="http://127.0.0.1", clock=SystemClock()
    )


def _serve(settings: Settings, tmp_path: Path, **kwargs: Any) -> Any:
    return live_server(
        database_url=settings.database_url,
        data_dir=tmp_path / "server",
        secret_key=settings.secret_key,
        **kwargs,
    )


def _shoppers(count: int, server: LiveServer, provider: DevPaymentProvider) -> list[Shopper]:
    return [Shopper(server, provider) for _ in range(count)]


@pytest.fixture
def closing() -> Iterator[list[Shopper]]:
    shoppers: list[Shopper] = []
    yield shoppers
    for shopper in shoppers:
        shopper.close()


@pytest.mark.slow
def test_200_http_buyers_race_for_50_units(
    settings: Settings, provider: DevPaymentProvider, tmp_path: Path, closing: list[Shopper]
) -> None:
    product_id = _seed(settings, total=UNITS)
    with _serve(settings, tmp_path) as server:
        closing.extend(_shoppers(BUYERS, server, provider))

        def buy(i: int) -> str:
            order = closing[i].reserve(product_id, f"http-buyer{i}@example.com")
            return "sold_out" if order is None else closing[i].pay(order)

        results = Counter(run_together(BUYERS, buy))

    assert results == {"fulfil_from_hold": UNITS, "sold_out": BUYERS - UNITS}
    after = _recount(settings.database_url, product_id)
    assert_stock_consistent(after)
    assert after.editions == list(range(1, UNITS + 1))
    assert (after.release_sold, after.release_held, after.paid_units) == (UNITS, 0, UNITS)


@pytest.mark.slow
def test_http_race_with_holds_expiring_between_waves(
    settings: Settings, provider: DevPaymentProvider, tmp_path: Path, closing: list[Shopper]
) -> None:
    """Half of the first wave's winners never pay; their holds lapse after 5 s (while the
    server's sweeper runs every 0.5 s), and a second wave buys exactly the freed units."""
    product_id = _seed(settings, total=UNITS)
    second_wave = BUYERS // 2
    with _serve(
        settings,
        tmp_path,
        hold_ttl_seconds=SHORT_TTL_S,
        extra_env={"SOULSTOCK_SWEEP_INTERVAL_SECONDS": "0.5"},
    ) as server:
        closing.extend(_shoppers(BUYERS, server, provider))
        abandoned_expiries: list[datetime] = []

        def first(i: int) -> str:
            order = closing[i].reserve(product_id, f"wave1-{i}@example.com")
            if order is None:
                return "sold_out"
            if i % 2:
                abandoned_expiries.append(datetime.fromisoformat(order["hold_expires_at"]))
                return "abandoned"
            return closing[i].pay(order)

        wave1 = Counter(run_together(BUYERS, first))
        assert wave1["sold_out"] == BUYERS - UNITS
        assert wave1["abandoned"] > 0
        wait_s = (max(abandoned_expiries) - datetime.now(UTC)).total_seconds() + 0.5
        time.sleep(min(max(wait_s, 0.0), SHORT_TTL_S + 5))
        mid = _recount(settings.database_url, product_id)
        assert_stock_consistent(mid)
        assert mid.release_sold + mid.live_held_rows == UNITS - wave1["abandoned"]

        def second(i: int) -> str:
            order = closing[i].reserve(product_id, f"wave2-{i}@example.com")
            return "sold_out" if order is None else closing[i].pay(order)

        wave2 = Counter(run_together(second_wave, second))

    assert wave2 == {
        "fulfil_from_hold": wave1["abandoned"],
        "sold_out": second_wave - wave1["abandoned"],
    }
    after = _recount(settings.database_url, product_id)
    assert_stock_consistent(after)
    assert after.editions == list(range(1, UNITS + 1))
    assert (after.release_sold, after.release_held, after.paid_units) == (UNITS, 0, UNITS)


def test_same_signed_callback_posted_5_times_at_once_settles_once(
    settings: Settings, provider: DevPaymentProvider, tmp_path: Path, closing: list[Shopper]
) -> None:
    product_id = _seed(settings, total=3)
    with _serve(settings, tmp_path) as server:
        closing.extend(_shoppers(5, server, provider))
        order = closing[0].reserve(product_id, "once@example.com")
        assert order is not None
        body, headers = closing[0].signed_callback(order)

        results = Counter(run_together(5, lambda i: closing[i].send(body, headers)))

    assert results == {"fulfil_from_hold": 1, "nothing": 4}
    after = _recount(settings.database_url, product_id)
    assert_stock_consistent(after)
    assert after.editions == [1]
    assert (after.release_sold, after.release_held) == (1, 0)

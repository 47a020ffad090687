"""The scheduled-drop mode of ``hot_drop.py`` (``--mode scheduled``): a periodic product whose
first drop opens at T, a few seconds after the start; every buyer waits with a warm connection
and fires at T. Reports the time from opening to sell-out, claims/s, p99 and the check."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx

from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.payments.dev import DevPaymentProvider
from soulstock.services import accounts, catalog
from soulstock.services.context import build_context
from soulstock.settings import Settings


def seed_product(settings: Settings, *, title: str, slug: str, policy: InventoryPolicy) -> int:
    """One seller, one shop, one product with ``policy``, made through the services."""
    ctx = build_context(settings)
    try:
        seller = accounts.sign_up(
            ctx, email="bench-seller@example.com", password="bench password 123", seller=True
        )
        shop = catalog.create_shop(ctx, owner_id=seller.id, slug="bench", name="Bench")
        product = catalog.create_product(
            ctx,
            actor_id=seller.id,
            shop_slug=shop.slug,
            title=title,
            price_minor=990,
            policy=policy,
            slug=slug,
        )
        return product.id
    finally:
        ctx.uow.engine.dispose()


def seed_periodic(settings: Settings, *, units: int, lead_s: float) -> tuple[int, float]:
    """A daily-drop product of ``units`` whose first drop opens ``lead_s`` from now (rounded
    up to a whole second); returns its id and T as epoch seconds."""
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=int(lead_s) + 1)
    policy = InventoryPolicy(
        PolicyKind.PERIODIC, rrule="FREQ=DAILY", starts_at=opens, drop_quantity=units
    )
    product_id = seed_product(
        settings, title="Scheduled Drop", slug="scheduled-drop", policy=policy
    )
    return product_id, opens.timestamp()


class SellOut:
    """When each reservation and payment completed, to time the sell-out from T."""

    def __init__(self) -> None:
        self.reserved: list[float] = []
        self.paid: list[float] = []
        self.early = 0  # answers before T (must be window_closed): should stay 0
        self.lock = threading.Lock()


def scheduled_buyer(product_id: int, provider: DevPaymentProvider, out: SellOut, at: float):  # type: ignore[no-untyped-def]
    def buy(client: httpx.Client, n: int, phase) -> None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        r = client.post(
            f"/api/v1/products/{product_id}/reservations", json={"email": f"b{n}@example.com"}
        )
        elapsed = time.perf_counter() - t0
        code = r.json().get("error", {}).get("code") if r.status_code == 409 else None
        if code in ("sold_out", "window_closed"):
            phase.record(code, elapsed)
            if code == "window_closed":
                with out.lock:
                    out.early += 1
            return
        if r.status_code != 201:
            phase.record(f"http {r.status_code}", elapsed)
            return
        phase.record("reserved", elapsed)
        with out.lock:
            out.reserved.append(time.time() - at)
        order = r.json()["order"]
        body, headers = provider.make_notice(
            order_public_id=order["id"],
            outcome=PaymentOutcome.SUCCEEDED,
            amount_minor=order["amount_minor"],
            currency=order["currency"],
        )
        t1 = time.perf_counter()
        paid = client.post("/api/v1/payments/dev/callback", content=body, headers=headers)
        phase.record("paid" if paid.status_code == 200 else f"pay http {paid.status_code}",
                     time.perf_counter() - t1)  # fmt: skip
        with out.lock:
            out.paid.append(time.time() - at)

    return buy


def report_scheduled(drop, out: SellOut, *, units: int, percentile) -> None:  # type: ignore[no-untyped-def]
    calls = drop.all("reserved", "sold_out", "window_closed")
    held_out = max(out.reserved) if len(out.reserved) >= units else float("nan")
    paid_out = max(out.paid) if len(out.paid) >= units else float("nan")
    first = min(out.reserved) if out.reserved else float("nan")
    print(f"  opening -> first hold {first * 1000:.0f} ms, all {units} held "
          f"{held_out * 1000:.0f} ms, all paid (sold out) {paid_out * 1000:.0f} ms")  # fmt: skip
    print(f"  claims/s {len(calls) / drop.wall_s:.0f} (reserve answers over {drop.wall_s:.2f} s);"
          f" reserve p50 {percentile(calls, 50) * 1000:.1f} ms, p99 "
          f"{percentile(calls, 99) * 1000:.1f} ms; 201 {drop.count('reserved')}, 409 sold_out "
          f"{drop.count('sold_out')}, before T {out.early}")  # fmt: skip

"""Dashboard bench: every dashboard query over 1,000,000 events of one shop, timed beside a
bare ``SELECT count(*)`` over the same table in the same run, on SQLite and PostgreSQL.

One seller, one shop and ten products (staples, limited, periodic, tranche) are made through
the services; the events (views 80%, holds, payments, expiries, waitlist joins, with stock
levels and hints) are spread over the last 180 days and bulk-inserted with
``analytics.load_events`` (one multi-row INSERT per 5,000) in transactions of 50,000. The
dashboard's period is its default, the last 90 days. Each query runs ``--repeat`` times; the
best time is printed (warm cache), with the first (cold) run beside it.

    .venv/bin/python bench/dashboard.py [--backend sqlite|postgres|both] [--events 1000000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from soulstock.domain.analytics import EventKind, StockBands, last_days
from soulstock.domain.clock import FixedClock
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import accounts, advisor, analytics, catalog, metrics, metrics_drops
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Shop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hot_drop import fresh_database

NOW = datetime(2026, 11, 11, 4, 0, tzinfo=UTC)
DAYS = 180
CHUNK = 50_000
KINDS = (
    (EventKind.VIEWED, 0.80),
    (EventKind.RESERVED, 0.08),
    (EventKind.PAID, 0.06),
    (EventKind.EXPIRED, 0.03),
    (EventKind.CHECKOUT_STARTED, 0.02),
    (EventKind.WAITLIST_JOINED, 0.01),
)


def _policies(now: datetime) -> list[InventoryPolicy]:
    periodic = InventoryPolicy(
        PolicyKind.PERIODIC, rrule="FREQ=MONTHLY", starts_at=now, drop_quantity=100
    )
    tranche = InventoryPolicy(PolicyKind.TRANCHE, 10_000, tranche_size=500)
    return (
        [InventoryPolicy.staple()] * 3
        + [InventoryPolicy.limited(5_000)] * 4
        + [
            periodic,
            tranche,
            tranche,
        ]
    )


def seed(ctx: Context, clock: FixedClock) -> tuple[int, list[int]]:
    """The shop and its products, through the services; returns (shop id, product ids)."""
    clock.set(NOW - timedelta(days=DAYS + 1))
    seller = accounts.sign_up(
        ctx, email="bench-seller@example.com", password="bench password 123", seller=True
    )
    shop = catalog.create_shop(ctx, owner_id=seller.id, slug="bench", name="Bench")
    ids = []
    for i, policy in enumerate(_policies(clock.now())):
        product = catalog.create_product(
            ctx,
            actor_id=seller.id,
            shop_slug="bench",
            title=f"Product {i}",
            price_minor=990 + 100 * i,
            policy=policy,
            slug=f"p{i}",
        )
        ids.append(product.id)
    clock.set(NOW)
    return shop.id, ids


def load(ctx: Context, *, shop_id: int, products: list[int], events: int) -> float:
    """Bulk-insert ``events`` rows in chunks; returns the seconds taken."""
    rng = random.Random(8)
    kinds = [k.value for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    start = time.perf_counter()
    span = DAYS * 86400
    for done in range(0, events, CHUNK):
        rows: list[dict[str, Any]] = []
        for n in range(done, min(events, done + CHUNK)):
            kind = rng.choices(kinds, weights)[0]
            product = products[n % len(products)]
            capped = product not in products[:3]
            pct = rng.randint(0, 100) if capped else None
            rows.append(
                {
                    "kind": kind,
                    "shop_id": shop_id,
                    "product_id": product,
                    "at": NOW - timedelta(seconds=rng.uniform(0, span)),
                    "release_seq": 0,
                    "order_id": n if kind != EventKind.VIEWED.value else None,
                    "quantity": 1,
                    "price_minor": 990,
                    "stock_pct": pct,
                    "windowed": False,
                    "hint": pct is not None and pct < 30,
                    "visitor": None,
                    "dedup": f"d{n}" if kind == EventKind.VIEWED.value else None,
                }
            )
        analytics.load_events(ctx, rows)
    return time.perf_counter() - start


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[0] * 1000, min(times) * 1000


def queries(session: Session, *, shop: Shop, product_id: int) -> dict[str, Callable[[], object]]:
    period = last_days(NOW, tz=shop.timezone, days=90)
    bands = StockBands()
    whole = metrics.Scope(shop.id)
    one = metrics.Scope(shop.id, product_id=product_id)
    return {
        "SELECT count(*) (bare)": lambda: session.execute(
            text("SELECT count(*) FROM analytics_events")
        ).scalar(),
        "funnel (shop)": lambda: metrics.funnel(session, scope=whole, period=period),
        "by_band (shop)": lambda: metrics.by_band(session, scope=whole, period=period, bands=bands),
        "sales (shop)": lambda: metrics.sales(session, scope=whole, period=period),
        "series daily (shop)": lambda: metrics.series(session, scope=whole, period=period),
        "series monthly (shop)": lambda: metrics.series(
            session, scope=whole, period=period, monthly=True
        ),
        "funnel (product)": lambda: metrics.funnel(session, scope=one, period=period),
        "series daily (product)": lambda: metrics.series(session, scope=one, period=period),
        "drops": lambda: metrics_drops.drops(session, shop_id=shop.id, period=period),
        "switches": lambda: metrics_drops.switches(session, shop_id=shop.id, now=NOW),
        "advisor (all rules)": lambda: advisor.compute(session, shop=shop, now=NOW),
    }


def run(backend: str, *, events: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
        settings = Settings(database_url=url, data_dir=Path(tmp))
        clock = FixedClock(NOW)
        ctx = build_context(settings, clock=clock)
        try:
            shop_id, products = seed(ctx, clock)
            seconds = load(ctx, shop_id=shop_id, products=products, events=events)
            print(f"\n{backend}: loaded {events:,} events in {seconds:.1f} s")
            with ctx.uow.write() as session:
                if backend == "postgres":
                    session.execute(text("ANALYZE analytics_events"))
                else:
                    session.execute(text("ANALYZE"))
            with ctx.uow.read() as session:
                shop = session.get(Shop, shop_id)
                assert shop is not None
                print(f"{'query':<26} {'cold ms':>9} {'best ms':>9}")
                for name, fn in queries(session, shop=shop, product_id=products[3]).items():
                    cold, best = _timed(fn, repeat)
                    print(f"{name:<26} {cold:9.1f} {best:9.1f}")
        finally:
            ctx.uow.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run(backend, events=args.events, repeat=args.repeat)


if __name__ == "__main__":
    main()

"""The scheduler's "drop opened" event: exactly one per opening, however often and however
concurrently the job runs (the unique (product, kind, key) makes repeats no-ops)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog
from soulstock.services.sweeper import emit_scheduled_events
from soulstock.store.models import ScarcityEvent
from tests.conftest import T0
from tests.factories import make_shop


def test_a_drop_opening_emits_one_event_even_when_run_concurrently(ctx):
    shop = make_shop(ctx)
    policy = InventoryPolicy(
        PolicyKind.PERIODIC,
        rrule="FREQ=DAILY",
        starts_at=T0 + timedelta(minutes=5),
        drop_quantity=10,
    )
    product = catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Daily",
        price_minor=100,
        policy=policy,
    )
    assert emit_scheduled_events(ctx) == 0  # nothing open yet
    ctx.clock.advance(minutes=5)
    with ThreadPoolExecutor(8) as pool:
        emitted = list(pool.map(lambda _: emit_scheduled_events(ctx), range(16)))
    assert sum(emitted) == 1
    assert emit_scheduled_events(ctx) == 0
    ctx.clock.advance(days=1)  # the next drop: one more event
    assert emit_scheduled_events(ctx) + emit_scheduled_events(ctx) == 1
    with ctx.uow.read() as session:
        keys = session.scalars(
            select(ScarcityEvent.key).where(ScarcityEvent.product_id == product.id)
        ).all()
    assert sorted(keys) == ["drop:1", "drop:2"]

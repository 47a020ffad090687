"""Small keyword-only factories for the engagement tests (restocks, waitlists, outbox)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog, checkout
from soulstock.services.context import Context
from soulstock.store.models import OutboxMessage, Product, Shop
from tests.conftest import T0


def make_periodic(
    ctx: Context, *, shop: Shop, first_drop: datetime | None = None, drop_quantity: int = 10
) -> Product:
    """A periodic product whose first drop is far away unless ``first_drop`` says otherwise."""
    policy = InventoryPolicy(
        PolicyKind.PERIODIC,
        rrule="FREQ=MONTHLY",
        starts_at=first_drop or T0 + timedelta(days=20),
        drop_quantity=drop_quantity,
    )
    return catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Monthly",
        price_minor=500,
        policy=policy,
    )


def buy(ctx: Context, *, product_id: int, buyer: checkout.Buyer, quantity: int = 1):
    return checkout.reserve(ctx, product_id=product_id, quantity=quantity, buyer=buyer)


def outbox(ctx: Context, template: str | None = None) -> list[OutboxMessage]:
    with ctx.uow.read() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if template:
            query = query.where(OutboxMessage.template == template)
        return list(session.scalars(query))

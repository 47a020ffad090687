"""Small keyword-only factories for tests, built on the real services."""

from __future__ import annotations

import itertools

from soulstock.domain.policy import InventoryPolicy
from soulstock.services import accounts, catalog, checkout
from soulstock.services.context import Context
from soulstock.store.models import Product, Shop, User

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_seller(ctx: Context, *, email: str | None = None) -> User:
    return accounts.sign_up(
        ctx, email=email or f"seller{next(_seq)}@example.com", password=PASSWORD, seller=True
    )


def make_buyer(ctx: Context, *, email: str | None = None) -> User:
    return accounts.sign_up(ctx, email=email or f"buyer{next(_seq)}@example.com", password=PASSWORD)


def make_shop(ctx: Context, *, owner: User | None = None, slug: str | None = None) -> Shop:
    owner = owner or make_seller(ctx)
    return catalog.create_shop(
        ctx, owner_id=owner.id, slug=slug or f"shop-{next(_seq)}", name="Test Shop"
    )


def make_product(
    ctx: Context,
    *,
    shop: Shop | None = None,
    total: int | None = 50,
    price_minor: int = 2990,
    title: str = "Icon Pack",
) -> Product:
    """A limited product of ``total`` (or a staple product when ``total`` is None)."""
    shop = shop or make_shop(ctx)
    policy = InventoryPolicy.staple() if total is None else InventoryPolicy.limited(total)
    return catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title=title,
        price_minor=price_minor,
        policy=policy,
        slug=f"product-{next(_seq)}",
    )


def guest(email: str | None = None) -> checkout.Buyer:
    return checkout.Buyer(None, email or f"guest{next(_seq)}@example.com")

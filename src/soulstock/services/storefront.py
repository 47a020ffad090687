"""The shop home's vitality waterfall: listed products in the order ``domain.vitality`` gives."""

from __future__ import annotations

from soulstock.domain.vitality import Signals, rank
from soulstock.services.catalog import MAX_PAGE, ProductView, list_products
from soulstock.services.context import Context


def waterfall(ctx: Context, *, shop_slug: str) -> list[ProductView]:
    """The shop's listed products (up to a page of 100), most vital first, at this instant."""
    views, _ = list_products(ctx, shop_slug=shop_slug, limit=MAX_PAGE)
    return rank(
        views,
        signals=lambda view: Signals(view.claims, view.product.created_at),
        t=ctx.clock.now(),
    )

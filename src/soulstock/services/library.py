"""The buyer's library: the editions they own, with their products."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from soulstock.domain.editions import edition_label
from soulstock.services.context import Context
from soulstock.store.models import Edition, Order, Product, Shop


@dataclass(frozen=True, slots=True)
class OwnedEdition:
    edition: Edition
    product: Product
    shop: Shop
    order_public_id: str

    @property
    def label(self) -> str:
        return edition_label(self.edition.number, self.product.cap)


def owned_editions(ctx: Context, *, user_id: int) -> list[OwnedEdition]:
    with ctx.uow.read() as session:
        rows = session.execute(
            select(Edition, Product, Shop, Order.public_id)
            .join(Product, Product.id == Edition.product_id)
            .join(Shop, Shop.id == Product.shop_id)
            .join(Order, Order.id == Edition.order_id)
            .where(Edition.owner_id == user_id)
            .order_by(Edition.created_at.desc(), Edition.id.desc())
        ).all()
    return [OwnedEdition(e, p, s, oid) for e, p, s, oid in rows]

"""Remix (重组): a new pack composed from retired limited products' files, with its own
policy. The provenance (which products, which files) is stored with the pack, shown on its
page and recorded in the shop's log, all in the transaction that lists the pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulstock.domain.errors import InvalidInput
from soulstock.domain.policy import InventoryPolicy
from soulstock.domain.restock import is_retired
from soulstock.services import catalog, ownership
from soulstock.services.context import Context
from soulstock.services.scarcity import policy_of
from soulstock.store.models import Product, ProductFile, ProductPolicy, RemixSource, StoredFile

MAX_SOURCES = 100


@dataclass(frozen=True, slots=True)
class Source:
    product_id: int
    file_id: int


@dataclass(frozen=True, slots=True)
class Provenance:
    product_title: str
    product_slug: str
    filename: str


def compose(
    ctx: Context,
    *,
    actor_id: int,
    shop_slug: str,
    title: str,
    price_minor: int,
    policy: InventoryPolicy,
    sources: list[Source],
    description_md: str = "",
) -> Product:
    """List a remixed pack of files from the shop's own retired limited products."""
    if not 1 <= len(sources) <= MAX_SOURCES or len(set(sources)) != len(sources):
        raise InvalidInput(f"a remix takes 1 to {MAX_SOURCES} different files")
    now = ctx.clock.now()

    def provenance(session: Session, pack: Product) -> None:
        _check_sources(session, shop_id=pack.shop_id, sources=sources, now=now)
        for source in sources:
            session.add(ProductFile(product_id=pack.id, file_id=source.file_id))
            session.add(
                RemixSource(
                    product_id=pack.id,
                    source_product_id=source.product_id,
                    source_file_id=source.file_id,
                )
            )
        products = sorted({s.product_id for s in sources})
        ownership.record_remix(session, product=pack, sources=products, now=now)

    return catalog.create_product(
        ctx,
        actor_id=actor_id,
        shop_slug=shop_slug,
        title=title,
        price_minor=price_minor,
        policy=policy,
        description_md=description_md,
        also=provenance,
    )


def _check_sources(session: Session, *, shop_id: int, sources: list[Source], now: datetime) -> None:
    for source in sources:
        product = session.get(Product, source.product_id)
        if product is None or product.shop_id != shop_id:
            raise InvalidInput(f"product {source.product_id} is not one of this shop's")
        policy = policy_of(product, session.get(ProductPolicy, product.id))
        if not is_retired(policy, minted=product.minted, now=now):
            raise InvalidInput(
                f"“{product.title}” is not retired: only sold-out limited or ended seasonal "
                "products can be remixed"
            )
        owned = session.scalar(
            select(ProductFile.id).where(
                ProductFile.product_id == product.id, ProductFile.file_id == source.file_id
            )
        )
        if owned is None:
            raise InvalidInput(f"file {source.file_id} is not a file of “{product.title}”")


def provenance_of(ctx: Context, *, product_id: int) -> list[Provenance]:
    """Where a remixed pack's files came from (empty for any other product)."""
    with ctx.uow.read() as session:
        rows = session.execute(
            select(Product.title, Product.slug, StoredFile.filename)
            .join(RemixSource, RemixSource.source_product_id == Product.id)
            .join(StoredFile, StoredFile.id == RemixSource.source_file_id)
            .where(RemixSource.product_id == product_id)
            .order_by(RemixSource.id)
        ).all()
    return [Provenance(*row) for row in rows]


def retired_files(
    ctx: Context, *, actor_id: int, shop_slug: str
) -> list[tuple[Product, StoredFile]]:
    """The files a seller may remix: those of their shop's retired limited products."""
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        rows = session.execute(
            select(Product, StoredFile)
            .join(ProductFile, ProductFile.product_id == Product.id)
            .join(StoredFile, StoredFile.id == ProductFile.file_id)
            .where(Product.shop_id == shop.id)
            .order_by(Product.id, StoredFile.id)
        ).all()
        return [
            (p, f)
            for p, f in rows
            if is_retired(policy_of(p, session.get(ProductPolicy, p.id)), minted=p.minted, now=now)
        ]

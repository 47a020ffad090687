"""Shops and products over the API: public reads, and seller management of their own shops."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, UploadFile, status

from soulstock.domain.errors import NotFound
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import catalog
from soulstock.web.api.schemas import (
    FileOut,
    Page,
    PolicyIn,
    ProductIn,
    ProductOut,
    ProductPatch,
    ShopIn,
    ShopOut,
    ShopPatch,
    StockOut,
)
from soulstock.web.deps import CtxDep, CurrentSeller, OptionalUser

router = APIRouter(tags=["catalog"])
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=100)]


def _policy(body: PolicyIn) -> InventoryPolicy:
    return InventoryPolicy.parse(body.kind, body.total, **body.params())


@router.post("/shops", status_code=status.HTTP_201_CREATED)
def create_shop(body: ShopIn, seller: CurrentSeller, ctx: CtxDep) -> ShopOut:
    shop = catalog.create_shop(
        ctx,
        owner_id=seller.id,
        slug=body.slug,
        name=body.name,
        currency=body.currency,
        timezone=body.timezone,
    )
    return ShopOut.of(shop)


@router.get("/shops")
def my_shops(seller: CurrentSeller, ctx: CtxDep) -> list[ShopOut]:
    return [ShopOut.of(s) for s in catalog.shops_of(ctx, seller.id)]


@router.get("/shops/{slug}")
def get_shop(slug: str, ctx: CtxDep) -> ShopOut:
    return ShopOut.of(catalog.get_shop(ctx, slug))


@router.patch("/shops/{slug}")
def update_shop(slug: str, body: ShopPatch, seller: CurrentSeller, ctx: CtxDep) -> ShopOut:
    shop = catalog.update_shop(
        ctx,
        actor_id=seller.id,
        slug=slug,
        name=body.name,
        currency=body.currency,
        timezone=body.timezone,
    )
    return ShopOut.of(shop)


@router.get("/shops/{slug}/products")
def list_products(
    slug: str,
    ctx: CtxDep,
    user: OptionalUser,
    offset: Offset = 0,
    limit: Limit = 50,
    include_unlisted: bool = False,
) -> Page[ProductOut]:
    """Listed products for everyone; the owner may ask for unlisted ones too."""
    shop = catalog.get_shop(ctx, slug)
    owner = user is not None and user.id == shop.owner_id
    views, total = catalog.list_products(
        ctx,
        shop_slug=slug,
        listed_only=not (include_unlisted and owner),
        offset=offset,
        limit=limit,
    )
    return Page(items=[ProductOut.of(v) for v in views], total=total, offset=offset, limit=limit)


@router.post("/shops/{slug}/products", status_code=status.HTTP_201_CREATED)
def create_product(slug: str, body: ProductIn, seller: CurrentSeller, ctx: CtxDep) -> ProductOut:
    product = catalog.create_product(
        ctx,
        actor_id=seller.id,
        shop_slug=slug,
        title=body.title,
        slug=body.slug,
        description_md=body.description_md,
        price_minor=body.price_minor,
        policy=_policy(body.policy),
        listed=body.listed,
    )
    return ProductOut.of(catalog.product_view_by_id(ctx, product.id))


@router.get("/products/{product_id}")
def get_product(product_id: int, ctx: CtxDep, user: OptionalUser) -> ProductOut:
    view = catalog.product_view_by_id(ctx, product_id)
    if not view.product.listed and (user is None or user.id != view.shop.owner_id):
        raise NotFound("no such product")
    return ProductOut.of(view)


@router.patch("/products/{product_id}")
def update_product(
    product_id: int, body: ProductPatch, seller: CurrentSeller, ctx: CtxDep
) -> ProductOut:
    catalog.update_product(
        ctx,
        actor_id=seller.id,
        product_id=product_id,
        title=body.title,
        description_md=body.description_md,
        price_minor=body.price_minor,
        listed=body.listed,
        policy=_policy(body.policy) if body.policy else None,
    )
    return ProductOut.of(catalog.product_view_by_id(ctx, product_id))


@router.get("/products/{product_id}/stock")
def get_stock(product_id: int, seller: CurrentSeller, ctx: CtxDep) -> StockOut:
    """The owner's view of stock: quantity, sold, live holds, remaining, editions minted."""
    report = catalog.stock_report(ctx, actor_id=seller.id, product_id=product_id)
    return StockOut(
        quantity=report.quantity,
        sold=report.sold,
        live_held=report.live_held,
        remaining=report.remaining,
        minted=report.minted,
    )


@router.post("/products/{product_id}/files", status_code=status.HTTP_201_CREATED)
def upload_file(
    product_id: int, file: UploadFile, seller: CurrentSeller, ctx: CtxDep, cover: bool = False
) -> FileOut:
    """Attach a deliverable (or, with ``cover=true``, the cover image) to a product."""
    stored = catalog.add_file(
        ctx,
        actor_id=seller.id,
        product_id=product_id,
        stream=file.file,
        filename=file.filename or "file",
        as_cover=cover,
    )
    return FileOut.of(stored)

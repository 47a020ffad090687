"""Catalog: shops and products, their files, and what the storefront shows of them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulstock.domain.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from soulstock.domain.money import check_currency, check_price
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.scarcity import Availability, ScarcityClaims, claims_at
from soulstock.domain.tiers import Tier
from soulstock.files.storage import IMAGE_TYPES
from soulstock.services import ownership
from soulstock.services.context import Context
from soulstock.services.scarcity import open_product, product_state
from soulstock.store import stock
from soulstock.store.models import Product, ProductFile, ProductPolicy, Release, Shop, StoredFile

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
MAX_PAGE = 100
SHOP_LOCALES = ("zh_CN", "en")


def check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise InvalidInput("a slug uses lowercase letters, digits and dashes (max 60)")
    return slug


def slug_from_title(title: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return ascii_part if len(ascii_part) >= 3 else f"p-{secrets.token_hex(4)}"


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r} (use an IANA name like Asia/Shanghai)"
        ) from None
    return name


def create_shop(
    ctx: Context,
    *,
    owner_id: int,
    slug: str,
    name: str,
    currency: str = "CNY",
    timezone: str = "Asia/Shanghai",
) -> Shop:
    """Open a shop for a seller; slugs are unique across the platform."""
    check_slug(slug)
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise InvalidInput("a shop name has 1 to 80 characters")
    shop = Shop(
        owner_id=owner_id,
        slug=slug,
        name=name,
        currency=check_currency(currency),
        timezone=check_timezone(timezone),
        created_at=ctx.clock.now(),
    )
    with ctx.uow.write() as session:
        if session.scalar(select(Shop.id).where(Shop.slug == slug)) is not None:
            raise AlreadyExists(f"the shop address {slug!r} is taken")
        session.add(shop)
        session.flush()
        ownership.open_log(session, ctx, shop=shop)
        return shop


def update_shop(
    ctx: Context,
    *,
    actor_id: int,
    slug: str,
    name: str | None = None,
    currency: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
) -> Shop:
    """Change a shop's settings; ``locale`` is the default language of its storefront."""
    if locale is not None and locale not in SHOP_LOCALES:
        raise InvalidInput(f"a shop's language is one of {', '.join(SHOP_LOCALES)}")
    with ctx.uow.write() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=slug)
        if name is not None:
            if not 1 <= len(name.strip()) <= 80:
                raise InvalidInput("a shop name has 1 to 80 characters")
            shop.name = name.strip()
        if currency is not None:
            shop.currency = check_currency(currency)
        if timezone is not None:
            shop.timezone = check_timezone(timezone)
        if locale is not None:
            shop.locale = locale
        return shop


def get_shop(ctx: Context, slug: str) -> Shop:
    with ctx.uow.read() as session:
        shop = session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        raise NotFound(f"no shop called {slug!r}")
    return shop


def shops_of(ctx: Context, owner_id: int) -> list[Shop]:
    with ctx.uow.read() as session:
        return list(
            session.scalars(select(Shop).where(Shop.owner_id == owner_id).order_by(Shop.id))
        )


def owned_shop(session: Session, *, actor_id: int, slug: str) -> Shop:
    """The shop, if ``actor_id`` owns it: sellers manage only their own shops."""
    shop = session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        raise NotFound(f"no shop called {slug!r}")
    if shop.owner_id != actor_id:
        raise PermissionDenied("this shop belongs to another seller")
    return shop


def owned_product(session: Session, *, actor_id: int, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("no such product")
    shop = session.get(Shop, product.shop_id)
    if shop is None or shop.owner_id != actor_id:
        raise PermissionDenied("this product belongs to another seller's shop")
    return product


def create_product(
    ctx: Context,
    *,
    actor_id: int,
    shop_slug: str,
    title: str,
    price_minor: int,
    policy: InventoryPolicy,
    description_md: str = "",
    slug: str | None = None,
    listed: bool = True,
    hint_threshold: int | None = None,
    countdown: bool = False,
    tier: str | None = None,
    also: Callable[[Session, Product], None] | None = None,
) -> Product:
    """List a product with its policy; a limited product's total is fixed here, for ever.

    ``hint_threshold``, ``countdown`` and ``tier`` are its display options (a tier template's);
    ``also`` does more work in the same transaction (a remix records its provenance)."""
    if hint_threshold is not None and hint_threshold < 1:
        raise InvalidInput("hint_threshold must be at least 1")
    title = title.strip()
    if not 1 <= len(title) <= 120:
        raise InvalidInput("a title has 1 to 120 characters")
    if len(description_md) > 20_000:
        raise InvalidInput("the description is longer than 20,000 characters")
    check_price(price_minor)
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        product_slug = check_slug(slug) if slug else slug_from_title(title)
        taken = select(Product.id).where(Product.shop_id == shop.id, Product.slug == product_slug)
        if session.scalar(taken) is not None:
            raise AlreadyExists(f"this shop already has a product at {product_slug!r}")
        product = Product(
            shop_id=shop.id,
            slug=product_slug,
            title=title,
            description_md=description_md,
            price_minor=price_minor,
            currency=shop.currency,
            policy=policy.kind.value,
            cap=policy.cap,
            minted=0,
            listed=listed,
            created_at=now,
        )
        session.add(product)
        session.flush()
        open_product(session, product=product, policy=policy, now=now)
        settings = session.get(ProductPolicy, product.id)
        assert settings is not None
        settings.hint_threshold, settings.countdown = hint_threshold, countdown
        settings.tier = Tier(tier).value if tier else None
        ownership.record_policy(session, product=product, now=now)
        if also is not None:
            also(session, product)
        return product


def update_product(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    title: str | None = None,
    description_md: str | None = None,
    price_minor: int | None = None,
    listed: bool | None = None,
    policy: InventoryPolicy | None = None,
) -> Product:
    """Edit a product. A limited product's total can never be changed (永不复刻)."""
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        if policy is not None:
            _change_policy(session, product=product, new=policy)
        if title is not None:
            if not 1 <= len(title.strip()) <= 120:
                raise InvalidInput("a title has 1 to 120 characters")
            product.title = title.strip()
        if description_md is not None:
            product.description_md = description_md
        if price_minor is not None:
            product.price_minor = check_price(price_minor)
        if listed is not None:
            product.listed = listed
        return product


def _change_policy(session: Session, *, product: Product, new: InventoryPolicy) -> None:
    current = InventoryPolicy.parse(product.policy, product.cap)
    current.check_change_to(new, minted=product.minted)
    if {current.kind, new.kind} - {PolicyKind.STAPLE, PolicyKind.LIMITED}:
        raise InvalidInput("change this policy through the product's policy endpoint")
    if new == current:
        return
    release = current_release(session, product.id)
    stock.lock_release(session, release.id)
    if new.cap is not None and new.cap < release.sold + release.held:
        raise InvalidInput("units already held or sold exceed the new total")
    product.policy, product.cap = new.kind.value, new.cap
    release.quantity = new.cap


def current_release(session: Session, product_id: int) -> Release:
    release = session.scalar(
        select(Release).where(Release.product_id == product_id).order_by(Release.id.desc())
    )
    if release is None:
        raise NotFound("this product has no release")
    return release


@dataclass(frozen=True, slots=True)
class ProductView:
    product: Product
    shop: Shop
    claims: ScarcityClaims
    files: list[StoredFile]

    @property
    def policy(self) -> InventoryPolicy:
        return InventoryPolicy.parse(self.product.policy, self.product.cap)


def _view(session: Session, ctx: Context, product: Product) -> ProductView:
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    now = ctx.clock.now()
    files = list(
        session.scalars(
            select(StoredFile)
            .join(ProductFile, ProductFile.file_id == StoredFile.id)
            .where(ProductFile.product_id == product.id)
            .order_by(ProductFile.id)
        )
    )
    state = product_state(session, product=product, shop=shop, now=now)
    return ProductView(product, shop, claims_at(state, now), files)


def product_view(ctx: Context, *, shop_slug: str, product_slug: str) -> ProductView:
    """A listed product with the claims the storefront may make about it right now."""
    with ctx.uow.read() as session:
        product = session.scalar(
            select(Product)
            .join(Shop, Shop.id == Product.shop_id)
            .where(Shop.slug == shop_slug, Product.slug == product_slug)
        )
        if product is None or not product.listed:
            raise NotFound("no such product")
        return _view(session, ctx, product)


def product_view_by_id(ctx: Context, product_id: int) -> ProductView:
    with ctx.uow.read() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFound("no such product")
        return _view(session, ctx, product)


def list_products(
    ctx: Context, *, shop_slug: str, listed_only: bool = True, offset: int = 0, limit: int = 50
) -> tuple[list[ProductView], int]:
    """A page of a shop's products with their claims, newest first, and the total count."""
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.uow.read() as session:
        query = select(Product).join(Shop, Shop.id == Product.shop_id).where(Shop.slug == shop_slug)
        if listed_only:
            query = query.where(Product.listed.is_(True))
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        products = session.scalars(
            query.order_by(Product.created_at.desc(), Product.id.desc()).offset(offset).limit(limit)
        )
        views = [_view(session, ctx, p) for p in products]
        # A seasonal product leaves the storefront by itself once its sale has ended.
        return [v for v in views if v.claims.availability is not Availability.DELISTED], total


def add_file(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    stream: BinaryIO,
    filename: str,
    as_cover: bool = False,
) -> StoredFile:
    """Store an upload (size-limited, type sniffed) and attach it as a deliverable or cover."""
    blob = ctx.storage.save(
        stream,
        max_bytes=ctx.settings.max_upload_bytes,
        allowed=IMAGE_TYPES if as_cover else None,
    )
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        stored = StoredFile(
            shop_id=product.shop_id,
            sha256=blob.sha256,
            size=blob.size,
            content_type=blob.content_type,
            filename=_safe_filename(filename),
            created_at=ctx.clock.now(),
        )
        session.add(stored)
        session.flush()
        if as_cover:
            product.cover_file_id = stored.id
        else:
            session.add(ProductFile(product_id=product.id, file_id=stored.id))
        return stored


def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return name[:200] or "file"


def public_file(ctx: Context, file_id: int) -> StoredFile:
    """A cover image, which anyone may see (deliverables go through delivery instead)."""
    with ctx.uow.read() as session:
        stored = session.get(StoredFile, file_id)
        is_cover = session.scalar(select(Product.id).where(Product.cover_file_id == file_id))
    if stored is None or is_cover is None:
        raise NotFound("no such image")
    return stored


# --- Added for the server-rendered pages (web/pages) -------------------------------------


def list_shops(ctx: Context, *, limit: int = MAX_PAGE) -> list[Shop]:
    """Every shop on this server, oldest first: the storefront's front door."""
    with ctx.uow.read() as session:
        return list(session.scalars(select(Shop).order_by(Shop.id).limit(limit)))


def products_with_shops(ctx: Context, product_ids: list[int]) -> dict[int, tuple[Product, Shop]]:
    """Products and their shops by id, in one query (for order lists)."""
    if not product_ids:
        return {}
    with ctx.uow.read() as session:
        rows = session.execute(
            select(Product, Shop)
            .join(Shop, Shop.id == Product.shop_id)
            .where(Product.id.in_(set(product_ids)))
        ).all()
    return {product.id: (product, shop) for product, shop in rows}


@dataclass(frozen=True, slots=True)
class StockReport:
    """The seller's view of a product's stock: the raw counters beside what buyers see."""

    quantity: int | None
    sold: int
    live_held: int
    remaining: int | None
    minted: int


def stock_report(ctx: Context, *, actor_id: int, product_id: int) -> StockReport:
    with ctx.uow.read() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        release = current_release(session, product.id)
        level = stock.stock_level(session, release_id=release.id, now=ctx.clock.now())
        return StockReport(
            quantity=level.quantity,
            sold=level.sold,
            live_held=level.live_held,
            remaining=level.remaining,
            minted=product.minted,
        )

"""The seller console's read-only queries: a shop's day, its stock, its orders, a claims preview.

Every function here only reads, and every one first checks that the seller owns the shop
(``catalog.owned_shop``), so a seller never sees another seller's numbers. Writes go through
the use cases that already exist (``catalog``, ``accounts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulstock.domain.drops import ReleaseKind, ReleaseState
from soulstock.domain.errors import NotFound
from soulstock.domain.orders import OrderStatus
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.scarcity import (
    Availability,
    ProductState,
    ScarcityClaims,
    StockLevel,
    claims_at,
)
from soulstock.domain.tiers import Portfolio, portfolio
from soulstock.services import catalog, waitlists
from soulstock.services.context import Context
from soulstock.services.scarcity import policy_of, product_state
from soulstock.store import stock
from soulstock.store.models import (
    Edition,
    Order,
    Product,
    ProductFile,
    ProductPolicy,
    Release,
    Shop,
    StoredFile,
)

LOW_STOCK_SHARE = 0.20  # a limited product is low when at most 20% of it is left...
LOW_STOCK_UNITS = 5  # ...or at most 5 units
ORDERS_PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class DaySales:
    day: date
    orders: int
    revenue_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class ProductRow:
    product: Product
    level: StockLevel

    @property
    def low(self) -> bool:
        remaining, quantity = self.level.remaining, self.level.quantity
        if remaining is None or quantity is None:
            return False
        return remaining <= LOW_STOCK_UNITS or remaining <= quantity * LOW_STOCK_SHARE


@dataclass(frozen=True, slots=True)
class OpenSale:
    """A product whose drop, tranche, restock or sale window is open right now."""

    product: Product
    claims: ScarcityClaims


@dataclass(frozen=True, slots=True)
class Overview:
    shop: Shop
    sales: DaySales
    products: list[ProductRow]
    balance: Portfolio
    open_now: list[OpenSale] = field(default_factory=list)
    waiting: list[tuple[Product, int]] = field(default_factory=list)  # confirmed members

    @property
    def low_stock(self) -> list[ProductRow]:
        return [row for row in self.products if row.low]


@dataclass(frozen=True, slots=True)
class EditableProduct:
    shop: Shop
    row: ProductRow
    files: list[StoredFile]
    cover: StoredFile | None
    policy: InventoryPolicy | None = None
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderRow:
    order: Order
    product_title: str
    editions: list[int]


@dataclass(frozen=True, slots=True)
class OrderPage:
    shop: Shop
    rows: list[OrderRow]
    total: int
    page: int
    pages: int


def portfolio_balance(kinds: list[str]) -> Portfolio:
    """Staple share of a line of products, by the tiers' rule (warns under 20%)."""
    return portfolio([PolicyKind(kind) for kind in kinds])


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC-aware instants where ``day`` starts and ends in the shop's time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _sales_on(session: Session, shop: Shop, day: date) -> DaySales:
    start, end = day_bounds(day, shop.timezone)
    row = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.amount_minor), 0)).where(
            Order.shop_id == shop.id,
            Order.status == OrderStatus.PAID.value,
            Order.paid_at >= start,
            Order.paid_at < end,
        )
    ).one()
    return DaySales(day, int(row[0]), int(row[1]), shop.currency)


def _rows(session: Session, ctx: Context, shop: Shop) -> list[ProductRow]:
    products = session.scalars(
        select(Product)
        .where(Product.shop_id == shop.id)
        .order_by(Product.created_at.desc(), Product.id.desc())
    )
    now = ctx.clock.now()
    return [ProductRow(p, _level(session, p.id, now)) for p in products]


def _level(session: Session, product_id: int, now: datetime) -> StockLevel:
    """The latest release's live counters; a periodic product before its first drop has none."""
    release_id = session.scalar(
        select(Release.id).where(Release.product_id == product_id).order_by(Release.id.desc())
    )
    if release_id is None:
        return StockLevel(None, 0, 0)
    return stock.stock_level(session, release_id=release_id, now=now)


def overview(ctx: Context, *, actor_id: int, shop_slug: str) -> Overview:
    """Today's paid sales (in the shop's time zone), every product's stock, portfolio balance."""
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        today = ctx.clock.now().astimezone(ZoneInfo(shop.timezone)).date()
        rows = _rows(session, ctx, shop)
        balance = portfolio_balance([row.product.policy for row in rows])
        return Overview(
            shop,
            _sales_on(session, shop, today),
            rows,
            balance,
            open_now=_open_now(session, shop=shop, rows=rows, now=ctx.clock.now()),
            waiting=_waiting(session, rows=rows),
        )


def _open_now(
    session: Session, *, shop: Shop, rows: list[ProductRow], now: datetime
) -> list[OpenSale]:
    """Listed products with a timed sale open now: a drop, tranche, restock or window."""
    found = []
    for row in rows:
        if not row.product.listed:
            continue
        claims = claims_at(product_state(session, product=row.product, shop=shop, now=now), now)
        timed = claims.release_kind is not None and claims.release_kind is not ReleaseKind.BASE
        if claims.availability is Availability.AVAILABLE and (timed or claims.ends_at):
            found.append(OpenSale(row.product, claims))
    return found


def _waiting(session: Session, *, rows: list[ProductRow]) -> list[tuple[Product, int]]:
    """Products with people on their waitlist, most waited-for first."""
    sizes = [(row.product, waitlists.confirmed(session, row.product.id)) for row in rows]
    return sorted(((p, n) for p, n in sizes if n), key=lambda pair: -pair[1])


def sales_on(ctx: Context, *, actor_id: int, shop_slug: str, day: date) -> DaySales:
    """Paid orders and revenue on one calendar day of the shop's time zone."""
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        return _sales_on(session, shop, day)


def products(ctx: Context, *, actor_id: int, shop_slug: str) -> tuple[Shop, list[ProductRow]]:
    """Every product of the seller's shop, listed or not, with its live stock, newest first."""
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        return shop, _rows(session, ctx, shop)


def owned_shop(ctx: Context, *, actor_id: int, shop_slug: str) -> Shop:
    """The seller's shop (NotFound / PermissionDenied otherwise)."""
    with ctx.uow.read() as session:
        return catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)


def editable_product(
    ctx: Context, *, actor_id: int, shop_slug: str, product_id: int
) -> EditableProduct:
    """A product of the seller's shop with its stock, files and cover, for the edit page."""
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        product = session.get(Product, product_id)
        if product is None or product.shop_id != shop.id:
            raise NotFound("no such product in this shop")
        level = _level(session, product.id, ctx.clock.now())
        files = list(
            session.scalars(
                select(StoredFile)
                .join(ProductFile, ProductFile.file_id == StoredFile.id)
                .where(ProductFile.product_id == product.id)
                .order_by(ProductFile.id)
            )
        )
        cover = session.get(StoredFile, product.cover_file_id) if product.cover_file_id else None
        settings = session.get(ProductPolicy, product.id)
        options = {
            "tier": settings.tier if settings else None,
            "countdown": settings.countdown if settings else False,
            "hint_threshold": settings.hint_threshold if settings else None,
        }
        policy = policy_of(product, settings)
        return EditableProduct(shop, ProductRow(product, level), files, cover, policy, options)


def shop_orders(
    ctx: Context, *, actor_id: int, shop_slug: str, page: int = 1, per_page: int = ORDERS_PER_PAGE
) -> OrderPage:
    """One page of the shop's orders, newest first, with product titles and edition numbers."""
    per_page = max(1, min(per_page, catalog.MAX_PAGE))
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        total = session.scalar(select(func.count(Order.id)).where(Order.shop_id == shop.id)) or 0
        pages = max(1, -(-total // per_page))
        page = max(1, min(page, pages))
        found = session.execute(
            select(Order, Product.title)
            .join(Product, Product.id == Order.product_id)
            .where(Order.shop_id == shop.id)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        numbers: dict[int, list[int]] = {order.id: [] for order, _ in found}
        if numbers:
            editions = session.execute(
                select(Edition.order_id, Edition.number)
                .where(Edition.order_id.in_(list(numbers)))
                .order_by(Edition.number)
            )
            for order_id, number in editions:
                numbers[order_id].append(number)
        rows = [OrderRow(order, title, numbers[order.id]) for order, title in found]
        return OrderPage(shop, rows, total, page, pages)


@dataclass(frozen=True, slots=True)
class BuyerRow:
    """One buyer of the shop (by email), over their paid orders."""

    email: str
    has_account: bool
    orders: int
    units: int
    spent_minor: int
    last_paid_at: datetime | None


def shop_buyers(ctx: Context, *, actor_id: int, shop_slug: str) -> tuple[Shop, list[BuyerRow]]:
    """The shop's buyers, biggest spenders first: one SQL aggregate over paid orders."""
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        rows = session.execute(
            select(
                Order.email,
                func.max(Order.buyer_id),
                func.count(Order.id),
                func.sum(Order.quantity),
                func.sum(Order.amount_minor),
                func.max(Order.paid_at),
            )
            .where(Order.shop_id == shop.id, Order.status == OrderStatus.PAID.value)
            .group_by(Order.email)
            .order_by(func.sum(Order.amount_minor).desc(), Order.email)
            .limit(catalog.MAX_PAGE * 5)
        ).all()
    return shop, [
        BuyerRow(email, account is not None, int(n), int(units), int(spent), last)
        for email, account, n, units, spent, last in rows
    ]


def claims_preview(
    ctx: Context,
    *,
    actor_id: int,
    shop_slug: str,
    policy: InventoryPolicy,
    price_minor: int,
    product_id: int | None = None,
    countdown: bool = False,
    hint_threshold: int | None = None,
) -> ScarcityClaims:
    """What the storefront would claim, by ``claims_at``, if the product had ``policy`` now.

    An existing product keeps its real releases, windows and sales (only the policy and the
    base quantity follow the form); a product not created yet is one fresh release.
    """
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        shop = catalog.owned_shop(session, actor_id=actor_id, slug=shop_slug)
        product = session.get(Product, product_id) if product_id else None
        if product is None or product.shop_id != shop.id:
            state = ProductState(policy, _fresh(policy, now), shop.timezone, price_minor)
        else:
            state = product_state(session, product=product, shop=shop, now=now)
            releases = state.releases
            if policy.kind in (PolicyKind.STAPLE, PolicyKind.LIMITED):
                releases = tuple(replace(r, quantity=policy.cap) for r in releases)
            state = replace(state, policy=policy, releases=releases)
    return claims_at(replace(state, countdown=countdown, hint_threshold=hint_threshold), now)


def _fresh(policy: InventoryPolicy, now: datetime) -> tuple[ReleaseState, ...]:
    """The releases a product with ``policy`` would have the moment it is created."""
    if policy.kind is PolicyKind.PERIODIC:
        return ()  # drops are made by the schedule
    if policy.kind is PolicyKind.TRANCHE:
        return (ReleaseState(1, ReleaseKind.TRANCHE, policy.tranche_size, 0, 0, opens_at=now),)
    return (ReleaseState(0, ReleaseKind.BASE, policy.cap, 0, 0),)

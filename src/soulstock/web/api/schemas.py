"""Request and response bodies of the JSON API (Pydantic v2)."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from soulstock.domain.editions import edition_label
from soulstock.domain.orders import OrderStatus, order_view
from soulstock.domain.reservation import Hold
from soulstock.services.catalog import ProductView
from soulstock.services.checkout import OrderDetails
from soulstock.services.library import OwnedEdition
from soulstock.store.models import Order, Shop, StoredFile, User

T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class SignUp(Strict):
    email: EmailStr
    password: str = Field(min_length=8, max_length=200)
    display_name: str = Field(default="", max_length=80)
    seller: bool = False


class LogIn(Strict):
    email: EmailStr
    password: str = Field(max_length=200)


class UserOut(BaseModel):
    id: int
    email: str
    display_name: str
    is_seller: bool
    locale: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            is_seller=user.is_seller,
            locale=user.locale,
        )


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=80)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    token: str | None = Field(default=None, description="shown once, at creation")


class ShopIn(Strict):
    slug: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=80)
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class ShopPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    timezone: str | None = Field(default=None, max_length=64)


class ShopOut(BaseModel):
    slug: str
    name: str
    currency: str
    timezone: str

    @classmethod
    def of(cls, shop: Shop) -> ShopOut:
        return cls(slug=shop.slug, name=shop.name, currency=shop.currency, timezone=shop.timezone)


class PolicyIn(Strict):
    kind: Literal["staple", "limited", "periodic", "tranche", "unlock", "seasonal"]
    total: int | None = Field(default=None, ge=1)
    rrule: str | None = Field(default=None, max_length=200, description="periodic: RFC 5545")
    starts_at: datetime | None = Field(default=None, description="periodic: the first drop")
    drop_quantity: int | None = Field(default=None, ge=1)
    rollover: bool = False
    tranche_size: int | None = Field(default=None, ge=1)
    cooldown_seconds: int = Field(default=0, ge=0)
    velocity_seconds: int | None = Field(default=None, ge=1)
    sale_ends_at: datetime | None = None

    def params(self) -> dict[str, object]:
        return self.model_dump(exclude={"kind", "total"})


class ProductIn(Strict):
    title: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(default=None, max_length=60)
    description_md: str = Field(default="", max_length=20_000)
    price_minor: int = Field(ge=0, description="price in minor units, e.g. 2990 = ¥29.90")
    policy: PolicyIn
    listed: bool = True


class ProductPatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=120)
    description_md: str | None = Field(default=None, max_length=20_000)
    price_minor: int | None = Field(default=None, ge=0)
    listed: bool | None = None
    policy: PolicyIn | None = None


class ClaimsOut(BaseModel):
    """Everything the storefront may say about stock at this instant."""

    availability: Literal["available", "all_held", "sold_out", "upcoming", "closed", "delisted"]
    total: int | None
    remaining: int | None
    sold: int
    never_reissued: bool
    kind: str = "limited"
    release: str | None = Field(default=None, description="base, drop, tranche or early_bird")
    release_seq: int | None = None
    opens_at: datetime | None = None
    ends_at: datetime | None = None
    opens_in_seconds: int | None = None
    ends_in_seconds: int | None = None
    countdown: bool = False
    price_minor: int | None = Field(default=None, description="the price at this instant")
    special_price: bool = False
    next_goal: int | None = Field(default=None, description="sales needed for the next unlock")
    next_goal_title: str | None = None
    goals_reached: list[str] = []


class FileOut(BaseModel):
    id: int
    filename: str
    size: int
    content_type: str
    sha256: str

    @classmethod
    def of(cls, f: StoredFile) -> FileOut:
        return cls(
            id=f.id, filename=f.filename, size=f.size, content_type=f.content_type, sha256=f.sha256
        )


class ProductOut(BaseModel):
    id: int
    shop: str
    slug: str
    title: str
    description_md: str
    price_minor: int
    currency: str
    policy: PolicyIn
    listed: bool
    cover_url: str | None
    claims: ClaimsOut
    files: list[FileOut]

    @classmethod
    def of(cls, view: ProductView) -> ProductOut:
        p, c = view.product, view.claims
        return cls(
            id=p.id,
            shop=view.shop.slug,
            slug=p.slug,
            title=p.title,
            description_md=p.description_md,
            price_minor=p.price_minor,
            currency=p.currency,
            policy=PolicyIn(kind=p.policy, total=p.cap),  # type: ignore[arg-type]
            listed=p.listed,
            cover_url=f"/media/{p.cover_file_id}" if p.cover_file_id else None,
            claims=ClaimsOut(
                availability=c.availability.value,
                total=c.total,
                remaining=c.remaining,
                sold=c.sold,
                never_reissued=c.never_reissued,
                kind=c.kind.value,
                release=c.release_kind.value if c.release_kind else None,
                release_seq=c.release_seq,
                opens_at=c.opens_at,
                ends_at=c.ends_at,
                opens_in_seconds=c.opens_in_seconds,
                ends_in_seconds=c.ends_in_seconds,
                countdown=c.countdown,
                price_minor=c.price_minor,
                special_price=c.special_price,
                next_goal=c.goals.next_goal.threshold if c.goals and c.goals.next_goal else None,
                next_goal_title=c.goals.next_goal.title if c.goals and c.goals.next_goal else None,
                goals_reached=[g.title for g in c.goals.reached] if c.goals else [],
            ),
            files=[FileOut.of(f) for f in view.files],
        )


class StockOut(BaseModel):
    """Counters for the seller; ``live_held`` counts only unexpired holds."""

    quantity: int | None
    sold: int
    live_held: int
    remaining: int | None
    minted: int


class ReserveIn(Strict):
    quantity: int = Field(default=1, ge=1, le=10)
    email: EmailStr | None = Field(default=None, description="needed when not signed in")


class EditionOut(BaseModel):
    number: int
    label: str


class OrderOut(BaseModel):
    id: str
    status: str
    product_id: int
    quantity: int
    amount_minor: int
    currency: str
    email: str
    created_at: datetime
    paid_at: datetime | None
    hold_expires_at: datetime | None = None
    hold_seconds_left: int | None = None
    editions: list[EditionOut] = []

    @classmethod
    def of(cls, order: Order, *, status: str | None = None) -> OrderOut:
        return cls(
            id=order.public_id,
            status=status or order.status,
            product_id=order.product_id,
            quantity=order.quantity,
            amount_minor=order.amount_minor,
            currency=order.currency,
            email=order.email,
            created_at=order.created_at,
            paid_at=order.paid_at,
        )

    @classmethod
    def of_hold(cls, order: Order, hold: Hold, *, now: datetime) -> OrderOut:
        out = cls.of(order)
        out.status = order_view(OrderStatus(order.status), hold, now).value
        out.hold_expires_at = hold.expires_at
        out.hold_seconds_left = hold.seconds_left(now)
        return out

    @classmethod
    def of_details(cls, d: OrderDetails, *, now: datetime) -> OrderOut:
        out = cls.of_hold(d.order, d.hold, now=now)
        out.editions = [
            EditionOut(number=e.number, label=edition_label(e.number, d.product.cap))
            for e in d.editions
        ]
        return out


class ReservedOut(BaseModel):
    order: OrderOut
    access_token: str = Field(description="the order's secret: keep it to pay and download")


class PaymentStartOut(BaseModel):
    provider: str
    redirect_url: str


class ClaimIn(Strict):
    access_token: str = Field(min_length=8, max_length=100)


class LibraryItemOut(BaseModel):
    edition_id: int
    product_id: int
    product_title: str
    shop: str
    number: int
    label: str
    order_id: str

    @classmethod
    def of(cls, item: OwnedEdition) -> LibraryItemOut:
        return cls(
            edition_id=item.edition.id,
            product_id=item.product.id,
            product_title=item.product.title,
            shop=item.shop.slug,
            number=item.edition.number,
            label=item.label,
            order_id=item.order_public_id,
        )


class DownloadLinkOut(BaseModel):
    url: str
    expires_in: int

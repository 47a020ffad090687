"""The buyer's library: the editions they own, one edition's page, and gifts to accept."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from soulstock.domain.editions import edition_label
from soulstock.domain.errors import NotFound
from soulstock.ledger import entries
from soulstock.services import payloads
from soulstock.services.context import Context
from soulstock.store.models import (
    Edition,
    EditionRecord,
    Order,
    Product,
    ProductFile,
    Shop,
    StoredFile,
    Transfer,
    TransferRule,
    User,
)


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


@dataclass(frozen=True, slots=True)
class EditionPage:
    """One owned edition as its owner sees it (nobody else reads this)."""

    owned: OwnedEdition
    dedication: str | None
    dedication_hash: str | None  # what the log holds: a salted commitment, never the text
    payload: str | None  # the unique code delivered with this edition, owner only
    files: list[StoredFile]
    offers: list[Transfer]  # gifts of this edition waiting for their recipient
    rule: TransferRule | None


@dataclass(frozen=True, slots=True)
class IncomingGift:
    transfer: Transfer
    product: Product
    shop: Shop
    label: str
    giver: str


def edition_page(ctx: Context, *, user_id: int, edition_id: int) -> EditionPage:
    """An edition of ``user_id`` with its story, payload, files and open gifts; NotFound for
    anyone else, so another account cannot even learn that the edition exists."""
    with ctx.uow.read() as session:
        row = session.execute(
            select(Edition, Product, Shop, Order.public_id)
            .join(Product, Product.id == Edition.product_id)
            .join(Shop, Shop.id == Product.shop_id)
            .join(Order, Order.id == Edition.order_id)
            .where(Edition.id == edition_id, Edition.owner_id == user_id)
        ).first()
        if row is None:
            raise NotFound("no such edition in your library")
        edition, product, shop, public_id = row
        record = session.get(EditionRecord, edition.id)
        dedication = record.dedication if record else None
        digest = None
        if record and record.dedication and record.dedication_salt:
            digest = entries.commitment(record.dedication_salt, record.dedication)
        files = session.scalars(
            select(StoredFile)
            .join(ProductFile, ProductFile.file_id == StoredFile.id)
            .where(ProductFile.product_id == product.id)
            .order_by(ProductFile.id)
        ).all()
        offers = session.scalars(
            select(Transfer)
            .where(Transfer.edition_id == edition.id, Transfer.status == "offered")
            .order_by(Transfer.id)
        ).all()
        return EditionPage(
            OwnedEdition(edition, product, shop, public_id),
            dedication,
            digest,
            payloads.payload_of(session, edition.id),
            list(files),
            list(offers),
            session.get(TransferRule, product.id),
        )


def incoming_gifts(ctx: Context, *, user_id: int) -> list[IncomingGift]:
    """Gifts offered to this account's email, waiting to be accepted."""
    with ctx.uow.read() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("no such account")
        rows = session.execute(
            select(Transfer, Edition, Product, Shop, User.display_name)
            .join(Edition, Edition.id == Transfer.edition_id)
            .join(Product, Product.id == Edition.product_id)
            .join(Shop, Shop.id == Product.shop_id)
            .join(User, User.id == Transfer.from_user_id)
            .where(Transfer.to_email == user.email.lower(), Transfer.status == "offered")
            .order_by(Transfer.id)
        ).all()
    return [
        IncomingGift(t, p, s, edition_label(e.number, p.cap), giver) for t, e, p, s, giver in rows
    ]

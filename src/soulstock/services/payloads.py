"""Unique payloads (卡密): a per-product pool, each payload delivered to exactly one edition.

Assignment happens in the payment's transaction (``ownership.record_mints``) with one
conditional UPDATE per edition: the subselect picks the lowest free payload, on PostgreSQL
with ``FOR UPDATE SKIP LOCKED`` so concurrent buyers take different rows without waiting
(SQLite runs one writer at a time). ``edition_id`` is UNIQUE, so a payload can never be
delivered twice, and it is set in the same commit as the sale, so none is ever lost.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from soulstock.domain.errors import InvalidInput, NotFound
from soulstock.services.catalog import owned_product
from soulstock.services.context import Context
from soulstock.store.models import Edition, Payload, Product, Shop

MAX_CODE = 500


HEADER_NAMES = frozenset(
    {
        "code",
        "codes",
        "key",
        "keys",
        "license",
        "license key",
        "payload",
        "卡密",
        "激活码",
        "兑换码",
    }
)


def parse_codes(text: str) -> list[str]:
    """Codes from plain text (one per line) or CSV (first column); blanks and '#' skipped,
    and a CSV header row (a first cell such as "code" or "卡密") is not taken for a code."""
    codes: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        code = row[0].strip()
        if len(row) > 1 and code.lower().replace("_", " ") in HEADER_NAMES:
            continue
        if len(code) > MAX_CODE:
            raise InvalidInput(f"a payload is longer than {MAX_CODE} characters")
        codes.append(code)
    if not codes:
        raise InvalidInput("the file holds no payloads")
    return codes


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    duplicates: int


def import_codes(ctx: Context, *, actor_id: int, product_id: int, text: str) -> ImportResult:
    """Add payloads to a product's pool; codes already in the pool are skipped."""
    lines = parse_codes(text)
    codes = list(dict.fromkeys(lines))
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        owned_product(session, actor_id=actor_id, product_id=product_id)
        existing = set(
            session.scalars(
                select(Payload.code).where(
                    Payload.product_id == product_id, Payload.code.in_(codes)
                )
            )
        )
        fresh = [c for c in codes if c not in existing]
        session.add_all(Payload(product_id=product_id, code=c, imported_at=now) for c in fresh)
    # Fix: repeats inside the file count as duplicates too (they used to vanish silently).
    return ImportResult(added=len(fresh), duplicates=len(lines) - len(fresh))


@dataclass(frozen=True, slots=True)
class PayloadRow:
    id: int
    code: str
    edition_number: int | None
    delivered_at: datetime | None


def pool(ctx: Context, *, actor_id: int, product_id: int) -> list[PayloadRow]:
    """The seller's view of the pool: every payload, and which edition got it."""
    with ctx.uow.read() as session:
        owned_product(session, actor_id=actor_id, product_id=product_id)
        rows = session.execute(
            select(Payload, Edition.number)
            .outerjoin(Edition, Edition.id == Payload.edition_id)
            .where(Payload.product_id == product_id)
            .order_by(Payload.id)
        ).all()
    return [PayloadRow(p.id, p.code, n, p.delivered_at) for p, n in rows]


def has_pool(session: Session, product_id: int) -> bool:
    return bool(session.scalar(select(func.count()).where(Payload.product_id == product_id)))


def assign(session: Session, *, product_id: int, edition_ids: list[int], now: datetime) -> None:
    """Give each new edition the next free payload of the product, if it has any."""
    for edition_id in edition_ids:
        free = (
            select(Payload.id)
            .where(Payload.product_id == product_id, Payload.edition_id.is_(None))
            .order_by(Payload.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        taken = session.scalar(
            update(Payload)
            .where(Payload.id == free, Payload.edition_id.is_(None))
            .values(edition_id=edition_id, delivered_at=now)
            .returning(Payload.id)
        )
        if taken is None:
            return  # no pool, or the pool ran dry: nothing to hand out


def payload_of(session: Session, edition_id: int) -> str | None:
    return session.scalar(select(Payload.code).where(Payload.edition_id == edition_id))


def import_for_shop(ctx: Context, *, shop_slug: str, product_slug: str, text: str) -> ImportResult:
    """Import payloads as the shop's owner (the operator's CLI), naming the product by slug."""
    with ctx.uow.read() as session:
        found = session.execute(
            select(Product.id, Shop.owner_id)
            .join(Shop, Shop.id == Product.shop_id)
            .where(Shop.slug == shop_slug, Product.slug == product_slug)
        ).first()
    if found is None:
        raise NotFound(f"no product {product_slug!r} in shop {shop_slug!r}")
    return import_codes(ctx, actor_id=found.owner_id, product_id=found.id, text=text)

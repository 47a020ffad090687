"""Edition certificates: the JSON a buyer keeps, verifiable offline with the shop's key.

Its format is ``ledger.certificate`` (records of the mint and transfers, each with a C2SP
tlog-proof against the newest checkpoint). It is "pending" until a checkpoint covers every
record, then "final".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulstock.domain.errors import NotFound, PermissionDenied
from soulstock.ledger import certificate, merkle
from soulstock.ledger.note import parse_vkey
from soulstock.ledger.proof import TlogProof
from soulstock.services.context import Context
from soulstock.store import logstore
from soulstock.store.models import (
    Edition,
    EditionRecord,
    LogCheckpoint,
    LogEntry,
    LogKey,
    Product,
    Shop,
)


def owned_edition(session: Session, *, user_id: int, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("no such edition")
    if edition.owner_id != user_id:
        raise PermissionDenied("this edition belongs to someone else")
    return edition


def build(session: Session, *, edition: Edition, base_url: str) -> dict[str, Any]:
    """The certificate of an edition as it stands in this transaction."""
    product = session.get(Product, edition.product_id)
    assert product is not None
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    record = session.get(EditionRecord, edition.id)
    if record is None:
        raise NotFound("this edition has no log record")
    rows = session.scalars(
        select(LogEntry)
        .where(LogEntry.edition_id == edition.id, LogEntry.kind.in_(("mint", "transfer")))
        .order_by(LogEntry.idx)
    ).all()
    latest = session.scalar(
        select(LogCheckpoint)
        .where(LogCheckpoint.shop_id == shop.id)
        .order_by(LogCheckpoint.size.desc())
        .limit(1)
    )
    origin = session.scalar(select(LogKey.origin).where(LogKey.shop_id == shop.id).limit(1))
    records = []
    for row in rows:
        proof = None
        if latest is not None and row.idx < latest.size:
            path = logstore.proof(
                session, shop_id=shop.id, plan=merkle.inclusion_plan(row.idx, latest.size)
            )
            proof = TlogProof(row.idx, tuple(path), latest.note).text()
        records.append(certificate.record(bytes(row.data), proof))
    final = bool(records) and all(r["proof"] is not None for r in records)
    return {
        "format": certificate.FORMAT,
        "origin": origin,
        "shop": shop.slug,
        "product": {"id": product.id, "title": product.title},
        "edition": edition.number,
        "of": product.cap,
        "owner": {"hash": record.owner_hash, "salt": record.owner_salt},
        "status": "final" if final else "pending",
        "verify_url": f"{base_url.rstrip('/')}/verify",
        "records": records,
    }


def edition_certificate(ctx: Context, *, user_id: int, edition_id: int) -> dict[str, Any]:
    """The owner's certificate for one of their editions."""
    with ctx.uow.read() as session:
        edition = owned_edition(session, user_id=user_id, edition_id=edition_id)
        return build(session, edition=edition, base_url=ctx.settings.base_url)


@dataclass(frozen=True, slots=True)
class CertificateView:
    """What the printable certificate page shows about an owned edition."""

    certificate: dict[str, Any]
    log_index: int | None  # the mint's index in the shop's log
    checkpoint: str | None  # the newest signed checkpoint note, if any


def certificate_view(ctx: Context, *, user_id: int, edition_id: int) -> CertificateView:
    """The owner's certificate with its log index and the newest checkpoint, for the page."""
    with ctx.uow.read() as session:
        edition = owned_edition(session, user_id=user_id, edition_id=edition_id)
        cert = build(session, edition=edition, base_url=ctx.settings.base_url)
        index = session.scalar(
            select(LogEntry.idx).where(LogEntry.edition_id == edition.id, LogEntry.kind == "mint")
        )
        note = session.scalar(
            select(LogCheckpoint.note)
            .join(Shop, Shop.id == LogCheckpoint.shop_id)
            .where(Shop.slug == cert["shop"])
            .order_by(LogCheckpoint.size.desc())
            .limit(1)
        )
    return CertificateView(cert, index, note)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    verified: certificate.Verified | None
    reason: str | None  # a ``certificate.REASONS`` code, "json" or "shop" when it failed
    detail: str = ""


def verify_document(ctx: Context, *, text: str) -> VerifyResult:
    """Verify a pasted certificate with its shop's keys (the active one and retired ones)."""
    try:
        document = json.loads(text)
    except ValueError:
        return VerifyResult(None, "json")
    shop = document.get("shop") if isinstance(document, dict) else None
    with ctx.uow.read() as session:
        vkeys = session.scalars(
            select(LogKey.vkey)
            .join(Shop, Shop.id == LogKey.shop_id)
            .where(Shop.slug == str(shop))
            .order_by(LogKey.active.desc(), LogKey.id.desc())
        ).all()
    if not vkeys:
        return VerifyResult(None, "shop", str(shop or ""))
    failure = None
    for vkey in vkeys:
        try:
            return VerifyResult(certificate.verify(document, parse_vkey(vkey)), None)
        except certificate.CertificateError as exc:
            # A retired key fails the signature; any other failure is the certificate's own.
            if failure is None or failure.reason == "signature":
                failure = exc
    assert failure is not None
    return VerifyResult(None, failure.reason, failure.detail)

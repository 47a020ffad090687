"""Delivery: owners download their files through signed links that expire.

A link names the order, the file, who it was made for and when it expires, signed with the
shop server's secret. It works only for that owner (the signed-in account, or for a guest
order the holder of the order's secret link), only until it expires, and only while the
order is paid. An edited link fails its signature.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from soulstock.domain.errors import LinkExpired, NotFound, PermissionDenied
from soulstock.domain.orders import OrderStatus
from soulstock.services.checkout import OrderAccess, order_details
from soulstock.services.context import Context
from soulstock.store.models import Edition, Order, ProductFile, StoredFile

GUEST = "guest"


def _serializer(ctx: Context) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.settings.secret_key, salt="soulstock.download")


@dataclass(frozen=True, slots=True)
class Download:
    path: Path
    filename: str
    content_type: str


def download_token(ctx: Context, *, public_id: str, file_id: int, access: OrderAccess) -> str:
    """A signed token for one file of a paid order, valid for the download TTL."""
    details = order_details(ctx, public_id=public_id, access=access)
    if details.order.status != OrderStatus.PAID.value:
        raise PermissionDenied("files are delivered once the order is paid")
    _deliverable(ctx, product_id=details.order.product_id, file_id=file_id)
    expires = int(ctx.clock.now().timestamp()) + ctx.settings.download_link_ttl_seconds
    subject = access.user_id if details.order.buyer_id is not None else GUEST
    return _serializer(ctx).dumps([public_id, file_id, subject, expires])


def open_download(ctx: Context, *, token: str, user_id: int | None) -> Download:
    """Check a download token and the requester; 403 for anyone but its owner, 410 when late."""
    try:
        public_id, file_id, subject, expires = _serializer(ctx).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise PermissionDenied(
            "this download link is not valid (it was changed or is broken)"
        ) from None
    if subject != GUEST and subject != user_id:
        raise PermissionDenied(
            "this download link belongs to another account; sign in as its owner"
        )
    if ctx.clock.now().timestamp() > expires:
        raise LinkExpired("this download link has expired; open your library for a fresh one")
    with ctx.uow.read() as session:
        order = session.scalar(select(Order).where(Order.public_id == public_id))
    if order is None or order.status != OrderStatus.PAID.value:
        raise PermissionDenied("this order is not paid")
    if subject != GUEST and not _owns_edition_of(ctx, order_id=order.id, user_id=subject):
        raise PermissionDenied("this edition now belongs to someone else")
    stored = _deliverable(ctx, product_id=order.product_id, file_id=file_id)
    return Download(ctx.storage.path_of(stored.sha256), stored.filename, stored.content_type)


def _deliverable(ctx: Context, *, product_id: int, file_id: int) -> StoredFile:
    with ctx.uow.read() as session:
        stored = session.scalar(
            select(StoredFile)
            .join(ProductFile, ProductFile.file_id == StoredFile.id)
            .where(ProductFile.product_id == product_id, StoredFile.id == file_id)
        )
    if stored is None:
        raise NotFound("this product has no such file")
    return stored


def _owns_edition_of(ctx: Context, *, order_id: int, user_id: int) -> bool:
    """Access follows the edition: after a transfer the order's buyer no longer downloads."""
    with ctx.uow.read() as session:
        found = session.scalar(
            select(Edition.id).where(Edition.order_id == order_id, Edition.owner_id == user_id)
        )
    return found is not None


@dataclass(frozen=True, slots=True)
class Archive:
    data: bytes
    filename: str


def edition_archive(ctx: Context, *, user_id: int, edition_id: int) -> Archive:
    """The delivered zip of an owned edition: its files, its payload, its certificate."""
    from soulstock.services import certificates, payloads

    with ctx.uow.read() as session:
        edition = certificates.owned_edition(session, user_id=user_id, edition_id=edition_id)
        cert = certificates.build(session, edition=edition, base_url=ctx.settings.base_url)
        payload = payloads.payload_of(session, edition.id)
        files = session.scalars(
            select(StoredFile)
            .join(ProductFile, ProductFile.file_id == StoredFile.id)
            .where(ProductFile.product_id == edition.product_id)
            .order_by(ProductFile.id)
        ).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for stored in files:
            archive.write(ctx.storage.path_of(stored.sha256), f"files/{stored.filename}")
        if payload is not None:
            archive.writestr("payload.txt", payload + "\n")
        archive.writestr("certificate.json", json.dumps(cert, ensure_ascii=False, indent=2))
    return Archive(buffer.getvalue(), f"edition-{edition.number}.zip")

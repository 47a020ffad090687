"""Proofs, certificates, transfers, dedications and payload pools over the JSON API."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from soulstock.services import certificates, delivery, ownership, payloads, transfers
from soulstock.web.deps import CtxDep, CurrentSeller, CurrentUser

router = APIRouter(tags=["ownership"])


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@router.get("/log/{shop}/inclusion")
def inclusion(
    shop: str, ctx: CtxDep, index: int = Query(ge=0), size: int | None = Query(None, ge=1)
) -> dict[str, Any]:
    proof = ownership.inclusion(ctx, shop_slug=shop, index=index, size=size)
    return {**proof, "hashes": _b64(proof["hashes"])}


@router.get("/log/{shop}/consistency")
def consistency(
    shop: str, ctx: CtxDep, old: int = Query(ge=0), new: int | None = Query(None, ge=0)
) -> dict[str, Any]:
    proof = ownership.consistency(ctx, shop_slug=shop, old=old, new=new)
    return {**proof, "hashes": _b64(proof["hashes"])}


@router.get("/editions/{edition_id}/certificate")
def certificate(edition_id: int, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """The owner's certificate (status pending until a checkpoint covers it)."""
    return certificates.edition_certificate(ctx, user_id=user.id, edition_id=edition_id)


@router.get("/editions/{edition_id}/download")
def download(edition_id: int, ctx: CtxDep, user: CurrentUser) -> Response:
    """A zip of the files, the edition's payload if any, and its certificate (owner only)."""
    archive = delivery.edition_archive(ctx, user_id=user.id, edition_id=edition_id)
    return Response(
        archive.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{archive.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


class RulesIn(BaseModel):
    transferable: bool = True
    lock_seconds: int = Field(default=0, ge=0)
    daily_cap: int = Field(default=0, ge=0)


@router.put("/products/{product_id}/transfer-rules")
def set_rules(product_id: int, body: RulesIn, ctx: CtxDep, seller: CurrentSeller) -> RulesIn:
    rule = transfers.set_rules(
        ctx,
        actor_id=seller.id,
        product_id=product_id,
        transferable=body.transferable,
        lock_seconds=body.lock_seconds,
        daily_cap=body.daily_cap,
    )
    return RulesIn(
        transferable=rule.transferable, lock_seconds=rule.lock_seconds, daily_cap=rule.daily_cap
    )


class TransferIn(BaseModel):
    to_email: str = Field(max_length=254)


@router.post("/editions/{edition_id}/transfers", status_code=201)
def offer(edition_id: int, body: TransferIn, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    t = transfers.offer(ctx, user_id=user.id, edition_id=edition_id, to_email=body.to_email)
    return {"id": t.id, "edition_id": t.edition_id, "to_email": t.to_email, "status": t.status}


@router.get("/transfers")
def incoming(ctx: CtxDep, user: CurrentUser) -> list[dict[str, Any]]:
    found = transfers.pending_for(ctx, user_id=user.id)
    return [{"id": t.id, "edition_id": t.edition_id, "status": t.status} for t in found]


@router.post("/transfers/{transfer_id}/accept")
def accept(transfer_id: int, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    edition = transfers.accept(ctx, user_id=user.id, transfer_id=transfer_id)
    return {"edition_id": edition.id, "number": edition.number, "owner_id": edition.owner_id}


class DedicationIn(BaseModel):
    text: str = Field(min_length=1, max_length=transfers.MAX_DEDICATION)


@router.put("/editions/{edition_id}/dedication")
def dedicate(edition_id: int, body: DedicationIn, ctx: CtxDep, user: CurrentUser) -> dict[str, str]:
    digest = transfers.dedicate(ctx, user_id=user.id, edition_id=edition_id, text=body.text)
    return {"hash": digest}


class PayloadsIn(BaseModel):
    text: str = Field(min_length=1, max_length=5_000_000)


@router.post("/products/{product_id}/payloads", status_code=201)
def import_payloads(
    product_id: int, body: PayloadsIn, ctx: CtxDep, seller: CurrentSeller
) -> dict[str, int]:
    """Import unique payloads from text (one per line) or CSV (first column)."""
    result = payloads.import_codes(ctx, actor_id=seller.id, product_id=product_id, text=body.text)
    return {"added": result.added, "duplicates": result.duplicates}


@router.get("/products/{product_id}/payloads")
def list_payloads(product_id: int, ctx: CtxDep, seller: CurrentSeller) -> list[dict[str, Any]]:
    rows = payloads.pool(ctx, actor_id=seller.id, product_id=product_id)
    return [
        {
            "id": r.id,
            "code": r.code,
            "edition": r.edition_number,
            "used": r.edition_number is not None,
        }
        for r in rows
    ]

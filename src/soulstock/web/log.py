"""The public log: checkpoint, verifier key and C2SP tlog-tiles, at /log/<shop>/..."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from soulstock.services import ownership
from soulstock.web.deps import CtxDep

router = APIRouter(prefix="/log/{shop}", tags=["log"])
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(shop: str, ctx: CtxDep) -> PlainTextResponse:
    """The newest signed checkpoint (C2SP tlog-checkpoint, signed-note)."""
    note = ownership.latest_checkpoint(ctx, shop_slug=shop)
    return PlainTextResponse(note, headers={"Cache-Control": "no-cache"})


@router.get("/key", response_class=PlainTextResponse)
def key(shop: str, ctx: CtxDep) -> PlainTextResponse:
    """The shop's verifier keys (vkey format), the active one first."""
    keys = ownership.verifier_keys(ctx, shop_slug=shop)
    return PlainTextResponse("\n".join(keys) + "\n")


@router.get("/tile/{path:path}")
def tile(shop: str, path: str, ctx: CtxDep) -> Response:
    """A hash tile or entry bundle (C2SP tlog-tiles); full tiles never change."""
    data, full = ownership.tile(ctx, shop_slug=shop, path=path)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Cache-Control": IMMUTABLE if full else SHORT},
    )

"""Payment provider callbacks. The body is read raw: signatures cover exact bytes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from soulstock.services import payments
from soulstock.web.deps import CtxDep

router = APIRouter(tags=["payments"])


@router.post("/payments/{provider}/callback")
async def callback(provider: str, request: Request, ctx: CtxDep) -> dict[str, str]:
    """Verify and apply a provider's notice. Replays answer 200 with ``nothing``."""
    body = await request.body()
    settlement = await run_in_threadpool(
        payments.receive_callback, ctx, provider=provider, body=body, headers=dict(request.headers)
    )
    return {"result": settlement.value}

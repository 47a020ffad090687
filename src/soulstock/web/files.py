"""File responses: cover images (public) and deliverables through signed links."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from soulstock.services import catalog, delivery
from soulstock.web.deps import CtxDep, OptionalUser

router = APIRouter(tags=["files"])


@router.get("/media/{file_id}")
def cover(file_id: int, ctx: CtxDep) -> FileResponse:
    stored = catalog.public_file(ctx, file_id)
    return FileResponse(
        ctx.storage.path_of(stored.sha256),
        media_type=stored.content_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@router.get("/download/{token}")
def download(token: str, ctx: CtxDep, user: OptionalUser) -> FileResponse:
    """403 for anyone but the owner or an edited link, 410 once the link has expired."""
    found = delivery.open_download(ctx, token=token, user_id=user.id if user else None)
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        headers={"Cache-Control": "private, no-store"},
    )

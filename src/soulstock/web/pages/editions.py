"""An edition's page in the buyer's library: its card, the owner's story, certificate, files,
unique payload, and gifts (offer one, accept one).

Only the owner reads it: anyone else gets the friendly 404 (``library.edition_page`` raises
NotFound), so another account cannot even learn that the edition exists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from soulstock.domain.errors import InvalidInput, SoulstockError, TransferNotAllowed
from soulstock.services import checkout, delivery, library, transfers
from soulstock.services.certificates import edition_certificate
from soulstock.web.deps import CtxDep, OptionalUser
from soulstock.web.errors import status_for
from soulstock.web.pages.i18n import N_
from soulstock.web.pages.render import check_csrf, redirect, render, with_query

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]
PRIVATE = {"Cache-Control": "private, no-store"}

# A refused gift in plain words; "locked" and "daily_cap" carry the time and the cap.
GIFT_REFUSALS = {
    "not_transferable": N_(
        "This product cannot be given away: its creator made it non-transferable."
    ),
    "locked": N_("This edition can be given away from %(until)s."),
    "daily_cap": N_("You have reached today's gift limit for this product (%(cap)s a day)."),
}


def _url(edition_id: int) -> str:
    return f"/library/editions/{edition_id}"


def _page(
    request: Request,
    ctx: CtxDep,
    *,
    user: Any,
    edition_id: int,
    problem: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    view = library.edition_page(ctx, user_id=user.id, edition_id=edition_id)
    access = checkout.OrderAccess(user_id=user.id)
    public_id = view.owned.order_public_id
    downloads = [
        (f.filename, delivery.download_token(ctx, public_id=public_id, file_id=f.id, access=access))
        for f in view.files
    ]
    values = {
        "view": view,
        "item": view.owned,
        "downloads": downloads,
        "problem": problem,
        "form": form or {},
        "flash": request.query_params.get("done", ""),
    }
    response = render(request, "edition.html", values, status=status)
    response.headers.update(PRIVATE)
    return response


def _refusal(exc: SoulstockError) -> dict[str, Any]:
    """A failed gift or story as the page shows it: a catalog msgid and its values."""
    if isinstance(exc, TransferNotAllowed) and exc.reason in GIFT_REFUSALS:
        return {"message": GIFT_REFUSALS[exc.reason], "until": exc.until, "cap": exc.cap}
    return {"message": "", "detail": exc.message, "until": None, "cap": 0}


@router.get("/library/editions/{edition_id}", response_class=HTMLResponse)
def edition(request: Request, edition_id: int, ctx: CtxDep, user: OptionalUser) -> Response:
    """The owner's page of one edition (404 for anyone else)."""
    if user is None:
        return redirect(with_query("/login", next=_url(edition_id)))
    return _page(request, ctx, user=user, edition_id=edition_id)


@router.post("/library/editions/{edition_id}/dedication", dependencies=Csrf)
def dedicate(
    request: Request, edition_id: int, ctx: CtxDep, user: OptionalUser, text: Text = ""
) -> Response:
    """Write or rewrite the owner's story; the log gets its salted hash, never the text."""
    if user is None:
        return redirect(with_query("/login", next=_url(edition_id)))
    try:
        transfers.dedicate(ctx, user_id=user.id, edition_id=edition_id, text=text)
    except SoulstockError as exc:
        too_long = {"message": N_("A story has 1 to 2,000 characters."), "until": None, "cap": 0}
        problem = too_long if isinstance(exc, InvalidInput) else _refusal(exc)
        values: dict[str, Any] = {"user": user, "edition_id": edition_id, "form": {"text": text}}
        return _page(request, ctx, problem=problem, status=status_for(exc), **values)
    return redirect(_url(edition_id) + "?done=story")


@router.post("/library/editions/{edition_id}/gift", dependencies=Csrf)
def gift(
    request: Request, edition_id: int, ctx: CtxDep, user: OptionalUser, email: Text = ""
) -> Response:
    """Offer the edition to another account's email, within the product's transfer rules."""
    if user is None:
        return redirect(with_query("/login", next=_url(edition_id)))
    try:
        transfers.offer(ctx, user_id=user.id, edition_id=edition_id, to_email=email)
    except SoulstockError as exc:
        values: dict[str, Any] = {"user": user, "edition_id": edition_id, "form": {"email": email}}
        return _page(request, ctx, problem=_refusal(exc), status=status_for(exc), **values)
    return redirect(_url(edition_id) + "?done=offered")


@router.post("/library/gifts/{transfer_id}/accept", dependencies=Csrf)
def accept_gift(request: Request, transfer_id: int, ctx: CtxDep, user: OptionalUser) -> Response:
    """Accept a gift: the edition, its certificate and files move to this library."""
    if user is None:
        return redirect(with_query("/login", next="/library"))
    moved = transfers.accept(ctx, user_id=user.id, transfer_id=transfer_id)
    return redirect(_url(moved.id) + "?done=received")


@router.get("/library/editions/{edition_id}/certificate.json")
def certificate_json(edition_id: int, ctx: CtxDep, user: OptionalUser) -> Response:
    """The certificate as a file to keep (verifies offline with ``soulstock verify``)."""
    if user is None:
        return redirect(with_query("/login", next=_url(edition_id)))
    cert = edition_certificate(ctx, user_id=user.id, edition_id=edition_id)
    name = f"certificate-{edition_id}.json"
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{name}"'}
    return JSONResponse(cert, headers=headers)


@router.get("/library/editions/{edition_id}/edition.zip")
def edition_zip(edition_id: int, ctx: CtxDep, user: OptionalUser) -> Response:
    """The edition's files, payload and certificate in one zip."""
    if user is None:
        return redirect(with_query("/login", next=_url(edition_id)))
    archive = delivery.edition_archive(ctx, user_id=user.id, edition_id=edition_id)
    disposition = f'attachment; filename="{archive.filename}"'
    headers = {**PRIVATE, "Content-Disposition": disposition}
    return Response(archive.data, media_type="application/zip", headers=headers)

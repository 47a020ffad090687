"""Ownership pages: verify a certificate (pasted or uploaded), and an edition's printable
certificate with a QR code pointing to the verify page.

The verify page checks a certificate with its shop's keys from this server and says in plain
words which check failed; ``soulstock verify`` does the same offline.
"""

from __future__ import annotations

import json
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from soulstock.services import certificates
from soulstock.web.deps import CtxDep, OptionalUser
from soulstock.web.pages.i18n import N_
from soulstock.web.pages.render import check_csrf, redirect, render, with_query

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 1_000_000  # a certificate is a few kB; refuse anything much bigger

# Each failure of ``ledger.certificate.verify`` (and of reading the paste) in plain words.
REASONS = {
    "json": N_("The text is not valid JSON."),
    "shop": N_("This server does not know the certificate's shop."),
    "too_big": N_("The file is too large to be a certificate."),
    "empty": N_("Paste a certificate or choose its file."),
    "format": N_("This is not a Soulstock certificate (format v1)."),
    "entry": N_("A log entry in the certificate is damaged or not in canonical form."),
    "mismatch": N_(
        "The product, edition number or total on the certificate differs from its log entry."
    ),
    "chain": N_("The ownership history is broken: a transfer does not follow the previous owner."),
    "owner": N_("The owner named on the certificate is not the owner in the log."),
    "pending": N_("No signed checkpoint covers this edition yet; try again in a few seconds."),
    "proof_format": N_("The inclusion proof is malformed."),
    "signature": N_("The checkpoint is not signed by this shop's key."),
    "origin": N_("The checkpoint belongs to another log."),
    "inclusion": N_("The entry is not in the signed log: the inclusion proof fails."),
}


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request) -> Response:
    return render(request, "verify.html", {"text": "", "result": None})


@router.post("/verify", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def verify_submit(
    request: Request,
    ctx: CtxDep,
    certificate: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Check a pasted or uploaded certificate; show "verified" or the check that failed."""
    text, problem = certificate.strip(), None
    if file is not None and file.filename:
        data = await file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            problem = "too_big"
        else:
            text = data.decode("utf-8", errors="replace").strip()
    if problem is None and not text:
        problem = "empty"
    result = None if problem else certificates.verify_document(ctx, text=text)
    values = {
        "text": text,
        "result": result,
        "reason": REASONS.get(problem or (result.reason if result else "") or "", ""),
    }
    return render(request, "verify.html", values, status=200)


def _qr_svg(url: str) -> Markup:
    """An inline SVG QR code (segno: pure Python, offline)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return Markup(svg)  # safe: segno renders only the encoded URL's modules as SVG paths


@router.get("/editions/{edition_id}/certificate", response_class=HTMLResponse)
def certificate_page(
    request: Request, edition_id: int, ctx: CtxDep, user: OptionalUser
) -> Response:
    """The owner's printable certificate: edition, owner hash, log index, checkpoint, QR."""
    if user is None:
        return redirect(with_query("/login", next=f"/editions/{edition_id}/certificate"))
    view = certificates.certificate_view(ctx, user_id=user.id, edition_id=edition_id)
    cert = view.certificate
    values = {
        "cert": cert,
        "view": view,
        "qr": _qr_svg(cert["verify_url"]),
        "cert_json": json.dumps(cert, ensure_ascii=False, indent=2),
    }
    response = render(request, "certificate.html", values)
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Console: a product's pool of unique payloads (卡密): import from text or CSV, see which
edition each went to. Delivery itself happens at payment (services/payloads.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import SoulstockError
from soulstock.services import console, payloads
from soulstock.web.deps import CtxDep
from soulstock.web.errors import status_for
from soulstock.web.pages.console import Seller, page, problem_of
from soulstock.web.pages.render import check_csrf, redirect, with_query

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _url(shop_slug: str, product_id: int) -> str:
    return f"/console/{shop_slug}/products/{product_id}/payloads"


@router.get("/console/{shop_slug}/products/{product_id}/payloads", response_class=HTMLResponse)
def payload_pool(
    request: Request, shop_slug: str, product_id: int, ctx: CtxDep, seller: Seller
) -> Response:
    return _pool_page(request, ctx, seller, shop_slug=shop_slug, product_id=product_id)


def _pool_page(
    request: Request,
    ctx: CtxDep,
    seller: Any,
    *,
    shop_slug: str,
    product_id: int,
    problem: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    editable = console.editable_product(
        ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
    )
    rows = payloads.pool(ctx, actor_id=seller.id, product_id=product_id)
    values = {
        "shop": editable.shop,
        "product": editable.row.product,
        "rows": rows,
        "used": sum(1 for r in rows if r.edition_number is not None),
        "added": request.query_params.get("added"),
        "duplicates": request.query_params.get("duplicates"),
        "problem": problem,
        "section": "products",
    }
    return page(request, "console/payloads.html", values, status=status)


@router.post(
    "/console/{shop_slug}/products/{product_id}/payloads", dependencies=[Depends(check_csrf)]
)
async def import_payloads(
    request: Request,
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    codes: Annotated[str, Form()] = "",
    file: UploadFile | None = None,
) -> Response:
    """Codes pasted one per line, or a .txt / .csv file (first column)."""
    text = codes
    if file is not None and file.filename:
        raw = file.file.read(MAX_IMPORT_BYTES + 1)
        text = raw[:MAX_IMPORT_BYTES].decode("utf-8-sig", errors="replace") + "\n" + text
    try:
        result = payloads.import_codes(ctx, actor_id=seller.id, product_id=product_id, text=text)
    except SoulstockError as exc:
        return _pool_page(
            request, ctx, seller, shop_slug=shop_slug, product_id=product_id,
            problem=problem_of(exc), status=status_for(exc),
        )  # fmt: skip
    counts = {"added": str(result.added), "duplicates": str(result.duplicates)}
    url = with_query(_url(shop_slug, product_id), **counts)
    return redirect(url)

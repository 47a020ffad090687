"""The draw (抽签) on the storefront: its commitment, the entry form while the window is open,
the frozen entries' hash, the revealed seed and the winners once closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import NotFound
from soulstock.services import checkout, draws
from soulstock.web.deps import CtxDep, OptionalUser
from soulstock.web.pages.render import check_csrf, render

router = APIRouter(include_in_schema=False)


@router.get("/s/{shop_slug}/draws/{draw_id}", response_class=HTMLResponse)
def draw_page(request: Request, shop_slug: str, draw_id: int, ctx: CtxDep) -> Response:
    """A draw: its commitment, the entry form while open, seed and winners once closed."""
    view = draws.draw_view(ctx, draw_id=draw_id)
    if view.shop.slug != shop_slug:
        raise NotFound("no such draw")
    values = {"draw": view, "seed": draws.public_seed(view), "entered": None}
    return render(request, "draw.html", values)


@router.post("/s/{shop_slug}/draws/{draw_id}/enter", dependencies=[Depends(check_csrf)])
def enter_draw(
    request: Request,
    shop_slug: str,
    draw_id: int,
    ctx: CtxDep,
    user: OptionalUser,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Enter once; the page shows the entry's token once (the key to the result)."""
    buyer = checkout.buyer_for(ctx, user_id=user.id if user else None, email=email or None)
    entered = draws.enter_draw(ctx, draw_id=draw_id, buyer=buyer)
    view = draws.draw_view(ctx, draw_id=draw_id)
    return render(request, "draw.html", {"draw": view, "seed": None, "entered": entered})

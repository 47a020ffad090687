"""Storefront pages: the list of shops, a shop's products, a product and its live claims."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.services import analytics, catalog, checkout, storefront
from soulstock.web.deps import CtxDep, OptionalUser
from soulstock.web.pages import engagement
from soulstock.web.pages.render import check_csrf, redirect, render, visitor_locale, with_query

router = APIRouter(include_in_schema=False)
VISITOR_COOKIE = "ss_vid"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: CtxDep) -> Response:
    """Every shop; straight into the shop when there is only one."""
    shops = catalog.list_shops(ctx)
    if len(shops) == 1:
        return redirect(with_query(f"/s/{shops[0].slug}", lang=request.query_params.get("lang")))
    return render(request, "home.html", {"shops": shops})


def _locale(request: Request, shop: Any) -> str:
    """The visitor's language, or the shop's default when they have not chosen one."""
    return visitor_locale(request, shop_locale=shop.locale)


@router.get("/s/{shop_slug}", response_class=HTMLResponse)
def shop_home(request: Request, shop_slug: str, ctx: CtxDep) -> Response:
    """The shop home: its products as a vitality waterfall (see ``domain.vitality``)."""
    shop = catalog.get_shop(ctx, shop_slug)
    views = storefront.waterfall(ctx, shop_slug=shop_slug)
    values = {"shop": shop, "views": views, "total": len(views)}
    return render(request, "shop.html", values, locale=_locale(request, shop))


@router.get("/s/{shop_slug}/p/{product_slug}", response_class=HTMLResponse)
def product_page(
    request: Request, shop_slug: str, product_slug: str, ctx: CtxDep, user: OptionalUser
) -> Response:
    view = catalog.product_view(ctx, shop_slug=shop_slug, product_slug=product_slug)
    cookie_id = request.cookies.get(VISITOR_COOKIE) or analytics.new_visitor_cookie()
    agent = request.headers.get("user-agent", "")
    analytics.note_view(ctx, view=view, cookie_id=cookie_id, user_agent=agent)
    extras = engagement.product_extras(ctx, view=view, user=user)
    values = {"view": view, "user": user, **extras}
    response = render(request, "product.html", values, locale=_locale(request, view.shop))
    # First-party and opaque: only its daily salted hash is ever stored (domain/analytics.py).
    response.set_cookie(VISITOR_COOKIE, cookie_id, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/s/{shop_slug}/p/{product_slug}/claims", response_class=HTMLResponse)
def product_claims(request: Request, shop_slug: str, product_slug: str, ctx: CtxDep) -> Response:
    """The claims block alone, polled by htmx so a sell-out shows without a reload."""
    view = catalog.product_view(ctx, shop_slug=shop_slug, product_slug=product_slug)
    values = {"view": view, "oob": True}
    response = render(request, "_claims.html", values, locale=_locale(request, view.shop))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/s/{shop_slug}/p/{product_slug}/buy", dependencies=[Depends(check_csrf)])
def buy(
    shop_slug: str,
    product_slug: str,
    ctx: CtxDep,
    user: OptionalUser,
    product_id: Annotated[int, Form()],
    quantity: Annotated[int, Form()] = 1,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Reserve, then show the order (guests get their secret link: it is their key)."""
    buyer = checkout.buyer_for(ctx, user_id=user.id if user else None, email=email or None)
    reserved = checkout.reserve(ctx, product_id=product_id, quantity=quantity, buyer=buyer)
    token = None if user else reserved.access_token
    return redirect(with_query(f"/orders/{reserved.order.public_id}", t=token))

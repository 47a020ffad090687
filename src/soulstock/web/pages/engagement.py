"""Storefront pages of engagement: the shop's Atom feed of restocks, joining and leaving a
waitlist (one click signed in, double opt-in by email), the guest's confirmation link and the
RFC 8058 one-click leave (``POST /unsubscribe/<token>`` needs no session and no CSRF token:
the token in the path is the secret, and leaving is the only thing it can do)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.scarcity import Availability
from soulstock.mail import templates as mail_templates
from soulstock.services import catalog, notify, remix, restocks, waitlists
from soulstock.services.catalog import ProductView
from soulstock.services.context import Context
from soulstock.store.models import User
from soulstock.web.deps import CtxDep, OptionalUser
from soulstock.web.pages.feed import atom_feed
from soulstock.web.pages.render import check_csrf, redirect, render, visitor_locale, with_query

router = APIRouter(include_in_schema=False)


def product_extras(ctx: Context, *, view: ProductView, user: User | None) -> dict[str, Any]:
    """What the product page shows of restocks and the waitlist (its true size)."""
    product_id = view.product.id
    on_list = False
    if user is not None:
        with ctx.uow.read() as session:
            on_list = waitlists.is_member(
                session, product_id=product_id, user_id=user.id, email=user.email
            )
    claims = view.claims
    upcoming = claims.availability is Availability.UPCOMING
    return {
        "can_wait": not claims.buyable and (upcoming or not claims.never_reissued),
        "restocks": restocks.history(ctx, product_id=product_id),
        "provenance": remix.provenance_of(ctx, product_id=product_id),
        "waiting": waitlists.size(ctx, product_id=product_id),
        "on_waitlist": on_list,
    }


@dataclass(frozen=True, slots=True)
class InboxItem:
    subject: str
    path: str
    created_at: datetime


def inbox_items(ctx: Context, *, user_id: int, locale: str) -> list[InboxItem]:
    """The buyer's in-app notifications, each titled like its email, in the page's language."""
    items = []
    for note in notify.inbox(ctx, user_id=user_id):
        params = json.loads(note.params)
        text = mail_templates.render(note.template, locale=locale, params=params, base_url="")
        items.append(InboxItem(text.subject, str(params.get("path", "/")), note.created_at))
    return items


@router.get("/s/{shop_slug}/feed.atom")
def feed(shop_slug: str, ctx: CtxDep) -> Response:
    shop, rows = restocks.shop_feed(ctx, shop_slug=shop_slug)
    body = atom_feed(shop=shop, rows=rows, base_url=ctx.settings.base_url.rstrip("/"))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.post("/s/{shop_slug}/p/{product_slug}/waitlist", dependencies=[Depends(check_csrf)])
def join(
    request: Request,
    shop_slug: str,
    product_slug: str,
    ctx: CtxDep,
    user: OptionalUser,
    email: Annotated[str, Form()] = "",
) -> Response:
    view = catalog.product_view(ctx, shop_slug=shop_slug, product_slug=product_slug)
    if user is not None:
        waitlists.join_user(ctx, user_id=user.id, product_id=view.product.id)
        state = "joined"
    else:
        locale = visitor_locale(request)
        waitlists.join_guest(ctx, product_id=view.product.id, email=email, locale=locale)
        state = "check-email"
    return redirect(with_query(f"/s/{shop_slug}/p/{product_slug}", waitlist=state))


@router.post("/s/{shop_slug}/p/{product_slug}/waitlist/leave", dependencies=[Depends(check_csrf)])
def leave_signed_in(shop_slug: str, product_slug: str, ctx: CtxDep, user: OptionalUser) -> Response:
    view = catalog.product_view(ctx, shop_slug=shop_slug, product_slug=product_slug)
    if user is not None:
        waitlists.leave_user(ctx, user_id=user.id, product_id=view.product.id)
    return redirect(with_query(f"/s/{shop_slug}/p/{product_slug}", waitlist="left"))


@router.get("/waitlist/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str, ctx: CtxDep) -> Response:
    member = waitlists.confirm(ctx, token=token)
    view = catalog.product_view_by_id(ctx, member.product_id)
    return render(request, "waitlist.html", {"state": "confirmed", "view": view, "token": ""})


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    """The link in every email: a page with one button (a GET never changes anything)."""
    return render(request, "waitlist.html", {"state": "leave", "view": None, "token": token})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str, ctx: CtxDep) -> Response:
    """RFC 8058 one-click leave: the mail client POSTs ``List-Unsubscribe=One-Click``."""
    member = waitlists.leave(ctx, token=token)
    view = catalog.product_view_by_id(ctx, member.product_id)
    return render(request, "waitlist.html", {"state": "left", "view": view, "token": ""})

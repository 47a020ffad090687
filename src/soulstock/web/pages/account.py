"""Accounts on the pages: sign up, log in and out, the buyer's library, the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import SoulstockError
from soulstock.services import accounts, catalog, checkout, delivery, library
from soulstock.services.context import Context
from soulstock.web.deps import SESSION_USER, CtxDep, OptionalUser
from soulstock.web.pages import engagement, i18n
from soulstock.web.pages.errors import MESSAGES, SHOW_DETAIL
from soulstock.web.pages.render import (
    check_csrf,
    redirect,
    remember_locale,
    render,
    safe_next,
    visitor_locale,
    with_query,
)

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]


def _form_page(
    request: Request, template: str, *, error: SoulstockError | None = None, **values: str
) -> Response:
    """A sign-up or log-in form, again with a readable message when it failed."""
    problem = None
    if error is not None:
        title, explanation = MESSAGES.get(error.code, MESSAGES["invalid_input"])
        detail = error.message if error.code in SHOW_DETAIL else ""
        problem = {"title": title, "explanation": explanation, "detail": detail}
    status = 200 if error is None else 400
    return render(request, template, {"problem": problem, **values}, status=status)


def _sign_in(request: Request, *, user_id: int, locale: str, next_url: str | None) -> Response:
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session[SESSION_USER] = user_id
    response = redirect(safe_next(next_url, default="/library"))
    remember_locale(response, locale)
    return response


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, next: str = "") -> Response:
    return _form_page(request, "signup.html", next=safe_next(next, default=""))


@router.post("/signup", dependencies=Csrf)
def signup(
    request: Request,
    ctx: CtxDep,
    email: Text,
    password: Text,
    display_name: Text = "",
    next: Text = "",
) -> Response:
    try:
        user = accounts.sign_up(ctx, email=email, password=password, display_name=display_name)
    except SoulstockError as exc:
        return _form_page(request, "signup.html", error=exc, email=email, next=next)
    locale = visitor_locale(request)
    accounts.set_locale(ctx, user_id=user.id, locale=locale)
    return _sign_in(request, user_id=user.id, locale=locale, next_url=next)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> Response:
    return _form_page(request, "login.html", next=safe_next(next, default=""))


@router.post("/login", dependencies=Csrf)
def login(request: Request, ctx: CtxDep, email: Text, password: Text, next: Text = "") -> Response:
    try:
        user = accounts.log_in(ctx, email=email, password=password)
    except SoulstockError as exc:
        return _form_page(request, "login.html", error=exc, email=email, next=next)
    locale = i18n.normalise(user.locale) or visitor_locale(request)
    return _sign_in(request, user_id=user.id, locale=locale, next_url=next)


@router.post("/logout", dependencies=Csrf)
def logout(request: Request) -> Response:
    request.session.clear()
    return redirect("/")


@router.post("/lang", dependencies=Csrf)
def switch_language(
    request: Request, ctx: CtxDep, user: OptionalUser, lang: Text, next: Text = "/"
) -> Response:
    """Remember the visitor's language in a cookie, and in their account when signed in."""
    locale = i18n.normalise(lang) or i18n.DEFAULT_LOCALE
    if user is not None:
        accounts.set_locale(ctx, user_id=user.id, locale=locale)
    response = redirect(safe_next(next))
    remember_locale(response, locale)
    return response


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, ctx: CtxDep, user: OptionalUser) -> Response:
    """The editions a signed-in buyer owns, and their orders."""
    if user is None:
        return redirect(with_query("/login", next="/library"))
    owned = library.owned_editions(ctx, user_id=user.id)
    orders = checkout.buyer_orders(ctx, user_id=user.id)
    values = {
        "user": user,
        "owned": owned,
        "downloads": _downloads(ctx, owned, user_id=user.id),
        "orders": orders,
        "gifts": library.incoming_gifts(ctx, user_id=user.id),
        "notes": engagement.inbox_items(ctx, user_id=user.id, locale=visitor_locale(request)),
        "products": catalog.products_with_shops(ctx, [s.order.product_id for s in orders]),
    }
    return render(request, "library.html", values)


def _downloads(
    ctx: Context, owned: list[library.OwnedEdition], *, user_id: int
) -> dict[str, list[tuple[str, str]]]:
    """Fresh signed links (file name, token) for each order in the library."""
    access = checkout.OrderAccess(user_id=user_id)
    files = {
        pid: catalog.product_view_by_id(ctx, pid).files for pid in {o.product.id for o in owned}
    }
    links: dict[str, list[tuple[str, str]]] = {}
    for item in owned:
        if item.order_public_id in links:
            continue
        links[item.order_public_id] = [
            (
                f.filename,
                delivery.download_token(
                    ctx, public_id=item.order_public_id, file_id=f.id, access=access
                ),
            )
            for f in files[item.product.id]
        ]
    return links

"""The seller console: who may enter, the overview, orders, API tokens and shop settings.

Products live in ``console_products``. Every page here is for a signed-in seller: a visitor who
is signed out goes to the log-in page and comes back; a buyer is offered to become a seller.
Every query checks shop ownership in the service, so a seller only ever sees their own shop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import SoulstockError
from soulstock.domain.money import SUPPORTED_CURRENCIES
from soulstock.services import accounts, catalog, console
from soulstock.store.models import User
from soulstock.web.deps import SESSION_USER, CtxDep, OptionalUser, get_ctx
from soulstock.web.pages.errors import MESSAGES
from soulstock.web.pages.i18n import N_
from soulstock.web.pages.render import check_csrf, current_url, redirect, render, with_query

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]
TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Singapore",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
)
PROVIDER_NAMES = {"dev": N_("Test payments (dev mode: no real money moves)")}
# Codes whose message names the problem precisely (which field, which limit).
DETAILED = frozenset({"invalid_input", "already_exists", "limit_locked"})


class SignInFirst(Exception):
    """A signed-out visitor asked for a console page: log in, then come back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class NotASeller(Exception):
    """A signed-in buyer asked for a console page: offer to become a seller."""


def console_seller(request: Request, user: OptionalUser) -> User:
    if user is None:
        raise SignInFirst(current_url(request))
    if not user.is_seller:
        raise NotASeller()
    return user


Seller = Annotated[User, Depends(console_seller)]


def install_handlers(app: FastAPI) -> None:
    """Turn the two console gates into a redirect and a friendly page."""

    async def _sign_in_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInFirst)
        return redirect(with_query("/login", next=exc.next_url))

    async def _not_a_seller(request: Request, exc: Exception) -> Response:
        return render(request, "console/become_seller.html", status=403)

    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(NotASeller, _not_a_seller)


def problem_of(error: SoulstockError) -> dict[str, str]:
    """A service error as the ``_problem.html`` partial shows it, translated when rendered."""
    title, explanation = MESSAGES.get(error.code, MESSAGES["invalid_input"])
    detail = error.message if error.code in DETAILED else ""
    return {"title": title, "explanation": explanation, "detail": detail}


def page(request: Request, template: str, values: dict[str, Any], *, status: int = 200) -> Response:
    """A console page, with the signed-in seller's shops for the shop switcher; never cached,
    since it shows a seller's private numbers."""
    if "shops" not in values:
        user_id = request.session.get(SESSION_USER)
        shops = catalog.shops_of(get_ctx(request), user_id) if isinstance(user_id, int) else []
        values = {**values, "shops": shops}
    response = render(request, template, {"section": "", **values}, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- entering the console ----------------------------------------------------------------


@router.post("/console/become-seller", dependencies=Csrf)
def become_seller(ctx: CtxDep, user: OptionalUser) -> Response:
    if user is None:
        return redirect(with_query("/login", next="/console"))
    accounts.become_seller(ctx, user.id)
    return redirect("/console")


@router.get("/console", response_class=HTMLResponse)
def start(request: Request, ctx: CtxDep, seller: Seller) -> Response:
    """The seller's first shop, or the form to open one."""
    shops = catalog.shops_of(ctx, seller.id)
    if shops:
        return redirect(f"/console/{shops[0].slug}")
    return _new_shop_page(request)


def _new_shop_page(
    request: Request, *, problem: dict[str, str] | None = None, **form: str
) -> Response:
    values: dict[str, Any] = {"problem": problem, "form": form, "timezones": TIMEZONES}
    values["currencies"] = sorted(SUPPORTED_CURRENCIES)
    return page(request, "console/new_shop.html", values, status=400 if problem else 200)


@router.get("/console/new-shop", response_class=HTMLResponse)
def new_shop_form(request: Request, seller: Seller) -> Response:
    return _new_shop_page(request)


@router.post("/console/shops", dependencies=Csrf)
def create_shop(
    request: Request,
    ctx: CtxDep,
    seller: Seller,
    name: Text,
    slug: Text,
    currency: Text = "CNY",
    timezone: Text = "Asia/Shanghai",
) -> Response:
    form = {"name": name, "slug": slug, "currency": currency, "timezone": timezone}
    try:
        shop = catalog.create_shop(
            ctx,
            owner_id=seller.id,
            slug=slug.strip().lower(),
            name=name,
            currency=currency,
            timezone=timezone,
        )
    except SoulstockError as exc:
        return _new_shop_page(request, problem=problem_of(exc), **form)
    return redirect(f"/console/{shop.slug}")


# --- API tokens (before /console/{shop_slug}, so "tokens" is not read as a shop) ---------


def _tokens_page(
    request: Request,
    ctx: CtxDep,
    seller: User,
    *,
    new: accounts.NewToken | None = None,
    problem: dict[str, str] | None = None,
) -> Response:
    shops = catalog.shops_of(ctx, seller.id)
    values = {
        "tokens": accounts.list_tokens(ctx, user_id=seller.id),
        "new": new,
        "problem": problem,
        "shops": shops,
        "shop": shops[0] if shops else None,  # tokens are the seller's: any shop's nav will do
        "section": "tokens",
    }
    return page(request, "console/tokens.html", values, status=400 if problem else 200)


@router.get("/console/tokens", response_class=HTMLResponse)
def tokens(request: Request, ctx: CtxDep, seller: Seller) -> Response:
    return _tokens_page(request, ctx, seller)


@router.post("/console/tokens", dependencies=Csrf)
def create_token(request: Request, ctx: CtxDep, seller: Seller, name: Text = "") -> Response:
    """The secret is in this response only: it is never stored, only its hash."""
    try:
        new = accounts.create_token(ctx, user_id=seller.id, name=name)
    except SoulstockError as exc:
        return _tokens_page(request, ctx, seller, problem=problem_of(exc))
    return _tokens_page(request, ctx, seller, new=new)


@router.post("/console/tokens/{token_id}/revoke", dependencies=Csrf)
def revoke_token(token_id: int, ctx: CtxDep, seller: Seller) -> Response:
    accounts.revoke_token(ctx, user_id=seller.id, token_id=token_id)
    return redirect("/console/tokens")


# --- one shop ----------------------------------------------------------------------------


@router.get("/console/{shop_slug}", response_class=HTMLResponse)
def overview(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    view = console.overview(ctx, actor_id=seller.id, shop_slug=shop_slug)
    values = {
        "shop": view.shop,
        "view": view,
        "section": "overview",
    }
    return page(request, "console/overview.html", values)


@router.get("/console/{shop_slug}/orders", response_class=HTMLResponse)
def orders(
    request: Request,
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    found = console.shop_orders(ctx, actor_id=seller.id, shop_slug=shop_slug, page=page_no)
    values = {
        "shop": found.shop,
        "found": found,
        "section": "orders",
    }
    return page(request, "console/orders.html", values)


@router.get("/console/{shop_slug}/buyers", response_class=HTMLResponse)
def buyers(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    shop, rows = console.shop_buyers(ctx, actor_id=seller.id, shop_slug=shop_slug)
    values = {"shop": shop, "rows": rows, "section": "buyers"}
    return page(request, "console/buyers.html", values)


def _settings_page(
    request: Request,
    ctx: CtxDep,
    seller: User,
    *,
    shop_slug: str,
    problem: dict[str, str] | None = None,
    saved: bool = False,
    form: dict[str, str] | None = None,
) -> Response:
    shop = console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug)
    values = {
        "shop": shop,
        "section": "settings",
        "problem": problem,
        "saved": saved,
        "form": form
        or {
            "name": shop.name,
            "currency": shop.currency,
            "timezone": shop.timezone,
            "locale": shop.locale,
        },
        "timezones": TIMEZONES,
        "currencies": sorted(SUPPORTED_CURRENCIES),
        "providers": [(key, PROVIDER_NAMES.get(key, key)) for key in ctx.payment_providers],
    }
    return page(request, "console/settings.html", values, status=400 if problem else 200)


@router.get("/console/{shop_slug}/settings", response_class=HTMLResponse)
def settings(
    request: Request, shop_slug: str, ctx: CtxDep, seller: Seller, saved: int = 0
) -> Response:
    return _settings_page(request, ctx, seller, shop_slug=shop_slug, saved=bool(saved))


@router.post("/console/{shop_slug}/settings", dependencies=Csrf)
def save_settings(
    request: Request,
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    name: Text,
    currency: Text,
    timezone: Text,
    locale: Text = "",
) -> Response:
    form = {"name": name, "currency": currency, "timezone": timezone, "locale": locale}
    try:
        catalog.update_shop(
            ctx, actor_id=seller.id, slug=shop_slug, name=name, currency=currency,
            timezone=timezone, locale=locale or None,
        )  # fmt: skip
    except SoulstockError as exc:
        return _settings_page(
            request, ctx, seller, shop_slug=shop_slug, problem=problem_of(exc), form=form
        )
    return redirect(f"/console/{shop_slug}/settings?saved=1")

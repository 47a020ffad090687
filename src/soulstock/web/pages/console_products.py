"""Console products: the list, the create and edit form with its live previews, and uploads.

The price is typed in yuan (or the shop's currency) and becomes integer minor units through
``Decimal``, never a float. The policy editor previews exactly the badges the storefront will
show, rendered by the storefront's own partial from the scarcity engine's claims.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import get_currency_precision
from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import InvalidInput, SoulstockError
from soulstock.domain.money import MAX_PRICE_MINOR
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import catalog, console
from soulstock.web.deps import CtxDep
from soulstock.web.errors import status_for
from soulstock.web.pages.console import Seller, page, problem_of
from soulstock.web.pages.i18n import N_
from soulstock.web.pages.render import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]
PRICE = re.compile(r"^(-)?(\d{1,12})(?:\.(\d*))?$")
WHOLE = re.compile(r"^\d{1,9}$")
SIMPLE_POLICIES = ("staple", "limited")  # the ones this form edits; others via the API
FIELDS = ("title", "slug", "description_md", "price", "listed", "policy", "total")


class FieldError(Exception):
    """One form field is wrong; ``message`` is a catalog msgid, translated when shown."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_price(text: str, currency: str) -> int:
    """``"29.90"`` yuan -> ``2990`` fen, exactly (Decimal); too many decimals is an error."""
    cleaned = text.strip().replace(",", "").lstrip("¥￥$€£").strip()
    if not cleaned:
        raise FieldError("price", N_("Enter a price, for example 29.90."))
    match = PRICE.match(cleaned)
    if match is None:
        raise FieldError("price", N_("Enter the price as a number, for example 29.90."))
    if match.group(1):
        raise FieldError("price", N_("The price cannot be negative."))
    minor = Decimal(cleaned).scaleb(get_currency_precision(currency))
    if minor != minor.to_integral_value():
        raise FieldError("price", N_("Too many decimal places for this currency."))
    if minor > MAX_PRICE_MINOR:
        raise FieldError("price", N_("That price is too high."))
    return int(minor)


def parse_policy(kind: str, total: str) -> InventoryPolicy:
    if kind == "staple":
        return InventoryPolicy.staple()
    if kind != "limited":
        raise FieldError("policy", N_("Choose a policy."))
    if not WHOLE.match(total.strip()):
        raise FieldError("total", N_("Enter the total as a whole number of copies, 1 or more."))
    try:
        return InventoryPolicy.limited(int(total))
    except InvalidInput:
        raise FieldError("total", N_("A limited total must be between 1 and 1,000,000.")) from None


def _form_values(product: Any = None, currency: str = "CNY") -> dict[str, str]:
    if product is None:
        return {"policy": "limited", "total": "", "listed": "on"}
    places = get_currency_precision(currency)
    return {
        "title": product.title,
        "slug": product.slug,
        "description_md": product.description_md,
        "price": str(Decimal(product.price_minor).scaleb(-places)),
        "listed": "on" if product.listed else "",
        "policy": product.policy,
        "total": "" if product.cap is None else str(product.cap),
    }


def _products_url(shop_slug: str, product_id: int | None = None) -> str:
    base = f"/console/{shop_slug}/products"
    return base if product_id is None else f"{base}/{product_id}"


@router.get("/console/{shop_slug}/products", response_class=HTMLResponse)
def products(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    shop, rows = console.products(ctx, actor_id=seller.id, shop_slug=shop_slug)
    values = {"shop": shop, "rows": rows, "section": "products"}
    values["shops"] = catalog.shops_of(ctx, seller.id)
    return page(request, "console/products.html", values)


def _form_page(
    request: Request,
    ctx: CtxDep,
    seller: Any,
    *,
    shop_slug: str,
    product_id: int | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    editable = None
    if product_id is None:
        shop = console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug)
    else:
        editable = console.editable_product(
            ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
        )
        shop = editable.shop
    product = editable.row.product if editable else None
    values = {
        "shop": shop,
        "shops": catalog.shops_of(ctx, seller.id),
        "section": "products",
        "editable": editable,
        "form": form or _form_values(product, shop.currency),
        "errors": errors or {},
        "problem": problem,
        "created": request.query_params.get("created") == "1",
        "saved": request.query_params.get("saved") == "1",
    }
    return page(request, "console/product_form.html", values, status=status)


@router.get("/console/{shop_slug}/products/new", response_class=HTMLResponse)
def new_product(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    return _form_page(request, ctx, seller, shop_slug=shop_slug)


def _parsed(
    form: dict[str, str], currency: str, *, with_policy: bool = True
) -> tuple[int, InventoryPolicy | None]:
    """The price and policy of a submitted form, or every field error at once.

    Policies other than staple and limited (drops, tranches...) are not edited by this form:
    ``with_policy=False`` leaves them as they are."""
    errors: dict[str, str] = {}
    price = policy = None
    if not form["title"].strip():
        errors["title"] = N_("Give the product a title.")
    try:
        price = parse_price(form["price"], currency)
    except FieldError as exc:
        errors[exc.field] = exc.message
    try:
        policy = parse_policy(form["policy"], form["total"]) if with_policy else None
    except FieldError as exc:
        errors[exc.field] = exc.message
    if errors or price is None:
        raise FormInvalid(errors)
    return price, policy


class FormInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _form(**fields: str) -> dict[str, str]:
    return {name: fields.get(name, "") for name in FIELDS}


@router.post("/console/{shop_slug}/products", dependencies=Csrf)
def create_product(
    request: Request,
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    title: Text = "",
    slug: Text = "",
    description_md: Text = "",
    price: Text = "",
    listed: Text = "",
    policy: Text = "limited",
    total: Text = "",
) -> Response:
    """Validate everything first; the product is written in one transaction or not at all."""
    form = _form(
        title=title, slug=slug, description_md=description_md, price=price,
        listed=listed, policy=policy, total=total,
    )  # fmt: skip
    shop = console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug)
    again = {"shop_slug": shop_slug, "form": form}
    try:
        price_minor, chosen = _parsed(form, shop.currency)
        assert chosen is not None
        product = catalog.create_product(
            ctx,
            actor_id=seller.id,
            shop_slug=shop_slug,
            title=title,
            price_minor=price_minor,
            policy=chosen,
            description_md=description_md,
            slug=slug.strip().lower() or None,
            listed=bool(listed),
        )
    except FormInvalid as exc:
        return _form_page(request, ctx, seller, errors=exc.errors, status=400, **again)
    except SoulstockError as exc:
        problem = problem_of(exc)
        return _form_page(request, ctx, seller, problem=problem, status=400, **again)
    return redirect(_products_url(shop_slug, product.id) + "?created=1")


@router.get("/console/{shop_slug}/products/{product_id}", response_class=HTMLResponse)
def edit_product(
    request: Request, shop_slug: str, product_id: int, ctx: CtxDep, seller: Seller
) -> Response:
    return _form_page(request, ctx, seller, shop_slug=shop_slug, product_id=product_id)


@router.post("/console/{shop_slug}/products/{product_id}", dependencies=Csrf)
def save_product(
    request: Request,
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    title: Text = "",
    description_md: Text = "",
    price: Text = "",
    listed: Text = "",
    policy: Text = "limited",
    total: Text = "",
) -> Response:
    """A limited total is fixed: any other total is refused by the service (永不复刻)."""
    form = _form(
        title=title, description_md=description_md, price=price,
        listed=listed, policy=policy, total=total,
    )  # fmt: skip
    editable = console.editable_product(
        ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
    )
    form["slug"] = editable.row.product.slug
    again = {"shop_slug": shop_slug, "product_id": product_id, "form": form}
    try:
        simple = editable.row.product.policy in SIMPLE_POLICIES
        price_minor, chosen = _parsed(form, editable.shop.currency, with_policy=simple)
        catalog.update_product(
            ctx,
            actor_id=seller.id,
            product_id=product_id,
            title=title,
            description_md=description_md,
            price_minor=price_minor,
            listed=bool(listed),
            policy=chosen,
        )
    except FormInvalid as exc:
        return _form_page(request, ctx, seller, errors=exc.errors, status=400, **again)
    except SoulstockError as exc:
        problem = problem_of(exc)
        return _form_page(request, ctx, seller, problem=problem, status=400, **again)
    return redirect(_products_url(shop_slug, product_id) + "?saved=1")


@router.post("/console/{shop_slug}/products/{product_id}/files", dependencies=Csrf)
def upload(
    request: Request,
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    file: UploadFile,
    kind: Text = "file",
) -> Response:
    """Attach a file or the cover. The console's script posts here with XHR to show progress
    and swaps in the returned files list; without script, the form posts and comes back."""
    by_script = request.headers.get("x-requested-with") == "XMLHttpRequest"
    try:
        catalog.add_file(
            ctx,
            actor_id=seller.id,
            product_id=product_id,
            stream=file.file,
            filename=file.filename or "file",
            as_cover=kind == "cover",
        )
    except SoulstockError as exc:
        if by_script:
            problem = problem_of(exc)
            return render(request, "_problem.html", {"problem": problem}, status=status_for(exc))
        problem = problem_of(exc)
        return _form_page(
            request, ctx, seller, shop_slug=shop_slug, product_id=product_id,
            problem=problem, status=status_for(exc),
        )  # fmt: skip
    if not by_script:
        return redirect(_products_url(shop_slug, product_id))
    editable = console.editable_product(
        ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
    )
    return render(request, "console/_files.html", {"editable": editable})


@router.post("/console/{shop_slug}/preview/markdown", dependencies=Csrf)
def preview_markdown(
    request: Request, shop_slug: str, seller: Seller, description_md: Text = ""
) -> Response:
    """The description through the storefront's own sanitiser (htmx, as the seller types)."""
    return render(request, "console/_markdown_preview.html", {"source": description_md})


@router.post("/console/{shop_slug}/preview/claims", dependencies=Csrf)
def preview_claims(
    request: Request,
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    policy: Text = "limited",
    total: Text = "",
    product_id: Text = "",
) -> Response:
    """What the storefront will claim for the policy being edited, with the stock of now."""
    try:
        chosen = parse_policy(policy, total)
    except FieldError as exc:
        values = {"claims": None, "hint": exc.message}
        return render(request, "console/_claims_preview.html", values)
    claims = console.claims_preview(
        ctx,
        actor_id=seller.id,
        shop_slug=shop_slug,
        policy=chosen,
        price_minor=0,
        product_id=int(product_id) if product_id.isdigit() else None,
    )
    return render(request, "console/_claims_preview.html", {"claims": claims, "hint": ""})

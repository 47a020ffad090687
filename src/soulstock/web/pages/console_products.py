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

from soulstock.domain.errors import SoulstockError
from soulstock.domain.money import MAX_PRICE_MINOR
from soulstock.services import catalog, console, policies
from soulstock.web.deps import CtxDep
from soulstock.web.errors import status_for
from soulstock.web.pages.console import Seller, page, problem_of
from soulstock.web.pages.i18n import N_
from soulstock.web.pages.policy_form import (
    EDITABLE,
    POLICY_FIELDS,
    TIER_CARDS,
    FieldError,
    PolicyChoice,
    parse_policy,
    policy_values,
    tier_values,
)
from soulstock.web.pages.render import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]
PRICE = re.compile(r"^(-)?(\d{1,12})(?:\.(\d*))?$")
SIMPLE_POLICIES = ("staple", "limited")  # edited with the product itself (catalog)
FIELDS = ("title", "slug", "description_md", "price", "listed", *POLICY_FIELDS)


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


def _form_values(editable: Any, shop: Any, tier: str, now: Any) -> dict[str, str]:
    if editable is None:
        values = {"policy": "limited", "total": "", "listed": "on"}
        return {**values, **tier_values(tier, now=now, timezone=shop.timezone)}
    product = editable.row.product
    places = get_currency_precision(shop.currency)
    return {
        "title": product.title,
        "slug": product.slug,
        "description_md": product.description_md,
        "price": str(Decimal(product.price_minor).scaleb(-places)),
        "listed": "on" if product.listed else "",
        **policy_values(editable.policy, editable.options, shop.timezone),
    }


async def submitted(request: Request) -> dict[str, str]:
    """Every field of the product form as text (missing ones empty)."""
    data = await request.form()
    return {name: str(data.get(name) or "") for name in (*FIELDS, "product_id")}


Submitted = Annotated[dict[str, str], Depends(submitted)]


def _products_url(shop_slug: str, product_id: int | None = None) -> str:
    base = f"/console/{shop_slug}/products"
    return base if product_id is None else f"{base}/{product_id}"


@router.get("/console/{shop_slug}/products", response_class=HTMLResponse)
def products(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    shop, rows = console.products(ctx, actor_id=seller.id, shop_slug=shop_slug)
    values = {"shop": shop, "rows": rows, "section": "products"}
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
    tier = request.query_params.get("tier", "")
    values = {
        "shop": shop,
        "section": "products",
        "editable": editable,
        "tiers": TIER_CARDS,
        "editable_kinds": EDITABLE,
        "form": form or _form_values(editable, shop, tier, ctx.clock.now()),
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
    form: dict[str, str], shop: Any, *, with_policy: bool = True
) -> tuple[int, PolicyChoice | None]:
    """The price and policy of a submitted form, or every field error at once.

    ``with_policy=False`` (a product whose policy this form does not edit, such as unlock
    goals) leaves the policy as it is."""
    errors: dict[str, str] = {}
    price = choice = None
    if not form["title"].strip():
        errors["title"] = N_("Give the product a title.")
    try:
        price = parse_price(form["price"], shop.currency)
    except FieldError as exc:
        errors[exc.field] = exc.message
    try:
        choice = parse_policy(form, timezone=shop.timezone) if with_policy else None
    except FieldError as exc:
        errors[exc.field] = exc.message
    if errors or price is None:
        raise FormInvalid(errors)
    return price, choice


class FormInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _form(**fields: str) -> dict[str, str]:
    return {name: fields.get(name, "") for name in FIELDS}


@router.post("/console/{shop_slug}/products", dependencies=Csrf)
def create_product(
    request: Request, shop_slug: str, ctx: CtxDep, seller: Seller, form: Submitted
) -> Response:
    """Validate everything first; the product is written in one transaction or not at all."""
    shop = console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug)
    again: dict[str, Any] = {"shop_slug": shop_slug, "form": form}
    try:
        price_minor, choice = _parsed(form, shop)
        assert choice is not None
        product = catalog.create_product(
            ctx,
            actor_id=seller.id,
            shop_slug=shop_slug,
            title=form["title"],
            price_minor=price_minor,
            policy=choice.policy,
            description_md=form["description_md"],
            slug=form["slug"].strip().lower() or None,
            listed=bool(form["listed"]),
            hint_threshold=choice.hint_threshold,
            countdown=choice.countdown,
            tier=choice.tier,
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
    form: Submitted,
) -> Response:
    """Staple and limited go through the catalog (a limited total is fixed: 永不复刻); drops,
    tranches and seasonal products through the policy service, as far as it allows."""
    editable = console.editable_product(
        ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
    )
    kind = editable.row.product.policy
    form["slug"] = editable.row.product.slug
    if kind not in EDITABLE:
        form["policy"] = kind
    again: dict[str, Any] = {"shop_slug": shop_slug, "product_id": product_id, "form": form}
    fields: dict[str, Any] = {"title": form["title"], "description_md": form["description_md"]}
    fields["listed"] = bool(form["listed"])
    try:
        price_minor, choice = _parsed(form, editable.shop, with_policy=kind in EDITABLE)
        if choice is None or kind in SIMPLE_POLICIES:
            catalog.update_product(
                ctx, actor_id=seller.id, product_id=product_id, price_minor=price_minor,
                policy=choice.policy if choice else None, **fields,
            )  # fmt: skip
        else:
            policies.save_product(
                ctx, actor_id=seller.id, product_id=product_id, price_minor=price_minor,
                policy=choice.policy, countdown=choice.countdown,
                hint_threshold=choice.hint_threshold, **fields,
            )  # fmt: skip
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
    request: Request, shop_slug: str, seller: Seller, description_md: Text = "", story_md: Text = ""
) -> Response:
    """A description or a restock story through the storefront's own sanitiser (htmx, as the
    seller types)."""
    return render(request, "console/_markdown_preview.html", {"source": description_md or story_md})


@router.post("/console/{shop_slug}/preview/claims", dependencies=Csrf)
def preview_claims(
    request: Request, shop_slug: str, ctx: CtxDep, seller: Seller, form: Submitted
) -> Response:
    """What the storefront will claim for the policy being edited, with the stock of now."""
    shop = console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug)
    try:
        choice = parse_policy(form, timezone=shop.timezone)
    except FieldError as exc:
        values = {"claims": None, "hint": exc.message}
        return render(request, "console/_claims_preview.html", values)
    claims = console.claims_preview(
        ctx,
        actor_id=seller.id,
        shop_slug=shop_slug,
        policy=choice.policy,
        price_minor=0,
        product_id=int(form["product_id"]) if form["product_id"].isdigit() else None,
        countdown=choice.countdown,
        hint_threshold=choice.hint_threshold,
    )
    return render(request, "console/_claims_preview.html", {"claims": claims, "hint": ""})

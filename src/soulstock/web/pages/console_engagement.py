"""Console pages of engagement: a product's restocks (with the light-reissue suggestion that
drafts one in a click), remixing retired products, and "emails and alerts" — the shop's
hooks, the email templates as the buyers get them, and the dev mail sink."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.errors import InvalidInput, SoulstockError
from soulstock.domain.policy import InventoryPolicy
from soulstock.mail import templates as mail_templates
from soulstock.services import console, hooks, outbox, remix, restocks
from soulstock.web.deps import CtxDep
from soulstock.web.errors import status_for
from soulstock.web.pages.console import Seller, page, problem_of
from soulstock.web.pages.render import check_csrf, redirect

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
Text = Annotated[str, Form()]


def _restocks_page(
    request: Request,
    ctx: CtxDep,
    seller: Any,
    *,
    shop_slug: str,
    product_id: int,
    form: dict[str, str] | None = None,
    problem: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    editable = console.editable_product(
        ctx, actor_id=seller.id, shop_slug=shop_slug, product_id=product_id
    )
    suggestion = restocks.suggestion(ctx, actor_id=seller.id, product_id=product_id)
    if form is None and suggestion and request.query_params.get("draft") == "suggested":
        form = {"title": "", "quantity": str(suggestion.quantity)}
    values = {
        "shop": editable.shop,
        "section": "products",
        "product": editable.row.product,
        "history": restocks.history(ctx, product_id=product_id),
        "suggestion": suggestion,
        "form": form or {},
        "problem": problem,
    }
    return page(request, "console/restocks.html", values, status=status)


@router.get("/console/{shop_slug}/products/{product_id}/restocks", response_class=HTMLResponse)
def restocks_page(
    request: Request, shop_slug: str, product_id: int, ctx: CtxDep, seller: Seller
) -> Response:
    return _restocks_page(request, ctx, seller, shop_slug=shop_slug, product_id=product_id)


def _when(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date and time") from None
    if parsed.tzinfo is None:
        raise InvalidInput("give the time with its zone, e.g. 2026-12-01T20:00+08:00")
    return parsed


@router.post("/console/{shop_slug}/products/{product_id}/restocks", dependencies=Csrf)
def publish_restock(
    request: Request,
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    title: Text,
    story_md: Text = "",
    changes: Text = "",
    quantity: Text = "0",
    opens_at: Text = "",
    priority_starts_at: Text = "",
    priority_cap: Text = "",
) -> Response:
    form = {"title": title, "story_md": story_md, "changes": changes, "quantity": quantity}
    form |= {"opens_at": opens_at, "priority_starts_at": priority_starts_at}
    form["priority_cap"] = priority_cap
    try:
        draft = restocks.RestockDraft(
            title=title,
            story_md=story_md,
            changes=changes,
            quantity=int(quantity or 0),
            opens_at=_when(opens_at),
            priority_starts_at=_when(priority_starts_at),
            priority_cap=int(priority_cap) if priority_cap.strip() else None,
        )
        restocks.publish(ctx, actor_id=seller.id, product_id=product_id, draft=draft)
    except ValueError:
        error = InvalidInput("a quantity and a cap are whole numbers")
        return _restocks_page(
            request, ctx, seller, shop_slug=shop_slug, product_id=product_id, form=form,
            problem=problem_of(error), status=422,
        )  # fmt: skip
    except SoulstockError as exc:
        return _restocks_page(
            request, ctx, seller, shop_slug=shop_slug, product_id=product_id, form=form,
            problem=problem_of(exc), status=status_for(exc),
        )  # fmt: skip
    return redirect(f"/console/{shop_slug}/products/{product_id}/restocks")


@router.get("/console/{shop_slug}/messages", response_class=HTMLResponse)
def messages_page(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    """Hooks, the email templates (each language) and, in dev mode, the mail sink."""
    values = {
        "shop": console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug),
        "section": "messages",
        "hooks": hooks.hooks_of(ctx, actor_id=seller.id, shop_slug=shop_slug),
        "counts": outbox.counts(ctx, actor_id=seller.id, shop_slug=shop_slug),
        "templates": [
            (name, {loc: mail_templates.source(name, loc) for loc in mail_templates.LOCALES})
            for name in mail_templates.names()
        ],
        "mails": outbox.dev_mails(ctx) if ctx.settings.smtp_url == "dev" else None,
    }
    return page(request, "console/messages.html", values)


@router.post("/console/{shop_slug}/hooks", dependencies=Csrf)
def add_hook(
    shop_slug: str, ctx: CtxDep, seller: Seller, kind: Text, url: Text, secret: Text = ""
) -> Response:
    hooks.add(ctx, actor_id=seller.id, shop_slug=shop_slug, kind=kind, url=url, secret=secret)
    return redirect(f"/console/{shop_slug}/messages")


@router.post("/console/{shop_slug}/hooks/{hook_id}/delete", dependencies=Csrf)
def remove_hook(shop_slug: str, hook_id: int, ctx: CtxDep, seller: Seller) -> Response:
    hooks.remove(ctx, actor_id=seller.id, shop_slug=shop_slug, hook_id=hook_id)
    return redirect(f"/console/{shop_slug}/messages")


@router.get("/console/{shop_slug}/remix", response_class=HTMLResponse)
def remix_page(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    values = {
        "shop": console.owned_shop(ctx, actor_id=seller.id, shop_slug=shop_slug),
        "section": "products",
        "files": remix.retired_files(ctx, actor_id=seller.id, shop_slug=shop_slug),
    }
    return page(request, "console/remix.html", values)


@router.post("/console/{shop_slug}/remix", dependencies=Csrf)
async def compose_remix(request: Request, shop_slug: str, ctx: CtxDep, seller: Seller) -> Response:
    form = await request.form()
    try:
        sources = [
            remix.Source(*(int(part) for part in str(value).split(":", 1)))
            for value in form.getlist("source")
        ]
        total, price = int(str(form.get("total", ""))), int(str(form.get("price_minor", "")))
    except ValueError:
        raise InvalidInput("choose files, a total and a price in whole numbers") from None
    pack = remix.compose(
        ctx,
        actor_id=seller.id,
        shop_slug=shop_slug,
        title=str(form.get("title", "")),
        price_minor=price,
        policy=InventoryPolicy.limited(total),
        sources=sources,
    )
    return redirect(f"/s/{shop_slug}/p/{pack.slug}")

"""Restocks, waitlists, notifications, seller hooks and remixes over the API. Thin: one
service call each; errors map through ``web/errors.py`` (a limited product's restock with
units is 409 ``limit_locked``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, EmailStr, Field

from soulstock.domain.policy import InventoryPolicy
from soulstock.services import hooks, notify, remix, restocks, waitlists
from soulstock.web.api.schemas import PolicyIn, Strict
from soulstock.web.deps import CtxDep, CurrentSeller, CurrentUser, OptionalUser

router = APIRouter(tags=["engagement"])


class RestockIn(Strict):
    title: str = Field(min_length=1, max_length=120)
    story_md: str = Field(default="", max_length=20_000)
    changes: str = Field(default="", max_length=2_000)
    quantity: int = Field(default=0, ge=0, description="0: a story only")
    opens_at: datetime | None = Field(default=None, description="default: now")
    priority_starts_at: datetime | None = Field(
        default=None, description="waitlist members may buy from here until opens_at"
    )
    priority_cap: int | None = Field(default=None, ge=1, description="per member, in the window")


class RestockOut(BaseModel):
    number: int
    title: str
    story_md: str
    changes: str
    quantity: int
    opens_at: datetime
    priority_starts_at: datetime | None
    priority_cap: int | None
    created_at: datetime


class SuggestionOut(BaseModel):
    quantity: int
    reason: str
    waiting: int
    sold_out_hours: float | None


class WaitlistIn(Strict):
    email: EmailStr | None = Field(default=None, description="guests: confirm by email")
    locale: Literal["zh_CN", "en"] = "zh_CN"


class WaitlistOut(BaseModel):
    waiting: int = Field(description="confirmed members who have not left")
    status: Literal["joined", "confirm_by_email", "left", "count"]


class NotificationOut(BaseModel):
    template: str
    params: dict[str, Any]
    created_at: datetime


class HookIn(Strict):
    kind: Literal["generic", "telegram", "wecom"]
    url: str = Field(max_length=500)
    secret: str = Field(default="", max_length=200, description="HMAC key / Telegram chat id")


class HookOut(BaseModel):
    id: int
    kind: str
    url: str
    secret: str


class SourceIn(Strict):
    product_id: int
    file_id: int


class RemixIn(Strict):
    title: str = Field(min_length=1, max_length=120)
    description_md: str = Field(default="", max_length=20_000)
    price_minor: int = Field(ge=0)
    policy: PolicyIn
    sources: list[SourceIn] = Field(min_length=1, max_length=100)


def _restock_out(r: Any) -> RestockOut:
    return RestockOut.model_validate(r, from_attributes=True)


@router.post("/products/{product_id}/restocks", status_code=status.HTTP_201_CREATED)
def publish_restock(
    product_id: int, body: RestockIn, seller: CurrentSeller, ctx: CtxDep
) -> RestockOut:
    """Publish a restock with its story; told to the waitlist, recorded in the log."""
    draft = restocks.RestockDraft(**body.model_dump())
    made = restocks.publish(ctx, actor_id=seller.id, product_id=product_id, draft=draft)
    return _restock_out(made)


@router.get("/products/{product_id}/restocks")
def list_restocks(product_id: int, ctx: CtxDep) -> list[RestockOut]:
    return [_restock_out(r) for r in restocks.history(ctx, product_id=product_id)]


@router.get("/products/{product_id}/reissue-suggestion")
def reissue_suggestion(product_id: int, seller: CurrentSeller, ctx: CtxDep) -> SuggestionOut | None:
    """A light reissue's size and why, or null (never for absolute-limited products)."""
    found = restocks.suggestion(ctx, actor_id=seller.id, product_id=product_id)
    return None if found is None else SuggestionOut(**asdict(found))


@router.get("/products/{product_id}/waitlist")
def waitlist_size(product_id: int, ctx: CtxDep) -> WaitlistOut:
    return WaitlistOut(waiting=waitlists.size(ctx, product_id=product_id), status="count")


@router.post("/products/{product_id}/waitlist")
def join_waitlist(
    product_id: int, ctx: CtxDep, user: OptionalUser, body: WaitlistIn | None = None
) -> WaitlistOut:
    """Signed in: joined at once. A guest gives an email and confirms through its link."""
    if user is not None:
        waitlists.join_user(ctx, user_id=user.id, product_id=product_id)
        state: Literal["joined", "confirm_by_email"] = "joined"
    else:
        body = body or WaitlistIn()
        email = str(body.email or "")
        waitlists.join_guest(ctx, product_id=product_id, email=email, locale=body.locale)
        state = "confirm_by_email"
    return WaitlistOut(waiting=waitlists.size(ctx, product_id=product_id), status=state)


@router.delete("/products/{product_id}/waitlist")
def leave_waitlist(product_id: int, user: CurrentUser, ctx: CtxDep) -> WaitlistOut:
    waitlists.leave_user(ctx, user_id=user.id, product_id=product_id)
    return WaitlistOut(waiting=waitlists.size(ctx, product_id=product_id), status="left")


@router.get("/notifications")
def notifications(user: CurrentUser, ctx: CtxDep) -> list[NotificationOut]:
    """Your in-app notifications, newest first."""
    return [
        NotificationOut(template=n.template, params=json.loads(n.params), created_at=n.created_at)
        for n in notify.inbox(ctx, user_id=user.id)
    ]


@router.get("/shops/{slug}/hooks")
def list_hooks(slug: str, seller: CurrentSeller, ctx: CtxDep) -> list[HookOut]:
    found = hooks.hooks_of(ctx, actor_id=seller.id, shop_slug=slug)
    return [HookOut.model_validate(h, from_attributes=True) for h in found]


@router.post("/shops/{slug}/hooks", status_code=status.HTTP_201_CREATED)
def add_hook(slug: str, body: HookIn, seller: CurrentSeller, ctx: CtxDep) -> HookOut:
    """Sale and sell-out alerts; a generic hook without a secret gets a random one."""
    hook = hooks.add(ctx, actor_id=seller.id, shop_slug=slug, **body.model_dump())
    return HookOut.model_validate(hook, from_attributes=True)


@router.delete("/shops/{slug}/hooks/{hook_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_hook(slug: str, hook_id: int, seller: CurrentSeller, ctx: CtxDep) -> None:
    hooks.remove(ctx, actor_id=seller.id, shop_slug=slug, hook_id=hook_id)


@router.post("/shops/{slug}/remixes", status_code=status.HTTP_201_CREATED)
def compose_remix(slug: str, body: RemixIn, seller: CurrentSeller, ctx: CtxDep) -> dict[str, Any]:
    """A new pack from the shop's retired limited products' files, with its own policy."""
    policy = InventoryPolicy.parse(body.policy.kind, body.policy.total, **body.policy.params())
    pack = remix.compose(
        ctx,
        actor_id=seller.id,
        shop_slug=slug,
        title=body.title,
        price_minor=body.price_minor,
        policy=policy,
        description_md=body.description_md,
        sources=[remix.Source(s.product_id, s.file_id) for s in body.sources],
    )
    return {"id": pack.id, "slug": pack.slug}


@router.get("/products/{product_id}/provenance")
def provenance(product_id: int, ctx: CtxDep) -> list[dict[str, str]]:
    """Which retired products and files a remixed pack was composed from."""
    return [
        {"product_title": p.product_title, "product_slug": p.product_slug, "filename": p.filename}
        for p in remix.provenance_of(ctx, product_id=product_id)
    ]

"""Seller control of scarcity over the API: policies, options and caps, windows, early birds,
unlock goals, the change history and the portfolio balance. Thin: one service call each."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from soulstock.domain.policy import InventoryPolicy
from soulstock.services import policies
from soulstock.web.api.schemas import PolicyIn, Strict
from soulstock.web.deps import CtxDep, CurrentSeller

router = APIRouter(tags=["scarcity"])


class OptionsIn(Strict):
    countdown: bool | None = None
    hint_threshold: int | None = Field(default=None, ge=1)
    buyer_cap: int | None = Field(default=None, ge=1, description="per buyer, per product")
    drop_cap: int | None = Field(default=None, ge=1, description="per buyer, per drop")
    tier: str | None = Field(default=None, pattern="^(flagship|evergreen|seasonal|traffic|staple)$")


class WindowIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    starts_at: datetime
    duration_seconds: int = Field(ge=1, le=31 * 24 * 3600)
    rrule: str | None = Field(default=None, max_length=200)
    price_minor: int | None = Field(default=None, ge=0)


class EarlyBirdIn(Strict):
    opens_at: datetime
    closes_at: datetime
    quantity: int = Field(ge=1)
    price_minor: int = Field(ge=0)


class GoalIn(Strict):
    threshold: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=120)


class ChangeOut(BaseModel):
    what: str
    actor_id: int
    at: datetime
    before: str
    after: str


class PortfolioOut(BaseModel):
    products: int
    staples: int
    staple_share: float
    target: float
    below_target: bool


@router.put("/products/{product_id}/policy", status_code=status.HTTP_204_NO_CONTENT)
def set_policy(product_id: int, body: PolicyIn, seller: CurrentSeller, ctx: CtxDep) -> None:
    """Change the policy's parameters (a limited total never changes: 409 limit_locked)."""
    policy = InventoryPolicy.parse(body.kind, body.total, **body.params())
    policies.set_policy(ctx, actor_id=seller.id, product_id=product_id, policy=policy)


@router.patch("/products/{product_id}/policy/options", status_code=status.HTTP_204_NO_CONTENT)
def set_options(product_id: int, body: OptionsIn, seller: CurrentSeller, ctx: CtxDep) -> None:
    policies.set_options(ctx, actor_id=seller.id, product_id=product_id, **body.model_dump())


@router.post("/products/{product_id}/windows", status_code=status.HTTP_201_CREATED)
def add_window(
    product_id: int, body: WindowIn, seller: CurrentSeller, ctx: CtxDep
) -> dict[str, int]:
    """A flash-sale window; 409 window_overlap names the window it overlaps."""
    window = policies.add_window(
        ctx, actor_id=seller.id, product_id=product_id, **body.model_dump()
    )
    return {"id": window.id}


@router.post("/products/{product_id}/early-bird", status_code=status.HTTP_204_NO_CONTENT)
def add_early_bird(product_id: int, body: EarlyBirdIn, seller: CurrentSeller, ctx: CtxDep) -> None:
    policies.add_early_bird(ctx, actor_id=seller.id, product_id=product_id, **body.model_dump())


@router.post("/products/{product_id}/goals", status_code=status.HTTP_201_CREATED)
def add_goal(product_id: int, body: GoalIn, seller: CurrentSeller, ctx: CtxDep) -> dict[str, int]:
    goal = policies.add_goal(ctx, actor_id=seller.id, product_id=product_id, **body.model_dump())
    return {"id": goal.id}


@router.get("/products/{product_id}/policy/history")
def history(product_id: int, seller: CurrentSeller, ctx: CtxDep) -> list[ChangeOut]:
    changes = policies.history(ctx, actor_id=seller.id, product_id=product_id)
    return [
        ChangeOut(what=c.what, actor_id=c.actor_id, at=c.at, before=c.before, after=c.after)
        for c in changes
    ]


@router.get("/shops/{slug}/portfolio")
def portfolio(slug: str, seller: CurrentSeller, ctx: CtxDep) -> PortfolioOut:
    """The share of staples in the line; ``below_target`` warns when it drifts under 20%."""
    p = policies.shop_portfolio(ctx, actor_id=seller.id, shop_slug=slug)
    return PortfolioOut(
        products=p.products,
        staples=p.staples,
        staple_share=p.staple_share,
        target=p.target,
        below_target=p.below_target,
    )

"""The draw (抽签) over the API: a seller creates and closes, buyers enter, anyone verifies.
Thin: one service call each. A draw closes on the first read after its window (or ``close``)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, EmailStr, Field

from soulstock.services import checkout, draws
from soulstock.web.api.schemas import Strict
from soulstock.web.deps import CtxDep, CurrentSeller, OptionalUser

router = APIRouter(tags=["draws"])


class DrawIn(Strict):
    opens_at: datetime
    closes_at: datetime
    winners_count: int = Field(ge=1, le=1_000_000)
    hold_seconds: int = Field(default=3600, ge=draws.MIN_HOLD_SECONDS, le=7 * 24 * 3600)


class EntryIn(Strict):
    email: EmailStr | None = Field(default=None, description="guests only")


class DrawOut(BaseModel):
    """Public data: the commitment from the start; hash, seed, entries and winners at close."""

    id: int
    product_id: int
    opens_at: datetime
    closes_at: datetime
    winners_count: int
    hold_seconds: int
    commitment: str = Field(description="sha256(seed), published before entries open")
    entry_count: int
    open_now: bool
    closed: bool
    entries_hash: str | None = None
    seed_hex: str | None = Field(default=None, description="revealed only at close")
    entries: list[str] | None = None
    winners: list[str] | None = None

    @classmethod
    def of(cls, view: draws.DrawView) -> DrawOut:
        d = view.draw
        return cls(
            id=d.id,
            product_id=d.product_id,
            opens_at=d.opens_at,
            closes_at=d.closes_at,
            winners_count=d.winners_count,
            hold_seconds=d.hold_seconds,
            commitment=d.commitment,
            entry_count=view.entry_count,
            open_now=view.open_now,
            closed=view.closed,
            entries_hash=d.entries_hash,
            seed_hex=draws.public_seed(view),
            entries=view.entries,
            winners=view.winners,
        )


class EnteredOut(BaseModel):
    entry: str = Field(description="your public pseudonym in the frozen entry list")
    token: str = Field(description="shown once: your key to the result (and a guest's order)")


class ResultOut(BaseModel):
    entry: str
    result: str = Field(description="pending, won or waitlist")
    order_public_id: str | None = None


@router.post("/products/{product_id}/draws", status_code=status.HTTP_201_CREATED)
def create_draw(product_id: int, body: DrawIn, seller: CurrentSeller, ctx: CtxDep) -> DrawOut:
    row = draws.create_draw(ctx, actor_id=seller.id, product_id=product_id, **body.model_dump())
    return DrawOut.of(draws.draw_view(ctx, draw_id=row.id))


@router.get("/draws/{draw_id}")
def get_draw(draw_id: int, ctx: CtxDep) -> DrawOut:
    return DrawOut.of(draws.draw_view(ctx, draw_id=draw_id))


@router.post("/draws/{draw_id}/entries", status_code=status.HTTP_201_CREATED)
def enter(draw_id: int, body: EntryIn, ctx: CtxDep, user: OptionalUser) -> EnteredOut:
    """One entry per account or email; 409 window_closed outside the window."""
    buyer = checkout.buyer_for(ctx, user_id=user.id if user else None, email=body.email)
    entered = draws.enter_draw(ctx, draw_id=draw_id, buyer=buyer)
    return EnteredOut(entry=entered.entry, token=entered.token)


@router.post("/draws/{draw_id}/close")
def close(draw_id: int, seller: CurrentSeller, ctx: CtxDep) -> DrawOut:
    return DrawOut.of(draws.close_draw(ctx, actor_id=seller.id, draw_id=draw_id))


@router.get("/draws/{draw_id}/me")
def my_result(draw_id: int, ctx: CtxDep, user: OptionalUser, t: str | None = None) -> ResultOut:
    r = draws.my_entry(ctx, draw_id=draw_id, user_id=user.id if user else None, token=t)
    return ResultOut(entry=r.entry, result=r.result, order_public_id=r.order_public_id)

"""Buying over the API: reserve, pay, cancel, see orders, the library and download links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from soulstock.services import accounts, checkout, delivery, library
from soulstock.web.api.schemas import (
    ClaimIn,
    DownloadLinkOut,
    LibraryItemOut,
    OrderOut,
    PaymentStartOut,
    ReservedOut,
    ReserveIn,
)
from soulstock.web.deps import AccessDep, CtxDep, CurrentUser, OptionalUser

router = APIRouter(tags=["orders"])


@router.post("/products/{product_id}/reservations", status_code=status.HTTP_201_CREATED)
def reserve(product_id: int, body: ReserveIn, ctx: CtxDep, user: OptionalUser) -> ReservedOut:
    """Hold units for the hold TTL. Guests give an email; 409 ``sold_out`` when none is free."""
    buyer = checkout.buyer_for(ctx, user_id=user.id if user else None, email=body.email)
    reserved = checkout.reserve(ctx, product_id=product_id, quantity=body.quantity, buyer=buyer)
    return ReservedOut(
        order=OrderOut.of_hold(reserved.order, reserved.hold, now=ctx.clock.now()),
        access_token=reserved.access_token,
    )


@router.get("/orders/{public_id}")
def get_order(public_id: str, ctx: CtxDep, access: AccessDep) -> OrderOut:
    """An order, for its buyer's account or with its secret in ``X-Order-Token``."""
    details = checkout.order_details(ctx, public_id=public_id, access=access)
    return OrderOut.of_details(details, now=ctx.clock.now())


@router.post("/orders/{public_id}/pay")
def pay(public_id: str, ctx: CtxDep, access: AccessDep) -> PaymentStartOut:
    session = checkout.start_payment(ctx, public_id=public_id, access=access)
    return PaymentStartOut(provider=session.provider, redirect_url=session.redirect_url)


@router.post("/orders/{public_id}/cancel", status_code=status.HTTP_204_NO_CONTENT)
def cancel(public_id: str, ctx: CtxDep, access: AccessDep) -> None:
    checkout.cancel(ctx, public_id=public_id, access=access)


@router.post("/orders/{public_id}/claim")
def claim(public_id: str, body: ClaimIn, ctx: CtxDep, user: CurrentUser) -> OrderOut:
    """Move a guest order into the signed-in account that has the order's email."""
    order = accounts.claim_guest_order(
        ctx, user_id=user.id, order_public_id=public_id, access=body.access_token
    )
    return OrderOut.of(order)


@router.get("/orders")
def my_orders(
    ctx: CtxDep,
    user: CurrentUser,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[OrderOut]:
    summaries = checkout.buyer_orders(ctx, user_id=user.id, offset=offset, limit=limit)
    return [OrderOut.of(s.order, status=s.view.value) for s in summaries]


@router.get("/library")
def my_library(ctx: CtxDep, user: CurrentUser) -> list[LibraryItemOut]:
    return [LibraryItemOut.of(item) for item in library.owned_editions(ctx, user_id=user.id)]


@router.post("/orders/{public_id}/files/{file_id}/link")
def download_link(public_id: str, file_id: int, ctx: CtxDep, access: AccessDep) -> DownloadLinkOut:
    """A signed link to one file of a paid order, valid for a few minutes, for its owner."""
    token = delivery.download_token(ctx, public_id=public_id, file_id=file_id, access=access)
    return DownloadLinkOut(
        url=f"/download/{token}", expires_in=ctx.settings.download_link_ttl_seconds
    )

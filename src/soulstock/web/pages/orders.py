"""Order pages: the hold with its countdown, paying (and the dev pay page), cancelling, files.

Guests prove the right to an order with its secret ``t``; every link rendered for a guest
keeps it, so the buyer can come back to the order page from any of them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.orders import OrderView, PaymentOutcome
from soulstock.services import catalog, checkout, delivery, payments
from soulstock.web.deps import AccessDep, CtxDep
from soulstock.web.pages.render import check_csrf, redirect, render, with_query

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]


def _order_url(public_id: str, access: checkout.OrderAccess) -> str:
    return with_query(f"/orders/{public_id}", t=access.token)


@router.get("/orders/{public_id}", response_class=HTMLResponse)
def order_page(request: Request, public_id: str, ctx: CtxDep, access: AccessDep) -> Response:
    details = checkout.order_details(ctx, public_id=public_id, access=access)
    view = catalog.product_view_by_id(ctx, details.product.id)
    downloads = []
    if details.view is OrderView.PAID:
        downloads = [
            (f, delivery.download_token(ctx, public_id=public_id, file_id=f.id, access=access))
            for f in view.files
        ]
    values = {
        "details": details,
        "shop": view.shop,
        "seconds_left": details.hold.seconds_left(ctx.clock.now()),
        "downloads": downloads,
        "t": access.token,
    }
    response = render(request, "order.html", values)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.post("/orders/{public_id}/pay", dependencies=Csrf)
def pay(public_id: str, ctx: CtxDep, access: AccessDep) -> Response:
    session = checkout.start_payment(ctx, public_id=public_id, access=access)
    url = session.redirect_url
    if session.provider == "dev":  # our own pay page: it needs the guest's key too
        url = with_query(f"/pay/dev/{public_id}", t=access.token)
    return redirect(url)


@router.post("/orders/{public_id}/cancel", dependencies=Csrf)
def cancel(public_id: str, ctx: CtxDep, access: AccessDep) -> Response:
    checkout.cancel(ctx, public_id=public_id, access=access)
    return redirect(_order_url(public_id, access))


@router.get("/pay/dev/{public_id}", response_class=HTMLResponse)
def dev_pay_page(request: Request, public_id: str, ctx: CtxDep, access: AccessDep) -> Response:
    """The dev provider's stand-in for a gateway: Pay or Fail, signed like a real callback."""
    ctx.provider("dev")  # 404 when dev payments are switched off
    details = checkout.order_details(ctx, public_id=public_id, access=access)
    return render(request, "dev_pay.html", {"details": details, "t": access.token})


@router.post("/pay/dev/{public_id}", dependencies=Csrf)
def dev_pay(
    public_id: str,
    ctx: CtxDep,
    access: AccessDep,
    outcome: Annotated[PaymentOutcome, Form()],
) -> Response:
    checkout.order_details(ctx, public_id=public_id, access=access)  # only the buyer may pay
    payments.dev_notice(ctx, order_public_id=public_id, outcome=outcome)
    return redirect(_order_url(public_id, access))

"""Dependencies: the service context, and who is asking (session cookie or API token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from soulstock.domain.errors import NotAuthenticated, PermissionDenied
from soulstock.services import accounts
from soulstock.services.checkout import OrderAccess
from soulstock.services.context import Context
from soulstock.store.models import User

SESSION_USER = "uid"


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]


def optional_user(request: Request, ctx: CtxDep) -> User | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return accounts.user_for_token(ctx, header[7:].strip())
    user_id = request.session.get(SESSION_USER)
    if isinstance(user_id, int):
        return accounts.get_user(ctx, user_id)
    return None


OptionalUser = Annotated[User | None, Depends(optional_user)]


def require_user(user: OptionalUser) -> User:
    if user is None:
        raise NotAuthenticated("sign in, or send an API token as 'Authorization: Bearer ...'")
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def require_seller(user: CurrentUser) -> User:
    if not user.is_seller:
        raise PermissionDenied("this needs a seller account")
    return user


CurrentSeller = Annotated[User, Depends(require_seller)]


def order_access(request: Request, user: OptionalUser) -> OrderAccess:
    """The buyer's account, and/or the order secret from a guest's link or header."""
    token = request.headers.get("x-order-token") or request.query_params.get("t")
    return OrderAccess(user_id=user.id if user else None, token=token)


AccessDep = Annotated[OrderAccess, Depends(order_access)]

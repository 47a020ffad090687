"""Accounts over the API: sign up, log in (session cookie), API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from soulstock.services import accounts
from soulstock.web.api.schemas import LogIn, SignUp, TokenIn, TokenOut, UserOut
from soulstock.web.deps import SESSION_USER, CtxDep, CurrentSeller, CurrentUser

router = APIRouter(tags=["accounts"])


@router.post("/auth/signup", status_code=status.HTTP_201_CREATED)
def sign_up(body: SignUp, request: Request, ctx: CtxDep) -> UserOut:
    user = accounts.sign_up(
        ctx,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        seller=body.seller,
    )
    request.session[SESSION_USER] = user.id
    return UserOut.of(user)


@router.post("/auth/login")
def log_in(body: LogIn, request: Request, ctx: CtxDep) -> UserOut:
    user = accounts.log_in(ctx, email=body.email, password=body.password)
    request.session[SESSION_USER] = user.id
    return UserOut.of(user)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def log_out(request: Request) -> None:
    request.session.clear()


@router.get("/me")
def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@router.post("/tokens", status_code=status.HTTP_201_CREATED, tags=["tokens"])
def create_token(body: TokenIn, user: CurrentSeller, ctx: CtxDep) -> TokenOut:
    new = accounts.create_token(ctx, user_id=user.id, name=body.name)
    t = new.token
    return TokenOut(
        id=t.id,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at,
        revoked_at=t.revoked_at,
        token=new.secret,
    )


@router.get("/tokens", tags=["tokens"])
def list_tokens(user: CurrentSeller, ctx: CtxDep) -> list[TokenOut]:
    return [
        TokenOut(
            id=t.id, name=t.name, prefix=t.prefix, created_at=t.created_at, revoked_at=t.revoked_at
        )
        for t in accounts.list_tokens(ctx, user_id=user.id)
    ]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["tokens"])
def revoke_token(token_id: int, user: CurrentSeller, ctx: CtxDep) -> None:
    accounts.revoke_token(ctx, user_id=user.id, token_id=token_id)

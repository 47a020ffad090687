"""Seller alert hooks: a shop's webhooks (generic signed JSON, Telegram bot, WeCom bot)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select

from soulstock.domain.errors import InvalidInput, NotFound
from soulstock.services.catalog import owned_shop
from soulstock.services.context import Context
from soulstock.store.models import ShopHook

KINDS = ("generic", "telegram", "wecom")


def add(
    ctx: Context, *, actor_id: int, shop_slug: str, kind: str, url: str, secret: str = ""
) -> ShopHook:
    """Add a hook; a generic hook without a secret gets a random one (shown to the seller)."""
    if kind not in KINDS:
        raise InvalidInput(f"a hook is one of {', '.join(KINDS)}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise InvalidInput("a hook URL is an http(s) URL of at most 500 characters")
    if kind == "telegram" and not secret:
        raise InvalidInput("a Telegram hook needs the chat id")
    if kind == "generic" and not secret:
        secret = secrets.token_urlsafe(32)
    with ctx.uow.write() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        hook = ShopHook(
            shop_id=shop.id, kind=kind, url=url, secret=secret[:200], created_at=ctx.clock.now()
        )
        session.add(hook)
        session.flush()
        return hook


def hooks_of(ctx: Context, *, actor_id: int, shop_slug: str) -> list[ShopHook]:
    with ctx.uow.read() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        return list(
            session.scalars(
                select(ShopHook).where(ShopHook.shop_id == shop.id).order_by(ShopHook.id)
            )
        )


def remove(ctx: Context, *, actor_id: int, shop_slug: str, hook_id: int) -> None:
    with ctx.uow.write() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        hook = session.get(ShopHook, hook_id)
        if hook is None or hook.shop_id != shop.id:
            raise NotFound("no such hook")
        session.delete(hook)

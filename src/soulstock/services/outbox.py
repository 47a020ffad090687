"""What the console shows of delivery: the shop's outbox counts and the dev mail sink."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from soulstock.services.catalog import owned_shop
from soulstock.services.context import Context
from soulstock.store.models import DevMail, OutboxMessage


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    waiting: int
    sent: int
    failed: int


def counts(ctx: Context, *, actor_id: int, shop_slug: str) -> OutboxCounts:
    """How many of the shop's messages wait, went out, or were given up on."""
    with ctx.uow.read() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        mine = OutboxMessage.shop_id == shop.id

        def count(*where: Any) -> int:
            return int(
                session.scalar(select(func.count(OutboxMessage.id)).where(mine, *where)) or 0
            )

        return OutboxCounts(
            waiting=count(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)),
            sent=count(OutboxMessage.sent_at.is_not(None)),
            failed=count(OutboxMessage.failed_at.is_not(None)),
        )


def dev_mails(ctx: Context, *, limit: int = 50) -> list[DevMail]:
    """The newest emails the dev transport kept (only ever filled in dev mode)."""
    with ctx.uow.read() as session:
        return list(session.scalars(select(DevMail).order_by(DevMail.id.desc()).limit(limit)))

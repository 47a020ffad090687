"""Story restocks (故事化补货): publish a release with its story, list a product's history and
a shop's feed, suggest a light reissue.

Units go through the release machinery only: a periodic product gets an extra ``restock``
release (a new row; ``CHECK (sold + held <= quantity)`` and the conditional UPDATEs of
``store/stock.py`` guard it like any other); a tranche product's pool grows and its tranches
release the units; limited and seasonal products never get units (``NeverReissued``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulstock.domain.drops import RESTOCK_SEQ, ReleaseKind
from soulstock.domain.errors import InvalidInput
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.restock import (
    PastRelease,
    PriorityWindow,
    Suggestion,
    check_restock,
    check_story,
    suggest_reissue,
)
from soulstock.services import notify, ownership, waitlists
from soulstock.services.catalog import get_shop, owned_product
from soulstock.services.context import Context
from soulstock.services.scarcity import _release_states, policy_of
from soulstock.store.models import PolicyChange, Product, ProductPolicy, Release, Restock, Shop


@dataclass(frozen=True, slots=True)
class RestockDraft:
    title: str
    story_md: str = ""
    changes: str = ""
    quantity: int = 0
    opens_at: datetime | None = None  # None: now
    priority_starts_at: datetime | None = None
    priority_cap: int | None = None


def publish(ctx: Context, *, actor_id: int, product_id: int, draft: RestockDraft) -> Restock:
    """Publish a restock: its units (if any), its story, its log entry and its waitlist news."""
    now = ctx.clock.now()
    check_story(title=draft.title, story_md=draft.story_md, changes=draft.changes)
    opens_at = draft.opens_at or now
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        policy = policy_of(product, session.get(ProductPolicy, product.id))
        check_restock(policy, quantity=draft.quantity)
        _check_priority(draft, policy=policy, opens_at=opens_at, now=now)
        number = 1 + (
            session.scalar(select(func.max(Restock.number)).where(Restock.product_id == product.id))
            or 0
        )
        release_id = _add_units(
            session, product=product, policy=policy, draft=draft, number=number, now=now
        )
        if release_id is None and draft.quantity:
            _grow_pool(
                session, product=product, actor_id=actor_id, quantity=draft.quantity, now=now
            )
        restock = Restock(
            product_id=product.id,
            number=number,
            release_id=release_id,
            title=draft.title.strip(),
            story_md=draft.story_md,
            changes=draft.changes,
            quantity=draft.quantity,
            opens_at=opens_at,
            priority_starts_at=draft.priority_starts_at,
            priority_cap=draft.priority_cap,
            created_at=now,
        )
        session.add(restock)
        session.flush()
        story = f"{restock.title}\n{restock.changes}\n{restock.story_md}"
        ownership.record_restock(
            session, product=product, quantity=draft.quantity, story=story, now=now
        )
        notify.restock_released(session, product=product, restock=restock, now=now)
        return restock


def _check_priority(
    draft: RestockDraft, *, policy: InventoryPolicy, opens_at: datetime, now: datetime
) -> None:
    if draft.priority_starts_at is None:
        if draft.priority_cap is not None:
            raise InvalidInput("a member cap needs a priority window start")
        return
    if draft.quantity == 0 or policy.kind is not PolicyKind.PERIODIC:
        raise InvalidInput("a priority window needs a restock release with units")
    PriorityWindow(draft.priority_starts_at, opens_at, draft.priority_cap or 1)


def _add_units(
    session: Session,
    *,
    product: Product,
    policy: InventoryPolicy,
    draft: RestockDraft,
    number: int,
    now: datetime,
) -> int | None:
    if draft.quantity == 0 or policy.kind is PolicyKind.TRANCHE:
        return None
    release = Release(
        product_id=product.id,
        kind=ReleaseKind.RESTOCK.value,
        seq=RESTOCK_SEQ + number,
        quantity=draft.quantity,
        sold=0,
        held=0,
        opens_at=draft.opens_at or now,
        created_at=now,
    )
    session.add(release)
    session.flush()
    return release.id


def _grow_pool(
    session: Session, *, product: Product, actor_id: int, quantity: int, now: datetime
) -> None:
    """A tranche product's restock: its pool grows; the tranches release the new units."""
    settings = session.get(ProductPolicy, product.id)
    policy = policy_of(product, settings)
    assert product.cap is not None
    before = product.cap
    InventoryPolicy.parse(  # validates the grown pool
        policy.kind.value,
        before + quantity,
        tranche_size=policy.tranche_size,
        cooldown_seconds=policy.cooldown_seconds,
        velocity_seconds=policy.velocity_seconds,
    )
    product.cap = before + quantity
    session.add(
        PolicyChange(
            product_id=product.id,
            actor_id=actor_id,
            what="restock",
            before=f'{{"total": {before}}}',
            after=f'{{"total": {product.cap}}}',
            at=now,
        )
    )


def history(ctx: Context, *, product_id: int) -> list[Restock]:
    """A product's restocks, newest first (public: the product page's history)."""
    with ctx.uow.read() as session:
        return list(
            session.scalars(
                select(Restock)
                .where(Restock.product_id == product_id)
                .order_by(Restock.number.desc())
            )
        )


def shop_feed(ctx: Context, *, shop_slug: str) -> tuple[Shop, list[tuple[Restock, Product]]]:
    """A shop's restocks with their products, newest first, for its Atom feed."""
    shop = get_shop(ctx, shop_slug)
    with ctx.uow.read() as session:
        rows = session.execute(
            select(Restock, Product)
            .join(Product, Product.id == Restock.product_id)
            .where(Product.shop_id == shop.id, Product.listed)
            .order_by(Restock.created_at.desc(), Restock.id.desc())
            .limit(100)
        ).all()
    return shop, [(r, p) for r, p in rows]


def suggestion(ctx: Context, *, actor_id: int, product_id: int) -> Suggestion | None:
    """A light reissue for the seller, from the waitlist and how fast past releases sold."""
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        waiting = waitlists.confirmed(session, product.id)
        policy = policy_of(product, session.get(ProductPolicy, product.id))
        states = _release_states(session, product_id=product.id, now=now)
        past = [
            PastRelease(s.quantity, s.opens_at or product.created_at, s.sold_out_at)
            for s in states
            if s.quantity is not None
        ]
    return suggest_reissue(policy, waiting=waiting, releases=past)

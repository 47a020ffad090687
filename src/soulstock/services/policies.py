"""Seller control of scarcity: change a policy, its display options and caps, sale windows,
early birds and unlock goals. Each change is validated, done in one transaction, and kept in
the history with who and when."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulstock.domain.drops import EARLY_BIRD_SEQ, ReleaseKind, opening_at
from soulstock.domain.errors import AlreadyExists, InvalidInput, WindowOverlap
from soulstock.domain.money import check_price
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.schedule import RecurringWindow, first_overlap
from soulstock.domain.tiers import Portfolio, Tier, portfolio
from soulstock.domain.unlock import Goal
from soulstock.services.catalog import owned_product, owned_shop
from soulstock.services.context import Context
from soulstock.services.scarcity import grant_goal, policy_of, product_state, write_policy
from soulstock.store import stock
from soulstock.store.models import (
    PolicyChange,
    Product,
    ProductPolicy,
    Release,
    SaleWindow,
    Shop,
    UnlockGoal,
)

OPTION_NAMES = ("countdown", "hint_threshold", "buyer_cap", "drop_cap", "tier")


def _json(value: object) -> str:
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def _settings(session: Session, product: Product) -> ProductPolicy:
    settings = session.get(ProductPolicy, product.id)
    if settings is None:  # products created before 0002 have no settings row yet
        settings = ProductPolicy(
            product_id=product.id, countdown=False, rollover=False, cooldown_seconds=0
        )
        session.add(settings)
    return settings


def _record(
    session: Session,
    *,
    product: Product,
    actor_id: int,
    what: str,
    before: Any,
    after: Any,
    now: datetime,
) -> None:
    session.add(
        PolicyChange(
            product_id=product.id,
            actor_id=actor_id,
            what=what,
            before=_json(before),
            after=_json(after),
            at=now,
        )
    )


def set_policy(ctx: Context, *, actor_id: int, product_id: int, policy: InventoryPolicy) -> None:
    """Change a product's policy parameters; limited and seasonal totals never change."""
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        _change_policy(session, product=product, actor_id=actor_id, policy=policy, now=now)


def _change_policy(
    session: Session, *, product: Product, actor_id: int, policy: InventoryPolicy, now: datetime
) -> None:
    settings = _settings(session, product)
    current = policy_of(product, settings)
    current.check_change_to(policy, minted=product.minted)
    current.check_kind_change(policy)
    _fit_open_release(session, product=product, current=current, new=policy, now=now)
    product.policy, product.cap = policy.kind.value, policy.cap
    write_policy(settings, policy)
    _record(
        session,
        product=product,
        actor_id=actor_id,
        what="policy",
        before=asdict(current),
        after=asdict(policy),
        now=now,
    )


def save_product(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    title: str,
    description_md: str,
    price_minor: int,
    listed: bool,
    policy: InventoryPolicy,
    **options: Any,
) -> Product:
    """The console's edit form for a drop, tranche or seasonal product, in one transaction:
    its fields, its policy (as far as the policy may change) and its display options."""
    title = title.strip()
    if not 1 <= len(title) <= 120:
        raise InvalidInput("a title has 1 to 120 characters")
    check_price(price_minor)
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        if policy != policy_of(product, _settings(session, product)):
            _change_policy(session, product=product, actor_id=actor_id, policy=policy, now=now)
        _set_options(
            session, product=product, actor_id=actor_id, options=options, now=now, quiet=True
        )
        product.title, product.description_md = title, description_md
        product.price_minor, product.listed = price_minor, listed
        return product


def _fit_open_release(
    session: Session,
    *,
    product: Product,
    current: InventoryPolicy,
    new: InventoryPolicy,
    now: datetime,
) -> None:
    """A drop cannot shrink below what is sold or held; a pool not below what it released."""
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    state = product_state(session, product=product, shop=shop, now=now)
    if new.kind is PolicyKind.TRANCHE:
        released = sum(r.quantity or 0 for r in state.releases if r.kind is ReleaseKind.TRANCHE)
        if new.total is not None and new.total < released:
            raise InvalidInput(
                f"{released} units are already released in tranches; "
                f"a pool of {new.total} is too small"
            )
        return
    if current.kind is not PolicyKind.PERIODIC or new.drop_quantity is None:
        return  # a staple becoming periodic keeps its uncapped base release for old holds
    slot = opening_at(current, state.releases, tz=state.tz, t=now).slot
    if slot is None or slot.existing is None:
        return
    release = session.scalar(
        select(Release).where(Release.product_id == product.id, Release.seq == slot.seq)
    )
    assert release is not None
    stock.lock_release(session, release.id)
    session.refresh(release)
    if new.drop_quantity < release.sold + release.held:
        raise InvalidInput(
            f"the open drop has {release.sold + release.held} units sold or "
            f"held; a drop of {new.drop_quantity} is too small"
        )
    release.quantity = new.drop_quantity


def set_options(ctx: Context, *, actor_id: int, product_id: int, **options: Any) -> None:
    """Display mode, traffic hint threshold, per-buyer caps and tier (None leaves one as is)."""
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        _set_options(
            session, product=product, actor_id=actor_id, options=options, now=ctx.clock.now()
        )


def _set_options(
    session: Session,
    *,
    product: Product,
    actor_id: int,
    options: dict[str, Any],
    now: datetime,
    quiet: bool = False,
) -> None:
    """Set the options given (None leaves one as is); ``quiet`` records only a real change."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise InvalidInput(f"unknown options: {', '.join(sorted(unknown))}")
    if options.get("tier") is not None:
        options["tier"] = Tier(options["tier"]).value
    for name in ("hint_threshold", "buyer_cap", "drop_cap"):
        if options.get(name) is not None and options[name] < 1:
            raise InvalidInput(f"{name} must be at least 1")
    settings = _settings(session, product)
    before = {name: getattr(settings, name) for name in OPTION_NAMES}
    for name, value in options.items():
        if value is not None:
            setattr(settings, name, value)
    after = {name: getattr(settings, name) for name in OPTION_NAMES}
    if after != before or not quiet:
        _record(
            session,
            product=product,
            actor_id=actor_id,
            what="options",
            before=before,
            after=after,
            now=now,
        )


def add_window(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    name: str,
    starts_at: datetime,
    duration_seconds: int,
    rrule: str | None = None,
    price_minor: int | None = None,
) -> SaleWindow:
    """A flash-sale window (recurring with an RRULE); refused if it overlaps another."""
    if price_minor is not None:
        check_price(price_minor)
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        shop = session.get(Shop, product.shop_id)
        assert shop is not None
        new = RecurringWindow(name, starts_at, duration_seconds, shop.timezone, rrule, price_minor)
        existing = session.scalars(
            select(SaleWindow).where(SaleWindow.product_id == product.id).with_for_update()
        ).all()
        for row in existing:
            other = RecurringWindow(
                row.name,
                row.starts_at,
                row.duration_seconds,
                shop.timezone,
                row.rrule,
                row.price_minor,
            )
            clash = first_overlap(new, other, since=now)
            if clash is not None:
                raise WindowOverlap(
                    f"window {name!r} overlaps window {row.name!r}: "
                    f"{clash[0].start:%Y-%m-%d %H:%M}–{clash[0].end:%H:%M} UTC against "
                    f"{clash[1].start:%Y-%m-%d %H:%M}–{clash[1].end:%H:%M} UTC"
                )
        window = SaleWindow(
            product_id=product.id,
            name=name,
            starts_at=starts_at,
            duration_seconds=duration_seconds,
            rrule=rrule,
            price_minor=price_minor,
            created_at=now,
        )
        session.add(window)
        _record(
            session,
            product=product,
            actor_id=actor_id,
            what="window",
            before=None,
            after={
                "name": name,
                "starts_at": starts_at,
                "rrule": rrule,
                "duration_seconds": duration_seconds,
                "price_minor": price_minor,
            },
            now=now,
        )
        session.flush()
        return window


def add_early_bird(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    opens_at: datetime,
    closes_at: datetime,
    quantity: int,
    price_minor: int,
) -> None:
    """An early-bird batch before launch, with its own quantity and price. For a fixed total
    the units come out of the launch release (unsold early-bird units do not return)."""
    check_price(price_minor)
    if closes_at <= opens_at or quantity < 1:
        raise InvalidInput("an early bird needs a positive quantity and must close after it opens")
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        base = session.scalar(
            select(Release).where(Release.product_id == product.id, Release.seq == 0)
        )
        if base is None:
            raise InvalidInput(
                "only a staple, limited, unlock or seasonal product has an early bird"
            )
        if (
            session.scalar(
                select(Release.id).where(
                    Release.product_id == product.id, Release.seq == EARLY_BIRD_SEQ
                )
            )
            is not None
        ):
            raise AlreadyExists("this product already has an early bird")
        stock.lock_release(session, base.id)
        session.refresh(base)
        if base.quantity is not None:
            if base.quantity - base.sold - base.held < quantity:
                raise InvalidInput("not enough unsold units for this early bird")
            base.quantity -= quantity
        base.opens_at = closes_at
        session.add(
            Release(
                product_id=product.id,
                kind=ReleaseKind.EARLY_BIRD.value,
                seq=EARLY_BIRD_SEQ,
                quantity=quantity,
                opens_at=opens_at,
                closes_at=closes_at,
                price_minor=price_minor,
                created_at=now,
            )
        )
        _record(
            session,
            product=product,
            actor_id=actor_id,
            what="early_bird",
            before=None,
            after={
                "opens_at": opens_at,
                "closes_at": closes_at,
                "quantity": quantity,
                "price_minor": price_minor,
            },
            now=now,
        )


def add_goal(
    ctx: Context, *, actor_id: int, product_id: int, threshold: int, title: str
) -> UnlockGoal:
    """An unlock goal; if sales already reached it, every holder gets it now."""
    Goal(threshold, title)
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        taken = select(UnlockGoal.id).where(
            UnlockGoal.product_id == product.id, UnlockGoal.threshold == threshold
        )
        if session.scalar(taken) is not None:
            raise AlreadyExists(f"there is already a goal at {threshold} sales")
        goal = UnlockGoal(product_id=product.id, threshold=threshold, title=title.strip())
        session.add(goal)
        session.flush()
        if product.minted >= threshold:
            grant_goal(session, goal_id=goal.id, product_id=product.id, now=now)
        _record(
            session,
            product=product,
            actor_id=actor_id,
            what="goal",
            before=None,
            after={"threshold": threshold, "title": title},
            now=now,
        )
        return goal


def history(ctx: Context, *, actor_id: int, product_id: int) -> list[PolicyChange]:
    with ctx.uow.read() as session:
        owned_product(session, actor_id=actor_id, product_id=product_id)
        return list(
            session.scalars(
                select(PolicyChange)
                .where(PolicyChange.product_id == product_id)
                .order_by(PolicyChange.id)
            )
        )


def shop_portfolio(ctx: Context, *, actor_id: int, shop_slug: str) -> Portfolio:
    """The share of staple products in the shop's listed line, against the 20% target."""
    with ctx.uow.read() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        kinds = session.execute(
            select(Product.policy, func.count())
            .where(Product.shop_id == shop.id, Product.listed)
            .group_by(Product.policy)
        ).all()
    return portfolio([PolicyKind(k) for k, n in kinds for _ in range(n)])


def current(
    ctx: Context, *, actor_id: int, product_id: int
) -> tuple[InventoryPolicy, dict[str, Any]]:
    """A product's policy, its options and its sale windows, for the seller."""
    with ctx.uow.read() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        settings = session.get(ProductPolicy, product.id)
        options = {n: getattr(settings, n) if settings else None for n in OPTION_NAMES}
        windows = session.scalars(
            select(SaleWindow).where(SaleWindow.product_id == product.id).order_by(SaleWindow.id)
        ).all()
        options["windows"] = list(windows)
        return policy_of(product, settings), options

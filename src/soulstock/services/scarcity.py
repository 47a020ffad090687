"""Scarcity at checkout: which release a buyer claims from at ``now``, at what price, within
which per-buyer caps; the storefront's state for ``claims_at``; unlock grants; drop events.

Nothing here needs a cron for correctness: the open drop, tranche or window is derived from the
clock when a request reads it, and the release it describes is created by the first reserve
after it opened (``INSERT ... ON CONFLICT DO NOTHING`` on the unique (product, seq)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, case, cast, func, literal, or_, select, update
from sqlalchemy.orm import Session

from soulstock.domain.drops import ReleaseKind, ReleaseState, Slot, opening_at
from soulstock.domain.errors import SoldOut, WindowClosed
from soulstock.domain.orders import OrderStatus
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.reservation import HoldStatus, check_cap
from soulstock.domain.scarcity import Availability, ProductState, claims_at
from soulstock.domain.schedule import RecurringWindow
from soulstock.domain.unlock import Goal
from soulstock.services import notify
from soulstock.store import stock
from soulstock.store.dialect import insert_for
from soulstock.store.models import (
    BuyerLock,
    Edition,
    Order,
    Product,
    ProductPolicy,
    Release,
    Reservation,
    SaleWindow,
    ScarcityEvent,
    Shop,
    UnlockGoal,
    UnlockGrant,
)

_insert = insert_for  # the old private name, still imported by services/notify.py


def policy_of(product: Product, settings: ProductPolicy | None) -> InventoryPolicy:
    if settings is None:
        return InventoryPolicy.parse(product.policy, product.cap)
    return InventoryPolicy.parse(
        product.policy,
        product.cap,
        rrule=settings.rrule,
        starts_at=settings.starts_at,
        drop_quantity=settings.drop_quantity,
        rollover=settings.rollover,
        tranche_size=settings.tranche_size,
        cooldown_seconds=settings.cooldown_seconds,
        velocity_seconds=settings.velocity_seconds,
        sale_ends_at=settings.sale_ends_at,
    )


def write_policy(settings: ProductPolicy, policy: InventoryPolicy) -> None:
    """Store a policy's parameters on its settings row."""
    settings.rrule, settings.starts_at = policy.rrule, policy.starts_at
    settings.drop_quantity, settings.rollover = policy.drop_quantity, policy.rollover
    settings.tranche_size, settings.cooldown_seconds = policy.tranche_size, policy.cooldown_seconds
    settings.velocity_seconds, settings.sale_ends_at = policy.velocity_seconds, policy.sale_ends_at


def open_product(
    session: Session, *, product: Product, policy: InventoryPolicy, now: datetime
) -> None:
    """A new product's settings and first release: the base release, or tranche 1 (periodic
    drops are created by their first buyer)."""
    settings = ProductPolicy(product_id=product.id, countdown=False)
    write_policy(settings, policy)
    session.add(settings)
    if policy.kind is PolicyKind.TRANCHE:
        assert policy.tranche_size is not None and policy.total is not None
        size = min(policy.tranche_size, policy.total)
        session.add(
            Release(
                product_id=product.id,
                kind=ReleaseKind.TRANCHE.value,
                seq=1,
                quantity=size,
                opens_at=now,
                created_at=now,
            )
        )
    elif policy.kind is not PolicyKind.PERIODIC:
        session.add(Release(product_id=product.id, quantity=policy.cap, created_at=now))
    session.flush()


def _release_states(session: Session, *, product_id: int, now: datetime) -> list[ReleaseState]:
    rows = session.scalars(
        select(Release).where(Release.product_id == product_id).order_by(Release.seq)
    ).all()
    ids = [r.id for r in rows]
    live: dict[int, int] = dict(
        session.execute(
            select(Reservation.release_id, func.sum(Reservation.quantity))
            .where(
                Reservation.release_id.in_(ids),
                Reservation.status == HoldStatus.HELD.value,
                Reservation.expires_at > now,
            )
            .group_by(Reservation.release_id)
        ).all()
    )
    out_ids = [r.id for r in rows if r.quantity is not None and r.sold >= r.quantity]
    sold_out_at: dict[int, datetime] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Reservation.release_id, func.max(Order.paid_at))
            .join(Order, Order.reservation_id == Reservation.id)
            # Only fulfilled payments sold a unit; a refund_due order also has paid_at but
            # took nothing, so it must not move a tranche's sell-out (and cool-down) later.
            .where(Reservation.release_id.in_(out_ids), Order.status == OrderStatus.PAID.value)
            .group_by(Reservation.release_id)
        ).all()
    )
    return [
        ReleaseState(
            r.seq,
            ReleaseKind(r.kind),
            r.quantity,
            r.sold,
            int(live.get(r.id, 0)),
            r.opens_at,
            r.closes_at,
            r.price_minor,
            sold_out_at.get(r.id),
        )
        for r in rows
    ]


def product_state(session: Session, *, product: Product, shop: Shop, now: datetime) -> ProductState:
    """Everything ``claims_at`` needs about a product, read in this transaction."""
    settings = session.get(ProductPolicy, product.id)
    windows = session.scalars(
        select(SaleWindow).where(SaleWindow.product_id == product.id).order_by(SaleWindow.id)
    ).all()
    goals = session.scalars(select(UnlockGoal).where(UnlockGoal.product_id == product.id)).all()
    return ProductState(
        policy_of(product, settings),
        tuple(_release_states(session, product_id=product.id, now=now)),
        shop.timezone,
        product.price_minor,
        product.minted,
        tuple(
            RecurringWindow(
                w.name, w.starts_at, w.duration_seconds, shop.timezone, w.rrule, w.price_minor
            )
            for w in windows
        ),
        tuple(Goal(g.threshold, g.title) for g in goals),
        countdown=settings.countdown if settings else False,
        hint_threshold=settings.hint_threshold if settings else None,
    )


@dataclass(frozen=True, slots=True)
class Claim:
    release_id: int
    unit_price_minor: int


def buyer_key(user_id: int | None, email: str) -> str:
    return f"u:{user_id}" if user_id is not None else f"e:{email}"


def prepare_claim(
    session: Session,
    *,
    product: Product,
    user_id: int | None,
    email: str,
    quantity: int,
    now: datetime,
) -> Claim:
    """The release a buyer claims from at ``now`` and its price, inside their caps.

    Lock order: the (product, buyer) cap row first, then release rows (see store/stock.py).
    A waitlist member inside a restock's priority window claims that restock's release.
    """
    from soulstock.services import waitlists  # waitlists builds on this module

    early = waitlists.priority_claim(
        session, product=product, user_id=user_id, email=email, quantity=quantity, now=now
    )
    if early is not None:
        return early
    settings = session.get(ProductPolicy, product.id)
    capped = settings is not None and (settings.buyer_cap or settings.drop_cap)
    buyer = buyer_key(user_id, email)
    if capped:
        _lock_buyer(session, product_id=product.id, buyer=buyer)
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    state = product_state(session, product=product, shop=shop, now=now)
    claims = claims_at(state, now)
    if claims.availability is Availability.DELISTED:
        raise WindowClosed("the sale of this product has ended")
    if claims.availability in (Availability.UPCOMING, Availability.CLOSED):
        when = f"; it opens at {claims.opens_at:%Y-%m-%d %H:%M:%S} UTC" if claims.opens_at else ""
        raise WindowClosed(f"this product cannot be bought right now{when}")
    slot = opening_at(state.policy, state.releases, tz=state.tz, t=now).slot
    if slot is None:
        raise SoldOut("sold out: every copy has been bought")
    release_id = materialise(
        session, product_id=product.id, policy=state.policy, slot=slot, now=now
    )
    if capped and settings is not None:
        used = _used(session, product_id=product.id, user_id=user_id, email=email, now=now)
        check_cap(cap=settings.buyer_cap, used=used, quantity=quantity, scope="product")
        used = _used(
            session,
            product_id=product.id,
            user_id=user_id,
            email=email,
            now=now,
            release_id=release_id,
        )
        check_cap(cap=settings.drop_cap, used=used, quantity=quantity, scope="drop")
    assert claims.price_minor is not None
    return Claim(release_id, claims.price_minor)


def lock_capped_buyer(
    session: Session, *, product_id: int, user_id: int | None, email: str
) -> None:
    """Take the buyer's cap lock when the product has per-buyer caps (lock order: before
    any release row), so a payment can count the buyer's units as reserve does."""
    settings = session.get(ProductPolicy, product_id)
    if settings is not None and (settings.buyer_cap or settings.drop_cap):
        _lock_buyer(session, product_id=product_id, buyer=buyer_key(user_id, email))


def within_caps(session: Session, *, order: Order, release_id: int, now: datetime) -> bool:
    """Whether the order's units, sold now, keep its buyer within the product's caps
    (for a payment that arrived after its hold lapsed; the caller holds the cap lock)."""
    settings = session.get(ProductPolicy, order.product_id)
    if settings is None:
        return True
    for cap, scope in ((settings.buyer_cap, None), (settings.drop_cap, release_id)):
        if cap is None:
            continue
        used = _used(
            session,
            product_id=order.product_id,
            user_id=order.buyer_id,
            email=order.email,
            now=now,
            release_id=scope,
        )
        if used + order.quantity > cap:
            return False
    return True


def _lock_buyer(session: Session, *, product_id: int, buyer: str) -> None:
    session.execute(
        insert_for(session)(BuyerLock)
        .values(product_id=product_id, buyer=buyer)
        .on_conflict_do_nothing(index_elements=["product_id", "buyer"])
    )
    # Safe: a buyer's racing requests queue on this row; the count below sees the committed
    # holds of the ones before (SQLite: one writer at a time under BEGIN IMMEDIATE).
    session.execute(
        select(BuyerLock.id)
        .where(BuyerLock.product_id == product_id, BuyerLock.buyer == buyer)
        .with_for_update()
    )


def _used(
    session: Session,
    *,
    product_id: int,
    user_id: int | None,
    email: str,
    now: datetime,
    release_id: int | None = None,
) -> int:
    """The buyer's paid units and live holds of the product (or of one release)."""
    who = (
        Order.buyer_id == user_id
        if user_id is not None
        else and_(Order.buyer_id.is_(None), Order.email == email)
    )
    query = (
        select(func.coalesce(func.sum(Order.quantity), 0))
        .join(Reservation, Reservation.id == Order.reservation_id)
        .where(
            Order.product_id == product_id,
            who,
            or_(
                Order.status == OrderStatus.PAID.value,
                and_(Reservation.status == HoldStatus.HELD.value, Reservation.expires_at > now),
            ),
        )
    )
    if release_id is not None:
        query = query.where(Reservation.release_id == release_id)
    return int(session.scalar(query) or 0)


def materialise(
    session: Session, *, product_id: int, policy: InventoryPolicy, slot: Slot, now: datetime
) -> int:
    """The id of the release ``slot`` describes, creating it if this is its first buyer."""
    if slot.existing is None:
        fresh = policy.drop_quantity if slot.kind is ReleaseKind.DROP else slot.quantity
        carried = 0
        if slot.carry_from is not None:
            carried = _carry(session, product_id=product_id, seq=slot.carry_from, now=now)
        session.execute(
            insert_for(session)(Release)
            .values(
                product_id=product_id,
                kind=slot.kind.value,
                seq=slot.seq,
                quantity=None if fresh is None else fresh + carried,
                sold=0,
                held=0,
                opens_at=slot.opens_at,
                closes_at=slot.closes_at,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["product_id", "seq"])
        )
    release_id = session.scalar(
        select(Release.id).where(Release.product_id == product_id, Release.seq == slot.seq)
    )
    assert release_id is not None
    return release_id


def _carry(session: Session, *, product_id: int, seq: int, now: datetime) -> int:
    """Close a drop for roll-over: its free units leave it (quantity becomes sold + held)
    and are returned, to be added to the next drop. Under the old drop's row lock, so the
    units move exactly once; a second transaction finds nothing left to move."""
    release_id = session.scalar(
        select(Release.id).where(Release.product_id == product_id, Release.seq == seq)
    )
    assert release_id is not None
    stock.reclaim_expired(session, release_id=release_id, now=now)  # locks the row first
    row = session.execute(
        select(Release.quantity, Release.sold, Release.held).where(Release.id == release_id)
    ).one()
    free = 0 if row[0] is None else row[0] - row[1] - row[2]
    if free > 0:
        session.execute(
            update(Release)
            .where(Release.id == release_id)
            .values(quantity=Release.sold + Release.held)
        )
    return free


def grant_unlocks(session: Session, *, order: Order, now: datetime) -> None:
    """After a payment: every goal the product has reached goes to every holder, once each
    (the unique (goal, holder) makes repeats no-ops). Goals crossed by this payment go to all
    holders past and present; goals reached before it go to this order's buyer."""
    session.flush()  # the order's editions are rows before they are granted anything
    minted = session.scalar(select(Product.minted).where(Product.id == order.product_id))
    goals = session.execute(
        select(UnlockGoal.id, UnlockGoal.threshold, UnlockGoal.title).where(
            UnlockGoal.product_id == order.product_id, UnlockGoal.threshold <= (minted or 0)
        )
    ).all()
    before = (minted or 0) - order.quantity
    for goal_id, threshold, title in goals:
        only = None if threshold > before else order.id
        grant_goal(session, goal_id=goal_id, product_id=order.product_id, now=now, order_id=only)
        if only is None:  # reached by this payment: tell every holder
            product = session.get(Product, order.product_id)
            assert product is not None
            notify.unlock_reached(session, product=product, goal_id=goal_id, title=title, now=now)


def grant_goal(
    session: Session, *, goal_id: int, product_id: int, now: datetime, order_id: int | None = None
) -> None:
    """Grant one goal to every holder of the product (or of one order's editions)."""
    holder = case(
        (Edition.owner_id.is_not(None), literal("u:") + cast(Edition.owner_id, String)),
        else_=literal("e:") + Edition.owner_email,
    )
    holders = select(literal(goal_id), holder, literal(now, type_=Edition.created_at.type)).where(
        Edition.product_id == product_id
    )
    if order_id is not None:
        holders = holders.where(Edition.order_id == order_id)
    session.execute(
        insert_for(session)(UnlockGrant)
        .from_select(["goal_id", "holder", "granted_at"], holders.distinct())
        .on_conflict_do_nothing(index_elements=["goal_id", "holder"])
    )


def emit_drop_events(session: Session, *, now: datetime) -> int:
    """The scheduler's job: record a "drop_opened" event for every release open now (drops,
    tranches, early birds and timed launches), once each. Only for notifications."""
    emitted = 0
    rows = session.execute(
        select(Product, Shop).join(Shop, Shop.id == Product.shop_id).where(Product.listed)
    ).all()
    for product, shop in rows:
        state = product_state(session, product=product, shop=shop, now=now)
        slot = opening_at(state.policy, state.releases, tz=state.tz, t=now).slot
        if slot is None or slot.opens_at is None:
            continue
        inserted = session.execute(
            insert_for(session)(ScarcityEvent)
            .values(
                product_id=product.id,
                kind="drop_opened",
                key=f"{slot.kind.value}:{slot.seq}",
                occurs_at=slot.opens_at,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["product_id", "kind", "key"])
            .returning(ScarcityEvent.id)
        ).first()
        if inserted is not None:
            notify.drop_opened(
                session, product=product, key=f"{slot.kind.value}:{slot.seq}", now=now
            )
        emitted += inserted is not None
    return emitted

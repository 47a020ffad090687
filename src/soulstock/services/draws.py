"""The draw (抽签) as a feature: create with a published seed commitment, enter during the
window (one entry per account or email), close, reveal, hold a unit for each winner.

Closing needs no cron. A draw whose window has ended is closed by the first read of it
(``draw_view``, ``my_entry``) or by the seller's explicit ``close_draw``, whichever comes first;
both run ``_close`` under the draw row's lock, so it happens exactly once. Closing freezes the
entry list and stores its hash, reveals the seed, picks the winners with the pure
``domain.draw.winners`` and gives each winner a hold of one unit for ``hold_seconds`` (their
order awaits payment as any other); the others are recorded as ``waitlist``.

Lock order: the draw row, then release rows (store/stock.py). Entering takes the draw row's
lock too, so an entry is either in the frozen list or refused: never half in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulstock.domain import draw as fair
from soulstock.domain.drops import opening_at
from soulstock.domain.errors import AlreadyExists, InvalidInput, NotFound, WindowClosed
from soulstock.domain.orders import OrderStatus
from soulstock.domain.reservation import HoldStatus
from soulstock.services.accounts import hash_secret
from soulstock.services.catalog import owned_product
from soulstock.services.checkout import Buyer
from soulstock.services.context import Context
from soulstock.services.scarcity import buyer_key, materialise, product_state
from soulstock.store import stock
from soulstock.store.dialect import insert_for
from soulstock.store.models import Draw, DrawEntry, Order, Product, Reservation, Shop

MIN_HOLD_SECONDS = 60
WON, WAITLIST, PENDING = "won", "waitlist", "pending"


@dataclass(frozen=True, slots=True)
class DrawView:
    """What anyone may see of a draw; the seed, entries and winners only once it is closed."""

    draw: Draw
    product: Product
    shop: Shop
    entry_count: int
    open_now: bool
    entries: list[str] | None = None
    winners: list[str] | None = None

    @property
    def closed(self) -> bool:
        return self.draw.revealed_at is not None


@dataclass(frozen=True, slots=True)
class Entered:
    entry: str  # the public pseudonym in the frozen list: sha256 of the token
    token: str  # shown once, to the entrant: their key to the result and a guest's order


@dataclass(frozen=True, slots=True)
class EntryResult:
    entry: str
    result: str  # pending, won or waitlist
    order_public_id: str | None


def create_draw(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    opens_at: datetime,
    closes_at: datetime,
    winners_count: int,
    hold_seconds: int = 3600,
) -> Draw:
    """A draw for a product; the seed is drawn now and only its SHA-256 is published."""
    now = ctx.clock.now()
    if closes_at <= opens_at:
        raise InvalidInput("a draw must close after it opens")
    if opens_at < now:
        raise InvalidInput("a draw's commitment is published before entries open: open it later")
    if winners_count < 1 or hold_seconds < MIN_HOLD_SECONDS:
        raise InvalidInput(f"a draw needs 1 winner or more and a hold of {MIN_HOLD_SECONDS} s+")
    seed = secrets.token_bytes(32)
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        row = Draw(
            product_id=product.id,
            opens_at=opens_at,
            closes_at=closes_at,
            winners_count=winners_count,
            hold_seconds=hold_seconds,
            commitment=fair.commitment(seed),
            seed_hex=seed.hex(),
        )
        session.add(row)
        session.flush()
        return row


def _locked(session: Session, draw_id: int) -> Draw:
    row = session.execute(
        select(Draw)
        .where(Draw.id == draw_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("no such draw")
    return row


def enter_draw(ctx: Context, *, draw_id: int, buyer: Buyer) -> Entered:
    """One entry per account or email, inside the entry window."""
    now = ctx.clock.now()
    token = secrets.token_urlsafe(24)
    entry = hash_secret(token)
    with ctx.uow.write() as session:
        row = _locked(session, draw_id)
        if row.revealed_at is not None or not row.opens_at <= now < row.closes_at:
            raise WindowClosed(
                f"entries are open from {row.opens_at:%Y-%m-%d %H:%M:%S} to "
                f"{row.closes_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        inserted = session.execute(
            insert_for(session)(DrawEntry)
            .values(
                draw_id=row.id,
                entry=entry,
                buyer=buyer_key(buyer.user_id, buyer.email),
                buyer_id=buyer.user_id,
                email=buyer.email,
                result=PENDING,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(DrawEntry.id)
        ).first()
        if inserted is None:
            raise AlreadyExists("you have already entered this draw")
    return Entered(entry, token)


def close_draw(ctx: Context, *, actor_id: int, draw_id: int) -> DrawView:
    """The seller closes a draw whose window has ended (a read would close it too)."""
    with ctx.uow.read() as session:
        row = session.get(Draw, draw_id)
        if row is None:
            raise NotFound("no such draw")
        owned_product(session, actor_id=actor_id, product_id=row.product_id)
        if ctx.clock.now() < row.closes_at:
            raise WindowClosed(f"entries are open until {row.closes_at:%Y-%m-%d %H:%M:%S} UTC")
    return draw_view(ctx, draw_id=draw_id)


def _close_if_due(ctx: Context, draw_id: int) -> None:
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        row = session.get(Draw, draw_id)
        if row is None:
            raise NotFound("no such draw")
        due = row.revealed_at is None and now >= row.closes_at
    if due:
        with ctx.uow.write() as session:
            _close(session, ctx=ctx, draw_id=draw_id, now=now)


def _close(session: Session, *, ctx: Context, draw_id: int, now: datetime) -> None:
    row = _locked(session, draw_id)
    if row.revealed_at is not None:
        return  # another reader closed it while we waited for the lock
    entries = list(session.scalars(select(DrawEntry).where(DrawEntry.draw_id == row.id)))
    names = [e.entry for e in entries]
    row.entries_hash = fair.entries_hash(names)
    chosen = fair.winners(bytes.fromhex(row.seed_hex), names, min(row.winners_count, len(names)))
    by_name = {e.entry: e for e in entries}
    for e in entries:
        e.result = WAITLIST
    for name in chosen:
        winner = by_name[name]
        order = _hold_for(session, ctx=ctx, row=row, winner=winner, now=now)
        if order is not None:
            winner.result, winner.order_id = WON, order.id
    row.revealed_at = now


def _hold_for(
    session: Session, *, ctx: Context, row: Draw, winner: DrawEntry, now: datetime
) -> Order | None:
    """One unit held for a winner for the draw's hold window, or None if none is left."""
    product = session.get(Product, row.product_id)
    shop = session.get(Shop, product.shop_id) if product else None
    assert product is not None and shop is not None
    state = product_state(session, product=product, shop=shop, now=now)
    slot = opening_at(state.policy, state.releases, tz=state.tz, t=now).slot
    if slot is None:
        return None
    release_id = materialise(
        session, product_id=product.id, policy=state.policy, slot=slot, now=now
    )
    if not stock.claim_hold(session, release_id=release_id, quantity=1, now=now):
        return None
    reservation = Reservation(
        release_id=release_id,
        quantity=1,
        status=HoldStatus.HELD.value,
        expires_at=now + timedelta(seconds=row.hold_seconds),
        created_at=now,
    )
    session.add(reservation)
    session.flush()
    price = product.price_minor if slot.price_minor is None else slot.price_minor
    order = Order(
        public_id=secrets.token_hex(8),
        access_token_hash=winner.entry,  # = sha256(token): the entrant's token opens it
        shop_id=product.shop_id,
        product_id=product.id,
        reservation_id=reservation.id,
        buyer_id=winner.buyer_id,
        email=winner.email,
        quantity=1,
        unit_price_minor=price,
        amount_minor=price,
        currency=product.currency,
        status=OrderStatus.AWAITING_PAYMENT.value,
        provider=ctx.default_provider,
        created_at=now,
    )
    session.add(order)
    session.flush()
    return order


def draw_view(ctx: Context, *, draw_id: int) -> DrawView:
    """The public view of a draw; the first read after the window closes the draw."""
    _close_if_due(ctx, draw_id)
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        row = session.get(Draw, draw_id)
        assert row is not None
        product = session.get(Product, row.product_id)
        shop = session.get(Shop, product.shop_id) if product else None
        assert product is not None and shop is not None
        count = session.scalar(
            select(func.count()).select_from(DrawEntry).where(DrawEntry.draw_id == row.id)
        )
        entries = winners = None
        if row.revealed_at is not None:
            entries = sorted(
                session.scalars(select(DrawEntry.entry).where(DrawEntry.draw_id == row.id))
            )
            k = min(row.winners_count, len(entries))
            winners = fair.winners(bytes.fromhex(row.seed_hex), entries, k)
        open_now = row.revealed_at is None and row.opens_at <= now < row.closes_at
        return DrawView(row, product, shop, int(count or 0), open_now, entries, winners)


def my_entry(
    ctx: Context, *, draw_id: int, user_id: int | None = None, token: str | None = None
) -> EntryResult:
    """An entrant's result (by account, or by the token given at entry)."""
    _close_if_due(ctx, draw_id)
    with ctx.uow.read() as session:
        query = select(DrawEntry).where(DrawEntry.draw_id == draw_id)
        if token:
            query = query.where(DrawEntry.entry == hash_secret(token))
        elif user_id is not None:
            query = query.where(DrawEntry.buyer_id == user_id)
        else:
            raise NotFound("no such entry")
        found = session.scalar(query)
        if found is None:
            raise NotFound("no such entry")
        order = session.get(Order, found.order_id) if found.order_id else None
        return EntryResult(found.entry, found.result, order.public_id if order else None)


def public_seed(view: DrawView) -> str | None:
    """The seed, once revealed; never before the draw closes."""
    return view.draw.seed_hex if view.closed else None

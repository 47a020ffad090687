"""Transfers (gifts): an owner offers an edition to an email; that account accepts it.

Rules per product (``product_transfer_rules``; no row = transferable, no lock, no cap):
not transferable at all, a lock period after the owner acquired it, and at most K transfers
a day (per giver and product, over the last 24 hours). Accepting moves the edition, its
certificate and download access together: one conditional UPDATE on the edition's owner
(``WHERE owner_id = giver``), so of two gifts of one edition accepted at once exactly one
wins; the transfer entry goes into the log in the same transaction, and the giver's access
ends at commit. Lock order: transfer row → edition row → log_state row.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from soulstock.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransferNotAllowed,
)
from soulstock.ledger import entries
from soulstock.services import notify
from soulstock.services.catalog import owned_product
from soulstock.services.certificates import owned_edition
from soulstock.services.context import Context
from soulstock.store import logstore
from soulstock.store.logstore import NewEntry
from soulstock.store.models import (
    Edition,
    EditionRecord,
    Product,
    Transfer,
    TransferRule,
    User,
)

OFFERED, ACCEPTED, CANCELLED = "offered", "accepted", "cancelled"
MAX_DEDICATION = 2000


def set_rules(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    transferable: bool,
    lock_seconds: int = 0,
    daily_cap: int = 0,
) -> TransferRule:
    """Set a product's transfer rules (seller only)."""
    if lock_seconds < 0 or daily_cap < 0:
        raise InvalidInput("the lock period and the daily cap are not negative")
    with ctx.uow.write() as session:
        owned_product(session, actor_id=actor_id, product_id=product_id)
        rule = session.get(TransferRule, product_id) or TransferRule(product_id=product_id)
        rule.transferable, rule.lock_seconds, rule.daily_cap = (
            transferable,
            lock_seconds,
            daily_cap,
        )
        session.add(rule)
        return rule


def _check_rules(  # type: ignore[no-untyped-def]
    session, *, edition: Edition, giver_id: int, ctx: Context, accepting: int | None = None
) -> None:
    rule = session.get(TransferRule, edition.product_id)
    if rule is None:
        return
    now = ctx.clock.now()
    if not rule.transferable:
        raise TransferNotAllowed("this product cannot be transferred", reason="not_transferable")
    record = session.get(EditionRecord, edition.id)
    acquired = record.acquired_at if record else edition.created_at
    until = acquired + timedelta(seconds=rule.lock_seconds)
    if now < until:
        raise TransferNotAllowed(
            "this edition is still in its lock period after purchase", reason="locked", until=until
        )
    if rule.daily_cap:
        recent = session.scalar(
            select(func.count())
            .select_from(Transfer)
            .join(Edition, Edition.id == Transfer.edition_id)
            .where(
                Transfer.from_user_id == giver_id,
                Transfer.status == ACCEPTED,
                Edition.product_id == edition.product_id,
                Transfer.accepted_at > now - timedelta(days=1),
                # Fix: ``accept`` marks its own transfer accepted before re-checking the
                # rules; counting it made every gift fail under a cap of 1 (and used one
                # of K under any cap). Only the giver's other transfers count.
                Transfer.id != (accepting or 0),
            )
        )
        if recent >= rule.daily_cap:
            raise TransferNotAllowed(
                f"at most {rule.daily_cap} transfers a day for this product",
                reason="daily_cap",
                cap=rule.daily_cap,
            )


def offer(ctx: Context, *, user_id: int, edition_id: int, to_email: str) -> Transfer:
    """Offer an edition you own to another account, by its email."""
    to_email = to_email.strip().lower()
    if "@" not in to_email:
        raise InvalidInput("give the recipient's account email")
    with ctx.uow.write() as session:
        edition = owned_edition(session, user_id=user_id, edition_id=edition_id)
        if edition.owner_email.lower() == to_email:
            raise InvalidInput("you already own this edition")
        _check_rules(session, edition=edition, giver_id=user_id, ctx=ctx)
        transfer = Transfer(
            edition_id=edition.id,
            from_user_id=user_id,
            to_email=to_email,
            status=OFFERED,
            created_at=ctx.clock.now(),
        )
        session.add(transfer)
        session.flush()
        notify.gift_received(
            session,
            transfer_id=transfer.id,
            edition=edition,
            to_email=to_email,
            now=transfer.created_at,
        )
        return transfer


def accept(ctx: Context, *, user_id: int, transfer_id: int) -> Edition:
    """Accept a gift: the edition, its certificate and downloads become yours."""
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        user = session.get(User, user_id)
        transfer = session.get(Transfer, transfer_id)
        if user is None or transfer is None or transfer.to_email != user.email.lower():
            raise NotFound("no such transfer for this account")
        taken = session.scalar(
            update(Transfer)
            .where(Transfer.id == transfer_id, Transfer.status == OFFERED)
            .values(status=ACCEPTED, accepted_at=now)
            .returning(Transfer.id)
        )
        if taken is None:
            raise Conflict("this transfer was already accepted or cancelled")
        edition = session.get(Edition, transfer.edition_id)
        assert edition is not None
        _check_rules(
            session,
            edition=edition,
            giver_id=transfer.from_user_id,
            ctx=ctx,
            accepting=transfer.id,
        )
        # Safe: the owner is re-checked under the edition row's lock; one gift wins.
        moved = session.scalar(
            update(Edition)
            .where(Edition.id == edition.id, Edition.owner_id == transfer.from_user_id)
            .values(owner_id=user.id, owner_email=user.email)
            .returning(Edition.id)
        )
        if moved is None:
            raise Conflict("this edition has already changed hands")
        record = session.get(EditionRecord, edition.id)
        assert record is not None
        old_hash = record.owner_hash
        record.owner_salt = secrets.token_hex(16)
        record.owner_hash = entries.owner_hash(record.owner_salt, user.email)
        record.acquired_at = now
        record.dedication = record.dedication_salt = None
        product = session.get(Product, edition.product_id)
        assert product is not None
        data = entries.make(
            "transfer",
            product=product.id,
            edition=edition.number,
            at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            **{"from": old_hash, "to": record.owner_hash},
        )
        logstore.append(
            session,
            shop_id=product.shop_id,
            items=[NewEntry("transfer", data, product.id, edition.id)],
            now=now,
        )
        session.execute(
            update(Transfer)
            .where(Transfer.edition_id == edition.id, Transfer.status == OFFERED)
            .values(status=CANCELLED)
        )
        session.refresh(edition)
        return edition


def pending_for(ctx: Context, *, user_id: int) -> list[Transfer]:
    """Gifts waiting for this account to accept."""
    with ctx.uow.read() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("no such account")
        return list(
            session.scalars(
                select(Transfer)
                .where(Transfer.to_email == user.email.lower(), Transfer.status == OFFERED)
                .order_by(Transfer.id)
            )
        )


def dedicate(ctx: Context, *, user_id: int, edition_id: int, text: str) -> str:
    """Attach the owner's story to an edition; the log gets only its salted hash."""
    text = text.strip()
    if not 1 <= len(text) <= MAX_DEDICATION:
        raise InvalidInput(f"a dedication has 1 to {MAX_DEDICATION} characters")
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        edition = owned_edition(session, user_id=user_id, edition_id=edition_id)
        record = session.get(EditionRecord, edition.id)
        product = session.get(Product, edition.product_id)
        if record is None or product is None:
            raise PermissionDenied("this edition has no log record")
        record.dedication, record.dedication_salt = text, secrets.token_hex(16)
        digest = entries.commitment(record.dedication_salt, text)
        data = entries.make("dedication", product=product.id, edition=edition.number, hash=digest)
        logstore.append(
            session,
            shop_id=product.shop_id,
            items=[NewEntry("dedication", data, product.id, edition.id)],
            now=now,
        )
        return digest

"""The log in the database: mints in the payment's transaction, checkpoints, certificates."""

from __future__ import annotations

import os
import stat

from sqlalchemy import select

from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.ledger import certificate, entries
from soulstock.ledger.checkpoint import open_checkpoint
from soulstock.ledger.limits import check_limits
from soulstock.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from soulstock.services import checkout, ownership, payments
from soulstock.services.certificates import edition_certificate
from soulstock.services.context import Context
from soulstock.store.models import Edition, LogEntry, LogKey
from tests.factories import make_buyer, make_product, make_shop


def buy(ctx: Context, *, product_id: int, buyer_id: int, email: str) -> None:
    placed = checkout.reserve(
        ctx, product_id=product_id, quantity=1, buyer=checkout.Buyer(buyer_id, email)
    )
    payments.dev_notice(
        ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )


def test_shop_key_file_is_private_and_outside_the_db(ctx: Context) -> None:
    shop = make_shop(ctx)
    with ctx.uow.read() as session:
        key = session.scalar(select(LogKey).where(LogKey.shop_id == shop.id))
    assert key is not None and key.active
    assert stat.S_IMODE(os.stat(key.key_file).st_mode) == 0o600
    assert "PRIVATE" not in key.vkey


def test_mints_are_logged_and_certificates_verify(ctx: Context, clock: FixedClock) -> None:
    product = make_product(ctx, total=3)
    buyer = make_buyer(ctx)
    for _ in range(3):
        buy(ctx, product_id=product.id, buyer_id=buyer.id, email=buyer.email)
    with ctx.uow.read() as session:
        editions = session.scalars(select(Edition).order_by(Edition.number)).all()
        kinds = session.scalars(select(LogEntry.kind).order_by(LogEntry.idx)).all()
    assert kinds == ["policy", "mint", "mint", "mint"]
    pending = edition_certificate(ctx, user_id=buyer.id, edition_id=editions[0].id)
    assert pending["status"] == "pending"
    shop_slug = pending["shop"]
    assert ownership.sign_checkpoints(ctx) == [(shop_slug, 4)]
    cert = edition_certificate(ctx, user_id=buyer.id, edition_id=editions[2].id)
    assert cert["status"] == "final"
    keys = ownership.verifiers(ctx, shop_slug=shop_slug)
    assert certificate.verify(cert, keys[0]).edition == 3
    # A limited product never has more than N mints: checked from the log alone.
    with ctx.uow.read() as session:
        data = [bytes(d) for d in session.scalars(select(LogEntry.data).order_by(LogEntry.idx))]
    assert check_limits(data) == []
    assert entries.parse(data[0])["total"] == 3


def test_checkpoints_wait_for_the_interval_and_stay_consistent(
    ctx: Context, clock: FixedClock
) -> None:
    product = make_product(ctx, total=None)
    buyer = make_buyer(ctx)
    buy(ctx, product_id=product.id, buyer_id=buyer.id, email=buyer.email)
    slug = ownership.sign_checkpoints(ctx)[0][0]
    old = open_checkpoint(
        ownership.latest_checkpoint(ctx, shop_slug=slug), *ownership.verifiers(ctx, shop_slug=slug)
    )
    buy(ctx, product_id=product.id, buyer_id=buyer.id, email=buyer.email)
    assert ownership.sign_checkpoints(ctx) == []  # newest is younger than the interval
    clock.advance(seconds=6)
    assert ownership.sign_checkpoints(ctx) == [(slug, 3)]
    new = open_checkpoint(
        ownership.latest_checkpoint(ctx, shop_slug=slug), *ownership.verifiers(ctx, shop_slug=slug)
    )
    proof = ownership.consistency(ctx, shop_slug=slug, old=old.size)
    verify_consistency(old.size, new.size, proof["hashes"], old.root, new.root)
    inc = ownership.inclusion(ctx, shop_slug=slug, index=2)
    with ctx.uow.read() as session:
        data = session.scalar(select(LogEntry.data).where(LogEntry.idx == 2))
    verify_inclusion(2, 3, leaf_hash(bytes(data)), inc["hashes"], new.root)


def test_rotated_keys_keep_verifying_old_checkpoints(ctx: Context) -> None:
    product = make_product(ctx, total=None)
    shop_slug = ownership.sign_checkpoints(ctx, force=True)[0][0]
    old_note = ownership.latest_checkpoint(ctx, shop_slug=shop_slug)
    new_vkey = ownership.rotate_key(ctx, shop_slug=shop_slug)
    assert ownership.verifier_keys(ctx, shop_slug=shop_slug)[0] == new_vkey
    open_checkpoint(old_note, *ownership.verifiers(ctx, shop_slug=shop_slug))
    assert product.id

"""Tamper evidence on a stored log (issue 5, item 6): one test per kind of tampering, each
reported by the audit with the right index; and a client holding an older checkpoint detects
a rewritten (forked) log through the consistency proof."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from soulstock.domain.orders import PaymentOutcome
from soulstock.ledger import entries
from soulstock.ledger.checkpoint import open_checkpoint
from soulstock.ledger.merkle import ProofError, verify_consistency
from soulstock.services import checkout, ownership, payments
from soulstock.services.context import Context
from soulstock.store import logstore
from soulstock.store.logstore import NewEntry
from soulstock.store.models import LogEntry, LogNode, LogState, Shop
from tests.factories import guest, make_product

SALES = 5  # the log: policy at 0, mints at 1..5


def _log(ctx: Context) -> str:
    """A shop whose log holds a policy and SALES mints, covered by a signed checkpoint."""
    product = make_product(ctx, total=10)
    for _ in range(SALES):
        placed = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
        payments.dev_notice(
            ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )
    [(slug, size)] = ownership.sign_checkpoints(ctx, force=True)
    assert size == SALES + 1
    assert ownership.audit_log(ctx, shop_slug=slug) == []
    return slug


def _findings(ctx: Context, slug: str) -> list[tuple[str, int]]:
    return [(f.kind, f.index) for f in ownership.audit_log(ctx, shop_slug=slug)]


def _data(ctx: Context, index: int) -> bytes:
    with ctx.uow.read() as session:
        return bytes(session.scalar(select(LogEntry.data).where(LogEntry.idx == index)))


def _set_data(ctx: Context, index: int, data: bytes) -> None:
    with ctx.uow.write() as session:
        session.execute(update(LogEntry).where(LogEntry.idx == index).values(data=data))


def test_an_edited_entry_is_reported_at_its_index(ctx: Context) -> None:
    slug = _log(ctx)
    edited = entries.parse(_data(ctx, 3))
    edited["owner"] = "0" * 64
    _set_data(ctx, 3, entries.canonical(edited))
    assert _findings(ctx, slug) == [("edited", 3), ("checkpoint", SALES)]


def test_a_dropped_entry_is_reported_at_its_index(ctx: Context) -> None:
    slug = _log(ctx)
    with ctx.uow.write() as session:
        session.execute(delete(LogEntry).where(LogEntry.idx == 2))
    kinds = _findings(ctx, slug)
    assert kinds[0] == ("dropped", 2)
    assert ("rollback", SALES) in kinds  # the signed size no longer fits what is left


def test_an_inserted_entry_is_reported_at_its_index(ctx: Context) -> None:
    slug = _log(ctx)
    with ctx.uow.write() as session:
        for index in range(SALES, 1, -1):  # shift 2..5 up by one, top first (unique idx)
            session.execute(update(LogEntry).where(LogEntry.idx == index).values(idx=index + 1))
    forged = entries.make("mint", product=1, edition=9, of=10, owner="f" * 64)
    with ctx.uow.write() as session:
        shop_id = session.scalar(select(Shop.id))
        row = session.scalars(select(LogEntry).where(LogEntry.idx == 1)).one()
        session.add(
            LogEntry(
                shop_id=shop_id,
                idx=2,
                kind="mint",
                data=forged,
                leaf_hash=row.leaf_hash,
                created_at=row.created_at,
            )
        )
    assert _findings(ctx, slug)[0] == ("inserted", 2)


def test_reordered_entries_are_reported_at_their_indices(ctx: Context) -> None:
    slug = _log(ctx)
    two, four = _data(ctx, 2), _data(ctx, 4)
    _set_data(ctx, 2, four)
    _set_data(ctx, 4, two)
    found = _findings(ctx, slug)
    assert found[:2] == [("reordered", 2), ("reordered", 4)]


def test_a_rollback_below_a_signed_checkpoint_is_reported(ctx: Context) -> None:
    slug = _log(ctx)
    with ctx.uow.write() as session:
        session.execute(delete(LogEntry).where(LogEntry.idx >= 4))
        session.execute(delete(LogNode).where(LogNode.level == 0, LogNode.idx >= 4))
        session.execute(update(LogState).values(size=4))
    assert _findings(ctx, slug) == [("rollback", 4)]


def test_a_client_with_an_older_checkpoint_detects_a_rewritten_log(ctx: Context) -> None:
    slug = _log(ctx)
    keys = ownership.verifiers(ctx, shop_slug=slug)
    held = open_checkpoint(ownership.latest_checkpoint(ctx, shop_slug=slug), *keys)
    # The shop rewrites history: mint 3 goes to someone else, and the whole tree is rebuilt
    # and re-signed with the shop's own key, so every new proof is self-consistent.
    with ctx.uow.read() as session:
        rows = session.execute(select(LogEntry).order_by(LogEntry.idx)).scalars().all()
        shop_id = rows[0].shop_id
        old = [(r.kind, bytes(r.data), r.product_id, r.edition_id) for r in rows]
    rewritten = entries.parse(old[3][1])
    rewritten["owner"] = "e" * 64
    old[3] = (old[3][0], entries.canonical(rewritten), old[3][2], old[3][3])
    old.append(("policy", entries.make("restock", product=1, quantity=1, story="0"), 1, None))
    with ctx.uow.write() as session:
        session.execute(delete(LogEntry))
        session.execute(delete(LogNode))
        session.execute(update(LogState).values(size=0))
        items = [NewEntry(kind, data, product, edition) for kind, data, product, edition in old]
        logstore.append(session, shop_id=shop_id, items=items, now=ctx.clock.now())
    ownership.sign_checkpoints(ctx, force=True)
    new = open_checkpoint(ownership.latest_checkpoint(ctx, shop_slug=slug), *keys)
    assert new.size == held.size + 1  # a valid signature on a bigger tree ...
    proof = ownership.consistency(ctx, shop_slug=slug, old=held.size)
    with pytest.raises(ProofError):  # ... that does not extend the tree the client saw
        verify_consistency(held.size, new.size, proof["hashes"], held.root, new.root)
    # The audit also names the first checkpoint that the rebuilt tree contradicts.
    assert ("checkpoint", held.size - 1) in _findings(ctx, slug)

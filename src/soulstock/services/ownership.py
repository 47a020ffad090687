"""Ownership: each shop's transparency log — keys, appends, checkpoints and reads.

Every shop has a log whose origin is ``<host of base_url>/log/<shop slug>`` and an Ed25519
key in a file under ``settings.keys_dir`` (mode 0600; only the public half is in the DB).
Mints are appended in the payment's own transaction (:func:`record_mints`), policy
commitments in the product's (:func:`record_policy`). :func:`sign_checkpoints` signs a new
checkpoint covering everything appended once the newest is older than
``checkpoint_interval_seconds`` — like CT's maximum merge delay, so signing never slows sales.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soulstock.domain.errors import NotFound
from soulstock.ledger import entries, merkle, tiles
from soulstock.ledger.audit import Finding, audit
from soulstock.ledger.checkpoint import Checkpoint
from soulstock.ledger.note import Signer, Verifier, generate_signer, parse_skey, parse_vkey
from soulstock.services.context import Context
from soulstock.store import logstore
from soulstock.store.logstore import NewEntry
from soulstock.store.models import (
    Edition,
    EditionRecord,
    LogCheckpoint,
    LogEntry,
    LogKey,
    LogNode,
    Order,
    Product,
    Shop,
)


def origin_for(ctx: Context, slug: str) -> str:
    host = urlsplit(ctx.settings.base_url).netloc or "soulstock.local"
    return f"{host}/log/{slug}"


def _keys_dir(ctx: Context) -> Path:
    assert ctx.settings.keys_dir is not None
    return ctx.settings.keys_dir


def _new_key(session: Session, ctx: Context, *, shop: Shop, now: datetime) -> LogKey:
    origin = origin_for(ctx, shop.slug)
    signer = generate_signer(origin, secrets.token_bytes(32))
    directory = _keys_dir(ctx)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{shop.slug}-{signer.verifier.key_id:08x}.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(signer.skey + "\n")
    os.chmod(path, 0o600)
    key = LogKey(
        shop_id=shop.id,
        origin=origin,
        vkey=signer.verifier.vkey,
        key_file=str(path),
        active=True,
        created_at=now,
    )
    session.add(key)
    session.flush()
    return key


def open_log(session: Session, ctx: Context, *, shop: Shop) -> None:
    """Give a new shop its log and signing key (called inside ``create_shop``)."""
    logstore.ensure_log(session, shop.id)
    _new_key(session, ctx, shop=shop, now=ctx.clock.now())


def _active_key(session: Session, ctx: Context, shop: Shop) -> LogKey:
    key = session.scalar(select(LogKey).where(LogKey.shop_id == shop.id, LogKey.active))
    return key or _new_key(session, ctx, shop=shop, now=ctx.clock.now())


def _signer(key: LogKey) -> Signer:
    return parse_skey(Path(key.key_file).read_text().strip())


def rotate_key(ctx: Context, *, shop_slug: str) -> str:
    """Retire the shop's active key (kept for verification) and make a new one; new vkey."""
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        shop = _shop(session, shop_slug)
        session.execute(
            update(LogKey)
            .where(LogKey.shop_id == shop.id, LogKey.active)
            .values(active=False, retired_at=now)
        )
        return _new_key(session, ctx, shop=shop, now=now).vkey


def _at(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_policy(session: Session, *, product: Product, now: datetime) -> None:
    """Commit the product's policy to the log (in the transaction that lists it)."""
    data = entries.make(
        "policy",
        product=product.id,
        slug=product.slug,
        policy=product.policy,
        total=product.cap,
        never_reissued=product.cap is not None,
        at=_at(now),
    )
    logstore.append(
        session, shop_id=product.shop_id, items=[NewEntry("policy", data, product.id)], now=now
    )


def record_restock(
    session: Session, *, product: Product, quantity: int, story: str, now: datetime
) -> None:
    """Log a restock announcement: its quantity and a hash of its story (in its transaction)."""
    data = entries.make(
        "restock",
        product=product.id,
        quantity=quantity,
        story=entries.commitment("restock", story),
        at=_at(now),
    )
    logstore.append(
        session, shop_id=product.shop_id, items=[NewEntry("restock", data, product.id)], now=now
    )


def record_remix(session: Session, *, product: Product, sources: list[int], now: datetime) -> None:
    """Log a remixed pack's provenance: the product ids it was composed from."""
    data = entries.make("remix", product=product.id, sources=sources, at=_at(now))
    logstore.append(
        session, shop_id=product.shop_id, items=[NewEntry("remix", data, product.id)], now=now
    )


def record_mints(session: Session, *, order: Order, numbers: list[int], now: datetime) -> None:
    """Log a mint per new edition of a paid order (in the payment's transaction), and hand
    each edition a unique payload when the product has a pool."""
    from soulstock.services import payloads  # payloads imports this module's helpers

    session.flush()
    product = session.get(Product, order.product_id)
    assert product is not None
    editions = session.scalars(
        select(Edition)
        .where(Edition.product_id == order.product_id, Edition.number.in_(numbers))
        .order_by(Edition.number)
    ).all()
    items = []
    for edition in editions:
        salt = secrets.token_hex(16)
        owner = entries.owner_hash(salt, edition.owner_email)
        session.add(
            EditionRecord(edition_id=edition.id, owner_salt=salt, owner_hash=owner, acquired_at=now)
        )
        data = entries.make(
            "mint",
            product=product.id,
            edition=edition.number,
            of=product.cap,
            owner=owner,
            at=_at(now),
        )
        items.append(NewEntry("mint", data, product.id, edition.id))
    logstore.append(session, shop_id=order.shop_id, items=items, now=now)
    payloads.assign(session, product_id=product.id, edition_ids=[e.id for e in editions], now=now)


def sign_checkpoints(ctx: Context, *, force: bool = False) -> list[tuple[str, int]]:
    """Sign a checkpoint for every shop whose log grew, if its newest is older than the
    interval (or ``force``); returns (shop slug, size) of each new checkpoint."""
    now = ctx.clock.now()
    signed = []
    with ctx.uow.write() as session:
        for shop in session.scalars(select(Shop).order_by(Shop.id)):
            size = logstore.size_of(session, shop.id)
            latest = _latest(session, shop.id)
            if latest is not None and latest.size >= size:
                continue
            age = (now - latest.created_at).total_seconds() if latest else None
            if not force and age is not None and age < ctx.settings.checkpoint_interval_seconds:
                continue
            root = logstore.root(session, shop_id=shop.id, size=size)
            key = _active_key(session, ctx, shop)
            note = Checkpoint(key.origin, size, root).sign(_signer(key))
            session.add(
                LogCheckpoint(shop_id=shop.id, size=size, root=root, note=note, created_at=now)
            )
            session.flush()
            signed.append((shop.slug, size))
    return signed


def _latest(session: Session, shop_id: int) -> LogCheckpoint | None:
    return session.scalar(
        select(LogCheckpoint)
        .where(LogCheckpoint.shop_id == shop_id)
        .order_by(LogCheckpoint.size.desc())
        .limit(1)
    )


def _shop(session: Session, slug: str) -> Shop:
    shop = session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is None:
        raise NotFound("no such shop")
    return shop


def latest_checkpoint(ctx: Context, *, shop_slug: str) -> str:
    """The newest signed checkpoint note of the shop's log."""
    with ctx.uow.read() as session:
        latest = _latest(session, _shop(session, shop_slug).id)
    if latest is None:
        raise NotFound("this shop's log has no checkpoint yet")
    return latest.note


def verifier_keys(ctx: Context, *, shop_slug: str) -> list[str]:
    """The shop's verifier keys, active first (retired ones still verify old checkpoints)."""
    with ctx.uow.read() as session:
        shop = _shop(session, shop_slug)
        keys = session.scalars(
            select(LogKey.vkey)
            .where(LogKey.shop_id == shop.id)
            .order_by(LogKey.active.desc(), LogKey.id.desc())
        ).all()
    if not keys:
        raise NotFound("this shop has no log key yet")
    return list(keys)


def verifiers(ctx: Context, *, shop_slug: str) -> list[Verifier]:
    return [parse_vkey(k) for k in verifier_keys(ctx, shop_slug=shop_slug)]


def tile(ctx: Context, *, shop_slug: str, path: str) -> tuple[bytes, bool]:
    """A tlog-tile or entry bundle of the newest checkpoint's tree; (bytes, is_full)."""
    try:
        ref = tiles.parse_tile_path(path)
    except tiles.TileError as exc:
        raise NotFound(str(exc)) from None
    with ctx.uow.read() as session:
        shop = _shop(session, shop_slug)
        latest = _latest(session, shop.id)
        size = latest.size if latest else 0
        if not 0 < ref.width <= tiles.available_width(ref, size):
            raise NotFound("no such tile (yet)")
        if ref.level is None:
            start = ref.index * tiles.TILE_WIDTH
            rows = session.scalars(
                select(LogEntry.data)
                .where(LogEntry.shop_id == shop.id, LogEntry.idx >= start)
                .where(LogEntry.idx < start + ref.width)
                .order_by(LogEntry.idx)
            ).all()
            return tiles.encode_bundle(bytes(r) for r in rows), not ref.partial
        found = logstore.nodes(session, shop_id=shop.id, wanted=ref.nodes())
    return b"".join(found[n] for n in ref.nodes()), not ref.partial


def _sizes(session: Session, shop: Shop, size: int | None) -> int:
    latest = _latest(session, shop.id)
    if latest is None:
        raise NotFound("this shop's log has no checkpoint yet")
    return latest.size if size is None else size


def inclusion(
    ctx: Context, *, shop_slug: str, index: int, size: int | None = None
) -> dict[str, Any]:
    """An inclusion proof of entry ``index`` in the tree of ``size`` (default: newest)."""
    with ctx.uow.read() as session:
        shop = _shop(session, shop_slug)
        size = _sizes(session, shop, size)
        try:
            plan = merkle.inclusion_plan(index, size)
        except merkle.ProofError as exc:
            raise NotFound(str(exc)) from None
        path = logstore.proof(session, shop_id=shop.id, plan=plan)
    return {"index": index, "size": size, "hashes": path}


def consistency(
    ctx: Context, *, shop_slug: str, old: int, new: int | None = None
) -> dict[str, Any]:
    """A consistency proof from tree size ``old`` to ``new`` (default: newest)."""
    with ctx.uow.read() as session:
        shop = _shop(session, shop_slug)
        new = _sizes(session, shop, new)
        if not 0 <= old <= new <= logstore.size_of(session, shop.id):
            raise NotFound(f"no consistency proof from size {old} to {new}")
        path = logstore.proof(session, shop_id=shop.id, plan=merkle.consistency_plan(old, new))
    return {"old": old, "new": new, "hashes": path}


def audit_log(ctx: Context, *, shop_slug: str) -> list[Finding]:
    """Recompute the shop's tree from its stored entries and check every checkpoint."""
    with ctx.uow.read() as session:
        shop = _shop(session, shop_slug)
        rows = session.execute(
            select(LogEntry.idx, LogEntry.data)
            .where(LogEntry.shop_id == shop.id)
            .order_by(LogEntry.idx)
        ).all()
        leaves = session.execute(
            select(LogNode.idx, LogNode.hash).where(LogNode.shop_id == shop.id, LogNode.level == 0)
        ).all()
        notes = session.scalars(
            select(LogCheckpoint.note)
            .where(LogCheckpoint.shop_id == shop.id)
            .order_by(LogCheckpoint.size)
        ).all()
        origin = session.scalar(select(LogKey.origin).where(LogKey.shop_id == shop.id).limit(1))
    return audit(
        [(r.idx, bytes(r.data)) for r in rows],
        recorded={r.idx: bytes(r.hash) for r in leaves},
        checkpoints=list(notes),
        verifiers=verifiers(ctx, shop_slug=shop_slug),
        origin=origin or origin_for(ctx, shop_slug),
    )

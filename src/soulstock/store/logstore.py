"""The shops' transparency logs in the database: append, and read nodes for proofs.

Appends are gapless and unique under any concurrency: the indices come from one conditional
UPDATE of the shop's ``log_state`` row (``size = size + k ... RETURNING size``). That row lock
is held to commit, so appends to one shop's log queue there and each sees every earlier
append committed (PostgreSQL re-reads per statement under READ COMMITTED; SQLite has one
writer). Lock order (extends the one in ``store/stock.py``):
release row → reservation rows → product row → order row → **log_state row** → payload rows.
Nothing that holds a log_state lock goes back for a release, product or order row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from soulstock.ledger import merkle
from soulstock.store.dialect import insert_for
from soulstock.store.models import LogEntry, LogNode, LogState


@dataclass(frozen=True, slots=True)
class NewEntry:
    kind: str
    data: bytes
    product_id: int | None = None
    edition_id: int | None = None


def ensure_log(session: Session, shop_id: int) -> None:
    session.execute(
        insert_for(session)(LogState)
        .values(shop_id=shop_id, size=0)
        .on_conflict_do_nothing(index_elements=["shop_id"])
    )


def _reserve(session: Session, shop_id: int, count: int) -> int:
    """Take ``count`` indices; returns the first. Locks the shop's log_state row."""
    stmt = (
        update(LogState)
        .where(LogState.shop_id == shop_id)
        .values(size=LogState.size + count)
        .returning(LogState.size)
    )
    size = session.scalar(stmt)
    if size is None:
        ensure_log(session, shop_id)
        size = session.scalar(stmt)
    assert size is not None
    return int(size) - count


def append(
    session: Session, *, shop_id: int, items: Sequence[NewEntry], now: datetime
) -> list[int]:
    """Append entries to the shop's log in this transaction; returns their indices."""
    if not items:
        return []
    session.flush()  # rows this transaction changed earlier are locked before log_state
    first = _reserve(session, shop_id, len(items))
    cache = nodes(session, shop_id=shop_id, wanted=merkle.root_plan(first))
    new_rows = []
    for offset, item in enumerate(items):
        index = first + offset
        leaf = merkle.leaf_hash(item.data)
        for node, value in merkle.new_nodes(index, leaf, cache.__getitem__):
            cache[node] = value
            new_rows.append({"shop_id": shop_id, "level": node[0], "idx": node[1], "hash": value})
        session.add(
            LogEntry(
                shop_id=shop_id,
                idx=index,
                kind=item.kind,
                data=item.data,
                leaf_hash=leaf,
                product_id=item.product_id,
                edition_id=item.edition_id,
                created_at=now,
            )
        )
    session.execute(insert(LogNode), new_rows)
    return [first + i for i in range(len(items))]


def nodes(
    session: Session, *, shop_id: int, wanted: Iterable[merkle.Node]
) -> dict[merkle.Node, bytes]:
    """The stored hashes of the given perfect subtrees, in one query."""
    keys = sorted(set(wanted))
    if not keys:
        return {}
    found: dict[merkle.Node, bytes] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(LogNode.level, LogNode.idx, LogNode.hash).where(
                LogNode.shop_id == shop_id, tuple_(LogNode.level, LogNode.idx).in_(chunk)
            )
        )
        found.update({(r.level, r.idx): bytes(r.hash) for r in rows})
    missing = [k for k in keys if k not in found]
    if missing:
        raise LookupError(f"log {shop_id} is missing tree nodes {missing[:3]}")
    return found


def size_of(session: Session, shop_id: int) -> int:
    return int(session.scalar(select(LogState.size).where(LogState.shop_id == shop_id)) or 0)


def proof(session: Session, *, shop_id: int, plan: merkle.Plan) -> list[bytes]:
    return merkle.assemble(plan, nodes(session, shop_id=shop_id, wanted=merkle.needed(plan)))


def root(session: Session, *, shop_id: int, size: int) -> bytes:
    plan = merkle.root_plan(size)
    return merkle.root_from(size, nodes(session, shop_id=shop_id, wanted=plan))

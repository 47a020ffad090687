"""Helpers for the race tests: release threads together, and recount stock from the rows.

Every check here reads the database rows themselves (releases, reservations, orders,
editions), never a service's opinion of them, so a bug in a service cannot hide itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from soulstock.domain.orders import OrderStatus
from soulstock.domain.reservation import HoldStatus
from soulstock.store.models import Edition, Order, Product, Release, Reservation

T = TypeVar("T")
BARRIER_TIMEOUT_S = 60.0


def run_together(
    count: int,
    work: Callable[[int], T],
    *,
    meanwhile: Callable[[], None] | None = None,
    timeout_s: float = 120.0,
) -> list[T]:
    """Run ``work(0..count-1)`` on ``count`` threads released at once by a barrier.

    ``meanwhile`` runs in the calling thread, released by the same barrier, while the workers
    race (to move a clock, or to watch the database). Exceptions raised by ``work`` propagate
    to the caller (the first one, in index order).
    """
    barrier = threading.Barrier(count + (meanwhile is not None), timeout=BARRIER_TIMEOUT_S)

    def start(index: int) -> T:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(start, i) for i in range(count)]
        if meanwhile is not None:
            barrier.wait()
            meanwhile()
        return [f.result(timeout=timeout_s) for f in futures]


@dataclass(frozen=True)
class StockRecount:
    """One product's stock, recounted from its rows in one read."""

    quantity: int | None
    release_sold: int
    release_held: int
    held_rows: int  # units in reservations still marked 'held' (live or past expiry)
    live_held_rows: int  # ... of which not yet expired at ``now``
    paid_units: int  # units of orders in status 'paid'
    minted: int
    editions: list[int]


def recount(session: Session, *, product_id: int, now: datetime) -> StockRecount:
    release = session.execute(
        select(Release).where(Release.product_id == product_id).order_by(Release.id.desc())
    ).scalar_one()
    held = HoldStatus.HELD.value
    held_rows, live_rows = session.execute(
        select(
            func.coalesce(func.sum(Reservation.quantity), 0),
            func.coalesce(
                func.sum(case((Reservation.expires_at > now, Reservation.quantity), else_=0)), 0
            ),
        ).where(Reservation.release_id == release.id, Reservation.status == held)
    ).one()
    paid = session.scalar(
        select(func.coalesce(func.sum(Order.quantity), 0)).where(
            Order.product_id == product_id, Order.status == OrderStatus.PAID.value
        )
    )
    product = session.get(Product, product_id)
    assert product is not None
    numbers = session.scalars(
        select(Edition.number).where(Edition.product_id == product_id).order_by(Edition.number)
    ).all()
    return StockRecount(
        quantity=release.quantity,
        release_sold=release.sold,
        release_held=release.held,
        held_rows=int(held_rows),
        live_held_rows=int(live_rows),
        paid_units=int(paid or 0),
        minted=product.minted,
        editions=list(numbers),
    )


def read_recount(engine: Engine, *, product_id: int, now: datetime) -> StockRecount:
    """Recount in one transaction of its own (a consistent snapshot on both backends)."""
    if engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    else:
        bind = engine.execution_options(sqlite_begin="DEFERRED")  # a reader, not a writer
    with Session(bind) as session, session.begin():
        return recount(session, product_id=product_id, now=now)


def assert_stock_consistent(r: StockRecount) -> None:
    """The invariants of DESIGN §4.1-2, on rows: never oversold, editions gapless and unique."""
    assert r.quantity is not None
    assert r.release_sold + r.release_held <= r.quantity, r
    assert r.release_sold + r.live_held_rows <= r.quantity, r
    assert r.release_held == r.held_rows, r  # the counter is the sum of its rows
    assert r.release_sold == r.paid_units == r.minted, r
    assert r.editions == list(range(1, r.minted + 1)), r

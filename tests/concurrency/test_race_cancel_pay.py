"""A buyer cancels while their payment notice is being applied: the money must win or the
cancel must win, whole. A paid order is never lost (DESIGN §4.4).

The interleaving is forced, Saleor-style: the test holds the release row's lock from a
connection of its own, lets the payment queue on it first and the cancel second (after the
cancel has read the order), then lets go.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, select, text

from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import OrderStatus, PaymentOutcome, Settlement
from soulstock.services import checkout, payments
from soulstock.services.context import Context
from soulstock.store.models import Edition, Order, Release
from tests.concurrency.helpers import assert_stock_consistent, read_recount
from tests.factories import guest, make_product

WAIT_S = 20.0


def _waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            or 0
        )


def _wait_until_blocked(engine: Engine, count: int) -> None:
    """Until ``count`` sessions queue on a lock (PostgreSQL), or a short pause (SQLite, whose
    writers wait in the busy handler, invisible from outside)."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + WAIT_S
    while _waiting_on_locks(engine) < count:
        assert time.monotonic() < deadline, "the service never queued on the release lock"
        time.sleep(0.02)


def _hold_release_lock(engine: Engine, release_id: int) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn.begin()
        conn.execute(select(Release.id).where(Release.id == release_id).with_for_update())
    else:
        conn.begin()  # the engine begins IMMEDIATE: SQLite's one write lock is ours
    return conn


def _in_thread(fn: Callable[[], object], results: dict[str, object], key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = fn()
        except Exception as exc:  # reported by the test
            results[key] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_cancel_queued_behind_a_payment_does_not_unpay_the_order(
    ctx: Context, clock: FixedClock
) -> None:
    product = make_product(ctx, total=2)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    public_id = reserved.order.public_id
    access = checkout.OrderAccess(token=reserved.access_token)
    engine = ctx.uow.engine
    with ctx.uow.read() as session:
        release_id = session.scalar(select(Release.id).where(Release.product_id == product.id))
    assert release_id is not None

    results: dict[str, object] = {}
    blocker = _hold_release_lock(engine, release_id)
    try:
        pay = _in_thread(
            lambda: payments.dev_notice(
                ctx, order_public_id=public_id, outcome=PaymentOutcome.SUCCEEDED
            ),
            results,
            "pay",
        )
        _wait_until_blocked(engine, 1)
        cancel = _in_thread(
            lambda: checkout.cancel(ctx, public_id=public_id, access=access), results, "cancel"
        )
        _wait_until_blocked(engine, 2)
    finally:
        blocker.rollback()
        blocker.close()
    pay.join(timeout=WAIT_S)
    cancel.join(timeout=WAIT_S)
    assert not pay.is_alive() and not cancel.is_alive()
    assert not isinstance(results.get("pay"), Exception), results
    assert not isinstance(results.get("cancel"), Exception), results

    with ctx.uow.read() as session:
        status = session.scalar(select(Order.status).where(Order.public_id == public_id))
        editions = session.scalar(
            select(func.count()).select_from(Edition).where(Edition.product_id == product.id)
        )
    if results["pay"] is Settlement.FULFIL_FROM_HOLD:  # the payment went first
        assert (status, editions) == (OrderStatus.PAID.value, 1)
    else:  # the cancel went first; the late payment then sells a free unit
        assert results["pay"] is Settlement.FULFIL_FROM_FREE_STOCK
        assert (status, editions) == (OrderStatus.PAID.value, 1)
    assert_stock_consistent(read_recount(engine, product_id=product.id, now=clock.now()))

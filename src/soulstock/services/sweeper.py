"""The sweeper tidies expired holds back into free stock.

It never decides correctness: every read already ignores expired holds, and a claim that
needs their units reclaims them itself (``store.stock.claim_hold``). Running it only keeps the
``held`` counters close to the truth and the reservation rows honest for reports.
"""

from __future__ import annotations

from soulstock.services.analytics import record_expired
from soulstock.services.context import Context
from soulstock.services.reminders import emit_opening_soon
from soulstock.services.scarcity import emit_drop_events
from soulstock.store import stock


def sweep_expired_holds(ctx: Context) -> int:
    """Reclaim every expired hold, one release per transaction; returns units freed."""
    now = ctx.clock.now()
    with ctx.uow.read() as session:
        release_ids = stock.releases_with_expired_holds(session, now=now)
    freed = 0
    for release_id in release_ids:
        with ctx.uow.write() as session:
            stock.lock_release(session, release_id)  # so the events match what is reclaimed
            record_expired(session, release_id=release_id, now=now)
            freed += stock.reclaim_expired(session, release_id=release_id, now=now)
    return freed


def emit_scheduled_events(ctx: Context) -> int:
    """The scheduler's job, run by the same loop: a "drop_opened" event for every release
    open now, once each (unique key). Only for notifications; never for correctness."""
    with ctx.uow.write() as session:
        emit_opening_soon(session, now=ctx.clock.now())  # reminders: not counted as openings
        return emit_drop_events(session, now=ctx.clock.now())

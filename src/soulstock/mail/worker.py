"""The outbox worker: sends each message once, retries with exponential backoff, survives
being killed mid-batch.

One round (:func:`run_once`):

1. **Claim** a batch with a lease, in one statement:
   ``UPDATE outbox_messages SET leased_until = now + lease WHERE id IN (...) AND sent_at IS
   NULL AND (leased_until IS NULL OR leased_until < now) RETURNING id`` — two workers never
   hold the same row; a killed worker's rows come back when its lease runs out.
2. **Note the attempt** (``attempted_at``, ``attempts + 1``) and commit, *before* sending. A
   row found with an attempt but no ``sent_at`` was interrupted between send and mark: it is
   counted in ``in_doubt`` and sent again with the same Message-ID (derived from its
   idempotency key), so the receiving side can recognise the repeat.
3. **Send**, then **mark** ``sent_at`` in a transaction of its own. A failure schedules the
   next attempt at ``now + base * 2^(attempts-1)`` (capped), and gives up after
   ``MAX_ATTEMPTS`` (``failed_at``).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from soulstock.mail import templates, webhooks
from soulstock.mail.transport import Transport, build, transport_for
from soulstock.services.context import Context
from soulstock.store.models import OutboxMessage, ShopHook

log = logging.getLogger(__name__)
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: 5 s, 10 s, 20 s, ... at most an hour."""
    wait: timedelta = BACKOFF_BASE * (2 ** max(0, attempts - 1))
    return min(BACKOFF_MAX, wait)


@dataclass(frozen=True, slots=True)
class Round:
    sent: int
    failed: int


def claim(ctx: Context, *, batch: int) -> list[int]:
    """Lease up to ``batch`` due messages; returns the ids this worker now holds."""
    now = ctx.clock.now()
    free = or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now)
    with ctx.uow.write() as session:
        due = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                free,
            )
            .order_by(OutboxMessage.id)
            .limit(batch)
        ).all()
        if not due:
            return []
        # Safe: the lease is re-checked in the UPDATE's WHERE under each row's write lock.
        claimed = session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due), OutboxMessage.sent_at.is_(None), free)
            .values(leased_until=now + timedelta(seconds=ctx.settings.worker_lease_seconds))
            .returning(OutboxMessage.id)
        ).all()
    return sorted(claimed)


def _attempt(ctx: Context, message_id: int) -> OutboxMessage:
    with ctx.uow.write() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        if row.attempted_at is not None:  # an earlier attempt never got marked
            row.in_doubt += 1
            log.warning("outbox %s: resending an in-doubt message (same Message-ID)", row.key)
        row.attempted_at = ctx.clock.now()
        row.attempts += 1
        return row


def _finish(ctx: Context, message_id: int, *, error: str | None) -> None:
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        row.leased_until = None
        if error is None:
            row.sent_at = now
            return
        row.last_error = error[:2000]
        row.attempted_at = None  # it failed for sure: not in doubt
        if row.attempts >= MAX_ATTEMPTS:
            row.failed_at = now
        else:
            row.next_attempt_at = now + backoff(row.attempts)


def _deliver(ctx: Context, row: OutboxMessage, transport: Transport) -> None:
    params = json.loads(row.params)
    base_url = ctx.settings.base_url.rstrip("/")
    rendered = templates.render(row.template, locale=row.locale, params=params, base_url=base_url)
    if row.channel == "webhook":
        with ctx.uow.read() as session:
            hook = session.get(ShopHook, int(row.recipient))
        if hook is None:
            return  # the seller removed the hook: nothing to send
        url, body, headers = webhooks.request_for(
            hook, key=row.key, event=row.template, params=params, text=rendered
        )
        webhooks.post(url, body, headers)
        return
    unsubscribe = base_url + params["unsubscribe_path"] if params.get("unsubscribe_path") else None
    message = build(
        key=row.key,
        sender=ctx.settings.mail_from,
        recipient=row.recipient,
        rendered=rendered,
        unsubscribe=unsubscribe,
        clock=ctx.clock,
    )
    transport.send([message])


def run_once(ctx: Context, *, batch: int = 20, transport: Transport | None = None) -> Round:
    """Claim a batch and deliver each message in it; returns how many were sent or failed."""
    transport = transport or transport_for(ctx.settings.smtp_url, uow=ctx.uow, clock=ctx.clock)
    sent = failed = 0
    for message_id in claim(ctx, batch=batch):
        row = _attempt(ctx, message_id)
        try:
            _deliver(ctx, row, transport)
        except Exception as exc:  # any failure is retried later with backoff
            log.warning("outbox %s: attempt %s failed: %s", row.key, row.attempts, exc)
            _finish(ctx, message_id, error=f"{type(exc).__name__}: {exc}")
            failed += 1
            continue
        _finish(ctx, message_id, error=None)
        sent += 1
    return Round(sent, failed)


def run_forever(ctx: Context, *, stop: threading.Event, batch: int = 20) -> None:
    """Deliver until ``stop`` is set, resting ``worker_interval_seconds`` when idle."""
    transport = transport_for(ctx.settings.smtp_url, uow=ctx.uow, clock=ctx.clock)
    while not stop.is_set():
        try:
            done = run_once(ctx, batch=batch, transport=transport)
        except Exception:  # the database may be briefly away: try again next round
            log.exception("outbox round failed")
            done = Round(0, 0)
        if done.sent + done.failed == 0:
            stop.wait(ctx.settings.worker_interval_seconds)

"""Delivery through a real SMTP server: the right recipients get one message each, in their
language, with working RFC 8058 unsubscribe headers; retries back off; the worker killed with
SIGKILL mid-batch and restarted delivers every message exactly once (per Message-ID)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from soulstock.mail import worker
from soulstock.mail.transport import SmtpTransport
from soulstock.services import notify, restocks, waitlists
from soulstock.store.models import OutboxMessage
from tests.engagement.helpers import make_periodic, outbox
from tests.engagement.smtp_sink import smtp_sink
from tests.factories import make_buyer, make_shop


def _waitlist_with_restock(ctx):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    zh = make_buyer(ctx, email="zh@example.com")
    waitlists.join_user(ctx, user_id=zh.id, product_id=product.id)
    guest = waitlists.join_guest(ctx, product_id=product.id, email="en@example.com", locale="en")
    waitlists.join_guest(ctx, product_id=product.id, email="never@example.com", locale="en")
    token = next(m for m in outbox(ctx, "waitlist_confirm") if m.recipient == guest.email)
    waitlists.confirm(ctx, token=_path_token(token))
    draft = restocks.RestockDraft(title="冬日补货 Winter", quantity=5)
    restocks.publish(ctx, actor_id=shop.owner_id, product_id=product.id, draft=draft)
    return product


def _path_token(message):
    import json

    return json.loads(message.params)["path"].rsplit("/", 1)[1]


def test_each_member_gets_one_message_in_their_language_with_one_click_leave(ctx, client):
    product = _waitlist_with_restock(ctx)
    with smtp_sink() as (sink, url):
        transport = SmtpTransport(url)
        while worker.run_once(ctx, transport=transport).sent:
            pass
        received = sink.received()
    restock_mails = [m for m in received if "Winter" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in restock_mails) == ["en@example.com", "zh@example.com"]
    by_to = {str(m["To"]): m for m in restock_mails}
    assert "补货" in str(by_to["zh@example.com"]["Subject"])
    assert "is back" in str(by_to["en@example.com"]["Subject"])
    assert len({str(m["Message-ID"]) for m in received}) == len(received)
    mail = by_to["en@example.com"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert link in mail.get_content()  # the same link in the body
    assert waitlists.size(ctx, product_id=product.id) == 2
    path = link.removeprefix("http://testserver")
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert waitlists.size(ctx, product_id=product.id) == 1
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_a_failed_send_is_retried_later_with_backoff(ctx, clock):
    with ctx.uow.write() as session:
        notify.enqueue(
            session,
            key="k1",
            channel="email",
            recipient="a@example.com",
            template="drop_opened",
            params={"product": "P", "shop": "S", "path": "/", "unsubscribe_path": "/unsubscribe/t"},
            now=clock.now(),
        )
    dead = SmtpTransport("smtp://127.0.0.1:1")  # nothing listens there
    assert worker.run_once(ctx, transport=dead).failed == 1
    assert worker.run_once(ctx, transport=dead).failed == 0  # not due yet: backing off
    row = outbox(ctx)[0]
    assert row.next_attempt_at == clock.now() + timedelta(seconds=5) and row.attempted_at is None
    clock.advance(seconds=5)
    with smtp_sink() as (sink, url):
        assert worker.run_once(ctx, transport=SmtpTransport(url)).sent == 1
        assert worker.run_once(ctx, transport=SmtpTransport(url)).sent == 0
        assert len(sink.received()) == 1
    assert worker.backoff(1) < worker.backoff(2) < worker.backoff(3) <= worker.BACKOFF_MAX


def test_a_worker_killed_mid_batch_and_restarted_delivers_every_message_once(ctx, tmp_path):
    count = 40
    with ctx.uow.write() as session:
        for n in range(count):
            notify.enqueue(
                session,
                key=f"bulk:{n}",
                channel="email",
                recipient=f"r{n}@example.com",
                template="drop_opened",
                params={
                    "product": f"P{n}",
                    "shop": "S",
                    "path": "/",
                    "unsubscribe_path": "/unsubscribe/t",
                },
                locale="en" if n % 2 else "zh_CN",
                now=ctx.clock.now(),
            )
    with smtp_sink(delay=0.03) as (sink, url):
        env = {
            **os.environ,
            "SOULSTOCK_DATABASE_URL": ctx.settings.database_url,
            "SOULSTOCK_DATA_DIR": str(tmp_path / "worker"),
            "SOULSTOCK_SMTP_URL": url,
            "SOULSTOCK_WORKER_LEASE_SECONDS": "1",
            "SOULSTOCK_WORKER_INTERVAL_SECONDS": "0.2",
        }
        command = [str(Path(sys.executable).parent / "soulstock"), "worker", "--batch", "10"]
        first = subprocess.Popen(command, env=env)
        _wait(lambda: len(sink.received()) >= 12, what="the first messages")
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = len(sink.received())
        assert killed_at < count  # it really died mid-run
        second = subprocess.Popen(command, env=env)
        try:
            _wait(lambda: _unsent(ctx) == 0, what="the rest", timeout=60)
        finally:
            second.terminate()
            second.wait(timeout=10)
        received = sink.received()
    ids = [str(m["Message-ID"]) for m in received]
    keys = sorted({str(m["X-Soulstock-Key"]) for m in received})
    assert keys == sorted(f"bulk:{n}" for n in range(count))  # nothing lost
    assert len(set(ids)) == count  # one Message-ID per message
    with ctx.uow.read() as session:
        in_doubt = session.scalar(select(func.sum(OutboxMessage.in_doubt))) or 0
    # A repeat can only come from a send interrupted before its mark, and it is detected:
    assert len(ids) - count <= in_doubt


def _unsent(ctx) -> int:
    with ctx.uow.read() as session:
        return session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
        )


def _wait(condition, *, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)

"""Each event writes its messages in its own transaction, once: drop opened, unlock reached,
gift received; seller alerts reach a local HTTP server as a signed JSON webhook, a Telegram
bot call and a WeCom bot call, for the sale and the sell-out."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.mail import worker
from soulstock.services import catalog, hooks, payments, policies, transfers, waitlists
from soulstock.services.checkout import Buyer
from soulstock.services.sweeper import emit_scheduled_events
from soulstock.store.models import Edition, Notification
from tests.conftest import T0
from tests.engagement.helpers import buy, make_periodic, outbox
from tests.factories import guest, make_buyer, make_product, make_shop


@contextmanager
def http_sink() -> Iterator[tuple[list[tuple[str, dict[str, str], bytes]], str]]:
    received: list[tuple[str, dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers.items()), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _pay(ctx, product, buyer):
    reserved = buy(ctx, product_id=product.id, buyer=buyer)
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    return reserved.order


def _drain(ctx) -> None:
    while worker.run_once(ctx).sent:
        pass


def test_sale_and_sell_out_alerts_reach_all_three_hook_formats(ctx):
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=1)
    with http_sink() as (received, base):
        owner = shop.owner_id
        hooks.add(
            ctx,
            actor_id=owner,
            shop_slug=shop.slug,
            kind="generic",
            url=f"{base}/h",
            secret="s3cret",
        )
        hooks.add(
            ctx,
            actor_id=owner,
            shop_slug=shop.slug,
            kind="telegram",
            url=f"{base}/bot1:abc",
            secret="42",
        )
        hooks.add(ctx, actor_id=owner, shop_slug=shop.slug, kind="wecom", url=f"{base}/wecom?key=k")
        _pay(ctx, product, guest())
        _drain(ctx)
        _drain(ctx)  # nothing is sent twice
    paths = sorted(path for path, _, _ in received)
    assert paths == sorted(
        [
            "/h",
            "/h",
            "/bot1:abc/sendMessage",
            "/bot1:abc/sendMessage",
            "/wecom?key=k",
            "/wecom?key=k",
        ]
    )
    generic = [(h, b) for p, h, b in received if p == "/h"]
    events = sorted(json.loads(b)["event"] for _, b in generic)
    assert events == ["sale", "sold_out"]
    for headers, body in generic:
        expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["X-Soulstock-Signature"] == expected and headers["Idempotency-Key"]
    telegram = [json.loads(b) for p, _, b in received if p.startswith("/bot")]
    assert all(t["chat_id"] == "42" and product.title in t["text"] for t in telegram)
    wecom = [json.loads(b) for p, _, b in received if p.startswith("/wecom")]
    assert all(w["msgtype"] == "text" for w in wecom)


def test_a_drop_opening_tells_the_waitlist_once(ctx, clock):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop, first_drop=T0 + timedelta(hours=1))
    member = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    clock.advance(hours=1)
    emit_scheduled_events(ctx)
    emit_scheduled_events(ctx)
    assert [m.recipient for m in outbox(ctx, "drop_opened")] == [member.email]
    with ctx.uow.read() as session:
        notes = session.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert [n.template for n in notes] == ["drop_opened"]


def test_an_unlock_goal_reached_tells_every_holder(ctx):
    shop = make_shop(ctx)
    policy = InventoryPolicy(PolicyKind.UNLOCK)
    product = catalog.create_product(
        ctx, actor_id=shop.owner_id, shop_slug=shop.slug, title="U", price_minor=1, policy=policy
    )
    policies.add_goal(
        ctx, actor_id=shop.owner_id, product_id=product.id, threshold=2, title="Bonus"
    )
    first, second = guest(), guest()
    _pay(ctx, product, first)
    assert outbox(ctx, "unlock_reached") == []
    _pay(ctx, product, second)
    assert sorted(m.recipient for m in outbox(ctx, "unlock_reached")) == sorted(
        [first.email, second.email]
    )


def test_a_gift_tells_its_receiver(ctx):
    product = make_product(ctx, total=5)
    giver, receiver = make_buyer(ctx), make_buyer(ctx)
    _pay(ctx, product, Buyer(giver.id, giver.email))
    with ctx.uow.read() as session:
        edition = session.scalar(select(Edition).where(Edition.owner_id == giver.id))
    transfers.offer(ctx, user_id=giver.id, edition_id=edition.id, to_email=receiver.email)
    assert [m.recipient for m in outbox(ctx, "gift_received")] == [receiver.email]
    with ctx.uow.read() as session:
        assert (
            session.scalar(select(Notification.template).where(Notification.user_id == receiver.id))
            == "gift_received"
        )


def test_an_opening_within_the_hour_is_announced_once_before_it_opens(ctx, clock):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop, first_drop=T0 + timedelta(hours=2))
    member = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    emit_scheduled_events(ctx)
    assert outbox(ctx, "drop_soon") == []  # two hours away: not yet
    clock.advance(hours=1)
    assert emit_scheduled_events(ctx) == 0  # a reminder is not an opening
    emit_scheduled_events(ctx)
    assert [m.recipient for m in outbox(ctx, "drop_soon")] == [member.email]


def test_a_member_counts_once_in_the_analytics(ctx):
    from soulstock.store.models import AnalyticsEvent

    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    member = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    waitlists.join_guest(ctx, product_id=product.id, email="later@example.com", locale="en")
    with ctx.uow.read() as session:
        kinds = session.scalars(
            select(AnalyticsEvent.kind).where(AnalyticsEvent.product_id == product.id)
        ).all()
    assert list(kinds) == ["waitlist_joined"]  # the guest counts once confirmed

"""The waitlist priority window under a race, on SQLite and PostgreSQL: 100 members and 100
public buyers fire together just before the window, at its start and around its end. Members
buy within their own cap, the public cannot buy before the window ends, nothing oversells."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import CapReached, SoldOut, WindowClosed
from soulstock.services import checkout, restocks
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Release, Reservation, WaitlistMember
from tests.concurrency.helpers import run_together
from tests.conftest import T0
from tests.engagement.helpers import make_periodic
from tests.factories import guest, make_shop

pytestmark = pytest.mark.slow
MEMBERS = PUBLIC = 100
CAP = 2
QUANTITY = MEMBERS * CAP + PUBLIC // 2  # the public races for the 50 the members leave
START, OPENS = T0 + timedelta(hours=1), T0 + timedelta(hours=2)


@pytest.fixture
def race_ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    racing = settings.model_copy(update={"db_pool_size": 100, "hold_ttl_seconds": 24 * 3600})
    context = build_context(racing, clock=clock)
    yield context
    context.uow.engine.dispose()


def _outcome(ctx, product_id, buyer) -> str:
    try:
        checkout.reserve(ctx, product_id=product_id, quantity=1, buyer=buyer)
    except (WindowClosed, SoldOut, CapReached) as exc:
        return exc.code
    return "ok"


def _setup(ctx: Context) -> tuple[int, list[checkout.Buyer], list[checkout.Buyer]]:
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    members = [guest(f"m{i}@example.com") for i in range(MEMBERS)]
    with ctx.uow.write() as session:
        for member in members:  # confirmed members, as after double opt-in
            session.add(
                WaitlistMember(
                    product_id=product.id,
                    email=member.email,
                    locale="en",
                    token=secrets.token_urlsafe(16),
                    created_at=T0,
                    confirmed_at=T0,
                )
            )
    draft = restocks.RestockDraft(
        title="Priority",
        quantity=QUANTITY,
        opens_at=OPENS,
        priority_starts_at=START,
        priority_cap=CAP,
    )
    restocks.publish(ctx, actor_id=shop.owner_id, product_id=product.id, draft=draft)
    public = [guest(f"p{i}@example.com") for i in range(PUBLIC)]
    return product.id, members, public


def test_members_buy_first_within_their_cap_and_the_public_waits(race_ctx, clock):
    pid, members, public = _setup(race_ctx)
    everyone = members + public

    clock.set(START - timedelta(microseconds=1))  # just before the window: nobody
    before = run_together(len(everyone), lambda i: _outcome(race_ctx, pid, everyone[i]))
    assert set(before) == {"window_closed"}

    clock.set(START)  # the window opens: each member fires 3, the public fires too
    racers = [m for m in members for _ in range(CAP + 1)] + public
    at_start = run_together(len(racers), lambda i: (i, _outcome(race_ctx, pid, racers[i])))
    got = Counter(racers[i].email for i, outcome in at_start if outcome == "ok")
    assert got == Counter({m.email: CAP for m in members})
    public_outcomes = {o for i, o in at_start if i >= len(members) * (CAP + 1)}
    assert public_outcomes == {"window_closed"}
    assert Counter(o for i, o in at_start if i < len(members) * (CAP + 1))["cap_reached"] == MEMBERS

    clock.set(OPENS - timedelta(microseconds=1))  # the window's last instant: still members only
    late = run_together(PUBLIC, lambda i: _outcome(race_ctx, pid, public[i]))
    assert set(late) == {"window_closed"}

    clock.set(OPENS)  # the public opens: 100 race for the 50 left
    opened = run_together(PUBLIC, lambda i: _outcome(race_ctx, pid, public[i]))
    assert opened.count("ok") == PUBLIC // 2
    assert set(opened) <= {"ok", "sold_out", "window_closed"}

    with race_ctx.uow.read() as session:
        release = session.scalar(
            select(Release).where(Release.product_id == pid, Release.kind == "restock")
        )
        live = session.scalar(
            select(func.sum(Reservation.quantity)).where(
                Reservation.release_id == release.id, Reservation.status == "held"
            )
        )
    assert release.sold + release.held == release.quantity == QUANTITY  # sold out, no oversell
    assert live == release.held

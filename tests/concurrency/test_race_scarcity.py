"""Races on the scarcity policies, on SQLite and PostgreSQL (DESIGN §4.1): tranches, a drop
opening while buyers wait, one buyer's parallel requests against a cap, unlocks by racing
purchases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import CapReached, SoldOut, WindowClosed
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog, checkout, payments, policies
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Release, UnlockGrant
from tests.concurrency.helpers import run_together
from tests.factories import guest, make_shop

pytestmark = pytest.mark.slow
BUYERS = 200


@pytest.fixture
def race_ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    racing = settings.model_copy(update={"db_pool_size": BUYERS + 60})
    context = build_context(racing, clock=clock)
    yield context
    context.uow.engine.dispose()


def _product(ctx: Context, policy: InventoryPolicy) -> int:
    shop = make_shop(ctx)
    product = catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Drop",
        price_minor=100,
        policy=policy,
    )
    return product.id


def _try(ctx: Context, product_id: int, buyer: checkout.Buyer) -> checkout.Reserved | None:
    try:
        return checkout.reserve(ctx, product_id=product_id, quantity=1, buyer=buyer)
    except (SoldOut, WindowClosed, CapReached):
        return None


def _pay(ctx: Context, reserved: checkout.Reserved) -> None:
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )


def _releases(ctx: Context, product_id: int) -> list[Release]:
    with ctx.uow.read() as session:
        return list(
            session.scalars(
                select(Release).where(Release.product_id == product_id).order_by(Release.seq)
            )
        )


def test_buyers_racing_across_a_tranche_boundary_never_oversell(race_ctx: Context) -> None:
    pid = _product(race_ctx, InventoryPolicy(PolicyKind.TRANCHE, 50, tranche_size=20))

    def buy_and_pay(i: int) -> bool:
        reserved = _try(race_ctx, pid, guest(f"t{i}@example.com"))
        if reserved is None:
            return False
        _pay(race_ctx, reserved)
        return True

    sold = sum(run_together(BUYERS, buy_and_pay))
    rows = _releases(race_ctx, pid)
    assert all(r.quantity is not None and r.sold + r.held <= r.quantity for r in rows)
    assert sum(r.quantity or 0 for r in rows) <= 50
    assert sold == sum(r.sold for r in rows) <= 50
    assert rows[0].seq == 1 and rows[0].sold == 20


def test_a_periodic_drop_that_opens_while_buyers_wait_sells_exactly_q(
    race_ctx: Context, clock: FixedClock
) -> None:
    opens = clock.now() + timedelta(seconds=1)
    policy = InventoryPolicy(
        PolicyKind.PERIODIC, rrule="FREQ=DAILY", starts_at=opens, drop_quantity=30
    )
    pid = _product(race_ctx, policy)
    assert _try(race_ctx, pid, guest()) is None  # not open yet
    clock.set(opens)
    results = run_together(BUYERS, lambda i: _try(race_ctx, pid, guest(f"p{i}@example.com")))
    assert sum(r is not None for r in results) == 30
    rows = _releases(race_ctx, pid)
    assert [(r.seq, r.quantity, r.held) for r in rows] == [(1, 30, 30)]


def test_one_buyer_firing_parallel_requests_never_exceeds_the_cap(race_ctx: Context) -> None:
    pid = _product(race_ctx, InventoryPolicy.limited(100))
    shop_owner = catalog.product_view_by_id(race_ctx, pid).shop.owner_id
    policies.set_options(race_ctx, actor_id=shop_owner, product_id=pid, buyer_cap=3)
    me = guest("greedy@example.com")
    results = run_together(20, lambda i: _try(race_ctx, pid, me))
    assert sum(r is not None for r in results) == 3


def test_unlock_goals_reached_by_racing_purchases_grant_once_to_each_holder(
    race_ctx: Context,
) -> None:
    pid = _product(race_ctx, InventoryPolicy(PolicyKind.UNLOCK))
    owner = catalog.product_view_by_id(race_ctx, pid).shop.owner_id
    policies.add_goal(race_ctx, actor_id=owner, product_id=pid, threshold=10, title="bonus")
    policies.add_goal(race_ctx, actor_id=owner, product_id=pid, threshold=25, title="fonts")

    def buy(i: int) -> None:
        reserved = _try(race_ctx, pid, guest(f"u{i % 30}@example.com"))
        assert reserved is not None
        _pay(race_ctx, reserved)

    run_together(60, buy)
    with race_ctx.uow.read() as session:
        grants = session.execute(
            select(UnlockGrant.goal_id, func.count()).group_by(UnlockGrant.goal_id)
        ).all()
    assert sorted(n for _, n in grants) == [30, 30]  # 30 distinct holders, each goal once

"""The storefront's claims equal a recount from the rows (DESIGN §4.3), as a property.

Hypothesis builds a product (a tranche pool, periodic drops on an RRULE in Asia/Shanghai, or a
limited edition, maybe with daily flash-sale windows), plays random reservations, payments and
cancellations at random times, then at random later instants compares the claims the service
returns (``catalog.product_view_by_id``) with what tests/scarcity_recount.py works out from
plain SELECTs: the open release, its quantity and sales, live holds at t, opens in / ends in.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import CapReached, SoldOut, WindowClosed
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import PolicyKind
from soulstock.services import catalog, checkout, payments, policies
from soulstock.services.context import Context
from soulstock.store.models import Shop
from tests.factories import make_shop
from tests.scarcity_recount import (
    WINDOW_RRULE,
    Config,
    WindowSpec,
    assert_claims_match,
    drop_anchor,
    expected_claims,
    recount,
)

SLUGS = itertools.count(1)
BUYERS = ("ann@example.com", "bo@example.com", "cy@example.com")
SECONDS = st.one_of(st.sampled_from([1, 599, 600, 601, 3600, 12 * 3600]), st.integers(1, 2 * 86400))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(0, 2), st.integers(1, 3)),
        st.tuples(st.just("pay"), st.integers(0, 30), st.booleans()),
        st.tuples(st.just("cancel"), st.integers(0, 30), st.none()),
        st.tuples(st.just("wait"), SECONDS, st.none()),
    ),
    max_size=14,
)


@st.composite
def configs(draw: st.DrawFn, clock: FixedClock) -> Config:
    kind = draw(st.sampled_from([PolicyKind.TRANCHE, PolicyKind.PERIODIC, PolicyKind.LIMITED]))
    if kind is PolicyKind.TRANCHE:
        cfg = Config(
            kind,
            total=draw(st.integers(3, 8)),
            tranche_size=draw(st.integers(1, 3)),
            cooldown=draw(st.sampled_from([0, 600, 3600])),
        )
    elif kind is PolicyKind.PERIODIC:
        first = drop_anchor(clock.now(), periods_ahead=draw(st.integers(0, 2)))
        cfg = Config(kind, drop_quantity=draw(st.integers(1, 4)), first_drop=first)
        cfg.rollover = draw(st.booleans())
    else:
        cfg = Config(kind, total=draw(st.integers(1, 6)))
    cfg.buyer_cap = draw(st.sampled_from([None, 2]))
    for half_hours in draw(st.lists(st.integers(0, 47), max_size=2, unique=True)):
        spec = WindowSpec(clock.now() + timedelta(minutes=30 * half_hours), 3600)
        if not any(w.overlaps(spec) for w in cfg.windows):
            cfg.windows.append(spec)
    return cfg


def _build(ctx: Context, shop: Shop, cfg: Config) -> int:
    product = catalog.create_product(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Recount",
        price_minor=100,
        policy=cfg.policy(),
        slug=f"recount-{next(SLUGS)}",
    )
    if cfg.buyer_cap is not None:
        policies.set_options(
            ctx, actor_id=shop.owner_id, product_id=product.id, buyer_cap=cfg.buyer_cap
        )
    for i, w in enumerate(cfg.windows):
        policies.add_window(
            ctx,
            actor_id=shop.owner_id,
            product_id=product.id,
            name=f"w{i}",
            starts_at=w.starts_at,
            duration_seconds=w.seconds,
            rrule=WINDOW_RRULE,
        )
    return product.id


def _play(ctx: Context, clock: FixedClock, product_id: int, ops: list[tuple]) -> None:
    tickets: list[checkout.Reserved] = []
    for op, a, b in ops:
        if op == "reserve":
            try:
                buyer = checkout.Buyer(None, BUYERS[a])
                tickets.append(
                    checkout.reserve(ctx, product_id=product_id, quantity=b, buyer=buyer)
                )
            except (WindowClosed, SoldOut, CapReached):
                pass
        elif op == "wait":
            clock.advance(seconds=a)
        elif tickets and op == "pay":
            outcome = PaymentOutcome.SUCCEEDED if b else PaymentOutcome.FAILED
            payments.dev_notice(
                ctx, order_public_id=tickets[a % len(tickets)].order.public_id, outcome=outcome
            )
        elif tickets and op == "cancel":
            ticket = tickets[a % len(tickets)]
            access = checkout.OrderAccess(token=ticket.access_token)
            checkout.cancel(ctx, public_id=ticket.order.public_id, access=access)


def test_claims_equal_a_recount_from_the_rows(ctx: Context, clock: FixedClock) -> None:
    start = clock.now().replace(microsecond=0)
    shops: list[Shop] = []  # one shop for every example: a seller's sign-up hashes a password

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data(), ops=OPS, instants=st.lists(SECONDS, min_size=1, max_size=5))
    def check(data: st.DataObject, ops: list[tuple], instants: list[int]) -> None:
        clock.set(start)  # each example from the same instant, so a failure replays
        if not shops:
            shops.append(make_shop(ctx))
        cfg = data.draw(configs(clock))
        product_id = _build(ctx, shops[0], cfg)
        _play(ctx, clock, product_id, ops)
        for seconds in [0, *instants]:
            clock.advance(seconds=seconds)
            with ctx.uow.read() as session:
                rows = recount(session, product_id=product_id, now=clock.now())
            claims = catalog.product_view_by_id(ctx, product_id).claims
            assert_claims_match(claims, expected_claims(cfg, rows, clock.now()))

    check()

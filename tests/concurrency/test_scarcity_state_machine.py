"""A stateful property test over policies, windows and the clock (DESIGN §4.1-3).

Each example lists one fresh product — a tranche pool, a periodic drop on an RRULE in
Asia/Shanghai, or a limited edition; maybe with a daily flash-sale window and a per-buyer cap —
then runs any sequence of: a buyer from a small pool reserving 1-3 units, paying (or failing
to), cancelling; the clock moving by seconds to days or to the next edge exactly (a drop
opening, a window edge, a hold expiry, a cool-down's end); the sweeper; and the seller changing
what the rules allow (drop quantity, pool size, a limited total that must be refused, another
window). After every step, recounted from the rows (tests/scarcity_recount.py): no release
oversold and counters equal to their rows, editions 1..minted within the cap, every buyer
within their cap, and the storefront's claims equal to the recount.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import (
    CapReached,
    InvalidInput,
    NeverReissued,
    SoldOut,
    WindowClosed,
    WindowOverlap,
)
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.scarcity import Availability
from soulstock.services import catalog, checkout, payments, policies, sweeper
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Product, ProductPolicy, Shop
from tests.factories import make_shop
from tests.scarcity_recount import (
    WINDOW_RRULE,
    Config,
    Expected,
    Recount,
    WindowSpec,
    assert_claims_match,
    assert_rows_consistent,
    drop_anchor,
    expected_claims,
    recount,
)

pytestmark = pytest.mark.slow
TTL_S = 300
START = datetime(2026, 11, 11, 11, 0, 7, tzinfo=UTC)
SLUGS = itertools.count(1)
BUYERS = ("ann@example.com", "bo@example.com", "cy@example.com")
RUNS = hypothesis_settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
STEPS = st.one_of(
    st.sampled_from([1, 59, TTL_S - 1, TTL_S, TTL_S + 1, 3600, 6 * 3600, 12 * 3600, 86400]),
    st.integers(min_value=1, max_value=3 * 86400),
)


@dataclass(frozen=True)
class Ticket:
    public_id: str
    token: str


class ScarcityMachine(RuleBasedStateMachine):
    tickets = Bundle("tickets")

    def __init__(self, ctx: Context, clock: FixedClock, shop: Shop) -> None:
        super().__init__()
        self.ctx = ctx
        self.clock = clock
        self.shop = shop
        self.cfg = Config(PolicyKind.LIMITED)
        self.product_id = 0
        self.seller_id = 0

    # ---- setup -------------------------------------------------------------------------

    @initialize(
        kind=st.sampled_from([PolicyKind.TRANCHE, PolicyKind.PERIODIC, PolicyKind.LIMITED]),
        total=st.integers(min_value=3, max_value=7),
        size=st.integers(min_value=2, max_value=3),
        cooldown=st.sampled_from([0, 3600]),
        drop_quantity=st.integers(min_value=2, max_value=4),
        periods_ahead=st.integers(min_value=0, max_value=2),
        rollover=st.booleans(),
        window=st.none() | st.tuples(st.integers(0, 47), st.sampled_from([1800, 3600, 7200])),
        buyer_cap=st.sampled_from([None, 2, 3]),
    )
    def new_product(
        self,
        kind: PolicyKind,
        total: int,
        size: int,
        cooldown: int,
        drop_quantity: int,
        periods_ahead: int,
        rollover: bool,
        window: tuple[int, int] | None,
        buyer_cap: int | None,
    ) -> None:
        self.clock.set(START)  # each example from the same instant, so a failure replays
        if kind is PolicyKind.TRANCHE:
            self.cfg = Config(kind, total=total, tranche_size=size, cooldown=cooldown)
        elif kind is PolicyKind.PERIODIC:
            first = drop_anchor(self.clock.now(), periods_ahead=periods_ahead)
            self.cfg = Config(kind, drop_quantity=drop_quantity, first_drop=first)
            self.cfg.rollover = rollover
        else:
            self.cfg = Config(kind, total=total)
        self.cfg.buyer_cap = buyer_cap
        shop = self.shop  # one shop for all examples: a seller's sign-up hashes a password
        self.seller_id = shop.owner_id
        product = catalog.create_product(
            self.ctx,
            actor_id=shop.owner_id,
            shop_slug=shop.slug,
            title="Machine",
            price_minor=100,
            slug=f"machine-{next(SLUGS)}",
            policy=self.cfg.policy(),
        )
        self.product_id = product.id
        if buyer_cap is not None:
            policies.set_options(
                self.ctx, actor_id=self.seller_id, product_id=product.id, buyer_cap=buyer_cap
            )
        if window is not None:
            self.add_window(*window)

    # ---- reading ----------------------------------------------------------------------

    def _recount(self) -> Recount:
        with self.ctx.uow.read() as session:
            return recount(session, product_id=self.product_id, now=self.clock.now())

    def _expected(self) -> tuple[Recount, Expected]:
        rc = self._recount()
        return rc, expected_claims(self.cfg, rc, self.clock.now())

    # ---- buyers ------------------------------------------------------------------------

    @rule(target=tickets, who=st.integers(0, len(BUYERS) - 1), quantity=st.integers(1, 3))
    def reserve(self, who: int, quantity: int) -> object:
        rc, want = self._expected()
        email = BUYERS[who]
        used = rc.usage.get(f"e:{email}", 0)
        cap = self.cfg.buyer_cap
        if want.availability in (Availability.UPCOMING, Availability.CLOSED):
            expected: type[Exception] | None = WindowClosed
        elif want.ended:
            expected = SoldOut
        elif cap is not None and used + quantity > cap:
            expected = CapReached
        elif want.free >= quantity:
            expected = None
        else:
            expected = SoldOut
        try:
            reserved = checkout.reserve(
                self.ctx,
                product_id=self.product_id,
                quantity=quantity,
                buyer=checkout.Buyer(None, email),
            )
        except (WindowClosed, SoldOut, CapReached) as exc:
            assert expected is type(exc), f"{type(exc).__name__} ({exc}); expected {expected}"
            return multiple()
        assert expected is None, f"reserve succeeded; expected {expected.__name__}"
        after = self._recount()
        assert after.releases[want.release_seq or 0].live_rows >= quantity
        return Ticket(reserved.order.public_id, reserved.access_token)

    @rule(ticket=tickets, succeeded=st.booleans())
    def pay(self, ticket: Ticket, succeeded: bool) -> None:
        outcome = PaymentOutcome.SUCCEEDED if succeeded else PaymentOutcome.FAILED
        payments.dev_notice(self.ctx, order_public_id=ticket.public_id, outcome=outcome)

    @rule(ticket=tickets)
    def cancel(self, ticket: Ticket) -> None:
        access = checkout.OrderAccess(token=ticket.token)
        checkout.cancel(self.ctx, public_id=ticket.public_id, access=access)

    # ---- time -------------------------------------------------------------------------

    @rule(seconds=STEPS)
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    @rule(pick=st.integers(0, 20), before=st.booleans())
    def to_next_edge(self, pick: int, before: bool) -> None:
        """Jump to a drop opening, a window edge, a hold's expiry or a cool-down's end
        exactly (or one second before it)."""
        now = self.clock.now()
        edges = self._edges(now)
        if not edges:
            return
        edge = sorted(edges)[pick % len(edges)]
        self.clock.set(
            edge - timedelta(seconds=1) if before and edge - now > timedelta(0, 1) else edge
        )

    def _edges(self, now: datetime) -> list[datetime]:
        cfg = self.cfg
        _, want = self._expected()
        edges: list[datetime] = []
        if want.opens_in:
            edges.append(now + timedelta(seconds=want.opens_in))
        if want.ends_in:
            edges.append(now + timedelta(seconds=want.ends_in))
        for w in cfg.windows:
            edges.append(w.next_start(now))
            end = w.open_at(now)
            if end is not None:
                edges.append(end)
        edges.extend(self._hold_expiries())
        return [e for e in edges if e > now]

    def _hold_expiries(self) -> list[datetime]:
        from sqlalchemy import select

        from soulstock.store.models import Order, Reservation

        with self.ctx.uow.read() as session:
            return list(
                session.scalars(
                    select(Reservation.expires_at)
                    .join(Order, Order.reservation_id == Reservation.id)
                    .where(Order.product_id == self.product_id, Reservation.status == "held")
                )
            )

    @rule()
    def sweep(self) -> None:
        sweeper.sweep_expired_holds(self.ctx)

    # ---- the seller -------------------------------------------------------------------

    @rule(quantity=st.integers(1, 8))
    def change_quantity(self, quantity: int) -> None:
        """Periodic: a new drop quantity; tranche: a new pool; limited: a new total (never)."""
        cfg = self.cfg
        rc, _ = self._expected()
        before = self._policy_row()
        if cfg.kind is PolicyKind.LIMITED:
            assert cfg.total is not None
            new_total = cfg.total + quantity  # any change at all, raising most of all
            with pytest.raises(NeverReissued):
                self._set(InventoryPolicy.limited(new_total))
        elif cfg.kind is PolicyKind.TRANCHE:
            assert cfg.tranche_size is not None
            pool = max(quantity, cfg.tranche_size)
            released = sum(r.quantity or 0 for r in rc.releases.values())
            new = replace(self.cfg.policy(), total=pool)
            if pool < released:
                with pytest.raises(InvalidInput, match="already released"):
                    self._set(new)
            else:
                self._set(new)
                cfg.total = pool
        else:
            new = replace(self.cfg.policy(), drop_quantity=quantity)
            now = self.clock.now()
            assert cfg.first_drop is not None
            index = (
                (now - cfg.first_drop) // timedelta(hours=12) + 1 if now >= cfg.first_drop else 0
            )
            row = rc.releases.get(index)
            if row is not None and quantity < row.sold + row.held:
                with pytest.raises(InvalidInput, match="too small"):
                    self._set(new)
            else:
                self._set(new)
                cfg.drop_quantity = quantity
        if self._policy_row() != before:
            assert self.cfg.kind is not PolicyKind.LIMITED

    def _set(self, policy: InventoryPolicy) -> None:
        policies.set_policy(
            self.ctx, actor_id=self.seller_id, product_id=self.product_id, policy=policy
        )

    def _policy_row(self) -> tuple[object, ...]:
        with self.ctx.uow.read() as session:
            product = session.get(Product, self.product_id)
            settings = session.get(ProductPolicy, self.product_id)
            assert product is not None and settings is not None
            return (product.cap, settings.drop_quantity, settings.tranche_size)

    @rule(half_hours=st.integers(0, 47), seconds=st.sampled_from([1800, 3600, 7200]))
    def add_window(self, half_hours: int, seconds: int) -> None:
        """A daily flash-sale window; refused, naming the other, when it overlaps one."""
        start = self.clock.now().replace(second=0) + timedelta(minutes=30 * half_hours)
        spec = WindowSpec(start, seconds)
        clash = next((w for w in self.cfg.windows if w.overlaps(spec)), None)
        name = f"w{len(self.cfg.windows)}"
        try:
            policies.add_window(
                self.ctx,
                actor_id=self.seller_id,
                product_id=self.product_id,
                name=name,
                starts_at=start,
                duration_seconds=seconds,
                rrule=WINDOW_RRULE,
            )
        except WindowOverlap as exc:
            assert clash is not None, f"refused without an overlap: {exc}"
            return
        assert clash is None, f"overlapping window {spec} accepted against {clash}"
        self.cfg.windows.append(spec)

    # ---- after every step ---------------------------------------------------------------

    @invariant()
    def rows_and_claims_agree(self) -> None:
        if not self.product_id:
            return
        rc, want = self._expected()
        assert_rows_consistent(rc, self.cfg)
        claims = catalog.product_view_by_id(self.ctx, self.product_id).claims
        assert_claims_match(claims, want)


@pytest.fixture
def machine_ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    context = build_context(settings.model_copy(update={"hold_ttl_seconds": TTL_S}), clock=clock)
    yield context
    context.uow.engine.dispose()


def test_scarcity_invariants_hold_for_any_sequence(machine_ctx: Context, clock: FixedClock) -> None:
    shop = make_shop(machine_ctx)
    run_state_machine_as_test(lambda: ScarcityMachine(machine_ctx, clock, shop), settings=RUNS)

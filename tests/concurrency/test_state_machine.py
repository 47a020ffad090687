"""A stateful property test of the stock engine: any sequence of reserve, cancel, time passing,
sweeping, paying (or failing to), and replaying a callback keeps DESIGN §4.1-2 true.

After every step the invariants are recounted from the rows. Each example gets a fresh small
limited product on the test's database, so examples never see each other's stock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

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
from sqlalchemy import func, select

from soulstock.domain.clock import FixedClock
from soulstock.domain.errors import NotAuthenticated, SoldOut
from soulstock.domain.orders import OrderStatus, PaymentOutcome, Settlement
from soulstock.payments.dev import MAX_NOTICE_AGE, DevPaymentProvider
from soulstock.services import checkout, payments, sweeper
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Order, PaymentEvent, Reservation
from tests.concurrency.helpers import StockRecount, assert_stock_consistent, recount
from tests.factories import make_product

TTL_S = 30
RUNS = hypothesis_settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Ticket:
    public_id: str
    token: str
    quantity: int
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class SentCallback:
    body: bytes
    headers: dict[str, str]
    sent_at: datetime


class StockMachine(RuleBasedStateMachine):
    tickets = Bundle("tickets")
    callbacks = Bundle("callbacks")

    def __init__(self, ctx: Context, clock: FixedClock) -> None:
        super().__init__()
        self.ctx = ctx
        self.clock = clock
        provider = ctx.provider("dev")
        assert isinstance(provider, DevPaymentProvider)
        self.provider = provider
        self.product_id = 0
        self.total = 0

    @initialize(total=st.integers(min_value=3, max_value=5))
    def new_product(self, total: int) -> None:
        self.total = total
        self.product_id = make_product(self.ctx, total=total).id

    def _recount(self) -> StockRecount:
        with self.ctx.uow.read() as session:
            return recount(session, product_id=self.product_id, now=self.clock.now())

    def _snapshot(self) -> tuple[object, ...]:
        with self.ctx.uow.read() as session:
            orders = session.execute(
                select(Order.public_id, Order.status, Order.paid_at)
                .where(Order.product_id == self.product_id)
                .order_by(Order.id)
            ).all()
            holds = session.execute(
                select(Reservation.id, Reservation.status).order_by(Reservation.id)
            ).all()
            events = session.scalar(select(func.count()).select_from(PaymentEvent))
        return (self._recount(), tuple(orders), tuple(holds), events)

    @rule(target=tickets, quantity=st.integers(min_value=1, max_value=2))
    def reserve(self, quantity: int) -> object:
        before = self._recount()
        free = self.total - before.release_sold - before.live_held_rows
        buyer = checkout.Buyer(None, "machine@example.com")
        try:
            reserved = checkout.reserve(
                self.ctx, product_id=self.product_id, quantity=quantity, buyer=buyer
            )
        except SoldOut:
            assert free < quantity, "sold out while units were free"
            return multiple()
        assert free >= quantity, "a hold was granted beyond the free units"
        order = reserved.order
        return Ticket(
            order.public_id, reserved.access_token, quantity, order.amount_minor, order.currency
        )

    @rule(ticket=tickets)
    def cancel(self, ticket: Ticket) -> None:
        access = checkout.OrderAccess(token=ticket.token)
        checkout.cancel(self.ctx, public_id=ticket.public_id, access=access)

    @rule()
    def let_holds_expire(self) -> None:
        self.clock.advance(seconds=TTL_S + 1)

    @rule(seconds=st.integers(min_value=1, max_value=TTL_S))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    @rule()
    def sweep(self) -> None:
        sweeper.sweep_expired_holds(self.ctx)

    @rule(target=callbacks, ticket=tickets, outcome=st.sampled_from(PaymentOutcome))
    def pay(self, ticket: Ticket, outcome: PaymentOutcome) -> SentCallback:
        body, headers = self.provider.make_notice(
            order_public_id=ticket.public_id,
            outcome=outcome,
            amount_minor=ticket.amount_minor,
            currency=ticket.currency,
        )
        result = payments.receive_callback(self.ctx, provider="dev", body=body, headers=headers)
        access = checkout.OrderAccess(token=ticket.token)
        details = checkout.order_details(self.ctx, public_id=ticket.public_id, access=access)
        status = OrderStatus(details.order.status)
        if status is OrderStatus.PAID:
            assert len(details.editions) == ticket.quantity
        else:
            assert details.editions == []
        if result in (Settlement.FULFIL_FROM_HOLD, Settlement.FULFIL_FROM_FREE_STOCK):
            assert status is OrderStatus.PAID
        if result is Settlement.REFUND_DUE:
            assert status is OrderStatus.REFUND_DUE
        return SentCallback(body, headers, self.clock.now())

    @rule(callback=callbacks)
    def replay(self, callback: SentCallback) -> None:
        before = self._snapshot()
        if self.clock.now() - callback.sent_at <= MAX_NOTICE_AGE:
            result = payments.receive_callback(
                self.ctx, provider="dev", body=callback.body, headers=callback.headers
            )
            assert result is Settlement.NOTHING
        else:  # too old to be accepted at all
            with pytest.raises(NotAuthenticated):
                payments.receive_callback(
                    self.ctx, provider="dev", body=callback.body, headers=callback.headers
                )
        assert self._snapshot() == before

    @invariant()
    def never_oversold(self) -> None:
        if not self.product_id:
            return
        now = self._recount()
        assert now.quantity == self.total
        assert_stock_consistent(now)
        assert now.minted <= self.total


@pytest.fixture
def machine_ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    context = build_context(settings.model_copy(update={"hold_ttl_seconds": TTL_S}), clock=clock)
    yield context
    context.uow.engine.dispose()


def test_stock_invariants_hold_for_any_sequence(machine_ctx: Context, clock: FixedClock) -> None:
    run_state_machine_as_test(lambda: StockMachine(machine_ctx, clock), settings=RUNS)

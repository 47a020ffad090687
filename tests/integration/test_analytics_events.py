"""Events are recorded with the stock level, price and window of their moment; views are
de-duplicated per visitor within the window and crawlers are not counted."""

from __future__ import annotations

from sqlalchemy import select

from soulstock.domain.analytics import EventKind
from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.services import analytics, catalog, checkout, payments
from soulstock.services.checkout import OrderAccess
from soulstock.services.context import Context
from soulstock.services.sweeper import sweep_expired_holds
from soulstock.store.models import AnalyticsEvent
from tests.factories import guest, make_product

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def _events(ctx: Context) -> list[AnalyticsEvent]:
    with ctx.uow.read() as session:
        return list(session.scalars(select(AnalyticsEvent).order_by(AnalyticsEvent.id)))


def test_hold_and_payment_record_the_level_the_buyer_saw(ctx: Context) -> None:
    product = make_product(ctx, total=10, price_minor=2990)
    first = checkout.reserve(ctx, product_id=product.id, quantity=2, buyer=guest())
    checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=first.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    events = _events(ctx)
    assert [(e.kind, e.stock_pct, e.quantity) for e in events] == [
        ("reserved", 100, 2),  # 10 of 10 left when the first buyer took 2
        ("reserved", 80, 1),
        ("paid", 70, 2),  # 10 - 2 sold - 1 held
    ]
    assert {e.price_minor for e in events} == {2990}
    assert {e.shop_id for e in events} == {product.shop_id}
    assert not any(e.windowed for e in events)
    assert events[2].order_id == first.order.id


def test_cancel_failure_and_expiry_are_recorded(ctx: Context, clock: FixedClock) -> None:
    product = make_product(ctx, total=5)
    cancelled = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    checkout.cancel(
        ctx, public_id=cancelled.order.public_id, access=OrderAccess(token=cancelled.access_token)
    )
    failed = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    payments.dev_notice(ctx, order_public_id=failed.order.public_id, outcome=PaymentOutcome.FAILED)
    lapsed = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    clock.advance(seconds=ctx.settings.hold_ttl_seconds + 1)
    assert sweep_expired_holds(ctx) == 1
    kinds = [(e.kind, e.order_id) for e in _events(ctx) if e.kind != "reserved"]
    assert kinds == [
        ("released", cancelled.order.id),
        ("released", failed.order.id),
        ("expired", lapsed.order.id),
    ]


def test_views_are_buffered_and_deduplicated_per_visitor(ctx: Context, clock: FixedClock) -> None:
    product = make_product(ctx, total=4)
    view = catalog.product_view_by_id(ctx, product.id)
    for _ in range(3):
        analytics.note_view(ctx, view=view, cookie_id="browser-a", user_agent=BROWSER)
    analytics.note_view(ctx, view=view, cookie_id="browser-b", user_agent=BROWSER)
    analytics.note_view(ctx, view=view, cookie_id="browser-c", user_agent="Googlebot/2.1")
    assert _events(ctx) == []  # nothing written on the page's path
    assert analytics.flush_events(ctx) == 4
    clock.advance(minutes=31)
    analytics.note_view(ctx, view=view, cookie_id="browser-a", user_agent=BROWSER)
    analytics.flush_events(ctx)
    views = _events(ctx)
    assert [e.kind for e in views] == ["viewed"] * 3
    assert {e.stock_pct for e in views} == {100}
    assert all(e.hint for e in views)  # "4 left" was on the page
    assert len({e.visitor for e in views}) == 2
    assert all(e.visitor and "browser" not in e.visitor for e in views)


def test_checkout_started_and_waitlist_joined(ctx: Context) -> None:
    product = make_product(ctx, total=1)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    checkout.start_payment(
        ctx, public_id=reserved.order.public_id, access=OrderAccess(token=reserved.access_token)
    )
    analytics.flush_events(ctx)
    with ctx.uow.write() as session:
        analytics.record_event(
            session, kind=EventKind.WAITLIST_JOINED, product_id=product.id, at=ctx.clock.now()
        )
    events = _events(ctx)
    assert [(e.kind, e.stock_pct) for e in events] == [
        ("reserved", 100),
        ("checkout_started", 0),
        ("waitlist_joined", None),
    ]

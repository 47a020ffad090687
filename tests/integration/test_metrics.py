"""Metrics against a hand-computed fixture around an Asia/Shanghai midnight (16:00 UTC)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from soulstock.domain.analytics import EventKind, Period, StockBands
from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.services import analytics, checkout, metrics, metrics_drops, payments
from soulstock.services.checkout import Buyer, OrderAccess
from soulstock.services.context import Context
from soulstock.store.models import AnalyticsEvent, PolicyChange, Product, WaitlistMember
from tests.factories import make_product

SH = "Asia/Shanghai"
NOV10 = Period(date(2026, 11, 10), date(2026, 11, 10), SH)
NOV11 = Period(date(2026, 11, 11), date(2026, 11, 11), SH)
A, B, C = (Buyer(None, f"{n}@example.com") for n in "abc")


def _buy(
    ctx: Context, buyer: Buyer, product: Product, *, quantity: int = 1, pay: bool = True
) -> None:
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=quantity, buyer=buyer)
    if buyer is C:
        access = OrderAccess(token=reserved.access_token)
        checkout.start_payment(ctx, public_id=reserved.order.public_id, access=access)
        analytics.flush_events(ctx)
    if pay:
        payments.dev_notice(
            ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )


def _views(ctx: Context, product: Product, *points: tuple[datetime, int]) -> None:
    with ctx.uow.write() as session:
        for i, (at, pct) in enumerate(points):
            session.add(
                AnalyticsEvent(
                    shop_id=product.shop_id,
                    product_id=product.id,
                    kind="viewed",
                    at=at,
                    quantity=1,
                    stock_pct=pct,
                    windowed=False,
                    hint=True,
                    dedup=f"v{i}",
                )
            )


@pytest.fixture
def shop_product(ctx: Context, clock: FixedClock) -> Product:
    clock.set(datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    product = make_product(ctx, total=10, price_minor=1000)
    clock.set(datetime(2026, 11, 10, 15, 30, tzinfo=UTC))  # 23:30 on the 10th in Shanghai
    _buy(ctx, A, product)
    clock.set(datetime(2026, 11, 10, 16, 30, tzinfo=UTC))  # 00:30 on the 11th
    _buy(ctx, A, product, quantity=2)
    _buy(ctx, B, product, pay=False)
    _buy(ctx, C, product)
    _views(
        ctx,
        product,
        (datetime(2026, 11, 10, 15, 59, 59, tzinfo=UTC), 100),
        (datetime(2026, 11, 10, 15, 0, tzinfo=UTC), 100),
        (datetime(2026, 11, 10, 16, 0, tzinfo=UTC), 95),
        (datetime(2026, 11, 10, 20, 0, tzinfo=UTC), 75),
        (datetime(2026, 11, 11, 15, 59, tzinfo=UTC), 40),
        (datetime(2026, 11, 11, 16, 0, tzinfo=UTC), 40),  # the 12th: outside
    )
    return product


def test_funnel_and_sales_of_one_shanghai_day(ctx: Context, shop_product: Product) -> None:
    scope = metrics.Scope(shop_product.shop_id)
    with ctx.uow.read() as session:
        funnel = metrics.funnel(session, scope=scope, period=NOV11)
        sales = metrics.sales(session, scope=scope, period=NOV11)
        before = metrics.funnel(session, scope=scope, period=NOV10)
    assert funnel == metrics.Funnel(views=3, holds=3, checkouts=1, paid=2, abandoned=1)
    assert funnel.abandonment == pytest.approx(1 / 3)
    assert sales == metrics.Sales(3000, 3, 2, 2, 1)  # A bought before: one repeat buyer
    assert sales.aov_minor == 1500
    assert before == metrics.Funnel(views=2, holds=1, checkouts=0, paid=1, abandoned=0)


def test_conversion_by_seller_bands(ctx: Context, shop_product: Product) -> None:
    scope = metrics.Scope(shop_product.shop_id, product_id=shop_product.id)
    with ctx.uow.read() as session:
        rows = metrics.by_band(session, scope=scope, period=NOV11, bands=StockBands(80, 60))
    # holds seen at 90 (A), 70 (B), 60 (C); payments at 70 (A) and 50 (C); views 95, 75, 40
    assert rows == [
        metrics.BandRow("high", views=1, holds=1, paid=0, abandoned=0),
        metrics.BandRow("mid", views=1, holds=2, paid=1, abandoned=1),
        metrics.BandRow("low", views=1, holds=0, paid=1, abandoned=0),
    ]


def test_daily_and_monthly_series_follow_shop_days(ctx: Context, shop_product: Product) -> None:
    scope = metrics.Scope(shop_product.shop_id)
    days = Period(date(2026, 11, 9), date(2026, 11, 11), SH)
    with ctx.uow.read() as session:
        daily = metrics.series(session, scope=scope, period=days)
        month = metrics.series(
            session,
            scope=scope,
            period=Period(date(2026, 11, 1), date(2026, 11, 30), SH),
            monthly=True,
        )
        other_tz = metrics.series(
            session, scope=scope, period=Period(date(2026, 11, 10), date(2026, 11, 10), "UTC")
        )
    assert [(p.start.day, p.units, p.views) for p in daily] == [(9, 0, 0), (10, 1, 2), (11, 3, 3)]
    assert [(p.units, p.revenue_minor, p.views) for p in month] == [(4, 4000, 6)]
    assert [(p.units, p.views) for p in other_tz] == [(4, 4)]  # UTC day: 15:00Z..20:00Z views


def test_drop_sell_out_and_waitlist_conversion(ctx: Context, clock: FixedClock) -> None:
    opened = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)
    clock.set(opened)
    product = make_product(ctx, total=2)
    with ctx.uow.write() as session:
        for email in ("a@example.com", "z@example.com"):
            session.add(
                WaitlistMember(
                    product_id=product.id,
                    email=email,
                    locale="en",
                    token=email,
                    created_at=opened - timedelta(days=2),
                    confirmed_at=opened - timedelta(days=1),
                )
            )
    clock.set(opened + timedelta(hours=2))
    _buy(ctx, A, product)
    clock.set(opened + timedelta(hours=5))
    _buy(ctx, B, product)
    with ctx.uow.read() as session:
        rows = metrics_drops.drops(
            session,
            shop_id=product.shop_id,
            period=Period(date(2026, 10, 1), date(2026, 10, 31), SH),
        )
    assert len(rows) == 1
    assert rows[0].hours_to_sell_out == 5.0
    assert (rows[0].waiting, rows[0].converted) == (2, 1)


def test_before_and_after_leaving_unlimited_stock(ctx: Context, clock: FixedClock) -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    clock.set(start)
    product = make_product(ctx, total=None, price_minor=2990)
    for day in (1, 2, 3, 40, 50):
        clock.set(start + timedelta(days=day))
        _buy(ctx, A, product)
    switched = start + timedelta(days=45)
    with ctx.uow.write() as session:
        session.add(
            PolicyChange(
                product_id=product.id,
                actor_id=1,
                what="policy",
                at=switched,
                before=json.dumps({"kind": "staple"}),
                after=json.dumps({"kind": "periodic"}),
            )
        )
    with ctx.uow.read() as session:
        found = metrics_drops.switches(
            session, shop_id=product.shop_id, now=switched + timedelta(days=10), days=90
        )
    assert len(found) == 1
    assert (found[0].before.days, found[0].before.units) == (10, 1)  # day 40 only
    assert (found[0].after.units, found[0].after.revenue_minor) == (1, 2990)
    assert found[0].after.units_per_30_days == 3.0
    assert EventKind.PAID.value == "paid"

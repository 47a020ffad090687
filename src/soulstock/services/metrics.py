"""Dashboard metrics, computed by the database: aggregates over ``analytics_events`` (range
scans on ``(shop_id, at, kind, stock_pct)`` or ``(product_id, at)``), never events in Python.

A ``Scope`` is a shop, optionally narrowed to one product, one drop (product + release seq) or
one policy kind. A ``Period`` is local days in the shop's time zone; it becomes UTC bounds in
``domain.analytics``, and per-day or per-month series join the events to a small table of
bucket bounds, so a day is the shop's day (Asia/Shanghai: 16:00 UTC to 16:00 UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVarTuple

from sqlalchemy import Select, and_, case, exists, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from soulstock.domain.analytics import EventKind, Period, StockBands, ratio
from soulstock.store.columns import UTCDateTime
from soulstock.store.models import AnalyticsEvent, Order, Product

E = AnalyticsEvent

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class Scope:
    shop_id: int
    product_id: int | None = None
    release_seq: int | None = None  # with product_id: one drop or tranche
    policy: str | None = None  # one policy kind across the shop


@dataclass(frozen=True, slots=True)
class Funnel:
    views: int
    holds: int
    checkouts: int
    paid: int
    abandoned: int  # holds in the period whose order was never paid

    @property
    def abandonment(self) -> float | None:
        return ratio(self.abandoned, self.holds)

    @property
    def conversion(self) -> float | None:
        return ratio(self.paid, self.views)


@dataclass(frozen=True, slots=True)
class BandRow:
    band: str
    views: int
    holds: int
    paid: int
    abandoned: int

    @property
    def conversion(self) -> float | None:
        return ratio(self.paid, self.views)


@dataclass(frozen=True, slots=True)
class Sales:
    revenue_minor: int
    units: int
    orders: int
    buyers: int
    repeat_buyers: int  # buyers in the period with two or more paid orders in the shop so far

    @property
    def aov_minor(self) -> int | None:
        return self.revenue_minor // self.orders if self.orders else None


@dataclass(frozen=True, slots=True)
class Point:
    start: date
    units: int
    revenue_minor: int
    views: int
    waitlist_joins: int


def scoped(stmt: Select[*Ts], scope: Scope, period: Period) -> Select[*Ts]:
    stmt = stmt.where(
        E.shop_id == scope.shop_id,
        E.at >= literal(period.start, UTCDateTime()),
        E.at < literal(period.end, UTCDateTime()),
    )
    return _narrow(stmt, scope)


def _narrow(stmt: Select[*Ts], scope: Scope) -> Select[*Ts]:
    if scope.product_id is not None:
        stmt = stmt.where(E.product_id == scope.product_id)
        if scope.release_seq is not None:
            stmt = stmt.where(E.release_seq == scope.release_seq)
    if scope.policy is not None:
        ids = select(Product.id).where(
            Product.shop_id == scope.shop_id, Product.policy == scope.policy
        )
        stmt = stmt.where(E.product_id.in_(ids))
    return stmt


def _unpaid() -> Any:
    paid = aliased(AnalyticsEvent)
    return ~exists().where(paid.order_id == E.order_id, paid.kind == EventKind.PAID.value)


def funnel(session: Session, *, scope: Scope, period: Period) -> Funnel:
    abandoned = func.sum(case((and_(E.kind == EventKind.RESERVED.value, _unpaid()), 1), else_=0))
    rows = session.execute(
        scoped(select(E.kind, func.count(), abandoned), scope, period).group_by(E.kind)
    ).all()
    counts = {kind: int(n) for kind, n, _ in rows}
    lost = sum(int(a or 0) for _, _, a in rows)
    return Funnel(
        counts.get(EventKind.VIEWED.value, 0),
        counts.get(EventKind.RESERVED.value, 0),
        counts.get(EventKind.CHECKOUT_STARTED.value, 0),
        counts.get(EventKind.PAID.value, 0),
        lost,
    )


def by_band(session: Session, *, scope: Scope, period: Period, bands: StockBands) -> list[BandRow]:
    """Views, holds, payments and abandoned holds by the stock level at their moment."""
    band = case(
        (E.stock_pct.is_(None), "uncapped"),
        (E.stock_pct > bands.high, "high"),
        (E.stock_pct < bands.low, "low"),
        else_="mid",
    ).label("band")
    abandoned = func.sum(case((and_(E.kind == EventKind.RESERVED.value, _unpaid()), 1), else_=0))
    stmt = scoped(select(band, E.kind, func.count(), abandoned), scope, period)
    rows = session.execute(stmt.group_by(band, E.kind)).all()
    table: dict[str, dict[str, int]] = {}
    for name, kind, n, lost in rows:
        cell = table.setdefault(name, {})
        cell[kind] = int(n)
        cell["abandoned"] = cell.get("abandoned", 0) + int(lost or 0)
    order = ("high", "mid", "low", "uncapped")
    return [
        BandRow(
            name,
            table[name].get(EventKind.VIEWED.value, 0),
            table[name].get(EventKind.RESERVED.value, 0),
            table[name].get(EventKind.PAID.value, 0),
            table[name].get("abandoned", 0),
        )
        for name in order
        if name in table
    ]


def sales(session: Session, *, scope: Scope, period: Period) -> Sales:
    paid = E.kind == EventKind.PAID.value
    revenue, units, orders = session.execute(
        scoped(
            select(
                func.coalesce(func.sum(E.quantity * E.price_minor), 0),
                func.coalesce(func.sum(E.quantity), 0),
                func.count(),
            ),
            scope,
            period,
        ).where(paid)
    ).one()
    buyers_in_period = (
        scoped(select(Order.email).select_from(E), scope, period)
        .join(Order, Order.id == E.order_id)
        .where(paid)
        .distinct()
        .subquery()
    )
    history = (
        select(Order.email, func.count().label("n"))
        .where(
            Order.shop_id == scope.shop_id,
            Order.paid_at.is_not(None),
            Order.paid_at < literal(period.end, UTCDateTime()),
        )
        .group_by(Order.email)
        .subquery()
    )
    buyers, repeat = session.execute(
        select(func.count(), func.coalesce(func.sum(case((history.c.n > 1, 1), else_=0)), 0))
        .select_from(buyers_in_period)
        .join(history, history.c.email == buyers_in_period.c.email)
    ).one()
    return Sales(int(revenue), int(units), int(orders), int(buyers), int(repeat))


def series(session: Session, *, scope: Scope, period: Period, monthly: bool = False) -> list[Point]:
    """Units, revenue, views and waitlist joins per local day (or month) of the period."""
    bounds = period.months() if monthly else period.days()
    buckets = union_all(
        *(
            select(
                literal(i).label("i"),
                literal(lo, UTCDateTime()).label("lo"),
                literal(hi, UTCDateTime()).label("hi"),
            )
            for i, (_, lo, hi) in enumerate(bounds)
        )
    ).subquery()

    def count_of(kind: EventKind, value: Any) -> Any:
        return func.coalesce(func.sum(case((E.kind == kind.value, value), else_=0)), 0)

    stmt = (
        select(
            buckets.c.i,
            count_of(EventKind.PAID, E.quantity),
            count_of(EventKind.PAID, E.quantity * E.price_minor),
            count_of(EventKind.VIEWED, 1),
            count_of(EventKind.WAITLIST_JOINED, 1),
        )
        .select_from(buckets)
        .join(E, and_(E.at >= buckets.c.lo, E.at < buckets.c.hi))
        .where(E.shop_id == scope.shop_id)
        .group_by(buckets.c.i)
    )
    found = {int(r[0]): r[1:] for r in session.execute(_narrow(stmt, scope)).all()}
    points = []
    for i, (start, _, _) in enumerate(bounds):
        units, revenue, views, joins = found.get(i, (0, 0, 0, 0))
        points.append(Point(start, int(units), int(revenue), int(views), int(joins)))
    return points

"""The strategy advisor for a seller: the rules of ``domain.advisor`` over the shop's numbers,
computed in SQL (``services.metrics``), and their one-click actions, applied through
``services.policies``.

Periods, in the shop's time zone: monthly sales over the last ``DECAY_MONTHS`` full months
(the current month is not over, so it is left out); everything else over the last
``RECENT_DAYS`` days. The waitlist size is the waitlist table's confirmed members; a product
with none there falls back to the ``waitlist_joined`` events of the period.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from soulstock.domain import advisor
from soulstock.domain.advisor import ActionKind, Suggestion
from soulstock.domain.analytics import EventKind, Period, StockBands, last_days
from soulstock.domain.errors import InvalidInput
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.tiers import DEFAULT_STAPLE_TARGET
from soulstock.services import metrics, metrics_drops, policies, waitlists
from soulstock.services.context import Context
from soulstock.store.models import AnalyticsEvent, Product, ProductPolicy, Shop, StockBandSetting

RECENT_DAYS = 90
E = AnalyticsEvent


def full_months(now: datetime, *, tz: str, months: int) -> Period:
    """The ``months`` calendar months before the current one, in ``tz``."""
    this_month = now.astimezone(ZoneInfo(tz)).date().replace(day=1)
    first = this_month
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, this_month - timedelta(days=1), tz)


def compute(session: Session, *, shop: Shop, now: datetime) -> list[Suggestion]:
    """Every rule's suggestion for the shop's listed products (in the caller's read)."""
    rows = session.execute(
        select(Product, ProductPolicy)
        .outerjoin(ProductPolicy, ProductPolicy.product_id == Product.id)
        .where(Product.shop_id == shop.id, Product.listed)
        .order_by(Product.id)
    ).all()
    months = full_months(now, tz=shop.timezone, months=advisor.DECAY_MONTHS)
    recent = last_days(now, tz=shop.timezone, days=RECENT_DAYS)
    setting = session.get(StockBandSetting, shop.id)
    bands = StockBands(setting.high, setting.low) if setting else StockBands()
    sales = [_monthly(session, product=p, period=months) for p, _ in rows]
    found: list[Suggestion | None] = [advisor.staple_decay(s) for s in sales]
    found += [advisor.light_reissue(d) for d in _sell_outs(session, shop=shop, period=recent)]
    for product, settings in rows:
        if product.cap is not None or product.policy == PolicyKind.PERIODIC.value:
            low = _low(session, product, settings=settings, period=recent, bands=bands)
            found.append(advisor.low_stock_abandonment(low))
        if product.policy == PolicyKind.TRANCHE.value:
            hints = _hints(session, product, settings=settings, period=recent)
            found.append(advisor.hint_always(hints))
    staples = sum(p.policy == PolicyKind.STAPLE.value for p, _ in rows)
    found.append(
        advisor.staple_portfolio(
            sales, products=len(rows), staples=staples, target=DEFAULT_STAPLE_TARGET
        )
    )
    return [s for s in found if s is not None]


def _monthly(session: Session, *, product: Product, period: Period) -> advisor.MonthlySales:
    scope = metrics.Scope(product.shop_id, product_id=product.id)
    points = metrics.series(session, scope=scope, period=period, monthly=True)
    return advisor.MonthlySales(
        product.id,
        product.title,
        PolicyKind(product.policy),
        [p.units for p in points],
        period.first,
        period.last,
    )


def _sell_outs(session: Session, *, shop: Shop, period: Period) -> list[advisor.SellOut]:
    """Each product's latest capped release of the period, with the people waiting now."""
    latest: dict[int, metrics_drops.DropRow] = {}
    for row in metrics_drops.drops(session, shop_id=shop.id, period=period):
        latest[row.product_id] = row  # ordered by opening: the last one wins
    out = []
    for row in latest.values():
        waiting = waitlists.confirmed(session, row.product_id) or _joined(
            session, metrics.Scope(shop.id, product_id=row.product_id), period
        )
        out.append(
            advisor.SellOut(
                row.product_id,
                row.title,
                PolicyKind(row.policy),
                row.quantity,
                row.hours_to_sell_out,
                waiting,
                row.opened_at.astimezone(ZoneInfo(shop.timezone)).date(),
                period.last,
            )
        )
    return out


def _joined(session: Session, scope: metrics.Scope, period: Period) -> int:
    stmt = metrics.scoped(select(func.count()), scope, period)
    return int(session.scalar(stmt.where(E.kind == EventKind.WAITLIST_JOINED.value)) or 0)


def _low(
    session: Session,
    product: Product,
    *,
    settings: ProductPolicy | None,
    period: Period,
    bands: StockBands,
) -> advisor.LowStockHolds:
    scope = metrics.Scope(product.shop_id, product_id=product.id)
    rows = metrics.by_band(session, scope=scope, period=period, bands=bands)
    low = next((r for r in rows if r.band == "low"), None)
    return advisor.LowStockHolds(
        product.id,
        product.title,
        low.holds if low else 0,
        low.abandoned if low else 0,
        bands.low,
        settings.buyer_cap if settings else None,
        period.first,
        period.last,
    )


def _hints(
    session: Session, product: Product, *, settings: ProductPolicy | None, period: Period
) -> advisor.HintViews:
    scope = metrics.Scope(product.shop_id, product_id=product.id)
    counts = select(func.count(), func.sum(case((E.hint, 1), else_=0)))
    stmt = metrics.scoped(counts, scope, period).where(E.kind == EventKind.VIEWED.value)
    views, shown = session.execute(stmt).one()
    return advisor.HintViews(
        product.id,
        product.title,
        PolicyKind(product.policy),
        int(views),
        int(shown or 0),
        settings.tranche_size if settings else None,
        settings.hint_threshold if settings else None,
        period.first,
        period.last,
    )


def apply(
    ctx: Context, *, actor_id: int, product_id: int, kind: ActionKind, value: int | None = None
) -> None:
    """A suggestion's one-click action, through the policy services (one transaction)."""
    if kind is ActionKind.TO_STAPLE:
        policies.set_policy(
            ctx, actor_id=actor_id, product_id=product_id, policy=InventoryPolicy.staple()
        )
        return
    if value is None or value < 1:
        raise InvalidInput("this action needs a number of 1 or more")
    if kind is ActionKind.TO_PERIODIC:
        drops = InventoryPolicy(
            PolicyKind.PERIODIC,
            rrule="FREQ=MONTHLY",
            starts_at=ctx.clock.now(),
            drop_quantity=value,
        )
        policies.set_policy(ctx, actor_id=actor_id, product_id=product_id, policy=drops)
    elif kind is ActionKind.LOWER_BUYER_CAP:
        policies.set_options(ctx, actor_id=actor_id, product_id=product_id, buyer_cap=value)
    else:
        policies.set_options(ctx, actor_id=actor_id, product_id=product_id, hint_threshold=value)

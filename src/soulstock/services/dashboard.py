"""The seller's dashboard: every metric of a shop (or one product) for a period, the stock
bands, and the secondary-market log (二级市场) of a product. Each use case checks ownership."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select

from soulstock.domain.advisor import Suggestion
from soulstock.domain.analytics import Period, StockBands, last_days
from soulstock.domain.errors import InvalidInput
from soulstock.services import advisor, metrics, metrics_drops
from soulstock.services.catalog import owned_product, owned_shop
from soulstock.services.context import Context
from soulstock.store.models import MarketMention, Product, Shop, StockBandSetting

DEFAULT_DAYS = 90


@dataclass(frozen=True, slots=True)
class Dashboard:
    shop: Shop
    period: Period
    bands: StockBands
    funnel: metrics.Funnel
    by_band: list[metrics.BandRow]
    sales: metrics.Sales
    daily: list[metrics.Point]
    monthly: list[metrics.Point]
    drops: list[metrics_drops.DropRow]
    switches: list[metrics_drops.Switch]
    product: Product | None = None
    mentions: list[MarketMention] = field(default_factory=list)
    advice: list[Suggestion] = field(default_factory=list)  # the advisor's, for this scope


def period_for(ctx: Context, *, tz: str, first: date | None, last: date | None) -> Period:
    """The chosen local days, or the last ``DEFAULT_DAYS`` days in the shop's zone."""
    default = last_days(ctx.clock.now(), tz=tz, days=DEFAULT_DAYS)
    return Period(first or default.first, last or default.last, tz)


def dashboard(
    ctx: Context,
    *,
    actor_id: int,
    shop_slug: str,
    first: date | None = None,
    last: date | None = None,
    product_id: int | None = None,
) -> Dashboard:
    """Every metric of the shop, or of one of its products, for the period."""
    with ctx.uow.read() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        product = None
        if product_id is not None:
            product = owned_product(session, actor_id=actor_id, product_id=product_id)
            if product.shop_id != shop.id:
                raise InvalidInput("that product is in another shop")
        period = period_for(ctx, tz=shop.timezone, first=first, last=last)
        setting = session.get(StockBandSetting, shop.id)
        bands = StockBands(setting.high, setting.low) if setting else StockBands()
        scope = metrics.Scope(shop.id, product_id=product_id)
        mentions = []
        if product is not None:
            mentions = list(
                session.scalars(
                    select(MarketMention)
                    .where(MarketMention.product_id == product.id)
                    .order_by(MarketMention.noted_on, MarketMention.id)
                )
            )
        return Dashboard(
            shop=shop,
            period=period,
            bands=bands,
            funnel=metrics.funnel(session, scope=scope, period=period),
            by_band=metrics.by_band(session, scope=scope, period=period, bands=bands),
            sales=metrics.sales(session, scope=scope, period=period),
            daily=metrics.series(session, scope=scope, period=period),
            monthly=metrics.series(session, scope=scope, period=period, monthly=True),
            drops=metrics_drops.drops(
                session, shop_id=shop.id, period=period, product_id=product_id
            ),
            switches=[
                s
                for s in metrics_drops.switches(session, shop_id=shop.id, now=ctx.clock.now())
                if product_id is None or s.product_id == product_id
            ],
            product=product,
            mentions=mentions,
            advice=[
                s
                for s in advisor.compute(session, shop=shop, now=ctx.clock.now())
                if product_id is None or s.product_id == product_id
            ],
        )


def set_bands(ctx: Context, *, actor_id: int, shop_slug: str, high: int, low: int) -> StockBands:
    """The seller's own stock bands for "conversion by stock level"."""
    bands = StockBands(high, low)
    with ctx.uow.write() as session:
        shop = owned_shop(session, actor_id=actor_id, slug=shop_slug)
        setting = session.get(StockBandSetting, shop.id)
        if setting is None:
            session.add(StockBandSetting(shop_id=shop.id, high=high, low=low))
        else:
            setting.high, setting.low = high, low
    return bands


def check_link(url: str) -> str:
    """Only absolute http(s) links with a host: never javascript:, data: or relative ones."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise InvalidInput("a mention's link must be a full http:// or https:// address")
    return url


def add_mention(
    ctx: Context,
    *,
    actor_id: int,
    product_id: int,
    url: str,
    source: str,
    noted_on: date,
    note: str = "",
) -> MarketMention:
    """Log talk about a product on the secondary market (二级市场)."""
    url = check_link(url)
    source = source.strip()
    if not 1 <= len(source) <= 80:
        raise InvalidInput("name the source (1 to 80 characters), e.g. 闲鱼 or Xiaohongshu")
    if len(note) > 2000:
        raise InvalidInput("a note is at most 2000 characters")
    with ctx.uow.write() as session:
        product = owned_product(session, actor_id=actor_id, product_id=product_id)
        mention = MarketMention(
            product_id=product.id,
            url=url,
            source=source,
            noted_on=noted_on,
            note=note.strip(),
            created_at=ctx.clock.now(),
        )
        session.add(mention)
        session.flush()
        return mention

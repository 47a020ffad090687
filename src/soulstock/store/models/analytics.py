"""Analytics: the append-only event log behind the dashboard, the shop's stock bands, and
the secondary-market (二级市场) mentions a seller records after a sell-out.

Events are never updated or deleted. Each carries what the buyer saw at that moment: the
remaining share of the open drop or tranche (``stock_pct``, NULL when uncapped), the unit
price, whether a window price applied and whether the "only X left" hint was shown. Visitors
are pseudonymous (a salted hash rotated daily); ``dedup`` is set on views only, and its
uniqueness per product is what drops a visitor's repeated views within the window.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulstock.store.columns import UTCDateTime
from soulstock.store.models.base import Base

EVENT_ID = BigInteger().with_variant(Integer(), "sqlite")  # rowid alias on SQLite


class AnalyticsEvent(Base):
    __tablename__ = "analytics_events"
    __table_args__ = (
        Index("ix_analytics_events_shop_at", "shop_id", "at", "kind", "stock_pct"),
        Index("ix_analytics_events_product_at", "product_id", "at"),
        Index("ix_analytics_events_order", "order_id"),
        Index("uq_analytics_events_dedup", "product_id", "dedup", unique=True),
    )

    id: Mapped[int] = mapped_column(EVENT_ID, primary_key=True)
    shop_id: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    release_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    price_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stock_pct: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    windowed: Mapped[bool] = mapped_column(Boolean, default=False)
    hint: Mapped[bool] = mapped_column(Boolean, default=False)
    visitor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    dedup: Mapped[str | None] = mapped_column(String(48), nullable=True)


class StockBandSetting(Base):
    """A shop's own stock bands for "conversion by stock level" (default 50% / 20%)."""

    __tablename__ = "stock_band_settings"
    __table_args__ = (CheckConstraint("0 < low AND low < high AND high < 100", name="ordered"),)

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    high: Mapped[int] = mapped_column(Integer)
    low: Mapped[int] = mapped_column(Integer)


class MarketMention(Base):
    """Talk about a product on the secondary market, logged by its seller."""

    __tablename__ = "market_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(80))
    noted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

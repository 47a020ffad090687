"""Stock, holds, orders, payment notices and editions.

Stock lives on ``releases``: ``quantity`` units released (NULL for no cap), ``sold`` paid,
``held`` in unpaid holds that are not yet reclaimed. ``CHECK (sold + held <= quantity)`` is the
last line of the no-oversell promise; the conditional UPDATEs in ``store/stock.py`` are the first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulstock.store.columns import UTCDateTime
from soulstock.store.models.base import Base


class Release(Base):
    """A batch of units put on sale; holds and sales count against it."""

    __tablename__ = "releases"
    __table_args__ = (
        CheckConstraint("sold >= 0 AND held >= 0", name="counters_not_negative"),
        CheckConstraint("quantity IS NULL OR sold + held <= quantity", name="never_oversold"),
        UniqueConstraint("product_id", "seq", name="uq_releases_product_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sold: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    # Scarcity (0002): base, drop, tranche or early_bird; seq is unique per product.
    kind: Mapped[str] = mapped_column(String(12), default="base", server_default="base")
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    price_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("status IN ('held', 'paid', 'released', 'expired')", name="known_status"),
        Index("ix_reservations_live", "release_id", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index("ix_orders_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    access_token_hash: Mapped[str] = mapped_column(String(64))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    email: Mapped[str] = mapped_column(String(254))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PaymentEvent(Base):
    """Every payment notice we accepted, unique per provider event: replays are no-ops."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_events_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int] = mapped_column(Integer)
    settlement: Mapped[str] = mapped_column(String(30), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Edition(Base):
    """One paid unit: #number of its product, owned by a buyer (account or guest email)."""

    __tablename__ = "editions"
    __table_args__ = (
        UniqueConstraint("product_id", "number", name="uq_editions_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    number: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    owner_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""Scarcity: each product's policy settings, sale windows, unlock goals and grants, per-buyer
cap locks, the draw, the policy change history and the scheduler's events.

Releases (``releases``, in ``checkout``) carry the drops and tranches themselves: ``kind``,
``seq`` (unique per product), ``opens_at`` / ``closes_at`` and an optional price.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulstock.store.columns import UTCDateTime
from soulstock.store.models.base import Base


class ProductPolicy(Base):
    """The parameters of a product's policy beyond ``products.policy`` and ``products.cap``."""

    __tablename__ = "product_policies"
    __table_args__ = (
        CheckConstraint("buyer_cap IS NULL OR buyer_cap >= 1", name="buyer_cap_positive"),
        CheckConstraint("drop_cap IS NULL OR drop_cap >= 1", name="drop_cap_positive"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    tier: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rrule: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    drop_quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rollover: Mapped[bool] = mapped_column(Boolean, default=False)
    tranche_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cooldown_seconds: Mapped[int] = mapped_column(Integer, default=0)
    velocity_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sale_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    countdown: Mapped[bool] = mapped_column(Boolean, default=False)
    hint_threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    buyer_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    drop_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SaleWindow(Base):
    """A flash-sale window (recurring with ``rrule``, or once): buyable only inside."""

    __tablename__ = "sale_windows"
    __table_args__ = (CheckConstraint("duration_seconds > 0", name="duration_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(200), nullable=True)
    price_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnlockGoal(Base):
    __tablename__ = "unlock_goals"
    __table_args__ = (
        UniqueConstraint("product_id", "threshold", name="uq_unlock_goals_threshold"),
        CheckConstraint("threshold >= 1", name="threshold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    threshold: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"), nullable=True)


class UnlockGrant(Base):
    """A goal's bonus given to one holder ("u:<id>" or "e:<email>"): once, by uniqueness."""

    __tablename__ = "unlock_grants"
    __table_args__ = (UniqueConstraint("goal_id", "holder", name="uq_unlock_grants_holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("unlock_goals.id"), index=True)
    holder: Mapped[str] = mapped_column(String(260))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BuyerLock(Base):
    """One row per (product, buyer) locked before a capped claim: a buyer's racing requests
    queue here, so the count of their paid units and live holds is checked one at a time."""

    __tablename__ = "buyer_locks"
    __table_args__ = (UniqueConstraint("product_id", "buyer", name="uq_buyer_locks_buyer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    buyer: Mapped[str] = mapped_column(String(260))


class PolicyChange(Base):
    """Who changed a product's policy or windows, when, from what to what (JSON)."""

    __tablename__ = "policy_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    what: Mapped[str] = mapped_column(String(40))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScarcityEvent(Base):
    """Events for notifications ("drop_opened"); unique, so a scheduler run twice is a no-op."""

    __tablename__ = "scarcity_events"
    __table_args__ = (UniqueConstraint("product_id", "kind", "key", name="uq_scarcity_events_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(60))
    occurs_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Draw(Base):
    """A provably fair draw: the seed's commitment is stored before entries open; the entries'
    hash and the seed are filled in when it is closed."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    winners_count: Mapped[int] = mapped_column(Integer)
    hold_seconds: Mapped[int] = mapped_column(Integer)
    commitment: Mapped[str] = mapped_column(String(64))
    seed_hex: Mapped[str] = mapped_column(String(128))  # secret until revealed_at
    entries_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DrawEntry(Base):
    __tablename__ = "draw_entries"
    __table_args__ = (
        UniqueConstraint("draw_id", "buyer", name="uq_draw_entries_buyer"),
        UniqueConstraint("draw_id", "entry", name="uq_draw_entries_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"), index=True)
    entry: Mapped[str] = mapped_column(String(64))  # public pseudonym of the entrant
    buyer: Mapped[str] = mapped_column(String(260))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    email: Mapped[str] = mapped_column(String(254))
    result: Mapped[str] = mapped_column(String(12), default="pending")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

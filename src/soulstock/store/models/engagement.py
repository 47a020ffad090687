"""Engagement: story restocks, waitlists, the notification outbox, in-app notifications,
seller webhooks, the dev mail sink and remix provenance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulstock.store.columns import UTCDateTime
from soulstock.store.models.base import Base


class Restock(Base):
    """A release told as a story; ``release_id`` is the release that carries its units
    (None for a story only, or for a tranche pool that grew by ``quantity``)."""

    __tablename__ = "restocks"
    __table_args__ = (
        UniqueConstraint("product_id", "number", name="uq_restocks_number"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("priority_cap IS NULL OR priority_cap >= 1", name="priority_cap_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per product: the feed's stable id
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(120))
    story_md: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    priority_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    priority_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WaitlistMember(Base):
    """One person waiting for a product; counted only once ``confirmed_at`` is set and until
    ``left_at``. ``token`` is the secret of their one-click leave link."""

    __tablename__ = "waitlist_members"
    __table_args__ = (UniqueConstraint("product_id", "email", name="uq_waitlist_members_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(Base):
    """A message to send after its event committed; written in the event's transaction.

    ``key`` is the idempotency key (unique): the same event never enqueues twice and the
    email's Message-ID derives from it. A worker leases rows (``leased_until``), sends, then
    marks ``sent_at`` in a transaction of its own; ``attempted_at`` is written before the
    send, so a crash between send and mark is seen as an in-doubt attempt."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(12))  # email | webhook
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)  # JSON
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    in_doubt: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """An in-app notification in a buyer's library (written with its event)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notifications_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShopHook(Base):
    """A seller alert target: a generic signed JSON webhook, a Telegram bot or a WeCom bot."""

    __tablename__ = "shop_hooks"
    __table_args__ = (
        CheckConstraint("kind IN ('generic', 'telegram', 'wecom')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))  # HMAC key (generic) or chat id (telegram)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DevMail(Base):
    """The demo's mail sink: emails the ``dev`` transport "sent", for the console to show."""

    __tablename__ = "dev_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RemixSource(Base):
    """Provenance of a remixed pack: which retired product's file it took."""

    __tablename__ = "remix_sources"
    __table_args__ = (
        UniqueConstraint("product_id", "source_file_id", name="uq_remix_sources_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    source_product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    source_file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))

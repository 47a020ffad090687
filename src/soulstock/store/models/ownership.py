"""The ownership log and what hangs off it: log rows, tree nodes, checkpoints, keys,
edition ownership records, transfers, transfer rules and unique payloads (卡密).

``log_state`` is one row per shop holding the tree size: appends take it with one
conditional UPDATE, so indices are unique and gapless (see ``store/logstore.py`` for where it
sits in the lock order). ``log_nodes`` keeps every perfect-subtree hash (about two per entry),
so proofs and tiles read O(log n) rows and never rehash the leaves.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulstock.store.columns import UTCDateTime
from soulstock.store.models.base import Base


class LogState(Base):
    __tablename__ = "log_state"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)


class LogEntry(Base):
    __tablename__ = "log_entries"
    __table_args__ = (UniqueConstraint("shop_id", "idx", name="uq_log_entries_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    idx: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), nullable=True)
    edition_id: Mapped[int | None] = mapped_column(
        ForeignKey("editions.id"), index=True, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LogNode(Base):
    """The hash of the perfect subtree at (level, idx) of a shop's tree."""

    __tablename__ = "log_nodes"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(Base):
    __tablename__ = "log_checkpoints"
    __table_args__ = (UniqueConstraint("shop_id", "size", name="uq_log_checkpoints_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    size: Mapped[int] = mapped_column(Integer)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LogKey(Base):
    """A shop's log key: the public half here, the private half in ``key_file`` (0600)."""

    __tablename__ = "log_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    origin: Mapped[str] = mapped_column(String(200))
    vkey: Mapped[str] = mapped_column(String(300))
    key_file: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EditionRecord(Base):
    """Who owns an edition in the log's terms (salted hash) and its committed dedication."""

    __tablename__ = "edition_records"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), primary_key=True)
    owner_salt: Mapped[str] = mapped_column(String(64))
    owner_hash: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dedication: Mapped[str | None] = mapped_column(Text, nullable=True)
    dedication_salt: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TransferRule(Base):
    __tablename__ = "product_transfer_rules"
    __table_args__ = (
        CheckConstraint("lock_seconds >= 0 AND daily_cap >= 0", name="rule_not_negative"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    transferable: Mapped[bool] = mapped_column(Boolean, default=True)
    lock_seconds: Mapped[int] = mapped_column(Integer, default=0)
    daily_cap: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no cap


class Transfer(Base):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("status IN ('offered', 'accepted', 'cancelled')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_email: Mapped[str] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Payload(Base):
    """One unique payload of a product; ``edition_id`` is set once, when it is delivered."""

    __tablename__ = "payloads"
    __table_args__ = (UniqueConstraint("product_id", "code", name="uq_payloads_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(500))
    edition_id: Mapped[int | None] = mapped_column(
        ForeignKey("editions.id"), unique=True, nullable=True
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

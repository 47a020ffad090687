"""Shops, products and their files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
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


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # The language of a visitor who has not chosen one (zh_CN or en); see migration 0007.
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN", server_default="zh_CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoredFile(Base):
    """A blob kept by the storage backend under its sha256; rows are per upload."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("shop_id", "slug", name="uq_products_shop_slug"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("minted >= 0", name="minted_not_negative"),
        CheckConstraint("cap IS NULL OR minted <= cap", name="minted_within_cap"),
        CheckConstraint(
            "policy IN ('staple', 'limited', 'periodic', 'tranche', 'unlock', 'seasonal')",
            name="known_policy",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(120))
    description_md: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    policy: Mapped[str] = mapped_column(String(20))
    cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    minted: Mapped[int] = mapped_column(Integer, default=0)
    cover_file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"), nullable=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProductFile(Base):
    """A deliverable file of a product, handed to its owners."""

    __tablename__ = "product_files"
    __table_args__ = (UniqueConstraint("product_id", "file_id", name="uq_product_files_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))

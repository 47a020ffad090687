"""analytics: the append-only event log, stock bands per shop, secondary-market mentions

Revision ID: 0006_analytics
Revises: 0004_merge
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import soulstock.store.columns

revision = "0006_analytics"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("release_seq", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.Integer(), nullable=True),
        sa.Column("stock_pct", sa.SmallInteger(), nullable=True),
        sa.Column("windowed", sa.Boolean(), nullable=False),
        sa.Column("hint", sa.Boolean(), nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=True),
        sa.Column("dedup", sa.String(length=48), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_events")),
    )
    op.create_index(
        "ix_analytics_events_shop_at",
        "analytics_events",
        ["shop_id", "at", "kind", "stock_pct"],
    )
    op.create_index("ix_analytics_events_product_at", "analytics_events", ["product_id", "at"])
    op.create_index("ix_analytics_events_order", "analytics_events", ["order_id"])
    op.create_index(
        "uq_analytics_events_dedup", "analytics_events", ["product_id", "dedup"], unique=True
    )
    op.create_table(
        "stock_band_settings",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "0 < low AND low < high AND high < 100", name=op.f("ck_stock_band_settings_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_stock_band_settings_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_stock_band_settings")),
    )
    op.create_table(
        "market_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_market_mentions_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_mentions")),
    )
    op.create_index("ix_market_mentions_product_id", "market_mentions", ["product_id"])


def downgrade() -> None:
    op.drop_index("ix_market_mentions_product_id", table_name="market_mentions")
    op.drop_table("market_mentions")
    op.drop_table("stock_band_settings")
    op.drop_index("uq_analytics_events_dedup", table_name="analytics_events")
    op.drop_index("ix_analytics_events_order", table_name="analytics_events")
    op.drop_index("ix_analytics_events_product_at", table_name="analytics_events")
    op.drop_index("ix_analytics_events_shop_at", table_name="analytics_events")
    op.drop_table("analytics_events")

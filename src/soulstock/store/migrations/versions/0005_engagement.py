"""engagement: story restocks, waitlists, the notification outbox, in-app notifications,
seller webhooks, the dev mail sink and remix provenance

Revision ID: 0005_engagement
Revises: 0004_merge
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import soulstock.store.columns

revision = "0005_engagement"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dev_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_mails")),
        sa.UniqueConstraint("message_id", name=op.f("uq_dev_mails_message_id")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_key"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "leased_until", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "attempted_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("in_doubt", sa.Integer(), nullable=False),
        sa.Column("sent_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_outbox_messages_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_messages_key")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_due", ["sent_at", "next_attempt_at"], unique=False
        )

    op.create_table(
        "shop_hooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('generic', 'telegram', 'wecom')", name=op.f("ck_shop_hooks_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_hooks_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_hooks")),
    )
    with op.batch_alter_table("shop_hooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_hooks_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "remix_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("source_product_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_remix_sources_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"], ["files.id"], name=op.f("fk_remix_sources_source_file_id_files")
        ),
        sa.ForeignKeyConstraint(
            ["source_product_id"],
            ["products.id"],
            name=op.f("fk_remix_sources_source_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remix_sources")),
        sa.UniqueConstraint("product_id", "source_file_id", name="uq_remix_sources_file"),
    )
    with op.batch_alter_table("remix_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remix_sources_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "waitlist_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "confirmed_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("left_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_waitlist_members_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_waitlist_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_members")),
        sa.UniqueConstraint("product_id", "email", name="uq_waitlist_members_email"),
        sa.UniqueConstraint("token", name=op.f("uq_waitlist_members_token")),
    )
    with op.batch_alter_table("waitlist_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waitlist_members_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "restocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("story_md", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("opens_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "priority_starts_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("priority_cap", sa.Integer(), nullable=True),
        sa.Column("created_at", soulstock.store.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "priority_cap IS NULL OR priority_cap >= 1",
            name=op.f("ck_restocks_priority_cap_positive"),
        ),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_restocks_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_restocks_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_restocks_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restocks")),
        sa.UniqueConstraint("product_id", "number", name="uq_restocks_number"),
    )
    with op.batch_alter_table("restocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restocks_product_id"), ["product_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("restocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restocks_product_id"))

    op.drop_table("restocks")
    with op.batch_alter_table("waitlist_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waitlist_members_product_id"))

    op.drop_table("waitlist_members")
    with op.batch_alter_table("remix_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remix_sources_product_id"))

    op.drop_table("remix_sources")
    with op.batch_alter_table("shop_hooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_hooks_shop_id"))

    op.drop_table("shop_hooks")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_due")

    op.drop_table("outbox_messages")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
    op.drop_table("dev_mails")

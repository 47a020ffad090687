"""ownership: the transparency log, keys, checkpoints, edition records, transfers, payloads

Revision ID: 0003_ownership
Revises: 0001
Create Date: 2026-11-26

A sibling of 0002_scarcity on the same parent; ``upgrade heads`` applies both.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import soulstock.store.columns

revision = "0003_ownership"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = soulstock.store.columns.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "log_state",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_log_state_size_not_negative")),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_log_state_shop_id_shops")),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_log_state")),
    )
    op.create_table(
        "log_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_log_entries_shop_id_shops")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_log_entries_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_log_entries_edition_id_editions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entries")),
        sa.UniqueConstraint("shop_id", "idx", name="uq_log_entries_index"),
    )
    op.create_index(op.f("ix_log_entries_edition_id"), "log_entries", ["edition_id"])
    op.create_table(
        "log_nodes",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_log_nodes_shop_id_shops")),
        sa.PrimaryKeyConstraint("shop_id", "level", "idx", name=op.f("pk_log_nodes")),
    )
    op.create_table(
        "log_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_log_checkpoints_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_checkpoints")),
        sa.UniqueConstraint("shop_id", "size", name="uq_log_checkpoints_size"),
    )
    op.create_table(
        "log_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("vkey", sa.String(length=300), nullable=False),
        sa.Column("key_file", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("retired_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_log_keys_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_keys")),
    )
    op.create_index(op.f("ix_log_keys_shop_id"), "log_keys", ["shop_id"])
    op.create_table(
        "edition_records",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("owner_salt", sa.String(length=64), nullable=False),
        sa.Column("owner_hash", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", UTC(timezone=True), nullable=False),
        sa.Column("dedication", sa.Text(), nullable=True),
        sa.Column("dedication_salt", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_edition_records_edition_id_editions")
        ),
        sa.PrimaryKeyConstraint("edition_id", name=op.f("pk_edition_records")),
    )
    op.create_table(
        "product_transfer_rules",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("transferable", sa.Boolean(), nullable=False),
        sa.Column("lock_seconds", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "lock_seconds >= 0 AND daily_cap >= 0",
            name=op.f("ck_product_transfer_rules_rule_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_transfer_rules_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_transfer_rules")),
    )
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("accepted_at", UTC(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'accepted', 'cancelled')", name=op.f("ck_transfers_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_transfers_edition_id_editions")
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name=op.f("fk_transfers_from_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_edition_id"), "transfers", ["edition_id"])
    op.create_index(op.f("ix_transfers_to_email"), "transfers", ["to_email"])
    op.create_table(
        "payloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=500), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", UTC(timezone=True), nullable=False),
        sa.Column("delivered_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_payloads_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_payloads_edition_id_editions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payloads")),
        sa.UniqueConstraint("product_id", "code", name="uq_payloads_code"),
        sa.UniqueConstraint("edition_id", name=op.f("uq_payloads_edition_id")),
    )
    op.create_index(op.f("ix_payloads_product_id"), "payloads", ["product_id"])


def downgrade() -> None:
    for table in (
        "payloads",
        "transfers",
        "product_transfer_rules",
        "edition_records",
        "log_keys",
        "log_checkpoints",
        "log_nodes",
        "log_entries",
        "log_state",
    ):
        op.drop_table(table)

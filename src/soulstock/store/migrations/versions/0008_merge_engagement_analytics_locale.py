"""Merge the engagement (0005), analytics (0006) and shop-locale (0007) branches, built side
by side on 0004.

Revision ID: 0008_merge
Revises: 0005_engagement, 0006_analytics, 0007_shop_locale
"""

from __future__ import annotations

revision = "0008_merge"
down_revision = ("0005_engagement", "0006_analytics", "0007_shop_locale")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: each branch made its own changes; this only joins them."""


def downgrade() -> None:
    """Nothing to undo."""

"""Merge the scarcity (0002) and ownership (0003) branches, built side by side on 0001.

Revision ID: 0004_merge
Revises: 0002_scarcity, 0003_ownership
"""

from __future__ import annotations

revision = "0004_merge"
down_revision = ("0002_scarcity", "0003_ownership")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: each branch made its own changes; this only joins them."""


def downgrade() -> None:
    """Nothing to undo."""

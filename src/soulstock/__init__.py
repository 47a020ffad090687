"""Soulstock: a scarcity-aware shop for limited, story-driven virtual goods."""

__version__ = "0.1.0"

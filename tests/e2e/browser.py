"""What every browser test shares: Debian's chromium (never a downloaded browser), where
screenshots go, and a real server on a freshly migrated SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from soulstock.devserver import live_server
from soulstock.settings import Settings
from soulstock.store.migrate import upgrade

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def migrated_settings(tmp_path: Path) -> Settings:
    """Settings for a new SQLite shop under ``tmp_path``, its schema made by Alembic."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'shop.db'}",
        secret_key="e2e-secret-key-that-is-long-enough-0123456789",
    )
    upgrade(settings.database_url)
    return settings


@contextmanager
def serving(settings: Settings, **options: Any) -> Iterator[str]:
    """The shop served by a real uvicorn process; yields its base URL."""
    with live_server(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        secret_key=settings.secret_key,
        **options,
    ) as server:
        yield server.base_url

"""One Settings class for the whole app, read from ``SOULSTOCK_*`` environment variables.

It is built once by the entry point (CLI or app factory) and passed down; nothing reads
``os.environ`` anywhere else, so tests build their own ``Settings`` and inject it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-change-me"


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when a production setting is left at its unsafe default."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOULSTOCK_", env_file=None, extra="ignore")

    mode: Literal["dev", "prod"] = "dev"
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    base_url: str = "http://127.0.0.1:8000"
    hold_ttl_seconds: int = Field(default=600, ge=5, le=24 * 3600)
    download_link_ttl_seconds: int = Field(default=900, ge=10, le=7 * 24 * 3600)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    run_sweeper: bool = True  # tidies expired holds in the background; correctness never needs it
    db_pool_size: int = Field(default=20, ge=1)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=100)
    # The dev provider lets anyone "pay" with a button: on by default only in dev mode.
    dev_payments_enabled: bool | None = None
    default_locale: Literal["zh_CN", "en"] = "zh_CN"
    # Where the shops' log signing keys live (one file per key, mode 0600), outside the DB.
    keys_dir: Path | None = None
    checkpoint_interval_seconds: float = Field(default=5.0, gt=0)
    # Email: "dev" keeps messages in the database (the console's mail sink); otherwise an
    # smtp:// (STARTTLS when the port is 587) or smtps:// URL, e.g. smtp://user:pass@host:587.
    smtp_url: str = "dev"
    mail_from: str = "Soulstock <noreply@soulstock.local>"
    worker_interval_seconds: float = Field(default=2.0, gt=0)
    worker_lease_seconds: float = Field(default=60.0, gt=0)  # a killed worker's rows come back

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'soulstock.db'}"
        if self.dev_payments_enabled is None:
            self.dev_payments_enabled = self.mode == "dev"
        if self.keys_dir is None:
            self.keys_dir = self.data_dir / "keys"
        return self

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_safe(self) -> None:
        """Refuse to start in production with a default or short secret key."""
        if self.mode == "dev":
            return
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise UnsafeConfiguration(
                "SOULSTOCK_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside dev mode (make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )

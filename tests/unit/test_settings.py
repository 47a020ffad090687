"""Settings: one class, read from SOULSTOCK_* variables, refusing unsafe production values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from soulstock.settings import DEV_SECRET_KEY, Settings, UnsafeConfiguration
from soulstock.web.app import create_app

SAFE_SECRET = "x" * 48


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the machine exports, these tests start from no SOULSTOCK_* variables."""
    for name in list(os.environ):
        if name.startswith("SOULSTOCK_"):
            monkeypatch.delenv(name)


def test_the_default_database_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'soulstock.db'}"
    assert settings.is_sqlite
    assert settings.files_dir == tmp_path / "files"


def test_defaults_are_dev_mode_with_a_sweeper() -> None:
    settings = Settings()
    assert settings.mode == "dev"
    assert settings.run_sweeper
    assert settings.database_url == "sqlite:///data/soulstock.db"


def test_an_explicit_postgresql_url_is_kept() -> None:
    settings = Settings(database_url="postgresql://user@127.0.0.1:5432/soulstock")
    assert not settings.is_sqlite


def test_variables_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOULSTOCK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOULSTOCK_HOLD_TTL_SECONDS", "120")
    monkeypatch.setenv("SOULSTOCK_RUN_SWEEPER", "false")
    monkeypatch.setenv("SOULSTOCK_DEFAULT_LOCALE", "en")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'soulstock.db'}"
    assert settings.hold_ttl_seconds == 120
    assert settings.run_sweeper is False
    assert settings.default_locale == "en"


def test_out_of_range_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOULSTOCK_HOLD_TTL_SECONDS", "1")
    with pytest.raises(ValueError, match="hold_ttl_seconds"):
        Settings()


def test_the_default_secret_is_accepted_in_dev_mode() -> None:
    Settings(mode="dev").check_safe()


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "too-short"])
def test_an_unsafe_secret_is_refused_in_prod_mode(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("SOULSTOCK_MODE", "prod")
    monkeypatch.setenv("SOULSTOCK_SECRET_KEY", secret)
    with pytest.raises(UnsafeConfiguration, match="SOULSTOCK_SECRET_KEY"):
        Settings().check_safe()


def test_a_long_random_secret_is_accepted_in_prod_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOULSTOCK_MODE", "prod")
    monkeypatch.setenv("SOULSTOCK_SECRET_KEY", SAFE_SECRET)
    Settings().check_safe()


def test_the_app_refuses_to_start_with_an_unsafe_secret(tmp_path: Path) -> None:
    with pytest.raises(UnsafeConfiguration):
        create_app(Settings(mode="prod", data_dir=tmp_path))
    assert not (tmp_path / "soulstock.db").exists()  # refused before touching anything

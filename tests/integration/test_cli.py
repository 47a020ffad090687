"""The ``soulstock`` command line, run in-process with Typer's CliRunner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from soulstock import demo
from soulstock.cli import app
from soulstock.services import accounts, catalog
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point the CLI's own ``Settings()`` at the test database, through the environment."""
    for name in list(os.environ):
        if name.startswith("SOULSTOCK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOULSTOCK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SOULSTOCK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SOULSTOCK_SECRET_KEY", settings.secret_key)
    return settings


def test_db_upgrade_on_a_migrated_database(cli_env: Settings) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded to head" in result.output


def test_seller_create_with_a_shop(cli_env: Settings, ctx: Context) -> None:
    result = runner.invoke(
        app,
        ["seller", "create", "Maker@Example.com", "--password", "long enough pw",
         "--shop", "maker", "--shop-name", "Maker 小铺"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shop = catalog.get_shop(ctx, "maker")
    assert shop.name == "Maker 小铺"
    user = accounts.log_in(ctx, email="maker@example.com", password="long enough pw")
    assert user.is_seller and shop.owner_id == user.id


def test_a_duplicate_seller_is_a_readable_error(cli_env: Settings) -> None:
    args = ["seller", "create", "twice@example.com", "--password", "long enough pw"]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error


def test_token_create_prints_a_working_token(cli_env: Settings, ctx: Context) -> None:
    runner.invoke(app, ["seller", "create", "api@example.com", "--password", "long enough pw"])
    result = runner.invoke(app, ["token", "create", "api@example.com", "--name", "ci"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert accounts.user_for_token(ctx, secret).email == "api@example.com"


def test_token_for_an_unknown_account_is_a_readable_error(cli_env: Settings) -> None:
    result = runner.invoke(app, ["token", "create", "nobody@example.com", "--name", "ci"])
    assert result.exit_code == 1
    assert "no account" in result.output and "Traceback" not in result.output


def test_sweep_reports_what_it_freed(cli_env: Settings) -> None:
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 0, result.output
    assert "0 held unit(s)" in result.output


def test_an_unsafe_secret_in_prod_mode_is_a_readable_error(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOULSTOCK_MODE", "prod")
    monkeypatch.setenv("SOULSTOCK_SECRET_KEY", "short")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "SOULSTOCK_SECRET_KEY" in result.output and "Traceback" not in result.output


def test_demo_seeds_a_shop_with_sold_out_products(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("SOULSTOCK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOULSTOCK_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["demo", "--fresh", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert demo.SELLER_EMAIL in result.output and demo.BUYER_EMAIL in result.output

    settings = Settings(data_dir=tmp_path / "demo")  # the demo keeps its own database
    ctx = build_context(settings)
    try:
        views, total = catalog.list_products(ctx, shop_slug=demo.SHOP_SLUG)
        assert total >= 10
        sold_out = [v for v in views if v.claims.remaining == 0]
        assert {v.product.slug for v in sold_out} >= {"halloween-icons"}
        flagship = next(v for v in views if v.product.slug == "yunqi-ui-kit")
        assert flagship.claims.remaining == 2
        assert {v.policy.kind.value for v in views} >= {"limited", "staple"}
        assert all(v.product.cover_file_id and v.files for v in views)
        buyer = accounts.log_in(ctx, email=demo.BUYER_EMAIL, password=demo.DEMO_PASSWORD)
        assert buyer is not None
    finally:
        ctx.uow.engine.dispose()

    again = runner.invoke(app, ["demo", "--keep", "--no-serve"])  # keeps, does not re-seed
    assert again.exit_code == 0, again.output
    assert "past orders" not in again.output

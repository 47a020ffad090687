"""The ownership commands through Typer's CliRunner: offline verify, log and payload import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from soulstock.cli import app
from soulstock.domain.orders import PaymentOutcome
from soulstock.ledger.note import generate_signer
from soulstock.services import certificates, checkout, ownership, payloads, payments
from soulstock.services.context import Context
from soulstock.store.models import Edition, LogEntry, Product, Shop
from tests.factories import guest, make_product
from tests.integration.test_cli import cli_env  # noqa: F401  (fixture)

runner = CliRunner()


def _issued(ctx: Context) -> tuple[dict[str, Any], str, str]:
    """A final certificate, its shop's vkey and the shop's slug."""
    product = make_product(ctx, total=50, title="Moon Icons")
    placed = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    [(slug, _)] = ownership.sign_checkpoints(ctx, force=True)
    with ctx.uow.read() as session:
        edition = session.scalars(select(Edition)).one()
        cert = certificates.build(session, edition=edition, base_url="http://testserver")
    return cert, ownership.verifier_keys(ctx, shop_slug=slug)[0], slug


def _write(tmp_path: Path, cert: dict[str, Any]) -> str:
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(cert), encoding="utf-8")
    return str(path)


@pytest.fixture
def issued(ctx: Context) -> tuple[dict[str, Any], str, str]:
    return _issued(ctx)


def test_verify_a_good_certificate_offline(issued, tmp_path: Path, monkeypatch) -> None:
    cert, vkey, _ = issued
    monkeypatch.setenv("SOULSTOCK_DATABASE_URL", "postgresql://nowhere.invalid/none")
    result = runner.invoke(app, ["verify", _write(tmp_path, cert), "--key", vkey])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "edition #1/50 of Moon Icons" in result.output
    key_file = tmp_path / "shop.vkey"
    key_file.write_text(vkey + "\n")
    result = runner.invoke(app, ["verify", _write(tmp_path, cert), "--key", str(key_file)])
    assert result.exit_code == 0, result.output


def test_verify_an_edited_certificate_fails_with_the_reason(issued, tmp_path: Path) -> None:
    cert, vkey, _ = issued
    cert["edition"] = 2
    result = runner.invoke(app, ["verify", _write(tmp_path, cert), "--key", vkey])
    assert result.exit_code == 1
    assert "differs from its log entry" in result.output


def test_verify_with_another_shops_key_fails(issued, tmp_path: Path) -> None:
    cert, _, _ = issued
    other = generate_signer(cert["origin"], b"\x07" * 32).verifier.vkey
    result = runner.invoke(app, ["verify", _write(tmp_path, cert), "--key", other])
    assert result.exit_code == 1
    assert "not signed by this shop's key" in result.output


def test_verify_refuses_a_broken_key_or_file(issued, tmp_path: Path) -> None:
    cert, vkey, _ = issued
    result = runner.invoke(app, ["verify", _write(tmp_path, cert), "--key", "nope+1+2"])
    assert result.exit_code == 1 and "not a verifier key" in result.output
    (tmp_path / "bad.json").write_text("{")
    result = runner.invoke(app, ["verify", str(tmp_path / "bad.json"), "--key", vkey])
    assert result.exit_code == 1 and "not JSON" in result.output


def test_log_checkpoint_audit_and_rotate(cli_env, ctx: Context) -> None:  # noqa: F811
    product = make_product(ctx, total=5)
    with ctx.uow.read() as session:
        slug = session.scalar(select(Shop.slug))
    result = runner.invoke(app, ["log", "checkpoint", slug])
    assert result.exit_code == 0, result.output
    assert f"{slug}: signed a checkpoint of size 1" in result.output
    assert f"/log/{slug}\n1\n" in result.output
    assert runner.invoke(app, ["log", "audit", slug]).exit_code == 0
    result = runner.invoke(app, ["log", "rotate-key", slug])
    assert result.exit_code == 0 and f"/log/{slug}+" in result.output
    with ctx.uow.write() as session:
        session.execute(update(LogEntry).where(LogEntry.idx == 0).values(data=b"{}"))
    result = runner.invoke(app, ["log", "audit", slug])
    assert result.exit_code == 1
    assert "edited at index 0" in result.output
    assert product.id


def test_payload_import_from_a_file(cli_env, ctx: Context, tmp_path: Path) -> None:  # noqa: F811
    product = make_product(ctx, total=5)
    with ctx.uow.read() as session:
        shop = session.scalar(select(Shop.slug))
        slug = session.scalar(select(Product.slug))
    codes = tmp_path / "codes.csv"
    codes.write_text("A-1,first\nA-2\n\nA-1\n", encoding="utf-8")
    result = runner.invoke(app, ["payload", "import", str(shop), str(slug), str(codes)])
    assert result.exit_code == 0, result.output
    assert "2 payload(s) added, 1 duplicate(s) skipped" in result.output
    result = runner.invoke(app, ["payload", "import", str(shop), "missing", str(codes)])
    assert result.exit_code == 1 and "no product 'missing'" in result.output
    with ctx.uow.read() as session:
        assert payloads.has_pool(session, product.id)

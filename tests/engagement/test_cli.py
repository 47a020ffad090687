"""``soulstock restock``, ``waitlist size``, ``worker --once`` and ``mail list`` through
CliRunner: a limited product's units fail readably; the dev sink fills."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from soulstock.cli import app
from soulstock.services import waitlists
from soulstock.services.context import Context
from tests.engagement.helpers import make_periodic
from tests.factories import make_buyer, make_product, make_shop
from tests.integration.test_cli import cli_env  # noqa: F401  (fixture)

runner = CliRunner()


@pytest.mark.usefixtures("cli_env")
def test_restock_waitlist_worker_and_the_mail_sink(ctx: Context, tmp_path):
    shop = make_shop(ctx, slug="maker")
    limited = make_product(ctx, shop=shop, total=3)
    refused = runner.invoke(
        app, ["restock", f"maker/{limited.slug}", "--title", "x", "--quantity", "2"]
    )
    assert (
        refused.exit_code == 1
        and "永不复刻" in refused.output
        and "Traceback" not in refused.output
    )
    product = make_periodic(ctx, shop=shop)
    fan = make_buyer(ctx, email="fan@example.com")
    waitlists.join_user(ctx, user_id=fan.id, product_id=product.id)
    assert runner.invoke(app, ["waitlist", "size", str(product.id)]).output.strip() == "1"
    story = tmp_path / "story.md"
    story.write_text("# Back\n\nA new batch.", encoding="utf-8")
    made = runner.invoke(
        app,
        [
            "restock",
            str(product.id),
            "--title",
            "Batch 2",
            "--story",
            str(story),
            "--quantity",
            "4",
        ],
    )
    assert made.exit_code == 0, made.output
    sent = runner.invoke(app, ["worker", "--once"])
    assert sent.exit_code == 0 and "1 sent" in sent.output
    listed = runner.invoke(app, ["mail", "list"])
    assert "fan@example.com" in listed.output

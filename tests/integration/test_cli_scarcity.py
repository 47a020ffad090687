"""``soulstock policy`` and ``soulstock window`` through CliRunner, with readable errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from soulstock.cli import app
from soulstock.services import policies
from soulstock.services.context import Context
from tests.factories import make_product, make_shop
from tests.integration.test_cli import cli_env  # noqa: F401  (fixture)

runner = CliRunner()


@pytest.mark.usefixtures("cli_env")
def test_policy_show_and_a_limited_total_is_never_reissued(ctx: Context):
    product = make_product(ctx, shop=make_shop(ctx, slug="maker"), total=10)
    shown = runner.invoke(app, ["policy", "show", str(product.id)])
    assert shown.exit_code == 0, shown.output
    assert "limited" in shown.output and "永不复刻" in shown.output
    raised = runner.invoke(app, ["policy", "set", f"maker/{product.slug}", "--kind", "limited",
                                 "--total", "11"])  # fmt: skip
    assert raised.exit_code == 1 and "Traceback" not in raised.output
    assert "永不复刻 · never reissued" in raised.output


@pytest.mark.usefixtures("cli_env")
def test_policy_set_changes_a_staple_into_unlock_goals(ctx: Context):
    product = make_product(ctx, total=None)
    result = runner.invoke(app, ["policy", "set", str(product.id), "--kind", "unlock"])
    assert result.exit_code == 0, result.output
    owner = make_shop_owner(ctx, product.id)
    changes = policies.history(ctx, actor_id=owner, product_id=product.id)
    assert [c.what for c in changes] == ["policy"]  # kept with who (the seller) and when
    missing = runner.invoke(app, ["policy", "show", "99999"])
    assert missing.exit_code == 1 and "no such product" in missing.output


@pytest.mark.usefixtures("cli_env")
def test_window_add_list_and_a_named_overlap(ctx: Context):
    product = make_product(ctx, total=10)
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0, tzinfo=None)
    args = ["window", "add", str(product.id), "--name", "friday", "--starts-at",
            start.isoformat(), "--duration", "3600", "--rrule", "FREQ=WEEKLY",
            "--price", "990"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    clash = ["window", "add", str(product.id), "--name", "special", "--starts-at",
             (start + timedelta(days=7, minutes=30)).isoformat(), "--duration", "600"]  # fmt: skip
    result = runner.invoke(app, clash)
    assert result.exit_code == 1 and "'special' overlaps window 'friday'" in result.output
    listed = runner.invoke(app, ["window", "list", str(product.id)])
    assert listed.exit_code == 0 and "friday" in listed.output and "FREQ=WEEKLY" in listed.output
    _policy, options = policies.current(
        ctx, actor_id=make_shop_owner(ctx, product.id), product_id=product.id
    )
    assert [w.name for w in options["windows"]] == ["friday"]


def make_shop_owner(ctx: Context, product_id: int) -> int:
    from soulstock.services import catalog

    return catalog.product_view_by_id(ctx, product_id).shop.owner_id

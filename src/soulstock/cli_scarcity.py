"""Seller control of scarcity from the command line: ``soulstock policy show|set`` and
``soulstock window add|list``, over services/policies.py, acting as the product's seller.
A product is named by its id or as SHOP/PRODUCT-SLUG. Registered by ``soulstock.cli``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from soulstock.cli import app, console, friendly_errors, load_settings, open_context
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import catalog, policies
from soulstock.services.context import Context

policy_app = typer.Typer(help="A product's inventory policy (库存策略).")
window_app = typer.Typer(help="Flash-sale windows of a product.")
app.add_typer(policy_app, name="policy")
app.add_typer(window_app, name="window")

ProductArg = Annotated[str, typer.Argument(help="The product's id, or SHOP/PRODUCT-SLUG.")]


def _product(ctx: Context, ref: str) -> tuple[int, int]:
    """(product id, its seller's id) for an id or SHOP/SLUG."""
    if "/" in ref:
        shop, slug = ref.split("/", 1)
        view = catalog.product_view(ctx, shop_slug=shop, product_slug=slug)
    else:
        view = catalog.product_view_by_id(ctx, int(ref) if ref.isdigit() else -1)
    return view.product.id, view.shop.owner_id


@policy_app.command("show")
@friendly_errors
def policy_show(product: ProductArg) -> None:
    """Print the policy, its options and windows."""
    with open_context(load_settings()) as ctx:
        product_id, seller_id = _product(ctx, product)
        policy, options = policies.current(ctx, actor_id=seller_id, product_id=product_id)
    table = Table("setting", "value", title=f"product {product_id}")
    for name, value in asdict(policy).items():
        if value not in (None, False, 0) or name == "kind":
            table.add_row(name, str(getattr(value, "value", value)))
    for name, value in options.items():
        if name != "windows" and value is not None:
            table.add_row(name, str(value))
    if policy.never_reissued:
        table.add_row("never_reissued", "永不复刻 · never reissued")
    console.print(table)


@policy_app.command("set")
@friendly_errors
def policy_set(
    product: ProductArg,
    kind: Annotated[str, typer.Option(help="staple, limited, periodic, tranche, unlock, seasonal")],
    total: Annotated[int | None, typer.Option(help="the cap (limited, seasonal, tranche)")] = None,
    rrule: Annotated[str | None, typer.Option(help="periodic: RFC 5545 RRULE")] = None,
    starts_at: Annotated[datetime | None, typer.Option(help="periodic: first drop (UTC)")] = None,
    drop_quantity: Annotated[int | None, typer.Option(help="periodic: units per drop")] = None,
    rollover: Annotated[bool, typer.Option(help="periodic: unsold units roll over")] = False,
    tranche_size: Annotated[int | None, typer.Option(help="tranche: units per tranche")] = None,
    cooldown: Annotated[int, typer.Option(help="tranche: seconds between tranches")] = 0,
    sale_ends_at: Annotated[datetime | None, typer.Option(help="seasonal: end (UTC)")] = None,
) -> None:
    """Change the policy (a limited total never changes: 永不复刻 · never reissued)."""
    policy = InventoryPolicy.parse(
        kind,
        total,
        rrule=rrule,
        starts_at=_utc(starts_at),
        drop_quantity=drop_quantity,
        rollover=rollover,
        tranche_size=tranche_size,
        cooldown_seconds=cooldown,
        sale_ends_at=_utc(sale_ends_at),
    )
    with open_context(load_settings()) as ctx:
        product_id, seller_id = _product(ctx, product)
        policies.set_policy(ctx, actor_id=seller_id, product_id=product_id, policy=policy)
    console.print(f"product {product_id}: policy is now {policy.kind.value}")


@window_app.command("add")
@friendly_errors
def window_add(
    product: ProductArg,
    name: Annotated[str, typer.Option(help="e.g. friday-flash")],
    starts_at: Annotated[datetime, typer.Option(help="the first start (UTC)")],
    duration: Annotated[int, typer.Option(help="seconds")],
    rrule: Annotated[str | None, typer.Option(help="RFC 5545, e.g. FREQ=WEEKLY")] = None,
    price: Annotated[int | None, typer.Option(help="window price in minor units")] = None,
) -> None:
    """Add a flash-sale window; an overlap is refused, naming the window it overlaps."""
    with open_context(load_settings()) as ctx:
        product_id, seller_id = _product(ctx, product)
        window = policies.add_window(
            ctx,
            actor_id=seller_id,
            product_id=product_id,
            name=name,
            starts_at=_utc(starts_at) or starts_at,
            duration_seconds=duration,
            rrule=rrule,
            price_minor=price,
        )
    console.print(f"window {window.name!r} added (id {window.id})")


@window_app.command("list")
@friendly_errors
def window_list(product: ProductArg) -> None:
    """The product's sale windows."""
    with open_context(load_settings()) as ctx:
        product_id, seller_id = _product(ctx, product)
        _policy, options = policies.current(ctx, actor_id=seller_id, product_id=product_id)
    table = Table("id", "name", "starts (UTC)", "seconds", "rrule", "price")
    for w in options["windows"]:
        table.add_row(
            str(w.id), w.name, f"{w.starts_at:%Y-%m-%d %H:%M}", str(w.duration_seconds),
            w.rrule or "once", "" if w.price_minor is None else str(w.price_minor),
        )  # fmt: skip
    console.print(table)


def _utc(value: datetime | None) -> datetime | None:
    """Times on the command line are UTC unless they carry an offset."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)

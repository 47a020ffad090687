"""Remix (重组): a pack from retired limited products' files, with its provenance kept, shown
and logged; only retired products' own files; nothing written when refused."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from soulstock.domain.errors import InvalidInput
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import catalog, checkout, payments, remix
from soulstock.store.models import LogEntry, Product, ProductFile
from tests.factories import guest, make_product, make_shop


def _with_file(ctx, shop, *, total, name):
    product = make_product(ctx, shop=shop, total=total, title=name)
    stored = catalog.add_file(
        ctx,
        actor_id=shop.owner_id,
        product_id=product.id,
        stream=BytesIO(b"%PDF-1.4 x"),
        filename=f"{name}.pdf",
    )
    return product, stored


def _sell_out(ctx, product, total):
    for _ in range(total):
        reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
        payments.dev_notice(
            ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )


def test_a_pack_from_retired_products_keeps_shows_and_logs_its_provenance(ctx, client):
    shop = make_shop(ctx)
    first, first_file = _with_file(ctx, shop, total=1, name="Autumn")
    second, second_file = _with_file(ctx, shop, total=2, name="Winter")
    _sell_out(ctx, first, 1)
    _sell_out(ctx, second, 2)
    pack = remix.compose(
        ctx,
        actor_id=shop.owner_id,
        shop_slug=shop.slug,
        title="Seasons remix",
        price_minor=900,
        policy=InventoryPolicy.limited(20),
        sources=[remix.Source(first.id, first_file.id), remix.Source(second.id, second_file.id)],
    )
    assert [p.product_title for p in remix.provenance_of(ctx, product_id=pack.id)] == [
        "Autumn",
        "Winter",
    ]
    with ctx.uow.read() as session:
        files = session.scalars(
            select(ProductFile.file_id).where(ProductFile.product_id == pack.id)
        ).all()
        kinds = session.scalars(select(LogEntry.kind).where(LogEntry.product_id == pack.id)).all()
        assert session.get(Product, pack.id).cap == 20  # its own policy
    assert sorted(files) == sorted([first_file.id, second_file.id])
    assert kinds == ["policy", "remix"]
    page = client.get(f"/s/{shop.slug}/p/{pack.slug}").text
    assert "Autumn.pdf" in page and f"/s/{shop.slug}/p/{first.slug}" in page


def test_only_retired_products_own_files_can_be_remixed(ctx):
    shop = make_shop(ctx)
    live, live_file = _with_file(ctx, shop, total=3, name="Live")
    done, done_file = _with_file(ctx, shop, total=1, name="Done")
    _sell_out(ctx, done, 1)
    staple = make_product(ctx, shop=shop, total=None, title="Staple")
    cases = [
        [remix.Source(live.id, live_file.id)],  # not sold out
        [remix.Source(done.id, live_file.id)],  # a file of another product
        [remix.Source(staple.id, done_file.id)],  # never limited
        [],
    ]
    with ctx.uow.read() as session:
        before = session.scalar(select(func.count(Product.id)))
    for sources in cases:
        with pytest.raises(InvalidInput):
            remix.compose(
                ctx,
                actor_id=shop.owner_id,
                shop_slug=shop.slug,
                title="Nope",
                price_minor=1,
                policy=InventoryPolicy.limited(5),
                sources=sources,
            )
    with ctx.uow.read() as session:
        assert session.scalar(select(func.count(Product.id))) == before  # nothing half-written

"""The ownership log and the payload pool under real concurrent purchases (both backends):
each buyer thread reserves and pays on a connection of its own, released by one barrier."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.ledger import certificate, entries
from soulstock.ledger.limits import check_limits
from soulstock.services import certificates, checkout, ownership, payloads, payments
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import Edition, LogEntry, Payload
from tests.concurrency.helpers import run_together
from tests.factories import make_product, make_shop

BUYERS = 200
KEYS = 50


@pytest.fixture
def race_ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    """A context whose pool gives every buyer thread a connection of its own."""
    context = build_context(settings.model_copy(update={"db_pool_size": BUYERS + 20}), clock=clock)
    yield context
    context.uow.engine.dispose()


def _buy(ctx: Context, product_id: int, index: int) -> str:
    buyer = checkout.Buyer(None, f"racer{index}@example.com")
    placed = checkout.reserve(ctx, product_id=product_id, quantity=1, buyer=buyer)
    return payments.dev_notice(
        ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    ).value


@pytest.mark.slow
def test_200_concurrent_purchases_give_one_mint_per_edition_in_one_tree(
    race_ctx: Context,
) -> None:
    ctx = race_ctx
    product = make_product(ctx, total=BUYERS)
    results = run_together(BUYERS, lambda i: _buy(ctx, product.id, i))
    assert len(results) == BUYERS
    [(slug, size)] = ownership.sign_checkpoints(ctx, force=True)
    assert size == BUYERS + 1  # the policy commitment, then one mint per sale
    with ctx.uow.read() as session:
        rows = session.execute(select(LogEntry.idx, LogEntry.data).order_by(LogEntry.idx)).all()
        editions = session.scalars(select(Edition).order_by(Edition.number)).all()
        certs = [certificates.build(session, edition=e, base_url="http://x") for e in editions]
    assert [r.idx for r in rows] == list(range(size))  # gapless, unique indices
    data = [bytes(r.data) for r in rows]
    mints = Counter(entries.parse(d)["edition"] for d in data if entries.parse(d)["type"] == "mint")
    assert mints == Counter(range(1, BUYERS + 1))  # exactly one mint per edition
    assert check_limits(data) == []
    assert ownership.audit_log(ctx, shop_slug=slug) == []  # one consistent tree
    verifier = ownership.verifiers(ctx, shop_slug=slug)[0]
    verified = sorted(certificate.verify(c, verifier).edition for c in certs)
    assert verified == list(range(1, BUYERS + 1))


@pytest.mark.slow
def test_200_racing_buyers_share_50_keys_each_delivered_once(race_ctx: Context) -> None:
    ctx = race_ctx
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=None)
    text = "\n".join(f"KEY-{n:03d}" for n in range(KEYS))
    imported = payloads.import_codes(ctx, actor_id=shop.owner_id, product_id=product.id, text=text)
    assert imported.added == KEYS
    results = run_together(BUYERS, lambda i: _buy(ctx, product.id, i))
    assert len(results) == BUYERS
    with ctx.uow.read() as session:
        delivered = session.execute(
            select(Payload.code, Payload.edition_id).where(Payload.edition_id.is_not(None))
        ).all()
        sold = len(session.scalars(select(Edition.id)).all())
    assert sold == BUYERS  # everyone bought; only the first 50 paid sales got a key
    assert sorted(code for code, _ in delivered) == sorted(text.split("\n"))  # all 50, none lost
    assert len({edition for _, edition in delivered}) == KEYS  # to 50 different editions
    pool = payloads.pool(ctx, actor_id=shop.owner_id, product_id=product.id)
    assert sum(row.edition_number is not None for row in pool) == KEYS

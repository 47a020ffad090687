"""Story restocks on real databases: units only through releases, never for limited products,
in the log, on the waitlist's outbox, with honest priority windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from soulstock.domain.errors import CapReached, InvalidInput, NeverReissued, SoldOut, WindowClosed
from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.services import catalog, restocks, waitlists
from soulstock.store.models import LogEntry, Product, Release
from tests.conftest import T0
from tests.engagement.helpers import buy, make_periodic, outbox
from tests.factories import guest, make_buyer, make_product, make_shop


def _draft(**kw):
    return restocks.RestockDraft(title=kw.pop("title", "Back again"), story_md="**story**", **kw)


def test_a_limited_product_never_gets_units_but_may_tell_a_story(ctx):
    product = make_product(ctx, total=3)
    owner = _owner(ctx, product)
    with pytest.raises(NeverReissued, match="永不复刻"):
        restocks.publish(ctx, actor_id=owner, product_id=product.id, draft=_draft(quantity=5))
    story = restocks.publish(ctx, actor_id=owner, product_id=product.id, draft=_draft())
    assert story.quantity == 0 and story.release_id is None
    with ctx.uow.read() as session:
        releases = session.scalars(select(Release).where(Release.product_id == product.id)).all()
        kinds = session.scalars(select(LogEntry.kind).where(LogEntry.product_id == product.id))
        assert [r.quantity for r in releases] == [3]
        assert list(kinds) == ["policy", "restock"]
    assert [r.title for r in restocks.history(ctx, product_id=product.id)] == ["Back again"]


def test_a_staple_product_restock_is_a_story_only(ctx):
    product = make_product(ctx, total=None)
    with pytest.raises(InvalidInput, match="always in stock"):
        restocks.publish(
            ctx, actor_id=_owner(ctx, product), product_id=product.id, draft=_draft(quantity=2)
        )


def test_a_periodic_restock_opens_at_its_time_and_never_oversells(ctx, clock):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    draft = _draft(quantity=2, opens_at=T0 + timedelta(hours=1))
    restock = restocks.publish(ctx, actor_id=shop.owner_id, product_id=product.id, draft=draft)
    with pytest.raises(WindowClosed):
        buy(ctx, product_id=product.id, buyer=guest())
    clock.advance(hours=1)
    orders = [buy(ctx, product_id=product.id, buyer=guest()) for _ in range(2)]
    with pytest.raises((SoldOut, WindowClosed)):
        buy(ctx, product_id=product.id, buyer=guest())
    with ctx.uow.read() as session:
        release = session.get(Release, restock.release_id)
        assert (release.kind, release.quantity, release.held) == ("restock", 2, 2)
    assert all(o.order.reservation_id for o in orders)


def test_a_tranche_restock_grows_the_pool(ctx):
    shop = make_shop(ctx)
    policy = InventoryPolicy(PolicyKind.TRANCHE, 4, tranche_size=2)
    product = catalog.create_product(
        ctx, actor_id=shop.owner_id, shop_slug=shop.slug, title="Pool", price_minor=1, policy=policy
    )
    restocks.publish(ctx, actor_id=shop.owner_id, product_id=product.id, draft=_draft(quantity=6))
    with ctx.uow.read() as session:
        assert session.get(Product, product.id).cap == 10


def test_the_waitlist_is_told_and_members_buy_first_within_their_cap(ctx, clock):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    member = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    stranger = guest()
    waitlists.join_guest(ctx, product_id=product.id, email="g@example.com", locale="en")
    assert waitlists.size(ctx, product_id=product.id) == 1  # the guest has not confirmed yet
    draft = _draft(
        quantity=5,
        opens_at=T0 + timedelta(hours=2),
        priority_starts_at=T0 + timedelta(hours=1),
        priority_cap=2,
    )
    restocks.publish(ctx, actor_id=shop.owner_id, product_id=product.id, draft=draft)
    sent = outbox(ctx, "priority_window")
    assert [m.recipient for m in sent] == [member.email]
    clock.advance(minutes=59)
    with pytest.raises(WindowClosed):  # the window has not started: nobody buys
        buy(ctx, product_id=product.id, buyer=_as(member))
    clock.advance(minutes=1)
    buy(ctx, product_id=product.id, buyer=_as(member), quantity=2)
    with pytest.raises(CapReached):
        buy(ctx, product_id=product.id, buyer=_as(member))
    with pytest.raises(WindowClosed):  # the public waits for the window's end
        buy(ctx, product_id=product.id, buyer=stranger)
    clock.advance(hours=1)
    buy(ctx, product_id=product.id, buyer=stranger, quantity=3)


def _as(user):
    from soulstock.services.checkout import Buyer

    return Buyer(user.id, user.email)


def _owner(ctx, product):
    from soulstock.store.models import Shop

    with ctx.uow.read() as session:
        return session.get(Shop, product.shop_id).owner_id

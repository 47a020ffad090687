"""An edition's page in the library: owner only, its payload and certificate, the story, and
gifts that follow the product's rules and move the card to the recipient's library."""

from __future__ import annotations

from sqlalchemy import select

from soulstock.domain.orders import PaymentOutcome
from soulstock.services import checkout, payloads, payments, transfers
from soulstock.store.models import Edition, Shop
from tests.web.pages import links, post_form, visible_text
from tests.web.test_pages import sign_in


def _own(client, ctx, *, codes: str = "", title: str = "月光图标", quantity: int = 1):
    """Sign in as a buyer owning #1 of a limited 20; return (user, product, edition_id)."""
    from tests.factories import make_product

    user = sign_in(client, ctx)
    product = make_product(ctx, total=20, title=title)
    if codes:
        with ctx.uow.read() as session:
            owner_id = session.get(Shop, product.shop_id).owner_id
        payloads.import_codes(ctx, actor_id=owner_id, product_id=product.id, text=codes)
    placed = checkout.reserve(
        ctx, product_id=product.id, quantity=quantity, buyer=checkout.Buyer(user.id, user.email)
    )
    payments.dev_notice(
        ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    with ctx.uow.read() as session:
        edition_id = session.scalars(
            select(Edition.id).where(Edition.product_id == product.id).order_by(Edition.number)
        ).first()
    return user, product, edition_id


def _owner_of(ctx, product) -> int:
    with ctx.uow.read() as session:
        return session.get(Shop, product.shop_id).owner_id


def test_the_owner_sees_the_card_payload_and_certificate_links(client, ctx):
    _, _, edition_id = _own(client, ctx, codes="KEY-AAAA-0001\n")
    url = f"/library/editions/{edition_id}"
    assert url in links(client.get("/library").text, "/library/editions/")
    r = client.get(url)
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    text = visible_text(r.text)
    assert "#1 / 20" in text or "#1/20" in text.replace(" ", "")
    assert "月光图标" in text and "KEY-AAAA-0001" in text and "只有你能看到" in text
    assert f"/editions/{edition_id}/certificate" in r.text and 'href="/verify"' in r.text
    cert = client.get(f"{url}/certificate.json")
    assert cert.status_code == 200 and cert.json()["edition"] == 1
    assert "attachment" in cert.headers["content-disposition"]
    archive = client.get(f"{url}/edition.zip")
    assert archive.status_code == 200 and archive.content[:2] == b"PK"


def test_another_account_gets_the_friendly_404(client, other_client, ctx):
    _, _, edition_id = _own(client, ctx, codes="KEY-BBBB-0002\n")
    sign_in(other_client, ctx)
    r = other_client.get(f"/library/editions/{edition_id}")
    assert r.status_code == 404 and "KEY-BBBB-0002" not in r.text and "月光图标" not in r.text
    assert "页面不存在" in visible_text(r.text) or "找不到" in visible_text(r.text)
    assert client.get(f"/library/editions/{edition_id + 999}").status_code == 404


def test_the_story_is_saved_and_its_hash_shown(client, ctx):
    _, _, edition_id = _own(client, ctx)
    url = f"/library/editions/{edition_id}"
    r = post_form(client, f"{url}/dedication", {"text": "送给十年后的自己"}, csrf_from=url)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=story"
    text = visible_text(client.get(r.headers["location"]).text)
    assert "送给十年后的自己" in text and "哈希" in text
    r = post_form(client, f"{url}/dedication", {"text": "  "}, csrf_from=url)
    assert r.status_code == 422 and "1 到 2000" in visible_text(r.text)


def test_a_gift_moves_the_card_to_the_recipients_library(client, other_client, ctx):
    _, _, edition_id = _own(client, ctx, codes="KEY-CCCC-0003\n")
    friend = sign_in(other_client, ctx, email="friend@example.com")
    url = f"/library/editions/{edition_id}"
    r = post_form(client, f"{url}/gift", {"email": "Friend@example.com"}, csrf_from=url)
    assert r.status_code == 303, r.text
    assert "等待对方接受" in visible_text(client.get(url).text)
    library = other_client.get("/library").text
    assert "等你接受的转赠" in visible_text(library) and "月光图标" in visible_text(library)
    (transfer,) = transfers.pending_for(ctx, user_id=friend.id)
    r = post_form(other_client, f"/library/gifts/{transfer.id}/accept", {}, csrf_from="/library")
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=received"
    mine = visible_text(other_client.get(r.headers["location"]).text)
    assert "KEY-CCCC-0003" in mine and "这个版本现在属于你" in mine
    assert url in links(other_client.get("/library").text, "/library/editions/")
    assert url not in links(client.get("/library").text, "/library/editions/")
    assert client.get(url).status_code == 404


def test_gifts_refused_by_the_rules_say_why(client, other_client, ctx, clock):
    _, product, edition_id = _own(client, ctx, quantity=2)
    url = f"/library/editions/{edition_id}"
    owner = _owner_of(ctx, product)
    transfers.set_rules(ctx, actor_id=owner, product_id=product.id, transferable=False)
    assert "不可转让" in visible_text(client.get(url).text)  # no gift form at all
    r = post_form(client, f"{url}/gift", {"email": "a@example.com"}, csrf_from=url)
    assert r.status_code == 409 and "不可转让" in visible_text(r.text)
    transfers.set_rules(
        ctx, actor_id=owner, product_id=product.id, transferable=True, lock_seconds=86400
    )
    r = post_form(client, f"{url}/gift", {"email": "a@example.com"}, csrf_from=url)
    assert r.status_code == 409 and "之后才能转赠" in visible_text(r.text)
    assert 'value="a@example.com"' in r.text  # the form keeps what was typed
    r = post_form(client, f"{url}/gift?lang=en", {"email": "a@example.com"}, csrf_from=url)
    assert "can be given away from" in visible_text(r.text)
    clock.advance(days=2)
    transfers.set_rules(ctx, actor_id=owner, product_id=product.id, transferable=True, daily_cap=1)
    friend = sign_in(other_client, ctx, email="friend2@example.com")
    r = post_form(client, f"{url}/gift", {"email": friend.email}, csrf_from=url)
    assert r.status_code == 303
    (gift,) = transfers.pending_for(ctx, user_id=friend.id)
    transfers.accept(ctx, user_id=friend.id, transfer_id=gift.id)
    second = f"/library/editions/{edition_id + 1}"
    r = post_form(client, f"{second}/gift", {"email": "c@example.com"}, csrf_from=second)
    assert r.status_code == 409 and "gift limit for this product (1 a day)" in visible_text(r.text)


def test_signed_out_visitors_are_sent_to_log_in(client, ctx):
    r = client.get("/library/editions/1")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")

"""The console's engagement pages in the browser's terms: the reissue suggestion drafts a
release in one click, publishing it tells the waitlist, the dev mail sink shows the email,
the templates are readable, the buyer's library lists the news; zh and en."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from soulstock.domain.orders import PaymentOutcome
from soulstock.mail import worker
from soulstock.services import catalog, checkout, payments, waitlists
from tests.conftest import T0
from tests.engagement.helpers import make_periodic
from tests.factories import PASSWORD, guest, make_buyer, make_product, make_shop
from tests.web.pages import post_form, visible_text


def _log_in(client, email):
    client.cookies.clear()
    r = post_form(client, "/login", {"email": email, "password": PASSWORD})
    assert r.status_code == 303


def test_suggest_draft_publish_and_see_the_email_in_the_sink(ctx, client, clock):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop, first_drop=T0 + timedelta(minutes=1), drop_quantity=1)
    clock.advance(minutes=1)
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    clock.advance(hours=3)
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    fan = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=fan.id, product_id=product.id)
    with ctx.uow.read() as session:
        from soulstock.store.models import User

        seller_email = session.get(User, shop.owner_id).email
    _log_in(client, seller_email)
    url = f"/console/{shop.slug}/products/{product.id}/restocks"
    page = client.get(url + "?lang=en").text
    assert "Sold out in 3 h, 1 waiting → a light reissue of ~5?" in visible_text(page)
    drafted = client.get(url + "?draft=suggested").text
    assert 'name="quantity" min="0" value="5"' in drafted
    r = post_form(
        client, url, {"title": "再来一批", "story_md": "**好消息**", "quantity": "5"}, csrf_from=url
    )
    assert r.status_code == 303
    assert "再来一批" in client.get(url).text
    worker.run_once(ctx)  # the dev transport: into the sink
    sink = client.get(f"/console/{shop.slug}/messages?lang=zh_CN").text
    assert fan.email in sink and "邮件模板" in sink and "restock_released" in sink
    limited = make_product(ctx, shop=shop, total=2)
    r = post_form(
        client,
        f"/console/{shop.slug}/products/{limited.id}/restocks",
        {"title": "x", "quantity": "1"},
        csrf_from=url,
    )
    assert r.status_code == 409 and "永不复刻" in r.text
    _log_in(client, fan.email)
    library = client.get("/library?lang=zh_CN").text
    assert "你关注的店铺动态" in library and "再来一批" in library


def test_the_remix_page_lists_retired_files_and_composes_a_pack(ctx, client):
    shop = make_shop(ctx)
    product = make_product(ctx, shop=shop, total=1, title="Old")
    stored = catalog.add_file(
        ctx,
        actor_id=shop.owner_id,
        product_id=product.id,
        stream=BytesIO(b"%PDF-1.4"),
        filename="old.pdf",
    )
    reserved = checkout.reserve(ctx, product_id=product.id, quantity=1, buyer=guest())
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    with ctx.uow.read() as session:
        from soulstock.store.models import User

        _log_in(client, session.get(User, shop.owner_id).email)
    page = client.get(f"/console/{shop.slug}/remix").text
    assert f'value="{product.id}:{stored.id}"' in page
    form = {
        "source": f"{product.id}:{stored.id}",
        "title": "New old",
        "total": "3",
        "price_minor": "100",
    }
    r = post_form(
        client, f"/console/{shop.slug}/remix", form, csrf_from=f"/console/{shop.slug}/remix"
    )
    assert r.status_code == 303
    assert "old.pdf" in client.get(r.headers["location"]).text

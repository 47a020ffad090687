"""The draw on the storefront: the commitment, the entry form while open, winners at close."""

from __future__ import annotations

from datetime import timedelta

from soulstock.services import draws
from tests.conftest import T0
from tests.factories import make_product, make_shop
from tests.web.pages import attribute, post_form, visible_text


def test_enter_a_draw_from_its_page_and_see_the_winners(client, ctx):
    shop = make_shop(ctx, slug="flag")
    product = make_product(ctx, shop=shop, total=5)
    row = draws.create_draw(
        ctx,
        actor_id=shop.owner_id,
        product_id=product.id,
        opens_at=T0,
        closes_at=T0 + timedelta(hours=1),
        winners_count=1,
    )
    url = f"/s/flag/draws/{row.id}"
    page = client.get(url).text
    assert row.commitment in page and "参加抽签" in visible_text(page)
    r = post_form(client, f"{url}/enter", {"email": "g@example.com"}, csrf_from=url)
    assert r.status_code == 200 and "报名成功" in visible_text(r.text)
    r = post_form(client, f"{url}/enter", {"email": "g@example.com"}, csrf_from=url)
    assert r.status_code == 409
    ctx.clock.advance(hours=1)
    page = client.get(url).text
    assert attribute(page, "draw", "data-closed") == "true"
    view = draws.draw_view(ctx, draw_id=row.id)
    assert view.winners and view.winners[0] in page and view.draw.seed_hex in page

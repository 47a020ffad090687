"""Restock stories on the product page and in the shop's Atom feed: valid RFC 4287 (checked
against the appendix B schema), stable ids, and sanitised against XSS payloads."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from soulstock.services import restocks
from soulstock.store.models import Shop
from tests.engagement.helpers import make_periodic
from tests.factories import make_product, make_shop
from tests.web.pages import parse

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
ATOM = "{http://www.w3.org/2005/Atom}"
XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
    "<body onload=alert(1)>",
]
BAD_TAGS = {"script", "svg", "iframe", "math", "body", "style", "object", "embed"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def assert_harmless(html: str) -> None:
    """No element that runs script, no event handler or style, no dangerous URL."""
    for tag, attrs in parse(html).tags:
        assert tag not in BAD_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (name, html)
            if name in ("href", "src", "xlink:href"):
                assert not (value or "").strip().lower().startswith(BAD_SCHEMES), (value, html)


def _publish(ctx, product, story, title="Spring restock"):
    draft = restocks.RestockDraft(title=title, story_md=story, changes="new colours")
    with ctx.uow.read() as session:
        owner = session.get(Shop, product.shop_id).owner_id
    return restocks.publish(ctx, actor_id=owner, product_id=product.id, draft=draft)


def test_stories_are_sanitised_on_the_page_and_in_the_feed(ctx, client):
    product = make_product(ctx, total=5)
    for payload in XSS:  # one restock per payload: restock-1 ... restock-N
        _publish(ctx, product, f"Hello **friends**\n\n{payload}")
    slug = _slug(ctx, product)
    page = client.get(f"/s/{slug}/p/{product.slug}").text
    history = page[page.index('id="restock-') :]
    assert history.count("<strong>friends</strong>") == len(XSS)
    assert_harmless(history)
    feed = etree.fromstring(client.get(f"/s/{slug}/feed.atom").content)
    contents = [c.text for c in feed.iter(f"{ATOM}content")]
    assert len(contents) == len(XSS)
    for content in contents:
        assert_harmless(content)


def _slug(ctx, product):
    with ctx.uow.read() as session:
        return session.get(Shop, product.shop_id).slug


def test_the_feed_is_valid_atom_with_one_stable_entry_per_restock(ctx, client):
    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    _publish(ctx, product, "First <b>story</b> & more", title="One")
    _publish(ctx, product, "Second", title="Two")
    response = client.get(f"/s/{shop.slug}/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert SCHEMA.validate(feed), SCHEMA.error_log
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert (
        len(ids) == 2 and len(set(ids)) == 2 and all(i.startswith("tag:testserver,") for i in ids)
    )
    assert entries[0].find(f"{ATOM}content").get("type") == "html"
    assert "&lt;p&gt;" in response.text  # the html is escaped inside the XML
    again = etree.fromstring(client.get(f"/s/{shop.slug}/feed.atom").content)
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == ids
    for entry in entries:  # the appendix's Schematron rule: no content → an alternate link
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None


def test_an_empty_shop_feed_is_valid_too(ctx, client):
    shop = make_shop(ctx)
    assert SCHEMA.validate(etree.fromstring(client.get(f"/s/{shop.slug}/feed.atom").content))


def test_the_history_and_waitlist_box_speak_chinese(ctx, client):
    from soulstock.services import waitlists
    from tests.factories import make_buyer

    shop = make_shop(ctx)
    product = make_periodic(ctx, shop=shop)
    member = make_buyer(ctx)
    waitlists.join_user(ctx, user_id=member.id, product_id=product.id)
    _publish(ctx, product, "故事", title="第二季")
    page = client.get(f"/s/{shop.slug}/p/{product.slug}?lang=zh_CN").text
    assert "1 人在等" in page and "补货历史" in page and "本次变化：" in page
    assert "补货时通知我" in page  # sold out between drops: anyone may wait

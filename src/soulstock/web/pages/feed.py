"""A shop's restocks as an Atom feed (RFC 4287): one entry per restock, with ``tag:`` ids
(RFC 4151) that never change, its story as sanitised HTML in ``<content type="html">``."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from markupsafe import escape

from soulstock.store.models import Product, Restock, Shop
from soulstock.web.pages.render import markdown

ATOM = "http://www.w3.org/2005/Atom"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tag(base_url: str, shop: Shop, path: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{shop.created_at:%Y-%m-%d}:{path}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def entry_html(restock: Restock) -> str:
    """The entry's content: the story (sanitised like every seller markdown) and the facts."""
    parts = [str(markdown(restock.story_md))]
    if restock.changes:
        parts.append(f"<p>{escape(restock.changes)}</p>")
    if restock.quantity:
        parts.append(f"<p>+{restock.quantity} · {_time(restock.opens_at)}</p>")
    return "\n".join(parts)


def atom_feed(*, shop: Shop, rows: list[tuple[Restock, Product]], base_url: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", _tag(base_url, shop, f"shop/{shop.slug}/restocks"))
    _sub(feed, "title", shop.name)
    updated = max((r.created_at for r, _ in rows), default=shop.created_at)
    _sub(feed, "updated", _time(updated))
    _sub(feed, "link", rel="self", href=f"{base_url}/s/{shop.slug}/feed.atom")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{base_url}/s/{shop.slug}")
    author = _sub(feed, "author")
    _sub(author, "name", shop.name)
    for restock, product in rows:
        entry = _sub(feed, "entry")
        path = f"shop/{shop.slug}/product/{product.id}/restock/{restock.number}"
        _sub(entry, "id", _tag(base_url, shop, path))
        _sub(entry, "title", f"{product.title} · {restock.title}")
        _sub(entry, "published", _time(restock.created_at))
        _sub(entry, "updated", _time(restock.created_at))
        url = f"{base_url}/s/{shop.slug}/p/{product.slug}#restock-{restock.number}"
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(entry, "content", entry_html(restock), type="html")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body

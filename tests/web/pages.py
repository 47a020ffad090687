"""Helpers for reading rendered pages in tests: CSRF tokens, visible text, attributes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def post_form(client: TestClient, path: str, data: dict[str, str], *, csrf_from: str = "/login"):
    return client.post(path, data={"csrf_token": csrf_of(client, csrf_from), **data})


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.text.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    return " ".join(" ".join(parse(html).text).split())


def attribute(html: str, element_id: str, name: str) -> str | None:
    for _tag, attrs in parse(html).tags:
        if attrs.get("id") == element_id:
            return (attrs[name] or "") if name in attrs else None
    raise AssertionError(f"no element #{element_id}")


def links(html: str, prefix: str) -> list[str]:
    return [
        str(attrs["href"])
        for tag, attrs in parse(html).tags
        if tag == "a" and str(attrs.get("href") or "").startswith(prefix)
    ]

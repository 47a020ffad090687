"""Email templates: plain text files the seller can read, one per message and language.

``templates/<name>.<locale>.txt``: the first line is the subject, the rest (after a blank
line) the body; ``{{ ... }}`` are the message's parameters, with ``url`` and ``unsubscribe``
made absolute from their paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCALES = ("zh_CN", "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body: str


@cache
def _env() -> Environment:
    # Plain text, never HTML: nothing here is rendered by a browser.
    return Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


def source(name: str, locale: str) -> str:
    locale = locale if locale in LOCALES else LOCALES[0]
    path = TEMPLATES / f"{name}.{locale}.txt"
    if not path.is_file():
        raise KeyError(name)
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted({p.name.split(".", 1)[0] for p in TEMPLATES.glob("*.txt")})


def render(name: str, *, locale: str, params: dict[str, Any], base_url: str) -> Rendered:
    """A message's subject and body in the recipient's language."""
    values = dict(params)
    values["url"] = base_url + str(values.get("path", "/"))
    if values.get("unsubscribe_path"):
        values["unsubscribe"] = base_url + str(values["unsubscribe_path"])
    if "amount_minor" in values:
        values["amount"] = f"{int(values['amount_minor']) / 100:.2f}"
    text = _env().from_string(source(name, locale)).render(**values)
    subject, _, body = text.partition("\n")
    return Rendered(subject.strip(), body.lstrip("\n"))

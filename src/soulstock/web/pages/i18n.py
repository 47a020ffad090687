"""Translations for the pages: catalogs loaded from ``.po`` at runtime, one locale per render.

The ``.po`` files under ``soulstock/locale/<locale>/LC_MESSAGES/messages.po`` are the source
of truth; they are parsed with ``read_po`` and compiled in memory with ``write_mo``, so there
is no compile step and no ``.mo`` file to forget. The locale of the page being rendered lives
in a context variable, set by ``using_locale`` right before rendering, so concurrent requests
in other threads never see each other's language.

Refreshing the catalogs after changing strings (from the repository root)::

    .venv/bin/pybabel extract -F babel.cfg -k N_ -o src/soulstock/locale/messages.pot .
    .venv/bin/pybabel update -i src/soulstock/locale/messages.pot -d src/soulstock/locale
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, get_currency_precision
from babel.support import Translations

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}  # each in its own language: not translated
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
LOCALE_DIR = Path(__file__).resolve().parent.parent.parent / "locale"

_current: ContextVar[str] = ContextVar("soulstock_page_locale", default=DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> Translations:
    """The compiled catalog of a locale, built once from its ``.po`` file."""
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return Translations(fp=buffer)


def normalise(locale: str | None) -> str | None:
    """A supported locale for what a visitor asked for (``zh-CN``, ``zh``, ``en-US``...)."""
    if not locale:
        return None
    wanted = locale.strip().replace("-", "_").lower()
    for known in LOCALES:
        if wanted == known.lower() or wanted.split("_")[0] == known.split("_")[0].lower():
            return known
    return None


def current_locale() -> str:
    return _current.get()


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return str(translations(_current.get()).pgettext(context, message))


def money(minor: int, currency: str) -> str:
    """Integer minor units as the locale writes money (Decimal throughout, never float)."""
    amount = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(amount, currency, locale=_current.get())


def when(instant: datetime | None, timezone: str) -> str:
    """A moment in the shop's time zone, as the visitor's locale writes it."""
    if instant is None:
        return ""
    return format_datetime(instant, "medium", tzinfo=ZoneInfo(timezone), locale=_current.get())


def countdown(seconds: int | None) -> str:
    """Seconds as a countdown: ``02:03:04``, or ``3天 02:03:04`` / ``3d 02:03:04``."""
    seconds = max(0, seconds or 0)
    days, rest = divmod(seconds, 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{pgettext('countdown', '%(days)sd') % {'days': days}} {clock}" if days else clock


def day_suffix() -> str:
    """The unit after a countdown's days ("d", "天"), for the page's ticking script."""
    return pgettext("countdown", "%(days)sd") % {"days": ""}

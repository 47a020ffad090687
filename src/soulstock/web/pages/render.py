"""Rendering: the Jinja environment, the visitor's locale, CSRF tokens and safe markdown."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import nh3
from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from soulstock.domain.editions import edition_label
from soulstock.domain.errors import PermissionDenied
from soulstock.services import accounts
from soulstock.web.deps import SESSION_USER
from soulstock.web.pages import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "soulstock_lang"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
    )
    env.globals.update(
        money=i18n.money,
        when=i18n.when,
        edition_label=edition_label,
        countdown=i18n.countdown,
        day_suffix=i18n.day_suffix,
    )
    env.filters["markdown"] = markdown
    return env


@cache
def _markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(source: str) -> Markup:
    """A seller's markdown as HTML that cannot run script: rendered, then sanitised."""
    html = _markdown_parser().render(source or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # safe: sanitised by nh3 just above


def visitor_locale(
    request: Request, *, user_locale: str | None = None, shop_locale: str | None = None
) -> str:
    """``?lang=`` first, then the visitor's cookie, then their account, then the shop's
    default language (on its storefront), then the platform's default."""
    return (
        i18n.normalise(request.query_params.get("lang"))
        or i18n.normalise(request.cookies.get(LANG_COOKIE))
        or i18n.normalise(user_locale)
        or i18n.normalise(shop_locale)
        or i18n.DEFAULT_LOCALE
    )


def remember_locale(response: Any, locale: str) -> None:
    response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax")


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """A dependency for every form POST: the hidden field must match the session's token."""
    expected = request.session.get(CSRF_KEY)
    if not isinstance(expected, str) or not secrets.compare_digest(expected, csrf_token):
        raise PermissionDenied(
            "the form expired or came from another site; reload the page and try again",
            code="csrf_failed",
        )


def with_query(path: str, **params: str | None) -> str:
    """``path`` with the non-empty ``params`` as a query string (e.g. a guest's ``t``)."""
    kept = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(kept)}" if kept else path


def current_url(request: Request) -> str:
    """This page's path and query without ``lang``: where a language switch returns to."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode(kept)}" if kept else request.url.path


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: never redirect a visitor to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def render(
    request: Request,
    template: str,
    values: dict[str, Any] | None = None,
    *,
    status: int = 200,
    locale: str | None = None,
) -> HTMLResponse:
    """Render a page in the visitor's locale; a ``?lang=`` choice is remembered in a cookie."""
    locale = locale or visitor_locale(request)
    context = {
        "request": request,
        "locale": locale,
        "html_lang": i18n.HTML_LANG[locale],
        "languages": i18n.LANGUAGE_NAMES,
        "signed_in": isinstance(request.session.get(SESSION_USER), int),
        "is_seller": _is_seller(request),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
        "current_url": current_url(request),
        "with_query": with_query,
        **(values or {}),
    }
    with i18n.using_locale(locale):
        body = environment().get_template(template).render(context)
    response = HTMLResponse(body, status_code=status)
    if request.query_params.get("lang") and i18n.normalise(request.query_params["lang"]):
        remember_locale(response, locale)
    return response


def _is_seller(request: Request) -> bool:
    """Whether the header shows the seller console link (one primary-key read when signed in)."""
    user_id = request.session.get(SESSION_USER)
    ctx = getattr(request.app.state, "ctx", None)
    if not isinstance(user_id, int) or ctx is None:
        return False
    user = accounts.get_user(ctx, user_id)
    return bool(user and user.is_seller)


def redirect(url: str) -> RedirectResponse:
    """After a form POST: 303, so the browser follows with a GET."""
    return RedirectResponse(url, status_code=303)

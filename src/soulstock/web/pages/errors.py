"""Friendly error pages: a domain error's stable ``code`` picks a translated explanation."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from soulstock.web.pages.i18n import N_
from soulstock.web.pages.render import render, safe_next

# code -> (title, explanation); translated when shown.
MESSAGES: dict[str, tuple[str, str]] = {
    "sold_out": (
        N_("Sold out"),
        N_(
            "There is no copy left to reserve right now. If the last copies are in other "
            "buyers' carts, unpaid holds come back within minutes."
        ),
    ),
    "hold_expired": (
        N_("Your hold has expired"),
        N_("The time to pay for this order ran out and the copy went back on sale."),
    ),
    "not_payable": (
        N_("This order cannot be paid"),
        N_("It is already paid, cancelled or failed. Open the order to see where it stands."),
    ),
    "window_closed": (
        N_("The sale window is closed"),
        N_("This product cannot be bought at the moment. Check back when the window opens."),
    ),
    "limit_locked": (
        N_("Never reissued"),
        N_("A limited product's total is fixed for ever and can never be raised."),
    ),
    "link_expired": (
        N_("This link has expired"),
        N_("Open your order or library again for a fresh download link."),
    ),
    "csrf_failed": (
        N_("The form has expired"),
        N_("Reload the page and try again."),
    ),
    "not_authenticated": (
        N_("Please sign in"),
        N_("Your email or password is wrong, or you need to sign in to see this page."),
    ),
    "forbidden": (
        N_("Not allowed"),
        N_("This belongs to someone else. Sign in with the account that owns it."),
    ),
    "not_found": (
        N_("Page not found"),
        N_("There is nothing here. The link may be wrong, or the item is no longer listed."),
    ),
    "already_exists": (
        N_("Already taken"),
        N_("Something with this name or email already exists."),
    ),
    "invalid_input": (
        N_("Please check your input"),
        N_("Some of what you entered is not valid."),
    ),
    "payload_too_large": (N_("File too large"), N_("The upload is over the size limit.")),
    "unsupported_media_type": (
        N_("File type not supported"),
        N_("This kind of file cannot be uploaded here."),
    ),
    "internal_error": (
        N_("Something went wrong"),
        N_("An unexpected error happened on our side. Please try again in a moment."),
    ),
}
GENERIC = (N_("Something is not right"), N_("The request could not be completed."))
# Codes whose original message carries specifics worth showing (e.g. which field is wrong).
SHOW_DETAIL = frozenset({"invalid_input", "already_exists"})


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    """An HTML error page in the visitor's language; never fails itself."""
    title, explanation = MESSAGES.get(code, GENERIC)
    values = {
        "status": status,
        "code": code,
        "title": title,
        "explanation": explanation,
        "detail": message if code in SHOW_DETAIL else "",
        "back": _back_link(request),
    }
    try:
        return render(request, "error.html", values, status=status)
    except Exception:  # the error page must not raise in turn
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
        return HTMLResponse(body, status_code=status)


def _back_link(request: Request) -> str:
    """Where the visitor came from, if it was a page of this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return ""
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return safe_next(path, default="") if referer.path != request.url.path else ""

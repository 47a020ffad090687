"""Server-rendered pages (Jinja2 + htmx): storefront, checkout, library, console.

Handlers are thin: read the form, call one service, render a template or redirect. Text is
translated by ``i18n`` (zh_CN by default, English complete); errors become friendly pages in
``errors``; every form POST carries a CSRF token checked by ``render.check_csrf``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from soulstock.web.pages import (
    account,
    console,
    console_engagement,
    console_payloads,
    console_products,
    dashboard,
    draws,
    editions,
    engagement,
    orders,
    ownership,
    storefront,
)
from soulstock.web.pages.errors import render_error

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

__all__ = ["install", "render_error"]


def install(app: FastAPI) -> None:
    """Mount the page routes and static assets on the app."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(storefront.router)
    app.include_router(draws.router)
    app.include_router(engagement.router)
    app.include_router(orders.router)
    app.include_router(account.router)
    app.include_router(ownership.router)
    app.include_router(editions.router)
    app.include_router(console.router)
    app.include_router(console_products.router)
    app.include_router(console_payloads.router)
    app.include_router(console_engagement.router)
    app.include_router(dashboard.router)
    console.install_handlers(app)

"""Server-rendered pages (Jinja2 + htmx): storefront, checkout, library, console."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
    return HTMLResponse(body, status_code=status)


def install(app: FastAPI) -> None:
    """Mount the page routes and static assets on the app."""

"""The ASGI entry point for servers: ``uvicorn --factory soulstock.web.asgi:serve_app``."""

from __future__ import annotations

from fastapi import FastAPI

from soulstock.settings import Settings
from soulstock.web.app import create_app


def serve_app() -> FastAPI:
    return create_app(Settings())

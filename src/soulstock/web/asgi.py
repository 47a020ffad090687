"""An ASGI entry point for servers that import an app factory.

``uvicorn --factory soulstock.web.asgi:serve_app`` builds the app from ``SOULSTOCK_*``
environment variables when the server starts, never at import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from soulstock.settings import Settings
from soulstock.web.app import create_app


def serve_app() -> FastAPI:
    """The app for the settings in the environment."""
    return create_app(Settings())

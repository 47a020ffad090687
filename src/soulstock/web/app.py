"""The application factory: one FastAPI app per Settings, nothing built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI
from sqlalchemy import text
from starlette.middleware.sessions import SessionMiddleware

from soulstock import __version__
from soulstock.domain.clock import Clock
from soulstock.services.analytics import flush_events
from soulstock.services.context import Context, build_context
from soulstock.services.ownership import sign_checkpoints
from soulstock.services.sweeper import emit_scheduled_events, sweep_expired_holds
from soulstock.settings import Settings
from soulstock.web import api, files, pages
from soulstock.web import log as log_routes
from soulstock.web.errors import install_error_handlers

SESSION_COOKIE = "soulstock_session"
log = logging.getLogger(__name__)


async def _sweep_forever(ctx: Context) -> None:
    """Tidy expired holds and emit "drop opened" events every ``sweep_interval_seconds``.
    Only tidying and notifications: every read already ignores expired holds and derives
    what is open from the clock, so correctness never depends on this loop running."""
    while True:
        await asyncio.sleep(ctx.settings.sweep_interval_seconds)
        try:
            await asyncio.to_thread(sweep_expired_holds, ctx)
        except Exception:  # a failed sweep is retried next time; never kill the loop
            log.exception("sweeping expired holds failed")
        try:
            await asyncio.to_thread(emit_scheduled_events, ctx)
        except Exception:  # notifications only: retried next time, never kill the loop
            log.exception("emitting drop events failed")
        try:
            await asyncio.to_thread(flush_events, ctx)
        except Exception:  # analytics only: a lost batch of views never stops the shop
            log.exception("writing buffered analytics events failed")


async def _sign_forever(ctx: Context) -> None:
    """Sign a checkpoint covering new log entries every ``checkpoint_interval_seconds``
    (like CT's maximum merge delay): sales never wait for a signature."""
    while True:
        await asyncio.sleep(ctx.settings.checkpoint_interval_seconds)
        try:
            await asyncio.to_thread(sign_checkpoints, ctx)
        except Exception:  # retried next time; never kill the loop
            log.exception("signing log checkpoints failed")


def _lifespan(ctx: Context) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_forever(ctx)) if ctx.settings.run_sweeper else None
        signer = asyncio.create_task(_sign_forever(ctx)) if ctx.settings.run_sweeper else None
        yield
        if ctx.settings.run_sweeper:  # keep the views noted since the loop's last flush
            try:
                await asyncio.to_thread(flush_events, ctx)
            except Exception:
                log.exception("writing buffered analytics events at shutdown failed")
        if signer is not None:
            signer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await signer
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


def create_app(
    settings: Settings, *, clock: Clock | None = None, ctx: Context | None = None
) -> FastAPI:
    """Build the app; refuses unsafe production settings before serving anything."""
    settings.check_safe()
    ctx = ctx or build_context(settings, clock=clock)
    app = FastAPI(
        title="Soulstock",
        version=__version__,
        description="A scarcity-aware shop for limited, story-driven virtual goods.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=_lifespan(ctx),
    )
    app.state.ctx = ctx
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
        max_age=30 * 24 * 3600,
    )
    install_error_handlers(app, render_html=pages.render_error)
    app.include_router(api.router)
    app.include_router(files.router)
    app.include_router(log_routes.router)
    pages.install(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        with ctx.uow.read() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/ping", tags=["ops"])
    def ping() -> dict[str, str]:
        """A trivial endpoint: the baseline the benchmarks compare against."""
        return {"pong": "ok"}

    return app

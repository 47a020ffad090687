"""The ``soulstock`` command line: set up, migrate, serve, seed the demo, manage sellers.

Each command builds ``Settings()`` once and a ``Context`` from it. Expected failures
(``SoulstockError``, unsafe settings) print one readable red line and exit 1, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from soulstock import demo as demo_data
from soulstock.domain.errors import NotFound, SoulstockError
from soulstock.services import accounts, catalog, sweeper
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings, UnsafeConfiguration
from soulstock.store import migrate

app = typer.Typer(help="Soulstock 灵魂补货: a scarcity-aware shop for virtual goods.")
db_app = typer.Typer(help="Database schema (Alembic migrations).")
seller_app = typer.Typer(help="Seller accounts.")
token_app = typer.Typer(help="API tokens.")
app.add_typer(db_app, name="db")
app.add_typer(seller_app, name="seller")
app.add_typer(token_app, name="token")

console = Console()
err_console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into a red message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except SoulstockError as exc:
            err_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
        except UnsafeConfiguration as exc:
            err_console.print(f"[bold red]Unsafe configuration:[/] {exc}", highlight=False)
        raise typer.Exit(1)

    return wrapper


def load_settings() -> Settings:
    settings = Settings()
    settings.check_safe()
    return settings


@contextmanager
def open_context(settings: Settings) -> Iterator[Context]:
    ctx = build_context(settings)
    try:
        yield ctx
    finally:
        ctx.uow.engine.dispose()


def _where(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


@app.command()
@friendly_errors
def init() -> None:
    """Create the data folder and migrate the database to the newest schema."""
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.files_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    console.print(f"[green]✓[/] data folder {settings.data_dir.resolve()}")
    console.print(f"[green]✓[/] database {_where(settings.database_url)} is at the newest schema")
    console.print(
        "Configure with SOULSTOCK_* environment variables (no .env file is read), e.g. "
        "SOULSTOCK_DATABASE_URL, SOULSTOCK_SECRET_KEY, SOULSTOCK_MODE=prod.",
        highlight=False,
    )
    console.print("Next: [bold]soulstock seller create you@example.com --shop my-shop[/]")


@db_app.command("upgrade")
@friendly_errors
def db_upgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision (default: all heads).")
    ] = "heads",
) -> None:
    """Migrate the database up (to the newest schema by default)."""
    settings = load_settings()
    migrate.upgrade(settings.database_url, revision)
    console.print(f"[green]✓[/] {_where(settings.database_url)} upgraded to {revision}")


@db_app.command("downgrade")
@friendly_errors
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base.")]) -> None:
    """Migrate the database down to REV (``base`` drops every table)."""
    settings = load_settings()
    migrate.downgrade(settings.database_url, revision)
    console.print(f"[green]✓[/] {_where(settings.database_url)} downgraded to {revision}")


@app.command()
@friendly_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    with_worker: Annotated[bool, typer.Option(help="Also send the outbox (emails).")] = False,
) -> None:
    """Serve the web app and the API (migrate first with ``soulstock db upgrade``)."""
    settings = load_settings()  # refuse unsafe settings here, readably, before uvicorn starts
    import uvicorn

    if with_worker:
        cli_engagement.start_background_worker(settings)

    console.print(f"Serving on [bold]http://{host}:{port}/[/]  (Ctrl+C to stop)")
    uvicorn.run("soulstock.web.asgi:serve_app", factory=True, host=host, port=port, reload=reload)


def demo_settings(settings: Settings) -> Settings:
    """The demo keeps its own SQLite database under ``<data dir>/demo`` unless a database
    URL was configured, so it never wipes the real one by accident."""
    if settings.database_url != f"sqlite:///{settings.data_dir / 'soulstock.db'}":
        return settings
    data_dir = settings.data_dir / "demo"
    return settings.model_copy(
        update={"data_dir": data_dir, "database_url": f"sqlite:///{data_dir / 'soulstock.db'}"}
    )


def _reset_database(settings: Settings) -> None:
    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if database and database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(database + suffix).unlink(missing_ok=True)
    else:
        migrate.downgrade(settings.database_url, "base")
    migrate.upgrade(settings.database_url)


def _demo_exists(settings: Settings) -> bool:
    with open_context(settings) as ctx:
        try:
            catalog.get_shop(ctx, demo_data.SHOP_SLUG)
        except NotFound:
            return False
    return True


@app.command()
@friendly_errors
def demo(
    fresh: Annotated[
        bool, typer.Option("--fresh/--keep", help="Start from an empty demo database.")
    ] = True,
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the shop afterwards.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    with_worker: Annotated[
        bool, typer.Option(help="Send the outbox into the dev mail sink while serving.")
    ] = True,
) -> None:
    """Seed a demo shop (灵动设计小铺) with products and sales history, then serve it."""
    settings = demo_settings(load_settings())
    if fresh and settings.mode == "prod":
        raise SoulstockError("refusing to wipe a database in prod mode; use --keep")
    if fresh:
        _reset_database(settings)
    else:
        migrate.upgrade(settings.database_url)
    if fresh or not _demo_exists(settings):
        with console.status("Seeding the demo shop…"):
            summary = demo_data.seed(settings)
        console.print(
            f"[green]✓[/] {summary.products} products and {summary.orders} past orders "
            f"in {_where(settings.database_url)}"
        )
    _print_demo_logins(f"http://{host}:{port}")
    if serve_it:
        import uvicorn

        from soulstock.web.app import create_app

        if with_worker:
            cli_engagement.start_background_worker(settings)
        uvicorn.run(create_app(settings), host=host, port=port)


def _print_demo_logins(base: str) -> None:
    table = Table(title="Soulstock demo 演示", show_lines=False)
    table.add_column("what")
    table.add_column("where / login")
    table.add_row("Storefront 店铺", f"{base}/s/{demo_data.SHOP_SLUG}")
    table.add_row("Log in 登录", f"{base}/login")
    table.add_row("API", f"{base}/api/v1/shops/{demo_data.SHOP_SLUG}/products")
    table.add_row("API docs", f"{base}/api/docs")
    table.add_row("Seller 卖家", f"{demo_data.SELLER_EMAIL} / {demo_data.DEMO_PASSWORD}")
    table.add_row("Buyer 买家", f"{demo_data.BUYER_EMAIL} / {demo_data.DEMO_PASSWORD}")
    console.print(table)


@seller_app.command("create")
@friendly_errors
def seller_create(
    email: str,
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="≥ 8 chars."),
    ],
    shop: Annotated[str | None, typer.Option(help="Open a shop at this slug.")] = None,
    shop_name: Annotated[str | None, typer.Option(help="The shop's display name.")] = None,
) -> None:
    """Create a seller account, and optionally their shop."""
    settings = load_settings()
    with open_context(settings) as ctx:
        user = accounts.sign_up(ctx, email=email, password=password, seller=True)
        console.print(f"[green]✓[/] seller {user.email} (id {user.id})", highlight=False)
        if shop:
            created = catalog.create_shop(ctx, owner_id=user.id, slug=shop, name=shop_name or shop)
            console.print(f"[green]✓[/] shop {created.name} at /s/{created.slug}")


@token_app.command("create")
@friendly_errors
def token_create(
    email: str,
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ci'.")],
) -> None:
    """Create an API token for an account; it is printed once and never again."""
    settings = load_settings()
    with open_context(settings) as ctx:
        user = accounts.user_by_email(ctx, email)
        new = accounts.create_token(ctx, user_id=user.id, name=name)
    err_console.print(f"Token {name!r} for {user.email} (shown once, keep it safe):")
    print(new.secret)


@app.command()
@friendly_errors
def sweep() -> None:
    """Return expired holds to free stock once (the server also does this periodically)."""
    settings = load_settings()
    with open_context(settings) as ctx:
        freed = sweeper.sweep_expired_holds(ctx)
    console.print(f"[green]✓[/] {freed} held unit(s) returned to stock")


# The ownership commands (verify, log, payload) and the scarcity ones (policy, window) live in
# their own modules; importing them
# registers them on ``app``. At the end, so they find everything above defined.
from soulstock import cli_engagement, cli_ledger, cli_scarcity  # noqa: E402, F401  (they register commands)

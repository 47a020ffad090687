"""Restocks, waitlists and the outbox from the command line: ``soulstock worker``,
``soulstock restock PRODUCT``, ``soulstock waitlist size PRODUCT`` and ``soulstock mail list``
(the dev sink). Registered by ``soulstock.cli``."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from soulstock.cli import app, console, friendly_errors, load_settings, open_context
from soulstock.cli_scarcity import ProductArg, _product
from soulstock.domain.errors import InvalidInput
from soulstock.mail import worker as outbox_worker
from soulstock.services import restocks, waitlists
from soulstock.services.context import build_context
from soulstock.settings import Settings
from soulstock.store.models import DevMail

waitlist_app = typer.Typer(help="Waitlists (等待列表).")
mail_app = typer.Typer(help="The dev mail sink.")
app.add_typer(waitlist_app, name="waitlist")
app.add_typer(mail_app, name="mail")


@app.command()
@friendly_errors
def worker(
    once: Annotated[bool, typer.Option(help="Deliver one batch and stop.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=500, help="Messages per batch.")] = 20,
) -> None:
    """Send the outbox: emails (SOULSTOCK_SMTP_URL, or the dev sink) and seller webhooks."""
    settings = load_settings()
    with open_context(settings) as ctx:
        if once:
            done = outbox_worker.run_once(ctx, batch=batch)
            console.print(f"[green]✓[/] {done.sent} sent, {done.failed} to retry")
            return
        console.print("Sending the outbox (Ctrl+C to stop)")
        stop = threading.Event()
        try:
            outbox_worker.run_forever(ctx, stop=stop, batch=batch)
        except KeyboardInterrupt:
            stop.set()


def start_background_worker(settings: Settings) -> threading.Event:
    """The worker in a daemon thread of this process (``serve --with-worker``, the demo)."""
    stop = threading.Event()
    ctx = build_context(settings)
    threading.Thread(
        target=outbox_worker.run_forever, args=(ctx,), kwargs={"stop": stop}, daemon=True
    ).start()
    return stop


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InvalidInput("give the time with its zone, e.g. 2026-12-01T20:00+08:00")
    return parsed


@app.command()
@friendly_errors
def restock(
    product: ProductArg,
    title: Annotated[str, typer.Option(help="The release's title.")],
    story: Annotated[Path | None, typer.Option(help="A markdown file with the story.")] = None,
    changes: Annotated[str, typer.Option(help="What changed in this release.")] = "",
    quantity: Annotated[int, typer.Option(help="Units it adds (0: a story only).")] = 0,
    opens_at: Annotated[str | None, typer.Option(help="When it opens (ISO 8601).")] = None,
    priority_from: Annotated[
        str | None, typer.Option(help="Waitlist members may buy from this time.")
    ] = None,
    member_cap: Annotated[int | None, typer.Option(help="Each member's cap then.")] = None,
) -> None:
    """Publish a restock with its story (故事化补货); limited products get no units."""
    settings = load_settings()
    with open_context(settings) as ctx:
        product_id, seller_id = _product(ctx, product)
        draft = restocks.RestockDraft(
            title=title,
            story_md=story.read_text(encoding="utf-8") if story else "",
            changes=changes,
            quantity=quantity,
            opens_at=_when(opens_at),
            priority_starts_at=_when(priority_from),
            priority_cap=member_cap,
        )
        made = restocks.publish(ctx, actor_id=seller_id, product_id=product_id, draft=draft)
    console.print(f"[green]✓[/] restock #{made.number}: {made.title} ({made.quantity} units)")


@waitlist_app.command("size")
@friendly_errors
def waitlist_size(product: ProductArg) -> None:
    """How many confirmed members wait for a product."""
    settings = load_settings()
    with open_context(settings) as ctx:
        product_id, _ = _product(ctx, product)
        console.print(str(waitlists.size(ctx, product_id=product_id)))


@mail_app.command("list")
@friendly_errors
def mail_list(limit: Annotated[int, typer.Option(min=1, max=500)] = 20) -> None:
    """The newest emails in the dev mail sink."""
    settings = load_settings()
    with open_context(settings) as ctx, ctx.uow.read() as session:
        rows = session.scalars(select(DevMail).order_by(DevMail.id.desc()).limit(limit)).all()
    table = Table("when", "to", "subject")
    for row in rows:
        table.add_row(f"{row.created_at:%Y-%m-%d %H:%M}", row.recipient, row.subject)
    console.print(table)

"""Ownership commands of ``soulstock``: verify a certificate offline, run a shop's log
(checkpoint, audit, key rotation) and import unique payloads.

``soulstock verify`` needs no settings, database or network: the certificate and the shop's
verifier key are all it reads. Registered on the main app by ``soulstock.cli``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from soulstock.cli import app, console, err_console, friendly_errors, load_settings, open_context
from soulstock.ledger import certificate
from soulstock.ledger.note import NoteError, Verifier, parse_vkey
from soulstock.services import ownership, payloads

log_app = typer.Typer(help="A shop's transparency log: checkpoints, audit, keys.")
payload_app = typer.Typer(help="Unique payloads (卡密) of a product.")
app.add_typer(log_app, name="log")
app.add_typer(payload_app, name="payload")


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]Not verified:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def read_verifier(key: str) -> Verifier:
    """A verifier key given as the vkey string itself or as a file holding it."""
    text = key
    if "+" not in key or Path(key).is_file():
        try:
            text = Path(key).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise _fail(f"cannot read the key file {key}: {exc.strerror}") from None
    try:
        return parse_vkey(text)
    except NoteError as exc:
        raise _fail(f"the key is not a verifier key: {exc}") from None


@app.command()
def verify(
    cert: Annotated[Path, typer.Argument(help="The certificate JSON file.")],
    key: Annotated[str, typer.Option(help="The shop's verifier key (vkey), or a file with it.")],
) -> None:
    """Verify an edition certificate offline with the shop's public key alone."""
    verifier = read_verifier(key)
    try:
        document = json.loads(cert.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(f"cannot read {cert}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError):
        raise _fail("the file is not JSON") from None
    try:
        ok = certificate.verify(document, verifier)
    except certificate.CertificateError as exc:
        raise _fail(str(exc)) from None
    product = document["product"].get("title", ok.product)
    of = f"/{ok.of}" if ok.of is not None else ""
    console.print(
        f"[bold green]verified[/] · edition #{ok.edition}{of} of {product} "
        f"(product {ok.product}) · owner {ok.owner_hash[:16]}… · "
        f"log {ok.origin} at size {ok.checkpoint_size}",
        highlight=False,
        soft_wrap=True,
    )


@log_app.command("checkpoint")
@friendly_errors
def log_checkpoint(
    shop: Annotated[str | None, typer.Argument(help="Print this shop's newest one.")] = None,
) -> None:
    """Sign a checkpoint now for every log that grew; print SHOP's newest checkpoint."""
    with open_context(load_settings()) as ctx:
        for slug, size in ownership.sign_checkpoints(ctx, force=True):
            console.print(f"[green]✓[/] {slug}: signed a checkpoint of size {size}")
        if shop is not None:
            print(ownership.latest_checkpoint(ctx, shop_slug=shop), end="")


@log_app.command("audit")
@friendly_errors
def log_audit(shop: str) -> None:
    """Recompute SHOP's tree from its entries and check every signed checkpoint."""
    with open_context(load_settings()) as ctx:
        findings = ownership.audit_log(ctx, shop_slug=shop)
    for f in findings:
        err_console.print(
            f"[bold red]{f.kind}[/] at index {f.index}: {f.detail}", highlight=False, soft_wrap=True
        )
    if findings:
        raise typer.Exit(1)
    console.print(f"[green]✓[/] the log of {shop} is intact")


@log_app.command("rotate-key")
@friendly_errors
def log_rotate_key(shop: str) -> None:
    """Make a new signing key for SHOP; the old one is kept to verify old checkpoints."""
    with open_context(load_settings()) as ctx:
        vkey = ownership.rotate_key(ctx, shop_slug=shop)
    err_console.print(f"New verifier key of {shop} (old checkpoints verify with the old key):")
    print(vkey)


@payload_app.command("import")
@friendly_errors
def payload_import(
    shop: str,
    product_slug: str,
    file: Annotated[Path, typer.Argument(help="Text (one per line) or CSV (first column).")],
) -> None:
    """Add unique payloads from FILE to a product's pool; codes already there are skipped."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[bold red]Error:[/] cannot read {file}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    with open_context(load_settings()) as ctx:
        result = payloads.import_for_shop(ctx, shop_slug=shop, product_slug=product_slug, text=text)
    console.print(
        f"[green]✓[/] {result.added} payload(s) added, {result.duplicates} duplicate(s) skipped"
    )

"""Edition certificates: JSON that proves, offline, that an edition exists and who owns it.

Format ``soulstock-certificate/v1`` (JSON)::

    {"format": "soulstock-certificate/v1", "origin": <log origin>, "shop": <slug>,
     "product": {"id": int, "title": str}, "edition": k, "of": N | null,
     "owner": {"hash": <owner hash>, "salt": <hex>}, "status": "final" | "pending",
     "verify_url": str,
     "records": [{"entry": <base64 entry bytes>, "proof": <tlog-proof text> | null}, ...]}

``records`` are the edition's mint then each transfer, oldest first. Each ``proof`` is a
C2SP tlog-proof (index, inclusion proof, signed checkpoint) for that entry; it is null while
no checkpoint covers the entry yet (status "pending"). :func:`verify` checks everything
with the shop's verifier key alone and names the first check that fails.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from soulstock.ledger import entries
from soulstock.ledger.checkpoint import open_checkpoint
from soulstock.ledger.merkle import ProofError, leaf_hash, verify_inclusion
from soulstock.ledger.note import NoteError, Verifier
from soulstock.ledger.proof import TlogProofError, parse_tlog_proof

FORMAT = "soulstock-certificate/v1"

# Failure reasons, stable codes (the web page and CLI turn them into plain words).
REASONS = {
    "format": "this is not a Soulstock certificate (v1)",
    "entry": "a log entry in the certificate is damaged or not canonical",
    "mismatch": "the certificate's product, edition or total differs from its log entry",
    "chain": "the ownership history is broken (a transfer does not follow the previous owner)",
    "owner": "the owner named on the certificate is not the owner in the log",
    "pending": "no signed checkpoint covers this edition yet; try again in a few seconds",
    "proof_format": "the inclusion proof is malformed",
    "signature": "the checkpoint is not signed by this shop's key",
    "origin": "the checkpoint belongs to another log",
    "inclusion": "the entry is not in the signed log (the inclusion proof fails)",
}


class CertificateError(ValueError):
    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(REASONS[reason] + (f": {detail}" if detail else ""))


@dataclass(frozen=True, slots=True)
class Verified:
    origin: str
    product: int
    edition: int
    of: int | None
    owner_hash: str
    checkpoint_size: int


def record(entry: bytes, proof: str | None) -> dict[str, Any]:
    return {"entry": base64.b64encode(entry).decode(), "proof": proof}


def _entries(cert: dict[str, Any]) -> list[tuple[bytes, dict[str, Any], Any]]:
    records = cert.get("records")
    if not isinstance(records, list) or not records:
        raise CertificateError("format", "no records")
    out = []
    for rec in records:
        if not isinstance(rec, dict) or not isinstance(rec.get("entry"), str):
            raise CertificateError("format", "a record has no entry")
        try:
            data = base64.b64decode(rec["entry"], validate=True)
            out.append((data, entries.parse(data), rec.get("proof")))
        except (binascii.Error, ValueError) as exc:
            raise CertificateError("entry", str(exc)) from None
    return out


def _check_history(cert: dict[str, Any], items: Sequence[tuple[bytes, Any, Any]]) -> str:
    product = cert.get("product")
    product_id = product.get("id") if isinstance(product, dict) else None
    mint = items[0][1]
    if mint["type"] != "mint":
        raise CertificateError("chain", "the first record is not a mint")
    if (mint["product"], mint["edition"], mint["of"]) != (
        product_id,
        cert.get("edition"),
        cert.get("of"),
    ):
        raise CertificateError("mismatch")
    owner = str(mint["owner"])
    for position, (_, entry, _) in enumerate(items[1:], start=1):
        if entry["type"] != "transfer" or (entry["product"], entry["edition"]) != (
            mint["product"],
            mint["edition"],
        ):
            raise CertificateError("chain", f"record {position} is not a transfer of it")
        if entry["from"] != owner:
            raise CertificateError("chain", f"record {position}")
        owner = str(entry["to"])
    return owner


def verify(cert: Any, verifier: Verifier) -> Verified:
    """Verify a parsed certificate with the shop's key; raise :class:`CertificateError`."""
    if not isinstance(cert, dict) or cert.get("format") != FORMAT:
        raise CertificateError("format")
    items = _entries(cert)
    owner = _check_history(cert, items)
    claimed = cert.get("owner")
    if not isinstance(claimed, dict) or claimed.get("hash") != owner:
        raise CertificateError("owner")
    size = 0
    for data, _, proof_text in items:
        if proof_text is None:
            raise CertificateError("pending")
        try:
            proof = parse_tlog_proof(str(proof_text))
        except TlogProofError as exc:
            raise CertificateError("proof_format", str(exc)) from None
        try:
            checkpoint = open_checkpoint(proof.checkpoint, verifier)
        except NoteError as exc:
            raise CertificateError("signature", str(exc)) from None
        if checkpoint.origin != cert.get("origin"):
            raise CertificateError("origin", checkpoint.origin)
        try:
            verify_inclusion(
                proof.index, checkpoint.size, leaf_hash(data), proof.hashes, checkpoint.root
            )
        except ProofError as exc:
            raise CertificateError("inclusion", str(exc)) from None
        size = max(size, checkpoint.size)
    return Verified(
        origin=str(cert["origin"]),
        product=int(items[0][1]["product"]),
        edition=int(items[0][1]["edition"]),
        of=items[0][1]["of"],
        owner_hash=owner,
        checkpoint_size=size,
    )

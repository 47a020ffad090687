"""C2SP tlog-checkpoint notes (https://c2sp.org/tlog-checkpoint).

The note text is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` followed by optional
extension lines; it is signed as a signed-note by the log's key.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from soulstock.ledger.note import NoteError, Signer, Verifier, open_note, sign_note


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = field(default=())

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    def sign(self, *signers: Signer) -> str:
        return sign_note(self.text(), *signers)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (without signatures)."""
    if not text.endswith("\n"):
        raise NoteError("checkpoint text must end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has an origin, a size and a root hash line")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise NoteError("the checkpoint origin is empty")
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError("the checkpoint tree size is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("the checkpoint root hash is not base64") from None
    if len(root) != 32:
        raise NoteError("the checkpoint root hash is not 32 bytes")
    if any(not e for e in extensions):
        raise NoteError("a checkpoint extension line is empty")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(note: str, *verifiers: Verifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint and parse it; check its origin when given."""
    checkpoint = parse_checkpoint(open_note(note, *verifiers))
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"the checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint

"""C2SP tlog-proof (https://c2sp.org/tlog-proof): ``c2sp.org/tlog-proof@v1`` text.

c2sp.org/tlog-proof@v1
[extra <base64>]
index <n>
<base64 hash>            (zero or more: the inclusion proof, leaf's sibling first)
<empty line>
<signed checkpoint, verbatim>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

HEADER = "c2sp.org/tlog-proof@v1"


class TlogProofError(ValueError):
    """Text that is not a well-formed tlog-proof."""


@dataclass(frozen=True, slots=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str  # the signed note
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.hashes]
        return "\n".join(lines) + "\n\n" + self.checkpoint


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TlogProofError(f"not base64: {text[:20]!r}") from None


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise TlogProofError("a tlog-proof has an empty line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"a tlog-proof starts with {HEADER!r}")
    rest = lines[1:]
    extra = None
    if rest and rest[0].startswith("extra "):
        extra, rest = _b64(rest[0][6:]), rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise TlogProofError("a tlog-proof names the entry's index")
    number = rest[0][6:]
    if not number.isdigit() or (number != "0" and number.startswith("0")):
        raise TlogProofError("the index is a decimal number without leading zeroes")
    hashes = tuple(_b64(line) for line in rest[1:])
    if any(len(h) != 32 for h in hashes):
        raise TlogProofError("an inclusion proof hash is not 32 bytes")
    return TlogProof(int(number), hashes, checkpoint, extra)

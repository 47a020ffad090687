"""C2SP signed-note with Ed25519 keys (https://c2sp.org/signed-note).

A note is UTF-8 text ending in a newline, a blank line, then signature lines
``— <name> <base64(key ID ‖ signature)>``. The key ID is the first 4 bytes of
SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) (0x01 = Ed25519). Keys are written as

- verifier key (public):  ``<name>+<hex key ID>+<base64(0x01 ‖ public key)>``
- signer key (private):   ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>``

exactly as golang.org/x/mod/sumdb/note does, so its keys and notes are interchangeable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
SIG_PREFIX = "— "  # U+2014 EM DASH, U+0020
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A malformed key or note, or a signature that does not verify."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("not valid base64") from None


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"a key name must be non-empty, without '+' or spaces: {name!r}")
    return name


def key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class Verifier:
    name: str
    key_id: int
    public_key: bytes

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def parse_vkey(vkey: str) -> Verifier:
    """Parse ``name+hexid+base64`` and check the ID matches the key."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key has the form name+keyid+key")
    name, hex_id, material = parts
    _check_name(name)
    if len(hex_id) != 8 or hex_id != hex_id.lower():
        raise NoteError("the key ID of a verifier key is 8 lowercase hex digits")
    try:
        kid = int(hex_id, 16)
    except ValueError:
        raise NoteError("the key ID of a verifier key is not hex") from None
    raw = _b64decode(material)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("only Ed25519 verifier keys (type 0x01, 32 bytes) are supported")
    if key_id(name, raw[1:]) != kid:
        raise NoteError("the verifier key's ID does not match its name and key")
    return Verifier(name, kid, raw[1:])


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    seed: bytes

    @property
    def verifier(self) -> Verifier:
        public = _raw_public(Ed25519PrivateKey.from_private_bytes(self.seed).public_key())
        return Verifier(self.name, key_id(self.name, public), public)

    @property
    def skey(self) -> str:
        material = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id:08x}+{material}"

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def generate_signer(name: str, seed: bytes) -> Signer:
    """A signer from 32 random bytes (the caller supplies randomness: this module does no I/O)."""
    if len(seed) != 32:
        raise NoteError("an Ed25519 seed is 32 bytes")
    return Signer(_check_name(name), seed)


def parse_skey(skey: str) -> Signer:
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("a signer key has the form PRIVATE+KEY+name+keyid+key")
    name, hex_id, material = parts[2], parts[3], parts[4]
    raw = _b64decode(material)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("only Ed25519 signer keys are supported")
    signer = generate_signer(name, raw[1:])
    if f"{signer.verifier.key_id:08x}" != hex_id:
        raise NoteError("the signer key's ID does not match its key")
    return signer


def sign_note(text: str, *signers: Signer) -> str:
    """Sign ``text`` (must end in a newline) with each signer."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text must end in a newline and contain no blank line")
    message = text.encode()
    lines = []
    for signer in signers:
        kid = signer.verifier.key_id.to_bytes(4, "big")
        blob = base64.b64encode(kid + signer.sign(message)).decode()
        lines.append(f"{SIG_PREFIX}{signer.name} {blob}\n")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    key_id: int
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and signature lines (not yet verified)."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is text, a blank line and signature lines")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(SIG_PREFIX):
            raise NoteError("a signature line must start with '— '")
        name, _, blob = line[len(SIG_PREFIX) :].partition(" ")
        raw = _b64decode(blob)
        if not name or len(raw) < 5:
            raise NoteError("a signature line is '— name base64(keyid‖signature)'")
        signatures.append(Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise NoteError("a signed note needs 1 to 100 signature lines")
    return text, signatures


def open_note(note: str, *verifiers: Verifier) -> str:
    """Return the note's text if one of ``verifiers`` signed it; raise :class:`NoteError`."""
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    matching = [s for s in signatures if (s.name, s.key_id) in known]
    if not matching:
        raise NoteError("the note has no signature by a known key (wrong key or wrong shop)")
    for sig in matching:
        if known[(sig.name, sig.key_id)].verify(text.encode(), sig.signature):
            return text
    raise NoteError("the note's signature does not verify: the text or signature was changed")

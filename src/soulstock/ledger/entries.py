"""Log entries: what a shop's log records, as canonical bytes anyone can rebuild.

Encoding, version 1: an entry is a JSON object ``{"v": 1, "type": <type>, ...}`` serialised as
RFC 8785 (JCS) canonical JSON — members sorted by key, no insignificant whitespace, strings
with only the mandatory escapes, UTF-8. Values are restricted to what JCS renders without
ambiguity here: strings, integers with |n| ≤ 2^53, booleans, null, lists and objects with
ASCII keys (so sorting by UTF-16 code units equals sorting by code points). No floats.

Types and their fields (all integers are plain JSON numbers; hashes are lowercase hex):

=============  ==========================================================================
policy         product, slug, policy ("staple" | "limited" | ...), total (int | null),
               never_reissued (bool)  — the commitment made when the product is listed
mint           product, edition, of (N | null), owner (owner hash)
transfer       product, edition, from (owner hash), to (owner hash)
dedication     product, edition, hash (commitment to the owner's story)
unlock         product, goal, threshold
restock        product, quantity, story (hash of the release story)
draw_commit    product, draw, seed_hash (SHA-256 of the seed, before the window opens)
draw_reveal    product, draw, seed (hex; anyone recomputes the winners)
remix          product, sources (product ids it was composed from)
=============  ==========================================================================

Every entry may carry ``at`` (RFC 3339 UTC time of the event). Owners appear only as
``owner_hash(salt, email)``: the salt is given to the owner, so they can prove it is them,
and nobody else learns who owns what.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

VERSION = 1
MAX_SAFE_INT = 2**53
FIELDS: dict[str, tuple[str, ...]] = {
    "policy": ("product", "slug", "policy", "total", "never_reissued"),
    "mint": ("product", "edition", "of", "owner"),
    "transfer": ("product", "edition", "from", "to"),
    "dedication": ("product", "edition", "hash"),
    "unlock": ("product", "goal", "threshold"),
    "restock": ("product", "quantity", "story"),
    "draw_commit": ("product", "draw", "seed_hash"),
    "draw_reveal": ("product", "draw", "seed"),
    "remix": ("product", "sources"),
}
Entry = dict[str, Any]


class EntryError(ValueError):
    """Bytes that are not a valid, canonical version-1 entry."""


def _check_value(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise EntryError("integers in entries stay within ±2^53")
        return
    if isinstance(value, list):
        for item in value:
            _check_value(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EntryError("entry keys are ASCII strings")
            _check_value(item)
        return
    raise EntryError(f"entries hold no {type(value).__name__} values")


def canonical(value: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (within the restrictions above)."""
    _check_value(dict(value))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def make(kind: str, **fields: Any) -> bytes:
    """The canonical bytes of an entry of type ``kind``; checks its fields."""
    if kind not in FIELDS:
        raise EntryError(f"unknown entry type {kind!r}")
    at = fields.pop("at", None)
    missing = set(FIELDS[kind]) - set(fields)
    extra = set(fields) - set(FIELDS[kind])
    if missing or extra:
        raise EntryError(f"a {kind} entry has fields {FIELDS[kind]}")
    entry: Entry = {"v": VERSION, "type": kind, **fields}
    if at is not None:
        entry["at"] = at
    return canonical(entry)


def parse(data: bytes) -> Entry:
    """Decode entry bytes, checking they are canonical and of a known type and version."""
    try:
        entry = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EntryError("the entry is not UTF-8 JSON") from None
    if not isinstance(entry, dict) or entry.get("v") != VERSION:
        raise EntryError("the entry is not a version-1 object")
    kind = entry.get("type")
    if kind not in FIELDS:
        raise EntryError(f"unknown entry type {kind!r}")
    if set(entry) - {"v", "type", "at"} != set(FIELDS[kind]):
        raise EntryError(f"a {kind} entry has fields {FIELDS[kind]}")
    if canonical(entry) != data:
        raise EntryError("the entry bytes are not in canonical form")
    return entry


def _tagged_hash(tag: str, *parts: str) -> str:
    return hashlib.sha256("\n".join((tag, *parts)).encode()).hexdigest()


def owner_hash(salt: str, email: str) -> str:
    """The owner's public identity in the log: SHA-256 of a salt and their email."""
    return _tagged_hash("soulstock/owner/v1", salt, email.strip().lower())


def commitment(salt: str, text: str) -> str:
    """A hiding commitment to a text (a dedication, a story): SHA-256 of a salt and it."""
    return _tagged_hash("soulstock/commitment/v1", salt, text)


def seed_hash(seed_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()

"""C2SP tlog-tiles (https://c2sp.org/tlog-tiles): paths, tile widths, tile and bundle bytes.

A tile at level L, index N holds the hashes of Merkle nodes at tree level 8·L with indices
256·N … 256·N + W − 1, concatenated (32 bytes each). A full tile has W = 256 and its path is
``tile/<L>/<N>``; a partial tile adds ``.p/<W>``. Entry bundles (``tile/entries/<N>``) hold
the entries whose leaf hashes form the level-0 tile N, each prefixed by its length as a
big-endian uint16. N is written in groups of three digits, all but the last prefixed by
``x``: 1234067 → ``x001/x234/067``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from soulstock.ledger.merkle import Node

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_ENTRY = 0xFFFF


class TileError(ValueError):
    """A malformed tile path or bundle."""


def encode_index(n: int) -> str:
    if n < 0:
        raise TileError("a tile index is not negative")
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def decode_index(parts: list[str]) -> int:
    if not parts or not all(len(p) == 4 and p[0] == "x" for p in parts[:-1]):
        raise TileError("bad tile index")
    groups = [p[1:] for p in parts[:-1]] + [parts[-1]]
    if not all(len(g) == 3 and g.isdigit() for g in groups):
        raise TileError("bad tile index")
    if len(groups) > 1 and groups[0] == "000":
        raise TileError("a tile index has no leading zero group")
    return int("".join(groups))


@dataclass(frozen=True, slots=True)
class TileRef:
    level: int | None  # None for an entry bundle
    index: int
    width: int  # TILE_WIDTH for a full tile

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        kind = "entries" if self.level is None else str(self.level)
        suffix = f".p/{self.width}" if self.partial else ""
        return f"tile/{kind}/{encode_index(self.index)}{suffix}"

    def nodes(self) -> list[Node]:
        level = 0 if self.level is None else self.level * TILE_HEIGHT
        start = self.index * TILE_WIDTH
        return [(level, start + i) for i in range(self.width)]


def parse_tile_path(path: str) -> TileRef:
    """Parse ``tile/<L or entries>/<N>[.p/<W>]`` (with or without the leading ``tile/``)."""
    parts = path.strip("/").split("/")
    if parts and parts[0] == "tile":
        parts = parts[1:]
    if len(parts) < 2:
        raise TileError("a tile path is tile/<L>/<N>[.p/<W>]")
    kind, rest = parts[0], parts[1:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not w.isdigit() or w.startswith("0") or not 1 <= int(w) < TILE_WIDTH:
            raise TileError("a partial tile width is 1 to 255")
        width, rest = int(w), [*rest[:-2], rest[-2][:-2]]
    if kind == "entries":
        level: int | None = None
    elif kind.isdigit() and len(kind) <= 2 and (kind == "0" or not kind.startswith("0")):
        level = int(kind)
    else:
        raise TileError("a tile level is a small number or 'entries'")
    return TileRef(level, decode_index(rest), width)


def available_width(ref: TileRef, size: int) -> int:
    """How many hashes of this tile a tree of ``size`` has (0 to 256)."""
    level = 0 if ref.level is None else ref.level * TILE_HEIGHT
    count = size >> level
    return max(0, min(TILE_WIDTH, count - ref.index * TILE_WIDTH))


def tiles_for(size: int) -> list[TileRef]:
    """Every hash tile a tree of ``size`` publishes (full ones, and the partial edge)."""
    refs: list[TileRef] = []
    level = 0
    while (count := size >> (level * TILE_HEIGHT)) > 0:
        for index in range((count + TILE_WIDTH - 1) // TILE_WIDTH):
            width = min(TILE_WIDTH, count - index * TILE_WIDTH)
            refs.append(TileRef(level, index, width))
        level += 1
    return refs


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise TileError("an entry is longer than 65535 bytes")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes) -> list[bytes]:
    entries, i = [], 0
    while i < len(data):
        if i + 2 > len(data):
            raise TileError("an entry bundle ends inside a length prefix")
        n = int.from_bytes(data[i : i + 2], "big")
        if i + 2 + n > len(data):
            raise TileError("an entry bundle ends inside an entry")
        entries.append(data[i + 2 : i + 2 + n])
        i += 2 + n
    return entries

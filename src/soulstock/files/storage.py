"""Blobs are stored once per sha256; uploads are size-limited and type-checked by content."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from soulstock.domain.errors import NotFound, PayloadTooLarge, UnsupportedMediaType

CHUNK = 1024 * 1024

# Sniffed from the first bytes, never trusted from the client's Content-Type.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF8", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),  # also .pptx, .docx, .sketch, .fig exports
    (b"\x00\x01\x00\x00", 0, "font/ttf"),
    (b"OTTO", 0, "font/otf"),
    (b"wOFF", 0, "font/woff"),
    (b"wOF2", 0, "font/woff2"),
)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def sniff_type(head: bytes) -> str:
    """The content type of a file from its first bytes, or UnsupportedMediaType."""
    for magic, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head.lstrip().startswith(b"<svg") or b"<svg" in head[:256]:
        raise UnsupportedMediaType("SVG files can carry scripts; upload a PNG or zip it")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedMediaType(
            "this file type is not accepted; upload images, PDF, zip (incl. pptx), fonts "
            "or UTF-8 text"
        ) from None
    return "text/plain"


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int
    content_type: str


class FileStorage(Protocol):
    def save(
        self, stream: BinaryIO, *, max_bytes: int, allowed: frozenset[str] | None = None
    ) -> StoredBlob: ...

    def path_of(self, sha256: str) -> Path: ...


class LocalDiskStorage:
    """Files under ``root/ab/cd/<sha256>``; written to a temp file, then renamed atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(
        self, stream: BinaryIO, *, max_bytes: int, allowed: frozenset[str] | None = None
    ) -> StoredBlob:
        """Store the stream unless it is too large, empty, or not of an ``allowed`` type;
        a refused upload leaves nothing behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(f"file is larger than {max_bytes // 1024} KiB")
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise UnsupportedMediaType("the file is empty")
            content_type = sniff_type(head)
            if allowed is not None and content_type not in allowed:
                raise UnsupportedMediaType(f"{content_type} is not accepted here")
            sha = digest.hexdigest()
            target = self.path_of(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return StoredBlob(sha256=sha, size=size, content_type=content_type)

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound("no such file")
        return self.root / sha256[:2] / sha256[2:4] / sha256

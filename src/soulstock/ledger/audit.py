"""Auditing a stored log: recompute the tree from its entries and check every checkpoint.

Inputs are what the database holds: the entries by index, the leaf hashes the log recorded
when it appended them (``log_nodes`` level 0), the log's size counter, and the signed
checkpoints. Findings name the kind of tampering and the index:

- ``dropped``: an index is missing from the entries;
- ``edited``: an entry no longer hashes to the leaf recorded at its index;
- ``inserted``: an entry appears where entries were shifted up by one;
- ``reordered``: an entry hashes to the leaf recorded at another index;
- ``checkpoint``: a signed checkpoint's root differs from the recomputed tree of its size
  (or its signature fails), which catches rewrites that also changed the recorded hashes;
- ``rollback``: a signed checkpoint covers more entries than the log now has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from soulstock.ledger.checkpoint import open_checkpoint
from soulstock.ledger.merkle import MemoryTree, leaf_hash
from soulstock.ledger.note import NoteError, Verifier


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    index: int
    detail: str


def audit(
    entries: Sequence[tuple[int, bytes]],
    *,
    recorded: Mapping[int, bytes],
    checkpoints: Sequence[str],
    verifiers: Sequence[Verifier],
    origin: str,
) -> list[Finding]:
    """All findings, in index order; an empty list means the log is intact."""
    findings: list[Finding] = []
    by_leaf = {h: i for i, h in recorded.items()}
    indices = [i for i, _ in entries]
    expected = 0
    for index in indices:
        while expected < index:
            findings.append(Finding("dropped", expected, "no entry at this index"))
            expected += 1
        expected = index + 1
    for position, (index, data) in enumerate(entries):
        h = leaf_hash(data)
        if recorded.get(index) == h:
            continue
        if position + 1 < len(entries) and leaf_hash(entries[position + 1][1]) == recorded.get(
            index
        ):
            findings.append(Finding("inserted", index, "an entry was inserted here"))
        elif h in by_leaf and by_leaf[h] != index:
            findings.append(Finding("reordered", index, f"this entry belongs at {by_leaf[h]}"))
        elif index in recorded:
            findings.append(Finding("edited", index, "the entry does not match its leaf"))
    tree = MemoryTree()
    for _, data in entries:
        tree.append(data)
    for note in checkpoints:
        try:
            cp = open_checkpoint(note, *verifiers, origin=origin)
        except NoteError as exc:
            findings.append(Finding("checkpoint", 0, f"a checkpoint does not verify: {exc}"))
            continue
        if cp.size > tree.size:
            findings.append(
                Finding("rollback", tree.size, f"checkpoint of size {cp.size} > {tree.size}")
            )
        elif tree.root(cp.size) != cp.root:
            findings.append(
                Finding("checkpoint", cp.size - 1, f"the tree of size {cp.size} differs")
            )
    return sorted(findings, key=lambda f: f.index)

"""RFC 9162 §2.1 Merkle trees: hashes, roots, inclusion and consistency proofs.

Leaves hash as SHA-256(0x00 ‖ entry), interior nodes as SHA-256(0x01 ‖ left ‖ right).

Proofs are made from *perfect* subtree hashes: the node at ``(level, index)`` covers leaves
``[index·2^level, (index+1)·2^level)``. Every subtree the RFC's PATH and SUBPROOF algorithms
name is either perfect or a right-edge subtree, which is the right fold of at most log n
perfect ones. So a proof is first *planned* as lists of node coordinates (pure arithmetic,
O(log n) nodes, O(log² n) in the worst case), then *assembled* from any lookup of stored
nodes — a dict, the in-memory :class:`MemoryTree`, or one database query. Nothing rehashes
the leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
Node = tuple[int, int]  # (level, index) of a perfect subtree
Plan = list[list[Node]]  # each proof hash is the right fold of these nodes


class ProofError(ValueError):
    """A proof does not verify, or its arguments are impossible."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _largest_power_below(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def decompose(start: int, end: int) -> list[Node]:
    """The perfect subtrees, left to right, whose right fold is MTH(D[start:end])."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """Right fold of subtree hashes: H(h0, H(h1, ... H(hn-2, hn-1)))."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def root_plan(size: int) -> list[Node]:
    return decompose(0, size)


def inclusion_plan(index: int, size: int) -> Plan:
    """RFC 9162 §2.1.3.1 PATH(m, D[0:n]) as node coordinates, leaf's sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    plan: Plan = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _largest_power_below(end - start)
        if m < k:
            plan.append(decompose(start + k, end))
            end = start + k
        else:
            plan.append(decompose(start, start + k))
            start, m = start + k, m - k
    plan.reverse()
    return plan


def consistency_plan(old: int, new: int) -> Plan:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[0:n], true) as node coordinates."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to {new}")
    if old == 0 or old == new:
        return []
    plan: Plan = []
    start, end, m, complete = 0, new, old, True
    while True:
        if m == end - start:
            if not complete:
                plan.append(decompose(start, end))
            break
        k = _largest_power_below(end - start)
        if m <= k:
            plan.append(decompose(start + k, end))
            end = start + k
        else:
            plan.append(decompose(start, start + k))
            start, m, complete = start + k, m - k, False
    plan.reverse()
    return plan


Lookup = Callable[[Node], bytes]


def needed(plan: Iterable[Iterable[Node]]) -> set[Node]:
    return {node for step in plan for node in step}


def assemble(plan: Plan, lookup: Lookup | Mapping[Node, bytes]) -> list[bytes]:
    get = lookup.__getitem__ if isinstance(lookup, Mapping) else lookup
    return [fold([get(node) for node in step]) for step in plan]


def root_from(size: int, lookup: Lookup | Mapping[Node, bytes]) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return assemble([root_plan(size)], lookup)[0]


class MemoryTree:
    """An append-only tree that keeps every perfect subtree hash (about 2n hashes)."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, entry: bytes) -> int:
        """Add an entry; returns its index."""
        return self.append_hash(leaf_hash(entry))

    def append_hash(self, leaf: bytes) -> int:
        index = len(self.levels[0])
        self.levels[0].append(leaf)
        level, i, h = 0, index, leaf
        while i & 1:
            h = node_hash(self.levels[level][i - 1], h)
            level, i = level + 1, i >> 1
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(h)
        return index

    def node(self, node: Node) -> bytes:
        level, index = node
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return root_from(self.size if size is None else size, self.node)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return assemble(inclusion_plan(index, self.size if size is None else size), self.node)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        return assemble(consistency_plan(old, self.size if new is None else new), self.node)


def new_nodes(index: int, leaf: bytes, lookup: Lookup) -> list[tuple[Node, bytes]]:
    """The perfect-subtree nodes that appending ``leaf`` at ``index`` completes (itself first);
    ``lookup`` must give the left siblings, which are all earlier nodes."""
    out: list[tuple[Node, bytes]] = [((0, index), leaf)]
    level, i, h = 0, index, leaf
    while i & 1:
        h = node_hash(lookup((level, i - 1)), h)
        level, i = level + 1, i >> 1
        out.append(((level, i), h))
    return out


def _check_hashes(proof: Sequence[bytes]) -> None:
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("a proof hash is not 32 bytes")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that ``proof`` binds ``leaf`` at ``index`` to."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hashes([*proof, leaf])
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows ``leaf`` at ``index`` under ``root``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError("the inclusion proof does not lead to the root hash")


def verify_consistency(
    old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise :class:`ProofError` unless the tree of size ``old`` with
    ``old_root`` is a prefix of the tree of size ``new`` with ``new_root``."""
    if not 0 <= old <= new:
        raise ProofError(f"size {old} is larger than size {new}")
    _check_hashes(proof)
    if old == new:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("the two tree heads of equal size have different roots")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")

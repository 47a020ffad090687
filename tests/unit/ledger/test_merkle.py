"""RFC 9162 Merkle trees on published vectors, plus property tests.

Vectors: transparency-dev/merkle, proof/verify_test.go (commit 02194e9a) — the RFC 6962
reference leaves, the root of every size 1..8, and its inclusion and consistency proofs
(there written with 1-based leaf numbers; here 0-based indices).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soulstock.ledger import merkle as m


def h(text: str) -> bytes:
    return bytes.fromhex(text)


LEAVES = [
    h(x)
    for x in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    h(x)
    for x in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
INCLUSION = [  # (index, size, proof) from transparency-dev/merkle inclusionProofs
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (size1, size2, proof) from transparency-dev/merkle consistencyProofs
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


@pytest.fixture
def tree() -> m.MemoryTree:
    t = m.MemoryTree()
    for leaf in LEAVES:
        t.append(leaf)
    return t


def test_roots_match_the_reference_for_every_size(tree: m.MemoryTree) -> None:
    assert tree.root(0) == hashlib.sha256(b"").digest()  # RFC 9162 §2.1.1: MTH({})
    for size in range(1, 9):
        assert tree.root(size) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_vectors(tree: m.MemoryTree, index: int, size: int, proof: list[str]) -> None:
    expected = [h(p) for p in proof]
    assert tree.inclusion_proof(index, size) == expected
    m.verify_inclusion(index, size, m.leaf_hash(LEAVES[index]), expected, ROOTS[size - 1])
    for wrong_index in {index - 1, index + 1, index ^ 2} - {index}:
        with pytest.raises(m.ProofError):
            m.verify_inclusion(
                wrong_index, size, m.leaf_hash(LEAVES[index]), expected, ROOTS[size - 1]
            )
    with pytest.raises(m.ProofError):
        m.verify_inclusion(
            index, size, m.leaf_hash(LEAVES[index]), [*expected, ROOTS[0]], ROOTS[size - 1]
        )


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_vectors(tree: m.MemoryTree, old: int, new: int, proof: list[str]) -> None:
    expected = [h(p) for p in proof]
    assert tree.consistency_proof(old, new) == expected
    m.verify_consistency(old, new, expected, ROOTS[old - 1], ROOTS[new - 1])
    if expected:
        with pytest.raises(m.ProofError):
            m.verify_consistency(old, new, expected, ROOTS[new - 1], ROOTS[old - 1])
        with pytest.raises(m.ProofError):
            m.verify_consistency(old, new, expected[:-1], ROOTS[old - 1], ROOTS[new - 1])


def test_edge_cases_from_transparency_dev() -> None:
    empty = hashlib.sha256(b"").digest()
    m.verify_consistency(0, 0, [], empty, empty)
    m.verify_consistency(0, 1, [], b"x" * 32, b"y" * 32)
    for old, new, proof in [(1, 0, []), (2, 1, []), (1, 2, []), (0, 1, [empty]), (1, 1, [empty])]:
        with pytest.raises(m.ProofError):
            m.verify_consistency(old, new, proof, empty, empty)
    for index, size in [(0, 0), (1, 0), (2, 1)]:
        with pytest.raises(m.ProofError):
            m.verify_inclusion(index, size, empty, [], empty)


def _mth(data: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, straight from the definition (the test's oracle)."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return m.leaf_hash(data[0])
    k = 1 << ((len(data) - 1).bit_length() - 1)
    return m.node_hash(_mth(data[:k]), _mth(data[k:]))


entries_st = st.lists(st.binary(min_size=0, max_size=8), min_size=1, max_size=70)


@settings(max_examples=60, deadline=None)
@given(data=entries_st, picks=st.data())
def test_every_proof_verifies_and_any_changed_byte_fails(
    data: list[bytes], picks: st.DataObject
) -> None:
    t = m.MemoryTree()
    for entry in data:
        t.append(entry)
    new = picks.draw(st.integers(1, len(data)))
    old = picks.draw(st.integers(1, new))
    index = picks.draw(st.integers(0, new - 1))
    assert t.root(new) == _mth(data[:new])
    proof = t.inclusion_proof(index, new)
    root = t.root(new)
    m.verify_inclusion(index, new, m.leaf_hash(data[index]), proof, root)
    cproof = t.consistency_proof(old, new)
    m.verify_consistency(old, new, cproof, t.root(old), root)

    def flip(b: bytes, at: int) -> bytes:
        return b[:at] + bytes([b[at] ^ 1]) + b[at + 1 :]

    changed_entry = data[index] + b"!" if not data[index] else flip(data[index], 0)
    with pytest.raises(m.ProofError):
        m.verify_inclusion(index, new, m.leaf_hash(changed_entry), proof, root)
    byte = picks.draw(st.integers(0, 31))
    with pytest.raises(m.ProofError):
        m.verify_inclusion(index, new, m.leaf_hash(data[index]), proof, flip(root, byte))
    if proof:
        i = picks.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:i], flip(proof[i], byte), *proof[i + 1 :]]
        with pytest.raises(m.ProofError):
            m.verify_inclusion(index, new, m.leaf_hash(data[index]), bad, root)
    if cproof:
        i = picks.draw(st.integers(0, len(cproof) - 1))
        bad = [*cproof[:i], flip(cproof[i], byte), *cproof[i + 1 :]]
        with pytest.raises(m.ProofError):
            m.verify_consistency(old, new, bad, t.root(old), root)
        with pytest.raises(m.ProofError):
            m.verify_consistency(old, new, cproof, flip(t.root(old), byte), root)


def test_proofs_read_only_log_n_nodes() -> None:
    """Proof plans name O(log n) nodes (at most log² n for right-edge subtrees)."""
    for size in (10**3, 10**6, 2**40 + 12345):
        depth = size.bit_length()
        assert len(m.needed(m.inclusion_plan(size // 3, size))) <= depth * depth
        assert len(m.needed(m.consistency_plan(size // 3, size))) <= depth * depth
        assert len(m.needed(m.inclusion_plan(0, size))) <= 2 * depth


def test_new_nodes_match_a_memory_tree() -> None:
    t = m.MemoryTree()
    stored: dict[m.Node, bytes] = {}
    for i in range(37):
        for node, value in m.new_nodes(i, m.leaf_hash(bytes([i])), stored.__getitem__):
            stored[node] = value
        t.append(bytes([i]))
    assert m.root_from(37, stored) == t.root()

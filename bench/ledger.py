"""Ledger bench: appends/s (batched) and proof/verify times at 10^3 … 10^6 leaves.

Runs the pure ledger (``soulstock.ledger``) in memory: one tree grown to 10^6 entries in
batches; at each power of ten it times an inclusion proof and a consistency proof (built
from the stored perfect-subtree hashes, as the database does) and their verification,
averaged over random indices. Proof sizes and times must grow like log n. ~30 s in all.

    .venv/bin/python bench/ledger.py [--max-exp 6] [--samples 300]
"""

from __future__ import annotations

import argparse
import random
import time

from soulstock.ledger import entries
from soulstock.ledger.merkle import MemoryTree, leaf_hash, verify_consistency, verify_inclusion

BATCH = 1000


def _mean_us(fn, samples: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(samples):
        fn()
    return (time.perf_counter() - start) / samples * 1e6


def _measure(
    tree: MemoryTree, data: list[bytes], rng: random.Random, samples: int
) -> tuple[int, float, float, float, float, float]:
    """Mean µs to make and to verify inclusion and consistency proofs at the tree's size."""
    n, root = tree.size, tree.root()
    picks = [rng.randrange(n) for _ in range(samples)]
    olds = [rng.randrange(1, n) for _ in range(samples)]
    it, ot = iter(picks), iter(olds)
    inc_us = _mean_us(lambda: tree.inclusion_proof(next(it)), samples)
    con_us = _mean_us(lambda: tree.consistency_proof(next(ot)), samples)
    proofs = iter([(i, tree.inclusion_proof(i)) for i in picks])
    cons = iter([(m, tree.consistency_proof(m), tree.root(m)) for m in olds])

    def check_inclusion() -> None:
        i, p = next(proofs)
        verify_inclusion(i, n, leaf_hash(data[i]), p, root)

    def check_consistency() -> None:
        m, p, old_root = next(cons)
        verify_consistency(m, n, p, old_root, root)

    vin_us = _mean_us(check_inclusion, samples)
    vco_us = _mean_us(check_consistency, samples)
    hashes = sum(len(tree.inclusion_proof(i)) for i in picks) / samples
    return n, hashes, inc_us, vin_us, con_us, vco_us


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-exp", type=int, default=6)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(5)
    tree = MemoryTree()
    data: list[bytes] = []
    append_s = 0.0
    rows = []
    for exp in range(3, args.max_exp + 1):
        target = 10**exp
        while tree.size < target:
            batch = [
                entries.make("mint", product=1, edition=i + 1, of=None, owner=f"{i:064x}")
                for i in range(tree.size, min(target, tree.size + BATCH))
            ]
            start = time.perf_counter()
            for entry in batch:  # a batch is what one checkout transaction appends
                tree.append(entry)
            append_s += time.perf_counter() - start
            data.extend(batch)
        rows.append(_measure(tree, data, rng, args.samples))
    print(
        f"appends: {tree.size:,} in {append_s:.2f} s = {tree.size / append_s:,.0f}/s "
        f"(batches of {BATCH}, leaf + node hashing, in memory)"
    )
    print(
        f"{'leaves':>10} {'log2 n':>6} {'incl hashes':>11} {'incl make µs':>12} "
        f"{'incl verify µs':>14} {'cons make µs':>12} {'cons verify µs':>14}"
    )
    for n, hashes, inc, vin, con, vco in rows:
        print(
            f"{n:>10,} {n.bit_length() - 1:>6} {hashes:>11.1f} {inc:>12.1f} {vin:>14.1f} "
            f"{con:>12.1f} {vco:>14.1f}"
        )


if __name__ == "__main__":
    main()

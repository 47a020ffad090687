"""Checking a limited product from the log alone: never more than N mints.

A verifier fetches the log's entries (the entry bundles of ``tile/entries``), checks that
their Merkle root equals a signed checkpoint's (so they are the whole log up to that size),
and runs :func:`check_limits`: for each product whose ``policy`` entry commits to a total N,
the mints must name distinct editions within 1…N, all after the commitment, and no later
policy entry may change N. Because the log is append-only and every later checkpoint is
consistent with this one, the result holds for the log's whole future too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soulstock.ledger.entries import parse


@dataclass(frozen=True, slots=True)
class LimitProblem:
    index: int
    product: int
    reason: str


def check_limits(entries: Sequence[bytes]) -> list[LimitProblem]:
    totals: dict[int, int | None] = {}
    seen: dict[int, set[int]] = {}
    problems: list[LimitProblem] = []
    for index, data in enumerate(entries):
        entry = parse(data)
        product = int(entry["product"])
        if entry["type"] == "policy":
            if product in totals and totals[product] != entry["total"]:
                problems.append(LimitProblem(index, product, "the committed total was changed"))
                continue
            totals.setdefault(product, entry["total"])
        elif entry["type"] == "mint":
            total = totals.get(product)
            number = int(entry["edition"])
            editions = seen.setdefault(product, set())
            if product not in totals:
                problems.append(LimitProblem(index, product, "a mint before the commitment"))
            elif total is not None and not 1 <= number <= total:
                problems.append(LimitProblem(index, product, f"edition {number} exceeds {total}"))
            elif number in editions:
                problems.append(LimitProblem(index, product, f"edition {number} minted twice"))
            elif total is not None and entry["of"] != total:
                problems.append(LimitProblem(index, product, "a mint states another total"))
            editions.add(number)
    return problems

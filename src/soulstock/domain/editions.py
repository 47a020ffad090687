"""Editions: every paid unit becomes a numbered copy, #1, #2, ... in the order of payment."""

from __future__ import annotations


def edition_numbers(*, minted_after: int, quantity: int) -> range:
    """The numbers of ``quantity`` new editions when the product's counter now reads
    ``minted_after`` (the counter already includes them): gapless by construction."""
    if quantity < 1 or minted_after < quantity:
        raise ValueError("the counter must already include the new editions")
    return range(minted_after - quantity + 1, minted_after + 1)


def edition_label(number: int, total: int | None) -> str:
    """'#12 / 50' for a limited product, '#12' when there is no cap."""
    return f"#{number} / {total}" if total is not None else f"#{number}"

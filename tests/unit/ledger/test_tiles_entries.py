"""tlog-tiles paths and bundles (examples from C2SP tlog-tiles.md), canonical entries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soulstock.ledger import entries, tiles
from soulstock.ledger.limits import check_limits


def test_index_encoding_example_from_the_spec() -> None:
    assert tiles.encode_index(1234067) == "x001/x234/067"
    assert tiles.encode_index(0) == "000"
    assert tiles.TileRef(0, 1234067, 256).path == "tile/0/x001/x234/067"
    assert tiles.TileRef(None, 5, 17).path == "tile/entries/005.p/17"


@given(st.integers(0, 10**12), st.integers(1, 256), st.sampled_from([None, 0, 1, 2]))
def test_paths_round_trip(index: int, width: int, level: int | None) -> None:
    ref = tiles.TileRef(level, index, width)
    assert tiles.parse_tile_path(ref.path) == ref


@pytest.mark.parametrize(
    "path", ["tile/0/1", "tile/0/x000/001", "tile/0/001.p/0", "tile/0/001.p/256", "tile/a/001"]
)
def test_bad_paths(path: str) -> None:
    with pytest.raises(tiles.TileError):
        tiles.parse_tile_path(path)


def test_widths_and_tile_listing() -> None:
    size = 256 * 256 + 300
    refs = tiles.tiles_for(size)
    assert tiles.TileRef(0, 257, 44) in refs and tiles.TileRef(1, 1, 1) in refs
    assert tiles.TileRef(2, 0, 1) in refs
    assert tiles.available_width(tiles.TileRef(0, 257, 256), size) == 44
    assert tiles.TileRef(1, 0, 256).nodes()[3] == (8, 3)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_bundles_round_trip(items: list[bytes]) -> None:
    assert tiles.decode_bundle(tiles.encode_bundle(items)) == items


def test_truncated_bundle_fails() -> None:
    with pytest.raises(tiles.TileError):
        tiles.decode_bundle(tiles.encode_bundle([b"abc"])[:-1])


def test_entries_are_canonical_json() -> None:
    data = entries.make("mint", product=3, edition=12, of=50, owner="ab", at="2026-01-01T00:00:00Z")
    assert data == (
        b'{"at":"2026-01-01T00:00:00Z","edition":12,"of":50,"owner":"ab",'
        b'"product":3,"type":"mint","v":1}'
    )
    assert entries.parse(data)["edition"] == 12
    # RFC 8785 §3.2.2.2: only mandatory escapes, non-ASCII kept as UTF-8.
    assert entries.canonical({"s": "é\n\u0001"}) == '{"s":"é\\n\\u0001"}'.encode()
    with pytest.raises(entries.EntryError):
        entries.parse(data.replace(b'"v":1', b'"v": 1'))
    with pytest.raises(entries.EntryError):
        entries.make("mint", product=1)
    with pytest.raises(entries.EntryError):
        entries.canonical({"x": 1.5})


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (
            "policy",
            {"product": 1, "slug": "p", "policy": "limited", "total": 5, "never_reissued": True},
        ),
        ("transfer", {"product": 1, "edition": 1, "from": "a", "to": "b"}),
        ("dedication", {"product": 1, "edition": 1, "hash": "c"}),
        ("unlock", {"product": 1, "goal": "bonus", "threshold": 100}),
        ("restock", {"product": 1, "quantity": 30, "story": "d"}),
        ("draw_commit", {"product": 1, "draw": 2, "seed_hash": entries.seed_hash("00ff")}),
        ("draw_reveal", {"product": 1, "draw": 2, "seed": "00ff"}),
        ("remix", {"product": 3, "sources": [1, 2]}),
    ],
)
def test_every_entry_type_round_trips(kind: str, fields: dict[str, object]) -> None:
    assert entries.parse(entries.make(kind, **fields)) == {"v": 1, "type": kind, **fields}


def test_owner_hash_hides_the_email_and_is_reproducible() -> None:
    a = entries.owner_hash("salt", "Ann@Example.com ")
    assert a == entries.owner_hash("salt", "ann@example.com")
    assert a != entries.owner_hash("other", "ann@example.com") and "ann" not in a


def _policy(product: int, total: int | None) -> bytes:
    return entries.make(
        "policy", product=product, slug="p", policy="limited", total=total, never_reissued=True
    )


def _mint(product: int, edition: int, of: int | None = 2) -> bytes:
    return entries.make("mint", product=product, edition=edition, of=of, owner="o")


def test_limits_from_the_log_alone() -> None:
    good = [_policy(1, 2), _mint(1, 1), _mint(1, 2)]
    assert check_limits(good) == []
    over = check_limits([*good, _mint(1, 3)])
    assert [(p.index, p.reason) for p in over] == [(3, "edition 3 exceeds 2")]
    assert check_limits([*good, _mint(1, 2)])[0].index == 3
    assert check_limits([_mint(1, 1)])[0].reason == "a mint before the commitment"
    assert check_limits([*good, _policy(1, 5)])[0].reason == "the committed total was changed"

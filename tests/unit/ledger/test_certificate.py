"""Certificates: a full offline check, and the exact reason when any part is wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest

from soulstock.ledger import certificate as c
from soulstock.ledger import entries
from soulstock.ledger.checkpoint import Checkpoint
from soulstock.ledger.merkle import MemoryTree
from soulstock.ledger.note import generate_signer
from soulstock.ledger.proof import TlogProof, parse_tlog_proof

ORIGIN = "shop.example/log/demo"
SIGNER = generate_signer(ORIGIN, bytes(range(32)))
OTHER = generate_signer(ORIGIN, bytes(32))


def _certificate(*, transfers: int = 1) -> dict[str, Any]:
    tree = MemoryTree()
    tree.append(
        entries.make("policy", product=7, slug="p", policy="limited", total=50, never_reissued=True)
    )
    owners = [entries.owner_hash(f"s{i}", f"o{i}@example.com") for i in range(transfers + 1)]
    chain = [(tree.size, entries.make("mint", product=7, edition=3, of=50, owner=owners[0]))]
    tree.append(chain[0][1])
    tree.append(entries.make("mint", product=7, edition=4, of=50, owner="x"))
    for i in range(transfers):
        data = entries.make(
            "transfer", product=7, edition=3, **{"from": owners[i], "to": owners[i + 1]}
        )
        chain.append((tree.size, data))
        tree.append(data)
    note = Checkpoint(ORIGIN, tree.size, tree.root()).sign(SIGNER)
    records = [
        c.record(data, TlogProof(index, tuple(tree.inclusion_proof(index)), note).text())
        for index, data in chain
    ]
    return {
        "format": c.FORMAT,
        "origin": ORIGIN,
        "shop": "demo",
        "product": {"id": 7, "title": "Icons"},
        "edition": 3,
        "of": 50,
        "owner": {"hash": owners[-1], "salt": f"s{transfers}"},
        "status": "final",
        "records": records,
    }


def test_a_good_certificate_verifies() -> None:
    verified = c.verify(_certificate(), SIGNER.verifier)
    assert (verified.edition, verified.of, verified.checkpoint_size) == (3, 50, 4)
    proof = parse_tlog_proof(_certificate()["records"][0]["proof"])
    assert proof.index == 1 and proof.checkpoint.startswith(ORIGIN + "\n4\n")


def _mutate(cert: dict[str, Any], how: str) -> dict[str, Any]:
    cert = json.loads(json.dumps(cert))
    rec = cert["records"][0]
    if how == "edition":
        cert["edition"] = 4
    elif how == "owner":
        cert["owner"]["hash"] = "0" * 64
    elif how == "entry":
        rec["entry"] = rec["entry"][:-4] + "AAAA"
    elif how == "proof_hash":
        lines = rec["proof"].split("\n")
        lines[2] = ("B" if lines[2][0] != "B" else "C") + lines[2][1:]
        rec["proof"] = "\n".join(lines)
    elif how == "index":
        rec["proof"] = rec["proof"].replace("index 1\n", "index 2\n")
    elif how == "root":
        head, _, rest = rec["proof"].partition(ORIGIN + "\n4\n")
        rec["proof"] = head + ORIGIN + "\n4\n" + ("Z" if rest[0] != "Z" else "Y") + rest[1:]
    elif how == "signature":
        rec["proof"] = (
            rec["proof"][:-6] + ("A" if rec["proof"][-6] != "A" else "B") + rec["proof"][-5:]
        )
    elif how == "pending":
        rec["proof"] = None
    elif how == "chain":
        del cert["records"][0]
    elif how == "format":
        cert["format"] = "x"
    return cert


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("edition", "mismatch"),
        ("owner", "owner"),
        ("entry", "entry"),
        ("proof_hash", "inclusion"),
        ("index", "inclusion"),
        ("root", "signature"),
        ("signature", "signature"),
        ("pending", "pending"),
        ("chain", "chain"),
        ("format", "format"),
    ],
)
def test_each_kind_of_damage_names_its_reason(how: str, reason: str) -> None:
    with pytest.raises(c.CertificateError) as info:
        c.verify(_mutate(_certificate(), how), SIGNER.verifier)
    assert info.value.reason == reason


def test_another_shops_key_fails_on_the_signature() -> None:
    with pytest.raises(c.CertificateError) as info:
        c.verify(_certificate(), OTHER.verifier)
    assert info.value.reason == "signature"

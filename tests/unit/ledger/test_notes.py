"""Signed notes and checkpoints.

Vectors: golang.org/x/mod/sumdb/note, note_test.go / example_test.go — the PeterNeumann
signer and verifier keys and the signed note of "If you think cryptography is the answer to
your problem, ...". Ed25519 is deterministic (RFC 8032), so signing must reproduce it exactly.
"""

from __future__ import annotations

import pytest

from soulstock.ledger import note
from soulstock.ledger.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint

VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
    + "KvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"  # same source


def test_keys_round_trip_and_ids_match() -> None:
    signer = note.parse_skey(SKEY)
    assert signer.skey == SKEY
    assert signer.verifier.vkey == VKEY
    assert note.parse_vkey(VKEY) == signer.verifier
    assert note.parse_vkey(ENOCH).key_id == 0xAF0CFE78


def test_signing_reproduces_the_go_reference_note() -> None:
    assert note.sign_note(TEXT, note.parse_skey(SKEY)) == SIGNED
    assert note.open_note(SIGNED, note.parse_vkey(VKEY)) == TEXT


@pytest.mark.parametrize(
    "bad",
    [
        SIGNED.replace("cryptography", "cryptographY"),  # text edited
        SIGNED.replace("x08go", "x08gp"),  # signature edited
        SIGNED.replace("— PeterNeumann", "— PeterNeuman"),  # another signer name
        SIGNED.replace("\n\n", "\n"),  # no blank line
    ],
)
def test_any_change_fails(bad: str) -> None:
    with pytest.raises(note.NoteError):
        note.open_note(bad, note.parse_vkey(VKEY))


def test_unknown_key_fails() -> None:
    with pytest.raises(note.NoteError, match="known key"):
        note.open_note(SIGNED, note.parse_vkey(ENOCH))


@pytest.mark.parametrize(
    "vkey",
    [VKEY[:-1], VKEY.replace("c74f20a3", "c74f20a4"), VKEY.replace("+AR", "+Ah"), "a+b", ""],
)
def test_mangled_vkeys_are_refused(vkey: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_vkey(vkey)


def test_checkpoint_text_round_trips_and_verifies() -> None:
    signer = note.generate_signer("example.com/log", bytes(range(32)))
    cp = Checkpoint("example.com/log", 7, bytes(32), ("ext line",))
    assert cp.text() == "example.com/log\n7\n" + "A" * 43 + "=\next line\n"
    assert parse_checkpoint(cp.text()) == cp
    signed = cp.sign(signer)
    assert open_checkpoint(signed, signer.verifier, origin="example.com/log") == cp
    with pytest.raises(note.NoteError, match="is for log"):
        open_checkpoint(signed, signer.verifier, origin="other")
    with pytest.raises(note.NoteError):
        open_checkpoint(signed.replace("\n7\n", "\n8\n"), signer.verifier)


@pytest.mark.parametrize(
    "text", ["o\n07\nAAAA\n", "o\n1\n", "o\n1\n!!\n", "\n1\n" + "A" * 43 + "=\n"]
)
def test_malformed_checkpoints(text: str) -> None:
    with pytest.raises(note.NoteError):
        parse_checkpoint(text)

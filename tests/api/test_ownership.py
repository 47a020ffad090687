"""Ownership through HTTP: transfer rules, gifts that move access, dedications, payload pools
and the edition zip."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from soulstock.domain.orders import PaymentOutcome
from soulstock.ledger import certificate, entries
from soulstock.services import ownership, payments
from soulstock.store.models import LogEntry
from tests.api.helpers import limited_product_json, login, signup


def _shop_with_product(client: Any, slug: str, *, total: int = 5) -> dict[str, Any]:
    signup(client, f"{slug}-seller@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": slug, "name": slug}).status_code == 201
    r = client.post(f"/api/v1/shops/{slug}/products", json=limited_product_json(total=total))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _buy(client: Any, ctx: Any, *, product_id: int, email: str, new: bool = True) -> int:
    """Sign up (or in) as ``email``, buy one copy, pay; returns the new edition's id."""
    if new:
        signup(client, email)
    else:
        login(client, email)
    r = client.post(f"/api/v1/products/{product_id}/reservations", json={})
    assert r.status_code == 201, r.text
    payments.dev_notice(
        ctx, order_public_id=r.json()["order"]["id"], outcome=PaymentOutcome.SUCCEEDED
    )
    items = [i for i in client.get("/api/v1/library").json() if i["product_id"] == product_id]
    return int(items[0]["edition_id"])


def _rules(client: Any, seller: str, product_id: int, **rules: Any) -> None:
    login(client, seller)
    r = client.put(f"/api/v1/products/{product_id}/transfer-rules", json=rules)
    assert r.status_code == 200, r.text


def _offer(client: Any, edition_id: int, to: str) -> Any:
    return client.post(f"/api/v1/editions/{edition_id}/transfers", json={"to_email": to})


def test_a_non_transferable_product_refuses_gifts_clearly(client, ctx):
    product = _shop_with_product(client, "nt")
    _rules(client, "nt-seller@example.com", product["id"], transferable=False)
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    r = _offer(client, edition, "b@example.com")
    assert r.status_code == 409
    assert r.json()["error"] == {
        "code": "transfer_not_allowed",
        "message": "this product cannot be transferred",
    }


def test_the_lock_period_after_purchase_holds_then_lifts(client, ctx, clock):
    product = _shop_with_product(client, "lock")
    _rules(client, "lock-seller@example.com", product["id"], lock_seconds=3600)
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    r = _offer(client, edition, "b@example.com")
    assert r.status_code == 409 and "lock period" in r.json()["error"]["message"]
    clock.advance(seconds=3600)
    assert _offer(client, edition, "b@example.com").status_code == 201


def test_at_most_k_transfers_a_day(client, ctx, clock):
    product = _shop_with_product(client, "cap")
    _rules(client, "cap-seller@example.com", product["id"], daily_cap=1)
    signup(client, "b@example.com")
    first = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    second = _buy(client, ctx, product_id=product["id"], email="a@example.com", new=False)
    gift = _offer(client, first, "b@example.com").json()
    login(client, "b@example.com")
    assert client.post(f"/api/v1/transfers/{gift['id']}/accept").status_code == 200
    login(client, "a@example.com")
    r = _offer(client, second, "b@example.com")
    assert r.status_code == 409 and "at most 1 transfers a day" in r.json()["error"]["message"]
    clock.advance(hours=24, seconds=1)
    assert _offer(client, second, "b@example.com").status_code == 201


def test_a_gift_moves_the_edition_its_certificate_and_its_downloads(client, ctx):
    product = _shop_with_product(client, "gift")
    uploaded = client.post(
        f"/api/v1/products/{product['id']}/files",
        files={"file": ("icons.txt", b"the icons", "text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.text
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    order = client.get("/api/v1/library").json()[0]["order_id"]
    file_id = uploaded.json()["id"]
    link = client.post(f"/api/v1/orders/{order}/files/{file_id}/link").json()["url"]
    assert client.get(link).status_code == 200
    assert client.get(f"/api/v1/editions/{edition}/download").status_code == 200
    gift = _offer(client, edition, "b@example.com")
    assert gift.status_code == 201, gift.text
    signup(client, "b@example.com")
    assert [t["id"] for t in client.get("/api/v1/transfers").json()] == [gift.json()["id"]]
    r = client.post(f"/api/v1/transfers/{gift.json()['id']}/accept")
    assert r.status_code == 200, r.text
    ownership.sign_checkpoints(ctx, force=True)
    cert = client.get(f"/api/v1/editions/{edition}/certificate").json()
    verifier = ownership.verifiers(ctx, shop_slug="gift")[0]
    assert certificate.verify(cert, verifier).owner_hash == cert["owner"]["hash"]
    assert [entries.parse(_b64(r["entry"]))["type"] for r in cert["records"]] == [
        "mint",
        "transfer",
    ]
    assert client.get(f"/api/v1/editions/{edition}/download").status_code == 200
    login(client, "a@example.com")
    assert client.get(link).status_code == 403  # the old owner's link no longer works
    assert client.get(f"/api/v1/editions/{edition}/download").status_code == 403
    assert client.get(f"/api/v1/editions/{edition}/certificate").status_code == 403
    assert client.get("/api/v1/library").json() == []


def test_a_second_accept_of_the_same_gift_is_a_conflict(client, ctx):
    product = _shop_with_product(client, "twice")
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    gift = _offer(client, edition, "b@example.com").json()
    signup(client, "b@example.com")
    assert client.post(f"/api/v1/transfers/{gift['id']}/accept").status_code == 200
    r = client.post(f"/api/v1/transfers/{gift['id']}/accept")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_a_dedication_is_committed_to_the_log_as_a_hash_only(client, ctx):
    product = _shop_with_product(client, "ded")
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    story = "给小雨：生日快乐 — for Xiaoyu"
    r = client.put(f"/api/v1/editions/{edition}/dedication", json={"text": story})
    assert r.status_code == 200, r.text
    digest = r.json()["hash"]
    with ctx.uow.read() as session:
        data = [bytes(d) for d in session.scalars(select(LogEntry.data).order_by(LogEntry.idx))]
    last = entries.parse(data[-1])
    assert last["type"] == "dedication" and last["hash"] == digest
    assert all(story.encode() not in d and b"Xiaoyu" not in d for d in data)
    assert client.put(f"/api/v1/editions/{edition}/dedication", json={"text": ""}).status_code == (
        422
    )


def test_payload_import_text_and_csv_with_duplicates_and_blanks(client, ctx):
    product = _shop_with_product(client, "keys", total=10)
    url = f"/api/v1/products/{product['id']}/payloads"
    r = client.post(url, json={"text": "AAAA-1\n\nAAAA-2\n# comment\nAAAA-1\n"})
    assert r.status_code == 201 and r.json() == {"added": 2, "duplicates": 1}
    r = client.post(url, json={"text": "code,note\nAAAA-2,again\nBBBB-3,new\n"})
    assert r.json() == {"added": 1, "duplicates": 1}  # the header row is not a code
    r = client.post(url, json={"text": "\n \n# only comments\n"})
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "the file holds no payloads"
    _buy(client, ctx, product_id=product["id"], email="a@example.com")
    login(client, "keys-seller@example.com")
    pool = client.get(url).json()
    assert [(p["code"], p["used"]) for p in pool] == [
        ("AAAA-1", True),
        ("AAAA-2", False),
        ("BBBB-3", False),
    ]
    assert pool[0]["edition"] == 1
    signup(client, "nosy@example.com", seller=True)
    assert client.get(url).status_code == 403


def test_the_edition_zip_holds_files_payload_and_a_verifying_certificate(client, ctx):
    product = _shop_with_product(client, "zip")
    r = client.post(
        f"/api/v1/products/{product['id']}/files",
        files={"file": ("readme.txt", b"thank you", "text/plain")},
    )
    assert r.status_code == 201, r.text
    client.post(f"/api/v1/products/{product['id']}/payloads", json={"text": "KEY-ONE\n"})
    edition = _buy(client, ctx, product_id=product["id"], email="a@example.com")
    ownership.sign_checkpoints(ctx, force=True)
    r = client.get(f"/api/v1/editions/{edition}/download")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(archive.namelist()) == ["certificate.json", "files/readme.txt", "payload.txt"]
    assert archive.read("files/readme.txt") == b"thank you"
    assert archive.read("payload.txt") == b"KEY-ONE\n"
    cert = json.loads(archive.read("certificate.json"))
    assert cert["status"] == "final"
    verified = certificate.verify(cert, ownership.verifiers(ctx, shop_slug="zip")[0])
    assert (verified.edition, verified.of) == (1, 5)
    signup(client, "other@example.com")
    assert client.get(f"/api/v1/editions/{edition}/download").status_code == 403


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)

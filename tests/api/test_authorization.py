"""Invariant 6 through HTTP: buyers read only their own orders and files; sellers manage only
their own shops. Plus delivery links: owner only, expiring, tamper-proof."""

from __future__ import annotations

import io

import pytest

from soulstock.domain.orders import PaymentOutcome
from tests.api.helpers import limited_product_json, login, signup


def _pay(client, ctx, order):
    body, headers = ctx.provider("dev").make_notice(
        order_public_id=order["id"],
        outcome=PaymentOutcome.SUCCEEDED,
        amount_minor=order["amount_minor"],
        currency=order["currency"],
    )
    r = client.post("/api/v1/payments/dev/callback", content=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["result"]


@pytest.fixture
def shop_with_file(client):
    """A seller's shop with a limited product of 10 that has one deliverable zip."""
    signup(client, "seller-a@example.com", seller=True)
    client.post("/api/v1/shops", json={"slug": "shop-a", "name": "A"})
    product = client.post("/api/v1/shops/shop-a/products", json=limited_product_json(total=10))
    product_id = product.json()["id"]
    r = client.post(
        f"/api/v1/products/{product_id}/files",
        files={"file": ("kit.zip", io.BytesIO(b"PK\x03\x04 the kit"), "application/zip")},
    )
    assert r.status_code == 201, r.text
    return {"product_id": product_id, "file_id": r.json()["id"]}


def _buy_as(client, ctx, email, product_id):
    signup(client, email)
    r = client.post(f"/api/v1/products/{product_id}/reservations", json={})
    assert r.status_code == 201, r.text
    order = r.json()["order"]
    assert _pay(client, ctx, order) == "fulfil_from_hold"
    return order


def test_a_buyer_cannot_read_another_buyers_order_or_file(client, ctx, shop_with_file):
    client.cookies.clear()
    order = _buy_as(client, ctx, "mei@example.com", shop_with_file["product_id"])
    link = client.post(f"/api/v1/orders/{order['id']}/files/{shop_with_file['file_id']}/link")
    assert link.status_code == 200, link.text
    url = link.json()["url"]
    download = client.get(url)
    assert download.status_code == 200 and download.content == b"PK\x03\x04 the kit"
    assert client.get("/api/v1/library").json()[0]["label"] == "#1 / 10"

    client.cookies.clear()
    signup(client, "thief@example.com")
    assert client.get(f"/api/v1/orders/{order['id']}").status_code == 404
    other_link = client.post(f"/api/v1/orders/{order['id']}/files/{shop_with_file['file_id']}/link")
    assert other_link.status_code == 404
    client.cookies.set("soulstock_lang", "en")
    stolen = client.get(url)
    assert stolen.status_code == 403
    assert "belongs to someone else" in stolen.text
    assert client.get("/api/v1/library").json() == []
    client.cookies.clear()
    assert client.get(url).status_code == 403  # signed out


def test_download_links_expire_and_cannot_be_edited(client, ctx, clock, shop_with_file):
    client.cookies.clear()
    order = _buy_as(client, ctx, "lin@example.com", shop_with_file["product_id"])
    url = client.post(
        f"/api/v1/orders/{order['id']}/files/{shop_with_file['file_id']}/link"
    ).json()["url"]
    edited = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert client.get(edited).status_code == 403
    clock.advance(seconds=ctx.settings.download_link_ttl_seconds + 1)
    expired = client.get(url)
    assert expired.status_code == 410
    assert expired.headers["content-type"].startswith("text/html")


def test_unpaid_orders_get_no_files(client, shop_with_file):
    client.cookies.clear()
    r = client.post(
        f"/api/v1/products/{shop_with_file['product_id']}/reservations",
        json={"email": "guest@example.com"},
    )
    order_id, token = r.json()["order"]["id"], r.json()["access_token"]
    link = client.post(
        f"/api/v1/orders/{order_id}/files/{shop_with_file['file_id']}/link",
        headers={"X-Order-Token": token},
    )
    assert link.status_code == 403
    assert "paid" in link.json()["error"]["message"]


def test_a_guest_reads_their_order_only_with_its_secret(client, shop_with_file):
    client.cookies.clear()
    r = client.post(
        f"/api/v1/products/{shop_with_file['product_id']}/reservations",
        json={"email": "guest@example.com"},
    )
    order_id, token = r.json()["order"]["id"], r.json()["access_token"]
    assert client.get(f"/api/v1/orders/{order_id}").status_code == 404
    assert (
        client.get(f"/api/v1/orders/{order_id}", headers={"X-Order-Token": "wrong"}).status_code
        == 404
    )
    mine = client.get(f"/api/v1/orders/{order_id}", headers={"X-Order-Token": token})
    assert mine.status_code == 200 and mine.json()["email"] == "guest@example.com"


def test_a_seller_cannot_read_or_change_another_sellers_shop(client, shop_with_file):
    client.cookies.clear()
    signup(client, "seller-b@example.com", seller=True)
    product_id = shop_with_file["product_id"]
    r = client.patch("/api/v1/shops/shop-a", json={"name": "Taken over"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = client.post("/api/v1/shops/shop-a/products", json=limited_product_json(total=5))
    assert r.status_code == 403
    assert (
        client.patch(f"/api/v1/products/{product_id}", json={"price_minor": 1}).status_code == 403
    )
    upload = client.post(
        f"/api/v1/products/{product_id}/files",
        files={"file": ("x.zip", io.BytesIO(b"PK\x03\x04"), "application/zip")},
    )
    assert upload.status_code == 403
    assert client.get("/api/v1/shops").json() == []
    hidden = client.get("/api/v1/shops/shop-a/products?include_unlisted=true").json()
    assert hidden["total"] == 1  # only listed products: the unlisted view is the owner's


def test_buyers_cannot_act_as_sellers(client):
    signup(client, "buyer@example.com")
    r = client.post("/api/v1/shops", json={"slug": "nope", "name": "Nope"})
    assert r.status_code == 403 and "seller" in r.json()["error"]["message"]
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403


def test_api_tokens_authenticate_and_stop_when_revoked(client):
    signup(client, "tok@example.com", seller=True)
    created = client.post("/api/v1/tokens", json={"name": "deploy"})
    assert created.status_code == 201
    token, token_id = created.json()["token"], created.json()["id"]
    listed = client.get("/api/v1/tokens").json()
    assert listed[0]["token"] is None and listed[0]["prefix"] == token[:10]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).json()["email"] == "tok@example.com"
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer).status_code == 204
    r = client.get("/api/v1/me", headers=bearer)
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


def test_guest_orders_can_be_claimed_into_an_account(client, ctx, shop_with_file):
    client.cookies.clear()
    r = client.post(
        f"/api/v1/products/{shop_with_file['product_id']}/reservations",
        json={"email": "later@example.com"},
    )
    order, token = r.json()["order"], r.json()["access_token"]
    _pay(client, ctx, order)
    signup(client, "later@example.com")
    assert client.get("/api/v1/library").json() == []
    claimed = client.post(f"/api/v1/orders/{order['id']}/claim", json={"access_token": token})
    assert claimed.status_code == 200, claimed.text
    assert [i["label"] for i in client.get("/api/v1/library").json()] == ["#1 / 10"]
    login(client, "later@example.com")
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "paid"

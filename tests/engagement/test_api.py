"""The engagement API over HTTP: restocks (409 limit_locked for limited units), the waitlist
count and joins, the reissue suggestion, notifications, hooks and remixes."""

from __future__ import annotations

from datetime import timedelta

from tests.api.helpers import limited_product_json, login, signup
from tests.conftest import T0

PERIODIC = {
    "title": "Monthly",
    "price_minor": 100,
    "policy": {
        "kind": "periodic",
        "rrule": "FREQ=MONTHLY",
        "starts_at": (T0 + timedelta(days=20)).isoformat(),
        "drop_quantity": 10,
    },
}


def _product(client, body) -> int:
    signup(client, "seller@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": "s1", "name": "S"}).status_code == 201
    r = client.post("/api/v1/shops/s1/products", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_restocks_never_add_units_to_limited_products(client):
    pid = _product(client, limited_product_json(total=10))
    r = client.post(f"/api/v1/products/{pid}/restocks", json={"title": "More", "quantity": 5})
    assert r.status_code == 409 and r.json()["error"]["code"] == "limit_locked"
    assert "永不复刻" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/products/{pid}/restocks", json={"title": "A story", "story_md": "hi"})
    assert r.status_code == 201 and r.json()["number"] == 1
    assert client.get(f"/api/v1/products/{pid}/reissue-suggestion").json() is None
    assert [x["title"] for x in client.get(f"/api/v1/products/{pid}/restocks").json()] == [
        "A story"
    ]


def test_waitlist_then_suggestion_then_restock_then_notification(client):
    pid = _product(client, PERIODIC)
    signup(client, "fan@example.com")
    login(client, "fan@example.com")
    r = client.post(f"/api/v1/products/{pid}/waitlist")
    assert r.json() == {"waiting": 1, "status": "joined"}
    client.cookies.clear()
    r = client.post(f"/api/v1/products/{pid}/waitlist", json={"email": "g@example.com"})
    assert r.json() == {"waiting": 1, "status": "confirm_by_email"}  # counted once confirmed
    login(client, "seller@example.com")
    suggestion = client.get(f"/api/v1/products/{pid}/reissue-suggestion").json()
    assert suggestion["quantity"] == 5 and "1 waiting" in suggestion["reason"]
    body = {"title": "Light reissue", "quantity": suggestion["quantity"]}
    assert client.post(f"/api/v1/products/{pid}/restocks", json=body).status_code == 201
    login(client, "fan@example.com")
    notes = client.get("/api/v1/notifications").json()
    assert [n["template"] for n in notes] == ["restock_released"]
    r = client.delete(f"/api/v1/products/{pid}/waitlist")
    assert r.json() == {"waiting": 0, "status": "left"}


def test_hooks_are_the_sellers_own_and_validated(client):
    _product(client, PERIODIC)
    r = client.post(
        "/api/v1/shops/s1/hooks", json={"kind": "generic", "url": "https://example.com/h"}
    )
    assert r.status_code == 201 and len(r.json()["secret"]) >= 32
    bad = client.post("/api/v1/shops/s1/hooks", json={"kind": "telegram", "url": "ftp://x"})
    assert bad.status_code == 422
    assert len(client.get("/api/v1/shops/s1/hooks").json()) == 1
    signup(client, "other@example.com", seller=True)
    login(client, "other@example.com")
    assert client.get("/api/v1/shops/s1/hooks").status_code == 403


def test_a_remix_of_a_live_product_is_refused(client):
    pid = _product(client, limited_product_json(total=3))
    body = {
        "title": "Remix",
        "price_minor": 1,
        "policy": {"kind": "limited", "total": 5},
        "sources": [{"product_id": pid, "file_id": 1}],
    }
    r = client.post("/api/v1/shops/s1/remixes", json=body)
    assert r.status_code == 422 and "not retired" in r.json()["error"]["message"]

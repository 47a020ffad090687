"""Seller control over the API: policies, windows, goals and their validation errors."""

from __future__ import annotations

from datetime import timedelta

from tests.api.helpers import limited_product_json, signup
from tests.conftest import T0


def _shop_and_product(client, body) -> int:
    signup(client, "seller@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": "s1", "name": "S"}).status_code == 201
    r = client.post("/api/v1/shops/s1/products", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_limited_total_is_never_reissued_through_the_policy_endpoint(client):
    pid = _shop_and_product(client, limited_product_json(total=10))
    r = client.put(f"/api/v1/products/{pid}/policy", json={"kind": "limited", "total": 11})
    assert r.status_code == 409 and r.json()["error"]["code"] == "limit_locked"
    assert "永不复刻" in r.json()["error"]["message"]


def test_tranche_product_claims_and_history(client):
    body = {
        "title": "Traffic pack",
        "price_minor": 100,
        "policy": {"kind": "tranche", "total": 100, "tranche_size": 20},
    }
    pid = _shop_and_product(client, body)
    claims = client.get(f"/api/v1/products/{pid}").json()["claims"]
    assert (claims["remaining"], claims["release"], claims["release_seq"]) == (20, "tranche", 1)
    r = client.put(
        f"/api/v1/products/{pid}/policy",
        json={"kind": "tranche", "total": 10, "tranche_size": 5},
    )
    assert r.status_code == 422 and "already released" in r.json()["error"]["message"]
    ok = {"kind": "tranche", "total": 200, "tranche_size": 30}
    assert client.put(f"/api/v1/products/{pid}/policy", json=ok).status_code == 204
    changes = client.get(f"/api/v1/products/{pid}/policy/history").json()
    assert [c["what"] for c in changes] == ["policy"] and '"total": 200' in changes[0]["after"]


def test_overlapping_windows_are_refused_naming_the_overlap(client, clock):
    pid = _shop_and_product(client, limited_product_json(total=10))
    friday = {
        "name": "friday",
        "starts_at": (T0 + timedelta(days=1)).isoformat(),
        "duration_seconds": 3600,
        "rrule": "FREQ=WEEKLY",
        "price_minor": 990,
    }
    assert client.post(f"/api/v1/products/{pid}/windows", json=friday).status_code == 201
    clash = {
        "name": "special",
        "starts_at": (T0 + timedelta(days=8, minutes=30)).isoformat(),
        "duration_seconds": 600,
    }
    r = client.post(f"/api/v1/products/{pid}/windows", json=clash)
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_overlap"
    assert "'special' overlaps window 'friday'" in r.json()["error"]["message"]
    claims = client.get(f"/api/v1/products/{pid}").json()["claims"]
    assert claims["availability"] == "closed" and claims["opens_in_seconds"] == 24 * 3600
    r = client.post(f"/api/v1/products/{pid}/reservations", json={"email": "g@example.com"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_closed"
    clock.advance(days=1)
    r = client.post(f"/api/v1/products/{pid}/reservations", json={"email": "g@example.com"})
    assert r.status_code == 201, r.text
    assert r.json()["order"]["amount_minor"] == 990


def test_per_buyer_cap_and_portfolio(client):
    pid = _shop_and_product(client, limited_product_json(total=10))
    r = client.patch(f"/api/v1/products/{pid}/policy/options", json={"buyer_cap": 2})
    assert r.status_code == 204
    url = f"/api/v1/products/{pid}/reservations"
    r = client.post(url, json={"quantity": 2, "email": "a@example.com"})
    assert r.status_code == 201, r.text
    r = client.post(url, json={"email": "a@example.com"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "cap_reached"
    p = client.get("/api/v1/shops/s1/portfolio").json()
    assert (p["products"], p["staples"], p["below_target"]) == (1, 0, True)

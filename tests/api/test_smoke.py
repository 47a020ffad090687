"""The API through HTTP: a seller lists a limited product and a guest buys its only copy."""

from __future__ import annotations

from tests.api.helpers import limited_product_json, signup


def test_seller_lists_limited_product_and_guest_buys_it(client):
    signup(client, "maker@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": "maker", "name": "Maker"}).status_code == 201
    r = client.post("/api/v1/shops/maker/products", json=limited_product_json(total=1))
    assert r.status_code == 201, r.text
    product = r.json()
    assert (
        product["claims"].items()
        >= {
            "availability": "available",
            "total": 1,
            "remaining": 1,
            "sold": 0,
            "never_reissued": True,
            "release": "base",
            "price_minor": 1990,
        }.items()
    )
    client.cookies.clear()
    reserve = f"/api/v1/products/{product['id']}/reservations"
    r = client.post(reserve, json={"email": "g@example.com"})
    assert r.status_code == 201, r.text
    assert r.json()["order"]["status"] == "held"
    assert r.json()["order"]["hold_seconds_left"] == 600
    r2 = client.post(reserve, json={"email": "h@example.com"})
    assert r2.status_code == 409
    assert r2.json()["error"]["code"] == "sold_out"
    assert client.get(f"/api/v1/products/{product['id']}").json()["claims"]["availability"] == (
        "all_held"
    )


def test_health_ping_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/api/v1/ping").json() == {"pong": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/products/{product_id}/reservations" in spec["paths"]


def test_the_seller_sees_stock_counters_that_ignore_expired_holds(client, clock, ctx):
    signup(client, "counts@example.com", seller=True)
    client.post("/api/v1/shops", json={"slug": "counts", "name": "Counts"})
    product = client.post(
        "/api/v1/shops/counts/products", json=limited_product_json(total=3)
    ).json()
    for email in ("a@example.com", "b@example.com"):
        client.post(f"/api/v1/products/{product['id']}/reservations", json={"email": email})
    stock = client.get(f"/api/v1/products/{product['id']}/stock").json()
    assert stock == {"quantity": 3, "sold": 0, "live_held": 2, "remaining": 1, "minted": 0}
    clock.advance(seconds=ctx.settings.hold_ttl_seconds)
    stock = client.get(f"/api/v1/products/{product['id']}/stock").json()
    assert (stock["live_held"], stock["remaining"]) == (0, 3)
    signup(client, "nosy@example.com", seller=True)
    assert client.get(f"/api/v1/products/{product['id']}/stock").status_code == 403


def test_my_orders_tell_an_expired_hold_from_an_unpaid_one(client, clock, ctx):
    signup(client, "shop@example.com", seller=True)
    client.post("/api/v1/shops", json={"slug": "lapse", "name": "Lapse"})
    product = client.post("/api/v1/shops/lapse/products", json=limited_product_json(total=3))
    signup(client, "slow@example.com")
    client.post(f"/api/v1/products/{product.json()['id']}/reservations", json={})
    assert [o["status"] for o in client.get("/api/v1/orders").json()] == ["held"]
    clock.advance(seconds=ctx.settings.hold_ttl_seconds)
    assert [o["status"] for o in client.get("/api/v1/orders").json()] == ["hold_expired"]

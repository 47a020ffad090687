from __future__ import annotations


def test_seller_lists_limited_product_and_guest_buys_it(client):
    r = client.post(
        "/api/v1/auth/signup",
        json={"email": "maker@example.com", "password": "password123", "seller": True},
    )
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/shops", json={"slug": "maker", "name": "Maker"}).status_code == 201
    r = client.post(
        "/api/v1/shops/maker/products",
        json={"title": "Halloween Icons", "price_minor": 1990, "policy": {"kind": "limited", "total": 1}},
    )
    assert r.status_code == 201, r.text
    product = r.json()
    assert product["claims"] == {
        "availability": "available", "total": 1, "remaining": 1, "sold": 0, "never_reissued": True,
    }
    client.cookies.clear()
    r = client.post(f"/api/v1/products/{product['id']}/reservations", json={"email": "g@example.com"})
    assert r.status_code == 201, r.text
    r2 = client.post(f"/api/v1/products/{product['id']}/reservations", json={"email": "h@example.com"})
    assert r2.status_code == 409
    assert r2.json()["error"]["code"] == "sold_out"
    r = client.patch(f"/api/v1/products/{product['id']}", json={"policy": {"kind": "limited", "total": 5}})
    assert r.status_code == 401

"""Bad input gets a clear 4xx with a message, and nothing is half-written."""

from __future__ import annotations

import pytest

from tests.api.helpers import limited_product_json, signup


@pytest.fixture
def seller_shop(client):
    signup(client, "s@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": "s", "name": "S"}).status_code == 201
    return "s"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"title": "", "price_minor": 1, "policy": {"kind": "staple"}}, "title"),
        ({"title": "x", "price_minor": -1, "policy": {"kind": "staple"}}, "price_minor"),
        ({"title": "x", "price_minor": 1.5, "policy": {"kind": "staple"}}, "price_minor"),
        ({"title": "x", "price_minor": 1, "policy": {"kind": "infinite"}}, "policy.kind"),
        ({"title": "x", "price_minor": 1, "policy": {"kind": "limited"}}, "needs a total"),
        ({"title": "x", "price_minor": 1, "policy": {"kind": "staple", "total": 5}}, "no total"),
        ({"title": "x", "price_minor": 1, "policy": {"kind": "staple"}, "bogus": 1}, "bogus"),
    ],
)
def test_bad_product_input_is_a_422_that_names_the_problem(client, seller_shop, body, fragment):
    r = client.post(f"/api/v1/shops/{seller_shop}/products", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"
    assert fragment in r.json()["error"]["message"]
    assert client.get(f"/api/v1/shops/{seller_shop}/products").json()["total"] == 0


def test_raising_a_limited_total_through_the_api_says_never_reissued(client, seller_shop):
    product = client.post(
        f"/api/v1/shops/{seller_shop}/products", json=limited_product_json(total=50)
    ).json()
    r = client.patch(
        f"/api/v1/products/{product['id']}", json={"policy": {"kind": "limited", "total": 9999}}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "limit_locked"
    assert "永不复刻" in r.json()["error"]["message"]
    assert client.get(f"/api/v1/products/{product['id']}").json()["policy"]["total"] == 50


def test_reservation_input_errors(client, seller_shop):
    product = client.post(
        f"/api/v1/shops/{seller_shop}/products", json=limited_product_json(total=5)
    ).json()
    client.cookies.clear()
    url = f"/api/v1/products/{product['id']}/reservations"
    r = client.post(url, json={})
    assert r.status_code == 422 and "email" in r.json()["error"]["message"]
    r = client.post(url, json={"email": "not-an-email"})
    assert r.status_code == 422 and "email" in r.json()["error"]["message"]
    r = client.post(url, json={"email": "a@example.com", "quantity": 11})
    assert r.status_code == 422 and "quantity" in r.json()["error"]["message"]
    r = client.post("/api/v1/products/99999/reservations", json={"email": "a@example.com"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/products/{product['id']}").json()["claims"]["remaining"] == 5


def test_product_lists_paginate(client, seller_shop):
    for i in range(5):
        client.post(
            f"/api/v1/shops/{seller_shop}/products",
            json=limited_product_json(total=5, slug=f"p{i}"),
        )
    page = client.get(f"/api/v1/shops/{seller_shop}/products?offset=2&limit=2").json()
    assert (page["total"], page["offset"], page["limit"]) == (5, 2, 2)
    assert [p["slug"] for p in page["items"]] == ["p2", "p1"]
    assert client.get(f"/api/v1/shops/{seller_shop}/products?limit=1000").status_code == 422


def test_unknown_routes_and_methods_use_the_error_shape(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.delete("/api/v1/ping")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_a_duplicate_signup_is_a_409(client):
    signup(client, "dup@example.com")
    r = client.post("/api/v1/auth/signup", json={"email": "DUP@example.com", "password": "x" * 8})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_exists"

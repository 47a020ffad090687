"""Small helpers for API tests: sign up through HTTP, product bodies."""

from __future__ import annotations

from typing import Any

PASSWORD = "password123"


def signup(client: Any, email: str, *, seller: bool = False) -> dict[str, Any]:
    r = client.post(
        "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "seller": seller}
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def login(client: Any, email: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text


def limited_product_json(*, total: int, price_minor: int = 1990, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Halloween Icons",
        "price_minor": price_minor,
        "policy": {"kind": "limited", "total": total},
        **extra,
    }

"""The draw through the API: commitment first, one entry each, lazy close, holds for winners,
and the stand-alone script of docs/draw.md recomputing the same winners."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.api.helpers import limited_product_json, signup
from tests.conftest import T0

DOC = Path(__file__).resolve().parents[2] / "docs" / "draw.md"


def _draw(client, *, winners: int = 3, total: int = 10) -> tuple[int, int]:
    signup(client, "seller@example.com", seller=True)
    assert client.post("/api/v1/shops", json={"slug": "s1", "name": "S"}).status_code == 201
    r = client.post("/api/v1/shops/s1/products", json=limited_product_json(total=total))
    pid = int(r.json()["id"])
    body = {
        "opens_at": (T0 + timedelta(minutes=1)).isoformat(),
        "closes_at": (T0 + timedelta(hours=1)).isoformat(),
        "winners_count": winners,
        "hold_seconds": 1800,
    }
    r = client.post(f"/api/v1/products/{pid}/draws", json=body)
    assert r.status_code == 201, r.text
    return pid, int(r.json()["id"])


def test_a_draw_from_commitment_to_winners_holds(client, clock, tmp_path):
    pid, did = _draw(client)
    public = client.get(f"/api/v1/draws/{did}").json()
    assert len(public["commitment"]) == 64 and public["seed_hex"] is None
    assert public["entries"] is None and not public["open_now"]
    client.cookies.clear()
    url = f"/api/v1/draws/{did}/entries"
    r = client.post(url, json={"email": "early@example.com"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_closed"
    clock.advance(minutes=1)
    tokens = {}
    for i in range(8):
        r = client.post(url, json={"email": f"g{i}@example.com"})
        assert r.status_code == 201, r.text
        tokens[r.json()["entry"]] = r.json()["token"]
        assert r.json()["entry"] == hashlib.sha256(r.json()["token"].encode()).hexdigest()
    again = client.post(url, json={"email": "G0@example.com"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_exists"
    signup(client, "buyer@example.com")
    r = client.post(url, json={})
    assert r.status_code == 201
    tokens[r.json()["entry"]] = r.json()["token"]
    assert client.post(url, json={}).status_code == 409  # one entry per account
    assert client.get(f"/api/v1/draws/{did}").json()["seed_hex"] is None
    clock.advance(hours=1)  # the window has ended: the next read closes the draw
    assert client.post(url, json={"email": "late@example.com"}).status_code == 409
    public = client.get(f"/api/v1/draws/{did}").json()
    assert public["closed"] and public["entry_count"] == 9 and len(public["winners"]) == 3
    assert hashlib.sha256(bytes.fromhex(public["seed_hex"])).hexdigest() == public["commitment"]
    assert client.get(f"/api/v1/draws/{did}").json() == public  # closed once, stable after

    claims = client.get(f"/api/v1/products/{pid}").json()["claims"]
    assert claims["remaining"] == 7  # one unit held for each winner
    for entry, token in tokens.items():
        mine = client.get(f"/api/v1/draws/{did}/me", params={"t": token}).json()
        if entry in public["winners"]:
            assert mine["result"] == "won"
            order = client.get(f"/api/v1/orders/{mine['order_public_id']}", params={"t": token})
            assert order.status_code == 200, order.text
        else:
            assert mine == {"entry": entry, "result": "waitlist", "order_public_id": None}

    draw_json = tmp_path / "draw.json"
    draw_json.write_text(json.dumps(public))
    script = tmp_path / "recompute.py"
    script.write_text(re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1))
    run = subprocess.run(
        [sys.executable, str(script), str(draw_json)], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == public["winners"]
    assert "matches the published winners: True" in run.stderr


def test_only_the_seller_closes_and_not_before_the_window_ends(client, clock):
    _pid, did = _draw(client, winners=1)
    r = client.post(f"/api/v1/draws/{did}/close")
    assert r.status_code == 409 and r.json()["error"]["code"] == "window_closed"
    clock.advance(hours=2)
    r = client.post(f"/api/v1/draws/{did}/close")
    assert r.status_code == 200 and r.json()["closed"] and r.json()["winners"] == []
    signup(client, "other@example.com", seller=True)
    assert client.post(f"/api/v1/draws/{did}/close").status_code in (403, 404)


def test_a_draw_cannot_open_before_its_commitment_is_published(client):
    signup(client, "seller@example.com", seller=True)
    client.post("/api/v1/shops", json={"slug": "s1", "name": "S"})
    pid = client.post("/api/v1/shops/s1/products", json=limited_product_json(total=5)).json()["id"]
    body = {
        "opens_at": (T0 - timedelta(minutes=1)).isoformat(),
        "closes_at": (T0 + timedelta(hours=1)).isoformat(),
        "winners_count": 1,
    }
    r = client.post(f"/api/v1/products/{pid}/draws", json=body)
    assert r.status_code == 422 and "before entries open" in r.json()["error"]["message"]

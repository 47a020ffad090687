"""Seller alerts: a generic JSON webhook signed with HMAC-SHA256, a Telegram bot, a WeCom bot.

Generic: ``POST <url>`` with the JSON event; ``X-Soulstock-Signature: sha256=<hex>`` is the
HMAC-SHA256 of the exact body under the hook's secret; ``Idempotency-Key`` is the outbox key,
so a receiver drops repeats. Telegram: ``POST <url>/sendMessage`` ({"chat_id", "text"}) with
the url ``https://api.telegram.org/bot<token>`` and the chat id as the secret. WeCom:
``POST <url>`` ({"msgtype": "text", ...}) with the group bot's webhook url.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from soulstock.mail.templates import Rendered
from soulstock.store.models import ShopHook


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request_for(
    hook: ShopHook, *, key: str, event: str, params: dict[str, Any], text: Rendered
) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers of one alert."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    message = f"{text.subject}\n{text.body}".strip()
    if hook.kind == "telegram":
        body = json.dumps({"chat_id": hook.secret, "text": message}).encode()
        return hook.url.rstrip("/") + "/sendMessage", body, headers
    if hook.kind == "wecom":
        body = json.dumps({"msgtype": "text", "text": {"content": message}}).encode()
        return hook.url, body, headers
    payload = {"event": event, "key": key, "data": params}
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    headers["X-Soulstock-Signature"] = signature(hook.secret, body)
    return hook.url, body, headers


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0) -> None:
    response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    response.raise_for_status()

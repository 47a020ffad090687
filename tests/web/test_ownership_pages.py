"""The verify page and the printable certificate page (zh_CN by default, English on ?lang=en)."""

from __future__ import annotations

import json

from sqlalchemy import select

from soulstock.domain.orders import PaymentOutcome
from soulstock.services import certificates, checkout, ownership, payments
from soulstock.store.models import Edition
from tests.factories import make_product
from tests.web.pages import csrf_of, post_form, visible_text
from tests.web.test_pages import sign_in


def _owned_certificate(client, ctx) -> tuple[int, dict]:
    """Sign in as a buyer who owns edition #1 of a limited product, covered by a checkpoint."""
    user = sign_in(client, ctx)
    product = make_product(ctx, total=20, title="Moon Icons")
    placed = checkout.reserve(
        ctx, product_id=product.id, quantity=1, buyer=checkout.Buyer(user.id, user.email)
    )
    payments.dev_notice(
        ctx, order_public_id=placed.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    ownership.sign_checkpoints(ctx, force=True)
    with ctx.uow.read() as session:
        edition_id = session.scalars(select(Edition.id)).one()
    return edition_id, certificates.edition_certificate(ctx, user_id=user.id, edition_id=edition_id)


def _verify(client, text: str, *, lang: str = "zh_CN") -> str:
    r = post_form(client, f"/verify?lang={lang}", {"certificate": text}, csrf_from="/verify")
    assert r.status_code == 200, r.text
    return visible_text(r.text)


def test_a_valid_certificate_is_verified(client, ctx):
    _, cert = _owned_certificate(client, ctx)
    page = _verify(client, json.dumps(cert))
    assert "已验证 · verified" in page and "#1/20" in page.replace(" ", "")
    assert "Verified" in _verify(client, json.dumps(cert), lang="en")


def test_an_uploaded_certificate_file_is_verified(client, ctx):
    _, cert = _owned_certificate(client, ctx)
    r = client.post(
        "/verify",
        data={"csrf_token": csrf_of(client, "/verify")},
        files={"file": ("cert.json", json.dumps(cert).encode(), "application/json")},
    )
    assert "已验证" in visible_text(r.text)


def test_each_tampering_names_the_check_that_fails(client, ctx):
    _, cert = _owned_certificate(client, ctx)
    edited = {**cert, "edition": 2}
    page = _verify(client, json.dumps(edited), lang="en")
    assert "Not verified" in page
    assert "differs from its log entry" in page
    page = _verify(client, json.dumps(edited))
    assert "未通过验证" in page and "证书上的作品、版号或总数与其日志记录不一致。" in page
    other_owner = {**cert, "owner": {"hash": "0" * 64, "salt": "00"}}
    assert "is not the owner in the log" in _verify(client, json.dumps(other_owner), lang="en")
    record = dict(cert["records"][0])
    record["proof"] = record["proof"].replace("\n\n", "\n\n" + "x", 1)  # break the signature
    broken = {**cert, "records": [record]}
    page = _verify(client, json.dumps(broken), lang="en")
    assert "Not verified" in page and "Which check failed:" in page
    assert "The checkpoint is not signed by this shop's key." in page
    assert "not valid JSON" in _verify(client, "{nope", lang="en")
    assert "does not know the certificate's shop" in _verify(
        client, json.dumps({**cert, "shop": "elsewhere"}), lang="en"
    )


def test_a_pending_certificate_says_so(client, ctx):
    _, cert = _owned_certificate(client, ctx)
    pending = {**cert, "records": [{**cert["records"][0], "proof": None}]}
    assert "try again in a few seconds" in _verify(client, json.dumps(pending), lang="en")


def test_the_owner_sees_a_printable_certificate_with_a_qr_code(client, other_client, ctx):
    edition_id, cert = _owned_certificate(client, ctx)
    r = client.get(f"/editions/{edition_id}/certificate")
    assert r.status_code == 200
    page = visible_text(r.text)
    assert "所有权证书" in page and "Moon Icons" in page and "#1/20" in page.replace(" ", "")
    assert cert["owner"]["hash"] in page and "已确认" in page
    assert "<svg" in r.text and "http://testserver/verify" in page
    assert f"/editions/{edition_id}/certificate" in client.get("/library").text
    assert other_client.get(f"/editions/{edition_id}/certificate").status_code == 303  # sign in
    sign_in(other_client, ctx)
    assert other_client.get(f"/editions/{edition_id}/certificate").status_code == 403

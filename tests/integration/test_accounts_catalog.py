"""Accounts, tokens, guest claims and the catalog rules, on real databases."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from soulstock.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NeverReissued,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    UnsupportedMediaType,
)
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import accounts, catalog, checkout, library, payments
from soulstock.store.models import ApiToken, Release
from tests.factories import PASSWORD, guest, make_buyer, make_product, make_seller, make_shop

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_emails_are_unique_case_insensitively_and_passwords_are_hashed(ctx):
    user = accounts.sign_up(ctx, email="Mei@Example.com", password=PASSWORD)
    assert user.email == "mei@example.com"
    assert user.password_hash.startswith("$argon2")
    with pytest.raises(AlreadyExists):
        accounts.sign_up(ctx, email="mei@example.COM", password=PASSWORD)
    with pytest.raises(InvalidInput, match="at least 8"):
        accounts.sign_up(ctx, email="other@example.com", password="short")
    with pytest.raises(InvalidInput, match="email"):
        accounts.sign_up(ctx, email="not-an-email", password=PASSWORD)


def test_log_in_checks_the_password(ctx):
    accounts.sign_up(ctx, email="a@example.com", password=PASSWORD)
    assert accounts.log_in(ctx, email="A@example.com", password=PASSWORD).email == "a@example.com"
    with pytest.raises(NotAuthenticated):
        accounts.log_in(ctx, email="a@example.com", password="wrong password")
    with pytest.raises(NotAuthenticated):
        accounts.log_in(ctx, email="nobody@example.com", password=PASSWORD)


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(ctx):
    seller = make_seller(ctx)
    new = accounts.create_token(ctx, user_id=seller.id, name="ci")
    assert accounts.user_for_token(ctx, new.secret).id == seller.id
    with ctx.uow.read() as session:
        stored = session.scalar(select(ApiToken.token_hash))
    assert new.secret not in stored and stored == accounts.hash_secret(new.secret)
    assert [t.name for t in accounts.list_tokens(ctx, user_id=seller.id)] == ["ci"]
    other = make_seller(ctx)
    with pytest.raises(NotFound):
        accounts.revoke_token(ctx, user_id=other.id, token_id=new.token.id)
    accounts.revoke_token(ctx, user_id=seller.id, token_id=new.token.id)
    with pytest.raises(NotAuthenticated, match="revoked"):
        accounts.user_for_token(ctx, new.secret)


def test_a_guest_order_is_claimed_with_its_secret_by_the_same_email(ctx):
    product = make_product(ctx, total=5)
    reserved = checkout.reserve(
        ctx, product_id=product.id, quantity=1, buyer=guest("lin@example.com")
    )
    payments.dev_notice(
        ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
    )
    stranger = make_buyer(ctx, email="stranger@example.com")
    with pytest.raises(InvalidInput, match="another email"):
        accounts.claim_guest_order(
            ctx,
            user_id=stranger.id,
            order_public_id=reserved.order.public_id,
            access=reserved.access_token,
        )
    lin = make_buyer(ctx, email="lin@example.com")
    with pytest.raises(NotFound):
        accounts.claim_guest_order(
            ctx, user_id=lin.id, order_public_id=reserved.order.public_id, access="guess"
        )
    accounts.claim_guest_order(
        ctx, user_id=lin.id, order_public_id=reserved.order.public_id, access=reserved.access_token
    )
    owned = library.owned_editions(ctx, user_id=lin.id)
    assert [item.label for item in owned] == ["#1 / 5"]


def test_a_limited_total_can_never_be_raised_through_the_service(ctx):
    product = make_product(ctx, total=50)
    with ctx.uow.read() as session:
        owner = session.scalar(
            select(catalog.Shop.owner_id).where(catalog.Shop.id == product.shop_id)
        )
    for new in (InventoryPolicy.limited(51), InventoryPolicy.staple()):
        with pytest.raises(NeverReissued, match="永不复刻"):
            catalog.update_product(ctx, actor_id=owner, product_id=product.id, policy=new)
    with ctx.uow.read() as session:
        release = session.scalar(select(Release).where(Release.product_id == product.id))
    assert release.quantity == 50


def test_a_staple_product_has_no_cap(ctx):
    product = make_product(ctx, total=None)
    for _ in range(12):
        checkout.reserve(ctx, product_id=product.id, quantity=10, buyer=guest())
    claims = catalog.product_view_by_id(ctx, product.id).claims
    assert claims.remaining is None and claims.availability.value == "available"


def test_sellers_manage_only_their_own_shops(ctx):
    shop = make_shop(ctx)
    intruder = make_seller(ctx)
    with pytest.raises(PermissionDenied):
        catalog.update_shop(ctx, actor_id=intruder.id, slug=shop.slug, name="Mine now")
    with pytest.raises(PermissionDenied):
        catalog.create_product(
            ctx,
            actor_id=intruder.id,
            shop_slug=shop.slug,
            title="x",
            price_minor=1,
            policy=InventoryPolicy.staple(),
        )
    with pytest.raises(AlreadyExists):
        catalog.create_shop(ctx, owner_id=intruder.id, slug=shop.slug, name="Copy")


def test_shop_input_is_validated(ctx):
    seller = make_seller(ctx)
    with pytest.raises(InvalidInput, match="slug"):
        catalog.create_shop(ctx, owner_id=seller.id, slug="Bad Slug!", name="x")
    with pytest.raises(InvalidInput, match="time zone"):
        catalog.create_shop(ctx, owner_id=seller.id, slug="ok", name="x", timezone="Mars/Base")
    with pytest.raises(InvalidInput, match="currency"):
        catalog.create_shop(ctx, owner_id=seller.id, slug="ok", name="x", currency="BTC")


def test_uploads_are_sniffed_size_limited_and_stored_by_sha256(ctx):
    product = make_product(ctx, total=5)
    with ctx.uow.read() as session:
        owner = session.scalar(
            select(catalog.Shop.owner_id).where(catalog.Shop.id == product.shop_id)
        )

    def upload(data: bytes, **kw):
        return catalog.add_file(
            ctx,
            actor_id=owner,
            product_id=product.id,
            stream=io.BytesIO(data),
            filename=kw.pop("name", "f.bin"),
            **kw,
        )

    cover = upload(PNG, name="../../cover.png", as_cover=True)
    assert (cover.content_type, cover.filename) == ("image/png", "cover.png")
    assert ctx.storage.path_of(cover.sha256).read_bytes() == PNG
    kit = upload(b"PK\x03\x04rest-of-zip", name="kit.zip")
    assert kit.content_type == "application/zip"
    with pytest.raises(UnsupportedMediaType):
        upload(b"MZ\x90\x00\xff\xfe\xfd binary exe")
    with pytest.raises(UnsupportedMediaType, match="SVG"):
        upload(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(UnsupportedMediaType, match="application/pdf"):
        upload(b"%PDF-1.7 ...", as_cover=True)
    ctx.settings.max_upload_bytes = 1024
    with pytest.raises(PayloadTooLarge):
        upload(b"a" * 2048)
    view = catalog.product_view_by_id(ctx, product.id)
    assert [f.filename for f in view.files] == ["kit.zip"]
    kept = sorted(p.name for p in ctx.settings.files_dir.rglob("*") if p.is_file())
    assert kept == sorted({cover.sha256, kit.sha256})  # refused uploads left nothing

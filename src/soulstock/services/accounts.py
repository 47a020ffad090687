"""Accounts: sign-up, log-in, API tokens, and claiming guest orders into an account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update

from soulstock.domain.errors import AlreadyExists, InvalidInput, NotAuthenticated, NotFound
from soulstock.services.context import Context
from soulstock.store.models import ApiToken, Edition, Order, User

_hasher = PasswordHasher()
TOKEN_PREFIX = "ss_"
MIN_PASSWORD = 8
# Verified against when the email is unknown, so a failed log-in takes as long either way.
_DUMMY_HASH = _hasher.hash("soulstock-timing-equaliser")


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"invalid email address: {exc}") from None


def hash_secret(secret: str) -> str:
    """Tokens are long random strings, so a fast hash is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_up(
    ctx: Context, *, email: str, password: str, display_name: str = "", seller: bool = False
) -> User:
    """Create an account; email addresses are unique, case-insensitively."""
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    with ctx.uow.write() as session:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise AlreadyExists("an account with this email already exists")
        user = User(
            email=email,
            password_hash=_hasher.hash(password),
            display_name=display_name.strip()[:80] or email.split("@")[0],
            is_seller=seller,
            locale=ctx.settings.default_locale,
            created_at=ctx.clock.now(),
        )
        session.add(user)
        session.flush()
        return user


def log_in(ctx: Context, *, email: str, password: str) -> User:
    with ctx.uow.read() as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise NotAuthenticated("wrong email or password")
    return user


def get_user(ctx: Context, user_id: int) -> User | None:
    with ctx.uow.read() as session:
        return session.get(User, user_id)


def user_by_email(ctx: Context, email: str) -> User:
    normalised = normalise_email(email)
    with ctx.uow.read() as session:
        user = session.scalar(select(User).where(User.email == normalised))
    if user is None:
        raise NotFound(f"no account with the email {normalised}")
    return user


def become_seller(ctx: Context, user_id: int) -> None:
    with ctx.uow.write() as session:
        session.execute(update(User).where(User.id == user_id).values(is_seller=True))


def set_locale(ctx: Context, *, user_id: int, locale: str) -> None:
    with ctx.uow.write() as session:
        session.execute(update(User).where(User.id == user_id).values(locale=locale))


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def create_token(ctx: Context, *, user_id: int, name: str) -> NewToken:
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise InvalidInput("a token needs a name of 1 to 80 characters")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ctx.uow.write() as session:
        token = ApiToken(
            user_id=user_id,
            name=name,
            prefix=secret[:10],
            token_hash=hash_secret(secret),
            created_at=ctx.clock.now(),
        )
        session.add(token)
        session.flush()
        return NewToken(token=token, secret=secret)


def list_tokens(ctx: Context, *, user_id: int) -> list[ApiToken]:
    with ctx.uow.read() as session:
        return list(
            session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
            )
        )


def revoke_token(ctx: Context, *, user_id: int, token_id: int) -> None:
    with ctx.uow.write() as session:
        revoked = session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.user_id == user_id)
            .values(revoked_at=ctx.clock.now())
            .returning(ApiToken.id)
        ).first()
        if revoked is None:
            raise NotFound("no such token")


def user_for_token(ctx: Context, secret: str) -> User:
    if not secret.startswith(TOKEN_PREFIX):
        raise NotAuthenticated("not a Soulstock API token")
    with ctx.uow.read() as session:
        row = session.execute(
            select(User, ApiToken.revoked_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == hash_secret(secret))
        ).first()
    if row is None or row[1] is not None:
        raise NotAuthenticated("API token is unknown or revoked")
    return row[0]


def claim_guest_order(ctx: Context, *, user_id: int, order_public_id: str, access: str) -> Order:
    """Move a guest order (and its editions) into an account with the same email.

    Both are needed: the order's secret access token (from the buyer's order link) and an
    account whose email equals the order's, so knowing an email alone never claims anything.
    """
    with ctx.uow.write() as session:
        user = session.get(User, user_id)
        order = session.scalar(select(Order).where(Order.public_id == order_public_id))
        if user is None or order is None or order.access_token_hash != hash_secret(access):
            raise NotFound("no such order")
        if order.email != user.email:
            raise InvalidInput("this order was placed with another email address")
        if order.buyer_id not in (None, user_id):
            raise NotFound("no such order")
        order.buyer_id = user_id
        session.execute(
            update(Edition).where(Edition.order_id == order.id).values(owner_id=user_id)
        )
        return order

"""Waitlists (等待列表): join a sold-out or upcoming product, confirm, leave, count; and the
priority window in which confirmed members buy a restock before the public.

Signed-in buyers join with one click (confirmed at once); guests give an email and confirm
it through a signed, expiring link (double opt-in). Only confirmed members who have not left
are counted, told, or let in early. Every email carries the member's own leave link.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from soulstock.domain.analytics import EventKind
from soulstock.domain.errors import Conflict, InvalidInput, LinkExpired, NotFound
from soulstock.domain.reservation import check_cap
from soulstock.domain.scarcity import Availability, claims_at
from soulstock.services import analytics, notify
from soulstock.services.accounts import normalise_email
from soulstock.services.context import Context
from soulstock.services.scarcity import Claim, _lock_buyer, _used, buyer_key, product_state
from soulstock.store.models import Product, Release, Restock, Shop, User, WaitlistMember

CONFIRM_MAX_AGE = 3 * 24 * 3600
LOCALES = ("zh_CN", "en")


def _serializer(ctx: Context) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.settings.secret_key, salt="soulstock.waitlist.confirm")


def confirmed(session: Session, product_id: int) -> int:
    """The true size of a product's waitlist: confirmed members who have not left."""
    return int(
        session.scalar(
            select(func.count(WaitlistMember.id)).where(
                WaitlistMember.product_id == product_id,
                WaitlistMember.confirmed_at.is_not(None),
                WaitlistMember.left_at.is_(None),
            )
        )
        or 0
    )


def size(ctx: Context, *, product_id: int) -> int:
    with ctx.uow.read() as session:
        return confirmed(session, product_id)


def _joinable(session: Session, *, product: Product, now: datetime) -> None:
    if not product.listed:
        raise NotFound("no such product")
    shop = session.get(Shop, product.shop_id)
    assert shop is not None
    claims = claims_at(product_state(session, product=product, shop=shop, now=now), now)
    if claims.availability is Availability.AVAILABLE:
        raise Conflict("this product can be bought now; there is nothing to wait for")


def _member(
    session: Session, *, product_id: int, email: str, locale: str, now: datetime
) -> WaitlistMember:
    member = session.scalar(
        select(WaitlistMember).where(
            WaitlistMember.product_id == product_id, WaitlistMember.email == email
        )
    )
    if member is None:
        member = WaitlistMember(
            product_id=product_id,
            email=email,
            locale=locale if locale in LOCALES else "zh_CN",
            token=secrets.token_urlsafe(24),
            created_at=now,
        )
        session.add(member)
    elif member.left_at is not None:  # coming back: asks again, like a new member
        member.left_at, member.confirmed_at = None, None
    return member


def _counted(session: Session, *, member: WaitlistMember, now: datetime) -> None:
    """The member now counts: the analytics' "waitlist joined" event, once per member."""
    analytics.record_event(
        session,
        kind=EventKind.WAITLIST_JOINED,
        product_id=member.product_id,
        at=now,
        dedup=f"waitlist:{member.id}",
    )


def join_user(ctx: Context, *, user_id: int, product_id: int) -> WaitlistMember:
    """A signed-in buyer joins with one click: their account's email is already confirmed."""
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        user = session.get(User, user_id)
        product = session.get(Product, product_id)
        if user is None or product is None:
            raise NotFound("no such product")
        _joinable(session, product=product, now=now)
        member = _member(
            session, product_id=product.id, email=user.email, locale=user.locale, now=now
        )
        member.user_id = user.id
        member.confirmed_at = member.confirmed_at or now
        session.flush()
        _counted(session, member=member, now=now)
        return member


def join_guest(ctx: Context, *, product_id: int, email: str, locale: str) -> WaitlistMember:
    """A guest joins by email: a confirmation link is mailed; they count once they click it."""
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidInput("give an email address")
    now = ctx.clock.now()
    with ctx.uow.write() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFound("no such product")
        _joinable(session, product=product, now=now)
        member = _member(session, product_id=product.id, email=email, locale=locale, now=now)
        session.flush()
        if member.confirmed_at is None:
            token = _serializer(ctx).dumps(member.id)
            notify.enqueue(
                session,
                key=f"waitlist_confirm:{member.id}:{now.isoformat()}",
                channel="email",
                recipient=email,
                locale=member.locale,
                template="waitlist_confirm",
                params={
                    "product": product.title,
                    "path": f"/waitlist/confirm/{token}",
                    "unsubscribe_path": f"/unsubscribe/{member.token}",
                },
                shop_id=product.shop_id,
                now=now,
            )
        return member


def confirm(ctx: Context, *, token: str) -> WaitlistMember:
    """The guest's click on the emailed link: signed, and expiring after three days."""
    try:
        member_id = _serializer(ctx).loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired:
        raise LinkExpired("this confirmation link has expired; join the waitlist again") from None
    except BadSignature:
        raise NotFound("no such confirmation link") from None
    with ctx.uow.write() as session:
        member = session.get(WaitlistMember, member_id)
        if member is None or member.left_at is not None:
            raise NotFound("no such waitlist membership")
        member.confirmed_at = member.confirmed_at or ctx.clock.now()
        _counted(session, member=member, now=member.confirmed_at)
        return member


def leave(ctx: Context, *, token: str) -> WaitlistMember:
    """One-click leave (RFC 8058): the token alone is enough; leaving twice is fine."""
    with ctx.uow.write() as session:
        member = session.scalar(select(WaitlistMember).where(WaitlistMember.token == token))
        if member is None:
            raise NotFound("no such waitlist membership")
        member.left_at = member.left_at or ctx.clock.now()
        return member


def leave_user(ctx: Context, *, user_id: int, product_id: int) -> None:
    with ctx.uow.write() as session:
        member = session.scalar(
            select(WaitlistMember).where(
                WaitlistMember.product_id == product_id, WaitlistMember.user_id == user_id
            )
        )
        if member is not None:
            member.left_at = member.left_at or ctx.clock.now()


def is_member(session: Session, *, product_id: int, user_id: int | None, email: str) -> bool:
    who = WaitlistMember.email == email.strip().lower()
    if user_id is not None:
        who = or_(who, WaitlistMember.user_id == user_id)
    found = session.scalar(
        select(WaitlistMember.id).where(
            WaitlistMember.product_id == product_id,
            WaitlistMember.confirmed_at.is_not(None),
            WaitlistMember.left_at.is_(None),
            who,
        )
    )
    return found is not None


def priority_claim(
    session: Session,
    *,
    product: Product,
    user_id: int | None,
    email: str,
    quantity: int,
    now: datetime,
) -> Claim | None:
    """During a restock's priority window, a confirmed member's claim on its release, within
    their own cap; None for everyone else (the release is not open to them before
    ``opens_at``). Lock order: the buyer cap row, then (in checkout) the release row."""
    restock = session.scalar(
        select(Restock).where(
            Restock.product_id == product.id,
            Restock.release_id.is_not(None),
            and_(Restock.priority_starts_at <= now, Restock.opens_at > now),
        )
    )
    if restock is None or restock.release_id is None:
        return None
    if not is_member(session, product_id=product.id, user_id=user_id, email=email):
        return None
    _lock_buyer(session, product_id=product.id, buyer=buyer_key(user_id, email))
    used = _used(
        session,
        product_id=product.id,
        user_id=user_id,
        email=email,
        now=now,
        release_id=restock.release_id,
    )
    check_cap(cap=restock.priority_cap or 1, used=used, quantity=quantity, scope="priority window")
    release = session.get(Release, restock.release_id)
    assert release is not None
    return Claim(release.id, release.price_minor or product.price_minor)

"""An independent recount of a scarcity product from its rows, and the claims it implies.

The tests that use this know how they configured the product (``Config``); from that and
plain SELECTs over releases, reservations, orders and editions they work out, without the
services' or the domain's code, what the storefront must say at an instant: which release is
open, how many units are left, when it opens or ends. Schedules are kept to arithmetic:
periodic drops every 12 h (``FREQ=DAILY;BYHOUR=8,20`` in Asia/Shanghai, a zone without
daylight saving) and daily flash windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from soulstock.domain.policy import InventoryPolicy, PolicyKind
from soulstock.domain.scarcity import Availability
from soulstock.store.models import Edition, Order, Product, Release, Reservation

PERIOD = timedelta(hours=12)
DROP_RRULE = "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0"  # 08:00 and 20:00 Shanghai
DAY = timedelta(days=1)
WINDOW_RRULE = "FREQ=DAILY"


def drop_anchor(t: datetime, *, periods_ahead: int) -> datetime:
    """A drop time (00:00 or 12:00 UTC = 08:00 or 20:00 Shanghai) at or after ``t``."""
    base = t.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    base = base.replace(hour=0 if base.hour < 12 else 12)
    while base < t:
        base += PERIOD
    return base + periods_ahead * PERIOD


@dataclass(frozen=True)
class WindowSpec:
    """A daily flash-sale window from ``starts_at`` lasting ``seconds``."""

    starts_at: datetime
    seconds: int

    def open_at(self, t: datetime) -> datetime | None:
        """The end of the occurrence open at ``t``, or None."""
        if t < self.starts_at:
            return None
        start = self.starts_at + ((t - self.starts_at) // DAY) * DAY
        end = start + timedelta(seconds=self.seconds)
        return end if t < end else None

    def next_start(self, t: datetime) -> datetime:
        if t < self.starts_at:
            return self.starts_at
        return self.starts_at + ((t - self.starts_at) // DAY + 1) * DAY

    def overlaps(self, other: WindowSpec) -> bool:
        """Daily windows overlap on some day iff their times of day overlap on the circle."""
        a = int((self.starts_at - other.starts_at).total_seconds()) % 86400
        b = int((other.starts_at - self.starts_at).total_seconds()) % 86400
        return a < other.seconds or b < self.seconds


@dataclass
class Config:
    """What the test set up (and changed since): the truth the rows are checked against."""

    kind: PolicyKind
    total: int | None = None  # limited total, tranche pool
    tranche_size: int | None = None
    cooldown: int = 0
    drop_quantity: int | None = None
    first_drop: datetime | None = None
    rollover: bool = False
    buyer_cap: int | None = None
    windows: list[WindowSpec] = field(default_factory=list)

    def policy(self) -> InventoryPolicy:
        """The inventory policy this configuration describes."""
        if self.kind is PolicyKind.TRANCHE:
            return InventoryPolicy(
                PolicyKind.TRANCHE,
                self.total,
                tranche_size=self.tranche_size,
                cooldown_seconds=self.cooldown,
            )
        if self.kind is PolicyKind.PERIODIC:
            return InventoryPolicy(
                PolicyKind.PERIODIC,
                rrule=DROP_RRULE,
                starts_at=self.first_drop,
                drop_quantity=self.drop_quantity,
                rollover=self.rollover,
            )
        assert self.total is not None
        return InventoryPolicy.limited(self.total)


@dataclass(frozen=True)
class ReleaseRow:
    id: int
    kind: str
    seq: int
    quantity: int | None
    sold: int
    held: int  # the counter
    held_rows: int  # units of reservations marked held (live or past expiry)
    live_rows: int  # ... not yet expired
    paid_rows: int  # units of paid orders on this release
    sold_out_at: datetime | None  # last payment of a paid order on it

    @property
    def free(self) -> int:
        assert self.quantity is not None
        return max(0, self.quantity - self.sold - self.live_rows)


@dataclass(frozen=True)
class Recount:
    releases: dict[int, ReleaseRow]  # by seq
    cap: int | None
    minted: int
    editions: list[int]
    paid_units: int
    usage: dict[str, int]  # per buyer key: paid units + live holds


def recount(session: Session, *, product_id: int, now: datetime) -> Recount:
    """Everything about the product's stock, from plain SELECTs in one transaction."""
    rows = session.execute(
        select(Release.id, Release.kind, Release.seq, Release.quantity, Release.sold, Release.held)
        .where(Release.product_id == product_id)
        .order_by(Release.seq)
    ).all()
    held = session.execute(
        select(
            Reservation.release_id,
            func.sum(Reservation.quantity),
            func.sum(case((Reservation.expires_at > now, Reservation.quantity), else_=0)),
        )
        .join(Release, Release.id == Reservation.release_id)
        .where(Release.product_id == product_id, Reservation.status == "held")
        .group_by(Reservation.release_id)
    ).all()
    held_by = {r[0]: (int(r[1]), int(r[2])) for r in held}
    paid = session.execute(
        select(Reservation.release_id, func.sum(Order.quantity), func.max(Order.paid_at))
        .join(Order, Order.reservation_id == Reservation.id)
        .where(Order.product_id == product_id, Order.status == "paid")
        .group_by(Reservation.release_id)
    ).all()
    paid_by = {r[0]: (int(r[1]), r[2]) for r in paid}
    releases = {
        seq: ReleaseRow(
            rid,
            kind,
            seq,
            quantity,
            sold,
            held_counter,
            held_by.get(rid, (0, 0))[0],
            held_by.get(rid, (0, 0))[1],
            paid_by.get(rid, (0, None))[0],
            paid_by.get(rid, (0, None))[1],
        )
        for rid, kind, seq, quantity, sold, held_counter in rows
    }
    cap, minted = session.execute(
        select(Product.cap, Product.minted).where(Product.id == product_id)
    ).one()
    editions = session.scalars(
        select(Edition.number).where(Edition.product_id == product_id).order_by(Edition.number)
    ).all()
    usage: dict[str, int] = {}
    orders = session.execute(
        select(Order.buyer_id, Order.email, Order.quantity, Order.status, Reservation.status)
        .add_columns(Reservation.expires_at)
        .join(Reservation, Reservation.id == Order.reservation_id)
        .where(Order.product_id == product_id)
    ).all()
    for buyer_id, email, quantity, status, hold, expires_at in orders:
        if status == "paid" or (hold == "held" and expires_at > now):
            key = f"u:{buyer_id}" if buyer_id is not None else f"e:{email}"
            usage[key] = usage.get(key, 0) + quantity
    return Recount(
        releases, cap, minted, list(editions), sum(p for p, _ in paid_by.values()), usage
    )


def assert_rows_consistent(rc: Recount, cfg: Config) -> None:
    """DESIGN §4.1-2 on the rows: no release oversold, counters equal their rows, editions
    1..minted, minted within the cap, every buyer within their cap."""
    for r in rc.releases.values():
        assert r.quantity is not None, r
        assert r.sold + r.held <= r.quantity, r
        assert r.sold + r.live_rows <= r.quantity, r
        assert r.held == r.held_rows, r
        assert r.sold == r.paid_rows, r
    assert rc.minted == rc.paid_units == sum(r.sold for r in rc.releases.values()), rc
    assert rc.editions == list(range(1, rc.minted + 1)), rc
    if rc.cap is not None:
        assert rc.minted <= rc.cap, rc
    if cfg.kind is not PolicyKind.PERIODIC:
        assert rc.cap == cfg.total, (rc.cap, cfg)
    if cfg.buyer_cap is not None:
        assert all(used <= cfg.buyer_cap for used in rc.usage.values()), rc.usage


@dataclass(frozen=True)
class Expected:
    availability: Availability
    remaining: int | None
    release_seq: int | None
    opens_in: int | None
    ends_in: int | None
    free: int = 0  # free units of the open release (what a reserve can take)
    ended: bool = False  # nothing will open again: a reserve gets SoldOut


def _secs(a: datetime, b: datetime) -> int:
    return max(0, int((b - a).total_seconds()))


@dataclass(frozen=True)
class _Slot:
    seq: int
    quantity: int
    sold: int
    free: int
    closes_at: datetime | None


def _open_slot(cfg: Config, rc: Recount, t: datetime) -> _Slot | Expected:
    if cfg.kind is PolicyKind.PERIODIC:
        assert cfg.first_drop is not None and cfg.drop_quantity is not None
        if t < cfg.first_drop:
            return Expected(Availability.UPCOMING, None, None, _secs(t, cfg.first_drop), None)
        index = (t - cfg.first_drop) // PERIOD + 1
        closes = cfg.first_drop + index * PERIOD
        row = rc.releases.get(index)
        if row is not None:
            assert row.quantity is not None
            return _Slot(index, row.quantity, row.sold, row.free, closes)
        earlier = [r for r in rc.releases.values() if r.kind == "drop" and r.seq < index]
        carried = max(earlier, key=lambda r: r.seq).free if cfg.rollover and earlier else 0
        q = cfg.drop_quantity + carried
        return _Slot(index, q, 0, q, closes)
    if cfg.kind is PolicyKind.TRANCHE:
        assert cfg.total is not None and cfg.tranche_size is not None
        tranches = sorted((r for r in rc.releases.values()), key=lambda r: r.seq)
        last = tranches[-1]
        assert last.quantity is not None
        if last.sold < last.quantity:
            return _Slot(last.seq, last.quantity, last.sold, last.free, None)
        released = sum(r.quantity or 0 for r in tranches)
        if released >= cfg.total:
            return Expected(Availability.SOLD_OUT, 0, None, None, None, ended=True)
        opens = (last.sold_out_at or t) + timedelta(seconds=cfg.cooldown)
        if t < opens:
            return Expected(Availability.UPCOMING, None, None, _secs(t, opens), None)
        q = min(cfg.tranche_size, cfg.total - released)
        return _Slot(last.seq + 1, q, 0, q, None)
    row = rc.releases[0]
    assert row.quantity is not None
    return _Slot(0, row.quantity, row.sold, row.free, None)


def expected_claims(cfg: Config, rc: Recount, t: datetime) -> Expected:
    """What ``claims_at`` must say at ``t``, worked out from the config and the rows."""
    slot = _open_slot(cfg, rc, t)
    if isinstance(slot, Expected):
        return slot
    if slot.sold >= slot.quantity:
        availability = Availability.SOLD_OUT
    else:
        availability = Availability.AVAILABLE if slot.free else Availability.ALL_HELD
    ends_at = slot.closes_at
    if cfg.windows:
        open_ends = [end for w in cfg.windows if (end := w.open_at(t)) is not None]
        if not open_ends:
            nxt = min(w.next_start(t) for w in cfg.windows)
            return Expected(Availability.CLOSED, slot.free, slot.seq, _secs(t, nxt), None)
        # Windows never overlap (the service refuses that), so at most one is open.
        assert len(open_ends) == 1
        ends_at = open_ends[0] if ends_at is None else min(ends_at, open_ends[0])
    ends_in = _secs(t, ends_at) if ends_at else None
    return Expected(availability, slot.free, slot.seq, None, ends_in, free=slot.free)


def assert_claims_match(claims: object, expected: Expected) -> None:
    """The service's claims (``ScarcityClaims``) against the recount's."""
    got = (
        claims.availability,  # type: ignore[attr-defined]
        claims.remaining,  # type: ignore[attr-defined]
        claims.release_seq,  # type: ignore[attr-defined]
        claims.opens_in_seconds,  # type: ignore[attr-defined]
        claims.ends_in_seconds,  # type: ignore[attr-defined]
    )
    want = (
        expected.availability,
        expected.remaining,
        expected.release_seq,
        expected.opens_in,
        expected.ends_in,
    )
    assert got == want, f"claims {got} != recount {want}"

"""The one error hierarchy of Soulstock.

Every failure a caller should understand is one of these; ``web/errors.py`` maps them to HTTP
in a single place, the CLI prints their message. The domain knows nothing of HTTP.

    SoulstockError
    ├── InvalidInput            bad or inconsistent input               (422)
    │   └── NeverReissued       raising a limited total: 永不复刻        (409 limit_locked)
    ├── NotAuthenticated        no or bad credentials                   (401)
    ├── PermissionDenied        authenticated, but not yours            (403)
    ├── NotFound                no such thing (or not visible to you)   (404)
    ├── Conflict                the state forbids it right now          (409)
    │   ├── SoldOut             no unit left to hold                    (409 sold_out)
    │   ├── WindowClosed        outside every sale window / not open    (409 window_closed)
    │   ├── CapReached          the buyer's per-buyer cap is used up    (409 cap_reached)
    │   ├── WindowOverlap       a new window overlaps another           (409 window_overlap)
    │   ├── AlreadyExists       a unique name or email is taken         (409)
    │   ├── NotPayable          the order cannot be paid in its state   (409)
    │   └── TransferNotAllowed  the product's transfer rules forbid it  (409 transfer_not_allowed)
    ├── Gone                    it existed but is no longer valid       (410)
    │   ├── HoldExpired         the reservation ran out                 (410)
    │   └── LinkExpired         a signed link is past its expiry        (410)
    ├── PayloadTooLarge         an upload over the size limit           (413)
    └── UnsupportedMediaType    an upload of a type we do not take      (415)
"""

from __future__ import annotations

from datetime import datetime


class SoulstockError(Exception):
    """Base of every expected failure; ``code`` is stable, ``message`` is for people."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(SoulstockError):
    code = "invalid_input"


class NeverReissued(InvalidInput):
    code = "limit_locked"


class NotAuthenticated(SoulstockError):
    code = "not_authenticated"


class PermissionDenied(SoulstockError):
    code = "forbidden"


class NotFound(SoulstockError):
    code = "not_found"


class Conflict(SoulstockError):
    code = "conflict"


class SoldOut(Conflict):
    code = "sold_out"


class WindowClosed(Conflict):
    code = "window_closed"


class CapReached(Conflict):
    code = "cap_reached"


class WindowOverlap(Conflict):
    code = "window_overlap"


class AlreadyExists(Conflict):
    code = "already_exists"


class NotPayable(Conflict):
    code = "not_payable"


class TransferNotAllowed(Conflict):
    """``reason``: ``not_transferable``, ``locked`` (``until``) or ``daily_cap`` (``cap``)."""

    code = "transfer_not_allowed"

    def __init__(
        self, message: str, *, reason: str = "", until: datetime | None = None, cap: int = 0
    ) -> None:
        super().__init__(message)
        self.reason, self.until, self.cap = reason, until, cap


class Gone(SoulstockError):
    code = "gone"


class HoldExpired(Gone):
    code = "hold_expired"


class LinkExpired(Gone):
    code = "link_expired"


class PayloadTooLarge(SoulstockError):
    code = "payload_too_large"


class UnsupportedMediaType(SoulstockError):
    code = "unsupported_media_type"

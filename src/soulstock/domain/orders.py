"""Orders and the rules for payment notices, including the ones that arrive late or twice.

The decision table lives here, pure, so it can be read and tested without a database:

==================  ===========  ===========  ==========================================
order status        hold         notice       what happens
==================  ===========  ===========  ==========================================
awaiting_payment    held         succeeded    fulfil from the hold (even if it is past
                                              its expiry: nobody reclaimed the units)
awaiting_payment    expired or   succeeded    fulfil from free stock if a unit is still
                    released                  there, else ``refund_due`` (money is kept
                                              on record, never lost, and flagged)
failed / cancelled  any          succeeded    same as the row above
awaiting_payment    held         failed       release the hold, order ``failed``
awaiting_payment    not held     failed       order ``failed``
paid / refund_due   any          any          nothing: already settled
failed / cancelled  any          failed       nothing
==================  ===========  ===========  ==========================================

A fulfilment never takes a buyer past a per-buyer cap: a payment for a hold that had lapsed
(whether or not its units were reclaimed) is checked against the cap again, since the lapsed
hold stopped counting, and becomes ``refund_due`` if the buyer has since reached it.

Replays of one notice are stopped earlier, by its (provider, event id) being unique.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from soulstock.domain.reservation import Hold, HoldStatus


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUND_DUE = "refund_due"


UNSETTLED = (OrderStatus.FAILED, OrderStatus.CANCELLED)


class PaymentOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Settlement(StrEnum):
    FULFIL_FROM_HOLD = "fulfil_from_hold"
    FULFIL_FROM_FREE_STOCK = "fulfil_from_free_stock"
    RELEASE_HOLD = "release_hold"
    MARK_FAILED = "mark_failed"
    NOTHING = "nothing"
    # Not a decision of ``settle`` but an outcome: FULFIL_FROM_FREE_STOCK found no free unit.
    REFUND_DUE = "refund_due"


def settle(order: OrderStatus, hold: HoldStatus, outcome: PaymentOutcome) -> Settlement:
    """What a payment notice does to an order, per the table in this module's docstring."""
    if order in (OrderStatus.PAID, OrderStatus.REFUND_DUE):
        return Settlement.NOTHING
    if outcome is PaymentOutcome.SUCCEEDED:
        if order is OrderStatus.AWAITING_PAYMENT and hold is HoldStatus.HELD:
            return Settlement.FULFIL_FROM_HOLD
        return Settlement.FULFIL_FROM_FREE_STOCK
    if order in UNSETTLED:
        return Settlement.NOTHING
    return Settlement.RELEASE_HOLD if hold is HoldStatus.HELD else Settlement.MARK_FAILED


class OrderView(StrEnum):
    """What a buyer is told about an order at an instant (derived, never stored)."""

    HELD = "held"
    HOLD_EXPIRED = "hold_expired"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUND_DUE = "refund_due"


def order_view(order: OrderStatus, hold: Hold, now: datetime) -> OrderView:
    if order is OrderStatus.AWAITING_PAYMENT:
        return OrderView.HELD if hold.is_live(now) else OrderView.HOLD_EXPIRED
    return OrderView(order.value)

"""The database schema as SQLAlchemy 2 models. Alembic migrations are the only way it is made.

Stock lives on ``releases``: ``quantity`` units released (NULL for no cap), ``sold`` paid,
``held`` in unpaid holds that are not yet reclaimed. ``CHECK (sold + held <= quantity)`` is the
last line of the no-oversell promise; the conditional UPDATEs in ``store/stock.py`` are the first.
"""

from soulstock.store.models.accounts import ApiToken, User
from soulstock.store.models.analytics import AnalyticsEvent, MarketMention, StockBandSetting
from soulstock.store.models.base import NAMING_CONVENTION, Base
from soulstock.store.models.catalog import Product, ProductFile, Shop, StoredFile
from soulstock.store.models.checkout import Edition, Order, PaymentEvent, Release, Reservation
from soulstock.store.models.engagement import (
    DevMail,
    Notification,
    OutboxMessage,
    RemixSource,
    Restock,
    ShopHook,
    WaitlistMember,
)
from soulstock.store.models.ownership import (
    EditionRecord,
    LogCheckpoint,
    LogEntry,
    LogKey,
    LogNode,
    LogState,
    Payload,
    Transfer,
    TransferRule,
)
from soulstock.store.models.scarcity import (
    BuyerLock,
    Draw,
    DrawEntry,
    PolicyChange,
    ProductPolicy,
    SaleWindow,
    ScarcityEvent,
    UnlockGoal,
    UnlockGrant,
)

__all__ = [
    "NAMING_CONVENTION",
    "AnalyticsEvent",
    "ApiToken",
    "Base",
    "BuyerLock",
    "DevMail",
    "Draw",
    "DrawEntry",
    "Edition",
    "EditionRecord",
    "LogCheckpoint",
    "LogEntry",
    "LogKey",
    "LogNode",
    "LogState",
    "MarketMention",
    "Notification",
    "Order",
    "OutboxMessage",
    "Payload",
    "PaymentEvent",
    "PolicyChange",
    "Product",
    "ProductFile",
    "ProductPolicy",
    "Release",
    "RemixSource",
    "Reservation",
    "Restock",
    "SaleWindow",
    "ScarcityEvent",
    "Shop",
    "ShopHook",
    "StockBandSetting",
    "StoredFile",
    "Transfer",
    "TransferRule",
    "UnlockGoal",
    "UnlockGrant",
    "User",
    "WaitlistMember",
]

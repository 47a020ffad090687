"""What every use case needs, built once by the app or the CLI and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from soulstock.domain.clock import Clock, SystemClock
from soulstock.domain.errors import NotFound
from soulstock.files.storage import FileStorage, LocalDiskStorage
from soulstock.payments.base import PaymentProvider
from soulstock.payments.dev import DevPaymentProvider
from soulstock.services.event_buffer import EventBuffer
from soulstock.settings import Settings
from soulstock.store.db import make_engine
from soulstock.store.uow import UnitOfWork


@dataclass
class Context:
    settings: Settings
    uow: UnitOfWork
    clock: Clock
    storage: FileStorage
    payment_providers: dict[str, PaymentProvider] = field(default_factory=dict)
    events: EventBuffer = field(default_factory=EventBuffer)  # views etc., flushed in batches

    def provider(self, name: str) -> PaymentProvider:
        try:
            return self.payment_providers[name]
        except KeyError:
            raise NotFound(f"no payment provider called {name!r} is enabled") from None

    @property
    def default_provider(self) -> str:
        return next(iter(self.payment_providers), "")


def build_context(settings: Settings, *, clock: Clock | None = None) -> Context:
    clock = clock or SystemClock()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )
    providers: dict[str, PaymentProvider] = {}
    if settings.dev_payments_enabled:
        providers["dev"] = DevPaymentProvider(
            secret=settings.secret_key.encode(), base_url=settings.base_url, clock=clock
        )
    return Context(
        settings=settings,
        uow=UnitOfWork(engine),
        clock=clock,
        storage=LocalDiskStorage(settings.files_dir),
        payment_providers=providers,
    )

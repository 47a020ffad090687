"""Money is an integer count of minor units (分 for CNY) and a currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass

from soulstock.domain.errors import InvalidInput

SUPPORTED_CURRENCIES = frozenset({"CNY", "USD", "EUR", "JPY", "HKD", "TWD", "GBP"})
MAX_PRICE_MINOR = 100_000_000  # one million yuan: a typo guard, not a business rule


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidInput("an amount must be a whole number of minor units")
        if self.minor < 0:
            raise InvalidInput("an amount cannot be negative")
        if self.currency not in SUPPORTED_CURRENCIES:
            raise InvalidInput(f"unsupported currency {self.currency!r}")

    def times(self, quantity: int) -> Money:
        return Money(self.minor * quantity, self.currency)


def check_price(minor: int) -> int:
    """Validate a product price in minor units; free (0) is allowed."""
    if minor < 0 or minor > MAX_PRICE_MINOR:
        raise InvalidInput(f"price must be between 0 and {MAX_PRICE_MINOR} minor units")
    return minor


def check_currency(code: str) -> str:
    if code not in SUPPORTED_CURRENCIES:
        supported = ", ".join(sorted(SUPPORTED_CURRENCIES))
        raise InvalidInput(f"unsupported currency {code!r}; use one of {supported}")
    return code

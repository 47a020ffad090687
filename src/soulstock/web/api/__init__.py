"""The JSON API, mounted at /api/v1."""

from fastapi import APIRouter

from soulstock.web.api import (
    auth,
    catalog,
    draws,
    engagement,
    ledger,
    orders,
    payments,
    policies,
)

router = APIRouter(prefix="/api/v1")
for module in (auth, catalog, orders, payments, ledger, policies, draws, engagement):
    router.include_router(module.router)

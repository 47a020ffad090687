"""Shared fixtures: real databases (SQLite file and the local PostgreSQL), an injected clock.

Every test that takes ``ctx`` runs once per backend (``sqlite`` and ``postgres``). The
PostgreSQL server is the machine's (127.0.0.1:5432); without it the PostgreSQL cases skip
locally, but fail under ``CI`` (a missing server there is a failure, never a silent skip).
Each run migrates a database of its own with Alembic once; tests start from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from soulstock.domain.clock import FixedClock
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.migrate import upgrade
from soulstock.store.models import Base

PG_ADMIN_URL = os.environ.get(
    "SOULSTOCK_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
T0 = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # any connection failure means "no server"
        return str(exc).splitlines()[0]


def require_postgres() -> None:
    """Skip without a server locally; under CI a missing server is a failure."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A throwaway database on the local server, dropped afterwards; yields its URL."""
    require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test run's own on the local server, migrated to head."""
    with postgres_database("soulstock_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database on the chosen backend."""
    if backend == "postgres":
        url = str(request.getfixturevalue("postgres_url"))
        _empty_postgres(url)
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    target = tmp_path / "soulstock.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        base_url="http://testserver",
        db_pool_size=10,
    )


@pytest.fixture
def ctx(settings: Settings, clock: FixedClock) -> Iterator[Context]:
    context = build_context(settings, clock=clock)
    yield context
    context.uow.engine.dispose()

"""The schema is made only by migrations: up from empty, down to nothing, and up again,
on SQLite and PostgreSQL, ending where the models say it should."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from soulstock.store.db import make_engine
from soulstock.store.migrate import downgrade, upgrade
from soulstock.store.models import Base
from tests.conftest import postgres_database

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A brand-new database with no tables at all (not the shared migrated one)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with postgres_database("soulstock_migrations") as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool_size=1)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _differences_from_models(url: str) -> list[object]:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_from_empty_builds_every_table(empty_database_url: str) -> None:
    assert _tables(empty_database_url) == set()
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == MODEL_TABLES


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    assert _differences_from_models(empty_database_url) == []


def test_downgrade_to_base_and_up_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == MODEL_TABLES


def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == MODEL_TABLES

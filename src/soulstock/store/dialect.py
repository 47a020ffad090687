"""What differs between the backends, in one place: the dialect's ``INSERT`` with
``ON CONFLICT`` (PostgreSQL and SQLite spell the construct the same but ship it separately)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The ``insert`` of the session's dialect, with ``on_conflict_do_nothing``."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert

"""The unit of work: one transaction per use case, committed or rolled back in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from soulstock.store.db import make_session_factory


class UnitOfWork:
    """Hands out transactions. ``write()`` for use cases that change state, ``read()`` for
    pages and reports (on SQLite it does not queue behind the writers)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer: sessionmaker[Session] = make_session_factory(engine)
        self._reader: sessionmaker[Session] = make_session_factory(engine, read_only=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends without an exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closing it rolls back anything it would have written,
        while the objects it loaded stay readable."""
        with self._reader() as session:
            yield session

"""The unit of work: one transaction with its repositories (cosmicpython's pattern).

``SqlUnitOfWorkFactory(engine)(write=True)`` starts a write transaction (SQLite: BEGIN
IMMEDIATE); leaving the ``with`` block without :meth:`commit` rolls back.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, Engine

from adapters.store.catalogue import CatalogueCache
from adapters.store.engine import WRITE_OPTION, write_gate
from adapters.store.errors import translated
from adapters.store.people import SqlPeopleRepository
from adapters.store.reservations import SqlReservationRepository
from core.booking.catalogue import Catalogue


class SqlUnitOfWork:
    def __init__(self, engine: Engine, cache: CatalogueCache, write: bool) -> None:
        """``engine``: for a write unit of work, one carrying the write option (see the factory)."""
        self._engine = engine
        self._cache = cache
        self._conn: Connection | None = None
        self._catalogue: Catalogue | None = None
        self._gate: contextlib.AbstractContextManager[None] | None = None
        self.write = write

    @property
    def connection(self) -> Connection:
        assert self._conn is not None, "use the unit of work in a with block"
        return self._conn

    def __enter__(self) -> "SqlUnitOfWork":
        with translated():
            if self.write:
                gate = write_gate(self._engine)
                gate.__enter__()
                self._gate = gate
            try:
                self._conn = self._engine.connect()
                try:
                    self._conn.begin()
                except BaseException:
                    self._conn.close()
                    raise
            except BaseException:
                self._leave_gate()
                raise
        self.reservations = SqlReservationRepository(
            self._conn, lock_days=self.write and self._conn.dialect.name == "postgresql")
        self.people = SqlPeopleRepository(self._conn)
        return self

    def __exit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            try:
                conn.close()
            finally:
                self._leave_gate()

    def _leave_gate(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.__exit__(None, None, None)

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = self._cache.get(self.connection)
        return self._catalogue

    def commit(self) -> None:
        with translated():
            self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine, sharing one catalogue cache."""

    def __init__(self, engine: Engine, cache: CatalogueCache | None = None) -> None:
        self.engine = engine
        self.cache = cache or CatalogueCache()
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})  # built once: not cheap

    def fresh_catalogue(self) -> Catalogue | None:
        """The cached catalogue if it is recent enough to use without a transaction, else None."""
        return self.cache.fresh()

    def __call__(self, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write_engine if write else self.engine, self.cache, write)

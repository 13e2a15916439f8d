"""The unit of work: one transaction with its repositories (cosmicpython's pattern).

``SqlUnitOfWorkFactory(engine)(write=True)`` starts a write transaction (SQLite: BEGIN
IMMEDIATE); leaving the ``with`` block without :meth:`commit` rolls back.

On SQLite the unit of work runs its transaction on the pooled DB-API connection itself
(BEGIN, COMMIT, ROLLBACK straight to the driver) and makes a SQLAlchemy ``Connection`` on
that same connection only when a repository issues a SQLAlchemy statement: a booking's
statements are all driver SQL, and SQLAlchemy's connection set-up, transaction events and
reset cost more than the whole BEGIN ... COMMIT of a booking on the driver.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from sqlalchemy import Connection, Engine

from adapters.store.catalogue import CatalogueCache
from adapters.store.engine import WRITE_OPTION, StoreGroup, WriteGate, driver_error, gate_of, write_gate
from adapters.store.errors import translated
from adapters.store.people import SqlPeopleRepository
from adapters.store.reservations import SqlReservationRepository
from core.booking.catalogue import Catalogue
from core.booking.ports import Conflict, StoreBusy


SAVEPOINT = "wms_member"
"""The savepoint a unit of work's rows stand behind inside an open group (see StoreGroup)."""


class DriverConnection:
    """A pooled SQLite connection inside a transaction the unit of work began on the driver.

    Offers what the repositories use at once (``dialect``, ``connection``: the pool's DB-API
    connection); anything else (``execute``, ...) goes to a SQLAlchemy ``Connection`` made on
    the same DB-API connection at first use (the engine's ``begin`` hook sees the transaction
    already open and issues no second BEGIN).

    On the write gate's writer connection it may go on in a group's open transaction
    (``joined``: its own work behind a savepoint, so a rollback undoes only that) and leave its
    committed work to the group (:meth:`commit` returns the group to wait for).
    """

    __slots__ = ("engine", "dialect", "connection", "_sa", "_gate", "joined", "_handed")

    def __init__(self, engine: Engine, fairy: Any, gate: WriteGate | None = None, joined: bool = False) -> None:
        """``gate``: the write gate that lent ``fairy`` (its writer connection), to hand it back
        to on :meth:`close` instead of the pool; ``joined``: begun with a savepoint in the gate's
        open group."""
        self.engine = engine
        self.dialect = engine.dialect
        self.connection = fairy
        self._sa: Connection | None = None
        self._gate = gate
        self.joined = joined
        self._handed = False

    def sqlalchemy(self) -> Connection:
        sa = self._sa
        if sa is None:
            sa = self._sa = Connection(self.engine, connection=self.connection)
        return sa

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sqlalchemy(), name)

    def commit(self) -> StoreGroup | None:
        """Commit; or, on the writer connection with others queued at the gate, leave the work
        to the open group and return it (the caller leaves the gate, then waits for it)."""
        sa, gate = self._sa, self._gate
        if sa is not None and sa.in_transaction():
            # SQLAlchemy commits on the driver: the whole transaction, a group's work with it
            try:
                with translated():
                    sa.commit()
            except BaseException as exc:
                self._abandon(exc)
                raise
            if gate is not None:
                gate.group_committed(own=1)
        dbapi_connection = self.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            return None
        try:
            if gate is not None and gate.may_enlist():
                if self.joined:
                    dbapi_connection.execute(f"RELEASE {SAVEPOINT}")
                    self.joined = False
                self._handed = True
                return gate.enlist()
            dbapi_connection.commit()  # a group's work with it, if this one had joined
        except sqlite3.IntegrityError as exc:
            self._abandon(exc)
            raise Conflict("desk") from None  # a deferred constraint (none is deferred today)
        except sqlite3.OperationalError as exc:
            self._abandon(exc)
            raise StoreBusy(type(exc).__name__) from None
        except BaseException as exc:
            self._abandon(exc)
            raise
        if gate is not None:
            gate.group_committed(own=1)
        return None

    def rollback(self) -> None:
        self._undo(self._sa)

    def _abandon(self, error: BaseException) -> None:
        """A failed ``COMMIT`` (or savepoint release): the whole transaction is rolled back at
        once and the group's members are told, so nothing they were told failed is committed
        later by someone else."""
        self.joined = False
        dbapi_connection = self.connection.dbapi_connection
        with contextlib.suppress(Exception):
            if dbapi_connection is not None and dbapi_connection.in_transaction:
                dbapi_connection.rollback()
        gate = self._gate
        if gate is not None and gate.group is not None:
            gate.group_committed(error)

    def _undo(self, sa: Connection | None) -> None:
        """Roll back this unit of work's own work: a joined one to its savepoint, the group's
        work kept (and committed when SQLAlchemy's transaction must end with it)."""
        dbapi_connection = self.connection.dbapi_connection
        gate = self._gate
        if self.joined and dbapi_connection is not None and dbapi_connection.in_transaction:
            self.joined = False
            try:
                dbapi_connection.execute(f"ROLLBACK TO {SAVEPOINT}")
                dbapi_connection.execute(f"RELEASE {SAVEPOINT}")
                if sa is not None and sa.in_transaction():
                    sa.commit()  # ends SQLAlchemy's view of the transaction: the group's work alone
                    if gate is not None:
                        gate.group_committed()
                return
            except Exception as exc:  # noqa: BLE001 - the group fails as a whole
                self._abandon(exc)
        if sa is not None and sa.in_transaction():
            sa.rollback()
        if dbapi_connection is not None and dbapi_connection.in_transaction:
            dbapi_connection.rollback()
        if gate is not None and gate.group is not None:  # a joined one's transaction was lost
            gate.group_committed(StoreBusy("lost"))

    def close(self) -> None:
        """Roll back what is still open and give the connection back (to the pool, or to the
        write gate that lent it: with the group's transaction open when the work was left to it)."""
        sa, self._sa = self._sa, None
        fairy, gate = self.connection, self._gate
        if self._handed:
            assert gate is not None and sa is None
            gate.take_back_writer(keep=True)
            return
        clean = False
        try:
            self._undo(sa)
            clean = fairy.dbapi_connection is not None
        finally:
            if sa is not None:
                sa.close()  # gives the DB-API connection back to the pool
            elif gate is None:
                fairy.close()
            if gate is not None:
                # Kept for the next writer unless SQLAlchemy closed it or it could not be reset.
                gate.take_back_writer(keep=clean and sa is None)


def _begin_on_driver(engine: Engine, write: bool, gate: WriteGate | None) -> DriverConnection:
    """BEGIN on the driver; a write transaction (its caller holds ``gate``, the engine's write
    gate) on the gate's writer connection when it is free."""
    if not write:
        gate = None
    try:
        fairy = gate.lend_writer(engine) if gate is not None else None
        if fairy is None:
            gate = None
            fairy = engine.raw_connection()
    except Exception:
        if gate is not None:
            gate.take_back_writer(keep=False)
        with translated():  # e.g. the pool's timeout: StoreBusy
            raise
    statement = "BEGIN IMMEDIATE" if write else "BEGIN"
    joined = False
    if gate is not None and gate.group is not None:
        if fairy.dbapi_connection.in_transaction:  # others' work waits for its COMMIT: go on in it
            statement, joined = f"SAVEPOINT {SAVEPOINT}", True
        else:
            gate.group_committed(StoreBusy("lost"))
    try:
        fairy.dbapi_connection.execute(statement)
    except BaseException as exc:
        if gate is not None:
            gate.take_back_writer(keep=False)  # closes it
        else:
            fairy.close()
        if isinstance(exc, sqlite3.OperationalError):  # locked beyond the busy timeout
            raise StoreBusy(type(exc).__name__) from None
        if isinstance(exc, sqlite3.Error):
            raise driver_error(statement, exc) from None
        raise
    return DriverConnection(engine, fairy, gate, joined)


class SqlUnitOfWork:
    def __init__(self, engine: Engine, cache: CatalogueCache, write: bool,
                 gate: WriteGate | None = None) -> None:
        """``engine``: for a write unit of work, one carrying the write option (see the factory);
        ``gate``: the engine's write gate (SQLite)."""
        self._engine = engine
        self._write_gate = gate
        self._cache = cache
        self._conn: Connection | DriverConnection | None = None
        self._catalogue: Catalogue | None = None
        self._gate: contextlib.AbstractContextManager[None] | None = None
        self._reservations: SqlReservationRepository | None = None
        self._people: SqlPeopleRepository | None = None
        self.write = write

    @property
    def connection(self) -> Connection:
        """The SQLAlchemy connection of this transaction (made on first use on SQLite)."""
        assert self._conn is not None, "use the unit of work in a with block"
        conn = self._conn
        return conn.sqlalchemy() if isinstance(conn, DriverConnection) else conn

    def __enter__(self) -> "SqlUnitOfWork":
        if self.write:
            gate = self._write_gate or write_gate(self._engine)
            try:
                if isinstance(gate, WriteGate):
                    gate.join()  # may go on in the open group (see DriverConnection)
                else:
                    gate.__enter__()
            except Exception:
                with translated():  # waited beyond the busy timeout: StoreBusy
                    raise
            self._gate = gate
        try:
            if self._engine.dialect.name == "sqlite":
                self._conn = _begin_on_driver(self._engine, self.write, self._write_gate)
            else:
                with translated():
                    conn = self._engine.connect()
                    try:
                        conn.begin()
                    except BaseException:
                        conn.close()
                        raise
                self._conn = conn
        except BaseException:
            self._leave_gate()
            raise
        return self

    @property
    def reservations(self) -> SqlReservationRepository:  # type: ignore[override]
        repo = self._reservations
        if repo is None:
            conn = self._conn
            assert conn is not None, "use the unit of work in a with block"
            sqlite = conn.dialect.name == "sqlite"
            repo = self._reservations = SqlReservationRepository(
                conn, lock_days=self.write and conn.dialect.name == "postgresql", serialised=self.write and sqlite)  # type: ignore[arg-type]
        return repo

    @property
    def people(self) -> SqlPeopleRepository:  # type: ignore[override]
        repo = self._people
        if repo is None:
            assert self._conn is not None, "use the unit of work in a with block"
            repo = self._people = SqlPeopleRepository(self._conn)  # type: ignore[arg-type]
        return repo

    def __exit__(self, *exc: object) -> None:
        conn, self._conn = self._conn, None
        self._reservations = self._people = None
        if conn is None:
            return
        try:
            if isinstance(conn, DriverConnection):
                conn.close()
                return
            try:
                if conn.in_transaction():
                    conn.rollback()
            finally:
                conn.close()
        finally:
            self._leave_gate()

    def _leave_gate(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.__exit__(None, None, None)

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            assert self._conn is not None, "use the unit of work in a with block"
            self._catalogue = self._cache.get(self._conn)  # type: ignore[arg-type]
        return self._catalogue

    def commit(self) -> None:
        """Commit; the unit of work is done with the store afterwards. When its work was left
        to a group (others queued at the write gate), the gate is left at once for the next
        one and this returns once the group's ``COMMIT`` is done (raises StoreBusy if it failed)."""
        assert self._conn is not None, "use the unit of work in a with block"
        if isinstance(self._conn, DriverConnection):
            group = self._conn.commit()
            if group is not None:
                gate = self._write_gate
                assert gate is not None
                self.__exit__(None, None, None)  # the writer back, the gate left: the next one goes on
                group.wait(gate)
            return
        with translated():
            self._conn.commit()

    def rollback(self) -> None:
        assert self._conn is not None, "use the unit of work in a with block"
        self._conn.rollback()


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine, sharing one catalogue cache."""

    def __init__(self, engine: Engine, cache: CatalogueCache | None = None) -> None:
        self.engine = engine
        self.cache = cache or CatalogueCache()
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})  # built once: not cheap
        self._gate = gate_of(engine)  # looked up once (a weak-keyed dict)

    def fresh_catalogue(self) -> Catalogue | None:
        """The cached catalogue if it is recent enough to use without a transaction, else None."""
        return self.cache.fresh()

    def __call__(self, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write_engine if write else self.engine, self.cache, write, self._gate)

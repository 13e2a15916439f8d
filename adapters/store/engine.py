"""Engines: SQLite (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from adapters.store.errors import conflict_kind
from core.booking.ports import Conflict, StoreBusy

WRITE_OPTION = "wms_write"
"""Execution option marking a write transaction (SQLite: BEGIN IMMEDIATE)."""


class StoreGroup:
    """Bookings of several threads waiting for one shared ``COMMIT`` (group commit).

    A unit of work that committed while others were queued at the write gate leaves its
    transaction open for them (its rows behind a released savepoint) and waits here; the last
    of them commits for all, at the store's ``synchronous`` level, so every member's booking is
    on disk before its :meth:`wait` returns. A failed ``COMMIT`` fails every member (nothing of
    theirs was kept): they get :class:`StoreBusy` and try again.
    """

    __slots__ = ("done", "error", "size", "opened")

    def __init__(self, opened: float) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.size = 0
        self.opened = opened

    def wait(self, gate: "WriteGate") -> None:
        """Until the group's ``COMMIT`` is done; raises :class:`StoreBusy` when it failed."""
        # The thread that leaves the gate last commits, so nobody has to poll; the timed wait
        # is only a safety net for a queued thread that gave up between the two steps.
        while not self.done.wait(GROUP_WAIT_S):
            gate.commit_group_if_idle(self)
        if self.error is not None:
            raise StoreBusy(type(self.error).__name__)


GROUP_MEMBERS = 16
"""At most this many units of work share one ``COMMIT`` (the last of them commits): bounds the
wait of the first."""
GROUP_AGE_S = 0.02
"""A group open this long is committed by the next unit of work to leave, queued threads or not."""
GROUP_WAIT_S = 0.05
"""How often a member waiting for its group looks whether the gate was left free with the group open."""


def _closing(group: StoreGroup) -> bool:
    """A group that takes no more members: the next to leave the gate commits it."""
    return group.size >= GROUP_MEMBERS - 1 or time.monotonic() - group.opened >= GROUP_AGE_S


class WriteGate:
    """Queues this process's SQLite write transactions on a lock, and commits them in groups.

    SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps and
    polls (up to 100 ms a nap), so under concurrent chats most of a turn's time was naps. A
    writer now waits here and goes as soon as the previous one is done; SQLite's own locking
    and busy timeout still guard writers in other processes. Re-entrant: a thread already
    holding it is never blocked by it.

    Group commit: with ``synchronous=FULL`` every ``COMMIT`` waits for the disk, and one
    booking's rows take a fraction of that. Units of work on the gate's writer connection
    (:meth:`join`) therefore leave their committed work in the open transaction when others are
    queued (:meth:`enlist`) and the last to leave commits for all (see :class:`StoreGroup`); a
    thread alone commits at once, as before. Any other writer (:meth:`__enter__`) commits an
    open group before it starts.
    """

    def __init__(self, timeout_s: float, keeps_writer: bool = True) -> None:
        self._lock = threading.RLock()
        self._timeout = timeout_s
        self._keeps_writer = keeps_writer
        self._writer: Any = None  # the pool's connection kept checked out for the gate's holder
        self._writer_pid = 0
        self._writer_lent = False
        self._writer_stale = False
        self._queue = threading.Lock()  # guards _waiting
        self._waiting = 0  # threads queued at the gate
        self._depth = 0  # the holder's re-entries (only the holder changes it)
        self.group: StoreGroup | None = None  # committed work of others, open on the writer
        self.commits = 0  # COMMITs on the writer, and the units of work they held (the benchmark's count)
        self.committed = 0

    def __call__(self) -> "WriteGate":
        return self

    def _acquire(self) -> None:
        with self._queue:
            self._waiting += 1
        try:
            got = self._lock.acquire(timeout=self._timeout)
        finally:
            with self._queue:
                self._waiting -= 1
        if not got:
            # what SQLite itself raises when its busy timeout runs out
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        self._depth += 1

    # A plain context manager (not a generator): every booking passes here.
    def __enter__(self) -> None:
        """A writer of its own: an open group is committed first (its transaction must end
        before another connection can begin one)."""
        self._acquire()
        if self.group is not None and not self._writer_lent:
            self._commit_group()

    def join(self) -> None:
        """Enter as a unit of work on the writer connection, which may go on in the open group."""
        self._acquire()

    def __exit__(self, *exc: object) -> None:
        try:
            group = self.group
            if (self._depth == 1 and group is not None and not self._writer_lent
                    and (self._waiting == 0 or _closing(group))):
                self._commit_group()
        finally:
            self._depth -= 1
            self._lock.release()

    def enlist(self) -> StoreGroup:
        """The open group, joined by the holder's committed work (a new one when none is open);
        the caller then hands the writer back, leaves the gate and waits for the group."""
        group = self.group
        if group is None:
            group = self.group = StoreGroup(time.monotonic())
        group.size += 1
        return group

    def may_enlist(self) -> bool:
        """Whether the holder's unit of work should leave its work to a group: others are
        queued, the group is not full, and nothing else of this thread holds the gate (it
        must really let the next one in). A thread alone commits at once."""
        group = self.group
        return (self._waiting > 0 and self._depth == 1 and self._keeps_writer
                and (group is None or not _closing(group)))

    def group_committed(self, error: BaseException | None = None, own: int = 0) -> None:
        """The writer's transaction ended: committed, with ``own`` units of work of the caller
        besides the open group's (if any); rolled back when ``error``. The group's members are
        told."""
        group, self.group = self.group, None
        if error is None:
            self.commits += 1
            self.committed += own + (group.size if group is not None else 0)
        if group is not None:
            group.error = error
            group.done.set()

    def _commit_group(self) -> None:
        writer = self._writer
        db = writer.dbapi_connection if writer is not None else None
        error: BaseException | None = None
        try:
            if db is None or not db.in_transaction:
                error = StoreBusy("lost")  # the transaction is gone (the connection was reset)
            else:
                db.commit()
        except Exception as exc:  # noqa: BLE001 - every member is told; nothing of theirs was kept
            error = exc
            with contextlib.suppress(Exception):
                db.rollback()
        self.group_committed(error)

    def commit_group_if_idle(self, group: StoreGroup) -> None:
        """Commit ``group`` if it is still open and the gate is free (the safety net of
        :meth:`StoreGroup.wait`)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self.group is group and not self._writer_lent:
                self._commit_group()
        finally:
            self._lock.release()

    # The writer connection. Write transactions of this process take turns at the gate, so
    # one connection serves them all: kept checked out of the pool, it saves every write
    # transaction the pool's check-out, reset and check-in, which cost as much as SQLite
    # beginning, checking and committing a booking's rows.
    def lend_writer(self, engine: Engine) -> Any | None:
        """The writer connection (a pool connection, checked out on first use) for the thread
        holding the gate; None when it is lent already (a nested write transaction of the same
        thread) or the pool has one shared connection (an in-memory database)."""
        if not self._keeps_writer or self._writer_lent:
            return None
        if self._writer_stale:
            self._writer_stale = False
            self._drop_writer(commit_open=True)
        writer = self._writer
        if writer is None or self._writer_pid != os.getpid():  # a forked child: a connection of its own
            if self._writer_pid != os.getpid():
                self.group = None  # a forked parent's: not ours to commit
            writer = self._writer = engine.raw_connection()
            self._writer_pid = os.getpid()
        self._writer_lent = True
        return writer

    def take_back_writer(self, keep: bool) -> None:
        """The writer connection is back, out of any transaction or with the open group's
        (:meth:`enlist`); ``keep`` False: it was closed (returned to the pool) or is broken,
        and the next writer checks out another."""
        self._writer_lent = False
        if not keep or self._writer_stale:
            self._writer_stale = False
            self._drop_writer(commit_open=keep)  # kept but stale: the engine was disposed meanwhile

    def _drop_writer(self, commit_open: bool = False) -> None:
        """Close the kept connection; an open group on it is committed first (``commit_open``:
        the connection is sound) or failed (closing it rolls the group back)."""
        if self.group is not None and self._writer_pid == os.getpid():
            if commit_open:
                self._commit_group()
            else:
                self.group_committed(StoreBusy("lost"))
        writer, self._writer = self._writer, None
        if writer is not None and self._writer_pid == os.getpid():
            with contextlib.suppress(Exception):
                writer.close()

    def engine_disposed(self) -> None:
        """The engine's pool was disposed: the kept connection goes with it (when it is lent,
        as it comes back)."""
        if not self._lock.acquire(blocking=False):  # a writer is at work: its next turn drops it
            self._writer_stale = True
            return
        try:
            if self._writer_lent:
                self._writer_stale = True
            else:
                self._drop_writer(commit_open=True)
        finally:
            self._lock.release()


_gates: "weakref.WeakKeyDictionary[object, WriteGate]" = weakref.WeakKeyDictionary()


def write_gate(engine: Engine) -> "contextlib.AbstractContextManager[None]":
    """Hold this around a write transaction on ``engine`` (a no-op for other databases)."""
    gate = _gates.get(engine.dialect)  # the dialect: shared by option engines, kept over dispose()
    return gate() if gate is not None else contextlib.nullcontext()


def gate_of(engine: Engine) -> WriteGate | None:
    """The write gate of a SQLite engine (None for other databases)."""
    return _gates.get(engine.dialect)


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3; other URLs are left alone."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(normalise_url(engine_or_url))
    return url.get_backend_name() == "sqlite"


SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10, echo: bool = False,
                sqlite_synchronous: str = "FULL") -> Engine:
    """Create the engine for ``url``; a SQLite file's directory is created.

    SQLite ``synchronous=FULL`` (the default) syncs the WAL on every commit, so a booking the
    user was told about survives a power cut; ``NORMAL`` is faster but may lose the last commits.
    """
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {SQLITE_SYNCHRONOUS}")
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, echo=echo)

    database = parsed.database or ""
    connect_args = {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    if database in ("", ":memory:"):
        # One shared connection, or every connection would see its own empty database (tests, demos).
        engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool, echo=echo)
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=connect_args, pool_size=pool_size, max_overflow=pool_size * 4,
                               pool_timeout=busy_timeout_ms / 1000, echo=echo)
    gate = _gates[engine.dialect] = WriteGate(busy_timeout_ms / 1000, keeps_writer=database not in ("", ":memory:"))

    @event.listens_for(engine, "engine_disposed")
    def _on_dispose(_engine):  # type: ignore[no-untyped-def]
        gate.engine_disposed()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # We issue BEGIN ourselves (below): the driver's own transaction handling is off.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {sqlite_synchronous}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA secure_delete = ON")  # privacy: deleted personal data is overwritten
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # Writers take the write lock up front, so two writers never deadlock on upgrade;
        # readers stay deferred and never block a writer in WAL mode.
        # Straight to the driver: SQLAlchemy's statement machinery (events, result set-up) costs
        # far more than the BEGIN, and every unit of work pays it.
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection.in_transaction:
            return  # begun on the driver by the unit of work (adapters/store/uow.py)
        statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION, False) else "BEGIN"
        try:
            dbapi_connection.execute(statement)
        except sqlite3.Error as exc:  # as SQLAlchemy would raise it (e.g. OperationalError: locked)
            raise driver_error(statement, exc) from None

    return engine


class Driver:
    """Driver SQL on a DB-API connection: placeholders and how dates and times are bound and read.

    The hot statements (the booking transaction, the people look-up) are written once with
    ``?`` placeholders and run on the DB-API cursor: SQLAlchemy's per-statement machinery
    (compile-cache key, result set-up, Row objects) costs more than SQLite running them.
    Values are bound as the column types would bind them, so rows read back the same
    through SQLAlchemy.
    """

    def __init__(self, dialect_name: str, dbapi: Any) -> None:
        self.sqlite = dialect_name == "sqlite"
        self.dbapi = dbapi
        self._sql: dict[str, str] = {}
        self._days: dict[date, str] = {}

    def sql(self, statement: str) -> str:
        """``statement`` with the driver's placeholders (psycopg: ``%s``) and, on PostgreSQL,
        ``person_id IS NOT booked_by_id`` (SQLite's null-safe comparison, the predicate of the
        partial index ix_reservations_booked_by) as ``IS DISTINCT FROM``."""
        out = self._sql.get(statement)
        if out is None:
            out = self._sql[statement] = statement if self.sqlite else statement.replace("?", "%s").replace(
                "person_id IS NOT booked_by_id", "person_id IS DISTINCT FROM booked_by_id")
        return out

    def day(self, d: date) -> Any:
        """Bound like ``Date`` (SQLite: SQLAlchemy's storage format, ISO text)."""
        if not self.sqlite:
            return d
        # Remembered: a booking binds a handful of days, nearly always the same few weeks',
        # and formatting a date costs more than the look-up.
        text = self._days.get(d)
        if text is None:
            if len(self._days) >= 4096:
                self._days.clear()
            text = self._days[d] = d.isoformat()
        return text

    def when(self, value: datetime | None) -> Any:
        """Bound like ``UTCDateTime``: naive UTC (SQLite: SQLAlchemy's DateTime string)."""
        if value is None:
            return None
        tz = value.tzinfo
        if tz is not None:
            value = (value if tz is timezone.utc else value.astimezone(timezone.utc)).replace(tzinfo=None)
        return value.isoformat(" ", "microseconds") if self.sqlite else value

    def execute(self, cursor: Any, statement: str, params: Any) -> Any:
        """Run ``statement`` (``?`` placeholders) on a DB-API ``cursor`` and return the cursor;
        driver errors become the store's failures (see :meth:`raise_for`)."""
        try:
            cursor.execute(statement if self.sqlite else self.sql(statement), params)
        except self.dbapi.Error as exc:
            self.raise_for(exc)
            raise
        return cursor

    def raise_for(self, exc: BaseException) -> None:
        """Raise the store's failure for a driver error: :class:`Conflict` for a uniqueness rule,
        :class:`StoreBusy` for a lock or a lost connection; return for anything else."""
        if isinstance(exc, self.dbapi.IntegrityError):
            raise Conflict(conflict_kind(SimpleNamespace(orig=exc))) from None  # type: ignore[arg-type]
        if isinstance(exc, self.dbapi.OperationalError):
            raise StoreBusy(type(exc).__name__) from None


def read_day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def read_when(value: Any) -> datetime | None:
    """A ``UTCDateTime`` column read through the driver: an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc)


_DRIVERS: dict[str, Driver] = {}


def driver(conn: Any) -> Driver:
    """The :class:`Driver` of a connection's dialect (one per dialect and process)."""
    dialect = conn.dialect
    d = _DRIVERS.get(dialect.name)
    if d is None:
        d = _DRIVERS[dialect.name] = Driver(dialect.name, dialect.loaded_dbapi)
    return d


def create_missing(engine: Engine, metadata: Any, tables: Any = None) -> None:
    """``metadata.create_all(checkfirst=True)`` that tolerates a concurrent creator.

    The check and the ``CREATE`` are two steps: when another thread or instance creates the same
    table in between, the ``CREATE`` fails ("already exists" on SQLite, a duplicate on
    PostgreSQL). Then the check is simply made again, which now finds the table.
    """
    # On SQLite in a write transaction from the start (BEGIN IMMEDIATE, queued on the write
    # gate): a deferred one reads the schema first and then cannot upgrade to a writer when
    # another connection committed meanwhile ("database is locked" at once, no busy wait), which
    # happened when serve's jobs and channels all started on a new database at the same moment.
    writer = engine.execution_options(**{WRITE_OPTION: True})
    for attempt in range(5):
        try:
            with write_gate(engine), writer.begin() as conn:
                metadata.create_all(conn, tables=tables, checkfirst=True)
            return
        except DBAPIError:
            if attempt == 4:
                raise


def fetch_one(engine: Engine, statement: str, params: Any) -> Any:
    """SQLite: ``statement`` alone in autocommit mode on a pooled DB-API connection (its own
    consistent read, no BEGIN): the first row or None; driver errors as SQLAlchemy raises them.
    For the small reads every turn makes, where SQLAlchemy's statement machinery costs more
    than SQLite answering."""
    fairy = engine.raw_connection()
    try:
        return fairy.dbapi_connection.execute(statement, params).fetchone()
    except sqlite3.Error as exc:
        raise driver_error(statement, exc) from None
    finally:
        fairy.close()


def driver_error(statement: str, exc: sqlite3.Error) -> DBAPIError:
    """A SQLite driver error as SQLAlchemy raises it (callers catch ``IntegrityError`` and friends)."""
    return DBAPIError.instance(statement, None, exc, sqlite3.Error)


def sqlite_processors(column: Any) -> tuple[Any, Any]:
    """How SQLAlchemy binds and reads ``column`` on SQLite (for driver SQL that must store and
    read the very same text as the SQLAlchemy statements on that column)."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    impl = column.type.dialect_impl(dialect)
    return impl.bind_processor(dialect), impl.result_processor(dialect, None)


def light_write(db: sqlite3.Connection, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Run ``statements`` in one write transaction on a SQLite driver connection (isolation
    level None, the caller holds the write gate) and commit it without syncing the WAL to disk.

    For records that are safe to lose in a power cut or an OS crash (not in a process crash:
    the WAL is written before COMMIT returns; every reader sees the data at once): the message
    log, dialog state and conversation references. The next commit at the store's own
    ``synchronous`` level (a booking: FULL) syncs them with it. Saves one fsync per turn, which
    every other writer of the process waited for. Raises ``sqlite3.Error``; rolls back then.
    """
    level = int(db.execute("PRAGMA synchronous").fetchone()[0])  # 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    lowered = level > 1
    if lowered:
        db.execute("PRAGMA synchronous = NORMAL")  # not allowed inside a transaction: set before BEGIN
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement, params in statements:
                db.execute(statement, params)
            db.commit()
        finally:
            if db.in_transaction:
                db.rollback()
    finally:
        if lowered:
            db.execute(f"PRAGMA synchronous = {level}")

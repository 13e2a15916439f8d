"""Dialog state and handled messages in the store (``core.dialog.ports``).

Privacy: conversation keys (they contain the user's channel id) are stored as keyed hashes,
the state and the recorded replies encrypted (:mod:`adapters.store.crypto`; plaintext when no
cipher is installed for the engine).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.store.crypto import cipher_for
from adapters.store.engine import WRITE_OPTION, driver_error, fetch_one, light_write, sqlite_processors, write_gate
from adapters.store.tables import conversation_state, handled_messages
from core.dialog.ports import STATE_TTL_SECONDS


_cs = conversation_state.c
# Built once: statement construction costs more than running these one-row statements.
_LOAD_STATE = select(_cs.state, _cs.expires_at).where(_cs.key == bindparam("k"))
_STATE_VALUES = dict(state=bindparam("s"), updated_at=bindparam("u"), expires_at=bindparam("e"))
_UPDATE_STATE = update(conversation_state).where(_cs.key == bindparam("k")).values(**_STATE_VALUES)
_INSERT_STATE = insert(conversation_state).values(key=bindparam("k"), **_STATE_VALUES)
_REPLIES = select(handled_messages.c.replies).where(handled_messages.c.message_key == bindparam("m"))
_TURN_LOOKUP = select(
    _REPLIES.scalar_subquery().label("replies"),
    select(_cs.state).where(_cs.key == bindparam("k")).scalar_subquery().label("state"),
    select(_cs.expires_at).where(_cs.key == bindparam("k")).scalar_subquery().label("expires_at"),
)
_RECORD = insert(handled_messages).values(message_key=bindparam("k"), replies=bindparam("r"),
                                          created_at=bindparam("c"))


# The two statements every turn starts with and the write every turn ends with, as SQLite driver
# SQL on the pool's DB-API connection: SQLAlchemy's per-statement machinery (connection and
# transaction set-up, compile-cache key, result set-up, pool reset) cost several times what SQLite
# spends running these one-row statements. Other databases take the SQLAlchemy statements above.
_D_TURN_LOOKUP = ("SELECT (SELECT replies FROM handled_messages WHERE message_key = ?), "
                  "state, expires_at FROM (SELECT 1) LEFT JOIN conversation_state ON key = ?")
_D_RECORD = "INSERT INTO handled_messages (message_key, replies, created_at) VALUES (?, ?, ?)"
_D_STATE_UPSERT = ("INSERT INTO conversation_state (key, state, updated_at, expires_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, "
                   "expires_at = excluded.expires_at")


# How SQLAlchemy binds and reads these tables' times on SQLite (the same stored text).
_BIND_TIME, _READ_TIME = sqlite_processors(conversation_state.c.expires_at)


def _state_upsert(dialect: str):  # type: ignore[no-untyped-def]
    """INSERT ... ON CONFLICT (key) DO UPDATE where the database has it, else None."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        return None
    stmt = dialect_insert(conversation_state).values(key=bindparam("k"), **_STATE_VALUES)
    return stmt.on_conflict_do_update(index_elements=[_cs.key], set_=dict(
        state=stmt.excluded.state, updated_at=stmt.excluded.updated_at, expires_at=stmt.excluded.expires_at))


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


class SqlConversationStore:
    """:class:`core.dialog.ports.ConversationStore`: state per key, expiring after 30 minutes."""

    def __init__(self, engine: Engine, ttl_seconds: int = STATE_TTL_SECONDS) -> None:
        self._engine = engine
        self._write = engine.execution_options(**{WRITE_OPTION: True})
        self._ttl = timedelta(seconds=ttl_seconds)
        self._upsert = _state_upsert(engine.dialect.name)
        self.on_driver = engine.dialect.name == "sqlite"

    def load(self, key: str, now: datetime) -> dict[str, Any] | None:
        with self._engine.connect() as conn:
            row = conn.execute(_LOAD_STATE, {"k": self._key(key)}).first()
        return None if row is None else self._decoded(row.state, row.expires_at, now)

    def _decoded(self, raw: str | None, expires_at: datetime | None, now: datetime) -> dict[str, Any] | None:
        if raw is None or expires_at is None or expires_at <= _aware(now):
            return None
        try:
            value = json.loads(cipher_for(self._engine).decrypt(raw, "state") or "")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def save(self, key: str, state: dict[str, Any], now: datetime) -> None:
        with write_gate(self._engine), self._write.connect() as conn:
            with conn.begin():
                self.save_in(conn, key, state, now)

    def save_in(self, conn: Connection, key: str, state: dict[str, Any], now: datetime) -> None:
        """Save within the caller's write transaction (the runtime records the turn with it)."""
        now = _aware(now)
        values = dict(k=self._key(key),
                      s=cipher_for(self._engine).encrypt(json.dumps(state, ensure_ascii=False, default=str), "state"),
                      u=now, e=now + self._ttl)
        if self._upsert is not None:  # one statement; unique on the key, so a concurrent save updates
            conn.execute(self._upsert, values)
            return
        if conn.execute(_UPDATE_STATE, values).rowcount:
            return
        with conn.begin_nested():  # saved concurrently (other databases): update it then
            try:
                conn.execute(_INSERT_STATE, values)
                return
            except IntegrityError:
                pass
        conn.execute(_UPDATE_STATE, values)

    def state_row(self, key: str, state: dict[str, Any], now: datetime) -> tuple[Any, ...]:
        """The driver parameters of ``_D_STATE_UPSERT`` (SQLite)."""
        now = _aware(now)
        return (self._key(key),
                cipher_for(self._engine).encrypt(json.dumps(state, ensure_ascii=False, default=str), "state"),
                _BIND_TIME(now), _BIND_TIME(now + self._ttl))

    def clear(self, key: str) -> None:
        with write_gate(self._engine), self._write.connect() as conn:
            with conn.begin():
                conn.execute(delete(conversation_state).where(conversation_state.c.key == self._key(key)))

    def _key(self, key: str) -> str:
        return cipher_for(self._engine).lookup_hash(key)

    def purge_expired(self, now: datetime) -> int:
        """Delete expired state; returns how many were removed (retention)."""
        with write_gate(self._engine), self._write.connect() as conn:
            with conn.begin():
                return conn.execute(delete(conversation_state)
                                    .where(conversation_state.c.expires_at <= _aware(now))).rowcount


class SqlMessageLog:
    """:class:`core.dialog.ports.MessageLog`: the replies given to each handled message."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._write = engine.execution_options(**{WRITE_OPTION: True})

    def replies_for(self, message_key: str) -> list[dict[str, Any]] | None:
        with self._engine.connect() as conn:
            raw = conn.execute(_REPLIES, {"m": message_key}).scalar()
        return self._decoded(raw)

    def lookup_turn(self, message_key: str, states: SqlConversationStore, key: str,
                    now: datetime) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None]:
        """``replies_for(message_key)`` and ``states.load(key, now)`` in one statement (the two
        reads every turn starts with)."""
        if states._engine is not self._engine:
            raise ValueError("the dialog states must live in the message log's database")
        if states.on_driver:
            replies, state, expires_at = fetch_one(self._engine, _D_TURN_LOOKUP, (message_key, states._key(key)))
            return self._decoded(replies), states._decoded(state, _READ_TIME(expires_at), now)
        with self._engine.connect() as conn:
            row = conn.execute(_TURN_LOOKUP, {"m": message_key, "k": states._key(key)}).one()
        return self._decoded(row.replies), states._decoded(row.state, row.expires_at, now)

    def _decoded(self, raw: str | None) -> list[dict[str, Any]] | None:
        if raw is None:
            return None
        try:
            value = json.loads(cipher_for(self._engine).decrypt(raw, "replies") or "")
        except ValueError:
            return []
        return value if isinstance(value, list) else []

    def record(self, message_key: str, replies: list[dict[str, Any]], now: datetime) -> bool:
        return self.record_turn(message_key, replies, now)

    def record_turn(self, message_key: str, replies: list[dict[str, Any]], now: datetime,
                    states: SqlConversationStore | None = None,
                    saves: Mapping[str, tuple[dict[str, Any], datetime]] | None = None) -> bool:
        """Record the replies and save the turn's dialog ``saves`` (key -> (state, now)) of
        ``states`` in one write transaction (one commit, one sync, instead of two).

        False when another handler recorded this message first; the states are saved anyway
        (as when they were saved before recording)."""
        saves = saves or {}
        if saves and (states is None or states._engine is not self._engine):
            raise ValueError("the dialog states must live in the message log's database")
        values = {"k": message_key, "c": _aware(now),
                  "r": cipher_for(self._engine).encrypt(json.dumps(replies, ensure_ascii=False, default=str),
                                                        "replies")}
        if states is not None and states.on_driver or states is None and self._engine.dialect.name == "sqlite":
            rows = [states.state_row(key, state, at) for key, (state, at) in saves.items()]  # type: ignore[union-attr]
            if self._record_on_driver((message_key, values["r"], _BIND_TIME(values["c"])), rows):
                return True
            for key, (state, at) in saves.items():
                states.save(key, state, at)  # type: ignore[union-attr]
            return False
        try:
            with write_gate(self._engine), self._write.connect() as conn:
                with conn.begin():
                    conn.execute(_RECORD, values)
                    for key, (state, at) in saves.items():
                        states.save_in(conn, key, state, at)  # type: ignore[union-attr]
            return True
        except IntegrityError:
            for key, (state, at) in saves.items():
                states.save(key, state, at)  # type: ignore[union-attr]
            return False

    def _record_on_driver(self, record: tuple[Any, ...], state_rows: list[tuple[Any, ...]]) -> bool:
        """SQLite: the record and the states in one write transaction on the driver, not synced
        to disk at once (see :func:`light_write`); False when the message was recorded before
        (nothing written)."""
        with write_gate(self._engine):
            fairy = self._engine.raw_connection()
            try:
                light_write(fairy.dbapi_connection, [(_D_RECORD, record), *((_D_STATE_UPSERT, row) for row in state_rows)])
                return True
            except sqlite3.IntegrityError:
                return False  # recorded by another handler first: the caller saves the states apart
            except sqlite3.Error as exc:
                raise driver_error(_D_RECORD, exc) from None
            finally:
                fairy.close()

    def purge_before(self, cutoff: datetime) -> int:
        """Delete records older than ``cutoff``; returns how many (retention)."""
        with write_gate(self._engine), self._write.connect() as conn:
            with conn.begin():
                return conn.execute(delete(handled_messages)
                                    .where(handled_messages.c.created_at < _aware(cutoff))).rowcount

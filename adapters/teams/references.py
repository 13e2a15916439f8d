"""Conversation references in the database, so proactive messages survive restarts and
work from any instance.

The table ``teams_conversation_refs`` holds, per conversation: the connector's service
URL, the tenant, the bot's account id and (for personal chats) a keyed hash of the
person's user key, never the user key itself; :meth:`SqlReferenceStore.forget_user`
deletes a person's row (erasure). The table is created on first use (``IF NOT EXISTS``);
it belongs in the Alembic migrations of ``adapters.store`` once those include it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Engine, MetaData, String, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from adapters.store.engine import WRITE_OPTION, create_missing, driver_error, fetch_one, light_write, sqlite_processors, write_gate

from .proactive import ConversationRef

log = logging.getLogger(__name__)

metadata = MetaData()
refs = Table(
    "teams_conversation_refs",
    metadata,
    Column("conversation_id", String(512), primary_key=True),
    Column("user_hash", String(64), index=True),
    Column("service_url", String(512), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("bot_id", String(128), nullable=False),
    Column("is_group", Boolean, nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


_STORED = ("service_url", "tenant_id", "bot_id", "is_group", "channel_id", "user_hash")
# Built once: building a statement costs more than running these one-row statements.
_READ = select(*(refs.c[name] for name in _STORED)).where(refs.c.conversation_id == bindparam("cid"))
_UPDATE = update(refs).where(refs.c.conversation_id == bindparam("cid")).values(
    **{name: bindparam(name) for name in (*_STORED, "updated_at")})
_INSERT = insert(refs).values(conversation_id=bindparam("cid"), **{name: bindparam(name) for name in (*_STORED, "updated_at")})
# SQLite: the same as driver SQL on the pool's DB-API connection (SQLAlchemy's per-statement
# set-up costs several times what SQLite spends on these one-row statements).
_D_READ = f"SELECT {', '.join(_STORED)} FROM teams_conversation_refs WHERE conversation_id = ?"
_D_UPSERT = (f"INSERT INTO teams_conversation_refs (conversation_id, {', '.join(_STORED)}, updated_at) "
             f"VALUES (?, {', '.join('?' * len(_STORED))}, ?) ON CONFLICT (conversation_id) DO UPDATE SET "
             + ", ".join(f"{name} = excluded.{name}" for name in (*_STORED, "updated_at")))


_BIND_TIME, _ = sqlite_processors(refs.c.updated_at)


class SqlReferenceStore:
    """A :class:`~adapters.teams.proactive.ReferenceStore` on SQLAlchemy (SQLite or PostgreSQL).

    Writes happen only when a reference is new or changed: the endpoint keeps the references it
    stored in memory and calls :meth:`save` only for others (the per-message cost is a dictionary
    lookup), and :meth:`save` first reads the stored one (after a restart most are stored
    already and unchanged: a read, no write and no sync).
    Writes queue on the store's write gate like every other SQLite writer of the process.
    """

    def __init__(self, engine: Engine, key: bytes) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})  # built once: not cheap
        self._key = key
        self._on_driver = engine.dialect.name == "sqlite"
        create_missing(engine, metadata)

    def user_hash(self, user_key: str) -> str:
        return hmac.new(self._key, user_key.encode("utf-8"), hashlib.sha256).hexdigest()

    def save(self, ref: ConversationRef) -> None:
        row = {
            "service_url": ref.service_url,
            "tenant_id": ref.tenant_id,
            "bot_id": ref.bot_id,
            "is_group": ref.is_group,
            "channel_id": ref.channel_id,
            "user_hash": self.user_hash(ref.user_key) if ref.user_key else None,
        }
        if self._on_driver:
            self._save_on_driver(ref.conversation_id, row)
        else:
            with self._engine.connect() as conn:
                stored = conn.execute(_READ, {"cid": ref.conversation_id}).mappings().first()
            if stored is None or {name: stored[name] for name in _STORED} != row:
                values = {"cid": ref.conversation_id, "updated_at": datetime.now(timezone.utc), **row}
                with write_gate(self._engine), self._writer.connect() as conn:
                    with conn.begin():
                        if not conn.execute(_UPDATE, values).rowcount:
                            try:
                                with conn.begin_nested():
                                    conn.execute(_INSERT, values)
                            except IntegrityError:  # another instance inserted it first: update that row
                                conn.execute(_UPDATE, values)

    def _save_on_driver(self, conversation_id: str, row: dict[str, Any]) -> None:
        values = tuple(row[name] for name in _STORED)
        stored = fetch_one(self._engine, _D_READ, (conversation_id,))
        if stored is not None and tuple(stored) == values:
            return
        with write_gate(self._engine):
            fairy = self._engine.raw_connection()
            try:
                # Not synced at once: a reference lost in a power cut is stored again with
                # the conversation's next message (see light_write).
                light_write(fairy.dbapi_connection, [(_D_UPSERT, (conversation_id, *values, _BIND_TIME(datetime.now(timezone.utc))))])
            except sqlite3.Error as exc:  # as SQLAlchemy would raise it
                raise driver_error(_D_UPSERT, exc) from None
            finally:
                fairy.close()

    def for_user(self, user_key: str) -> ConversationRef | None:
        query = select(refs).where(refs.c.user_hash == self.user_hash(user_key)).order_by(refs.c.updated_at.desc()).limit(1)
        return self._one(query, user_key)

    def for_conversation(self, conversation_id: str) -> ConversationRef | None:
        return self._one(select(refs).where(refs.c.conversation_id == conversation_id), None)

    def forget_user(self, user_key: str) -> int:
        with write_gate(self._engine), self._writer.connect() as conn:
            with conn.begin():
                removed = conn.execute(delete(refs).where(refs.c.user_hash == self.user_hash(user_key))).rowcount
        return int(removed or 0)

    def _one(self, query, user_key: str | None) -> ConversationRef | None:  # type: ignore[no-untyped-def]
        try:
            with self._engine.connect() as conn:
                row = conn.execute(query).mappings().first()
        except SQLAlchemyError as exc:
            log.error("could not read a conversation reference: %s", type(exc).__name__)
            return None
        if row is None:
            return None
        return ConversationRef(
            conversation_id=row["conversation_id"],
            service_url=row["service_url"],
            tenant_id=row["tenant_id"],
            bot_id=row["bot_id"],
            user_key=user_key if not row["is_group"] else None,
            is_group=bool(row["is_group"]),
            channel_id=row["channel_id"],
        )

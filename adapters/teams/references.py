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
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, Engine, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from adapters.store.engine import WRITE_OPTION

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


class SqlReferenceStore:
    """A :class:`~adapters.teams.proactive.ReferenceStore` on SQLAlchemy (SQLite or PostgreSQL).

    Writes happen only when a reference is new or changed (cached per process), so the
    per-message cost is a dictionary lookup.
    """

    def __init__(self, engine: Engine, key: bytes) -> None:
        self._engine = engine
        self._key = key
        self._seen: dict[str, ConversationRef] = {}
        metadata.create_all(engine, checkfirst=True)

    def user_hash(self, user_key: str) -> str:
        return hmac.new(self._key, user_key.encode("utf-8"), hashlib.sha256).hexdigest()

    def save(self, ref: ConversationRef) -> None:
        if self._seen.get(ref.conversation_id) == ref:
            return
        row = {
            "service_url": ref.service_url,
            "tenant_id": ref.tenant_id,
            "bot_id": ref.bot_id,
            "is_group": ref.is_group,
            "channel_id": ref.channel_id,
            "user_hash": self.user_hash(ref.user_key) if ref.user_key else None,
            "updated_at": datetime.now(timezone.utc),
        }
        with self._engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
            with conn.begin():
                changed = conn.execute(update(refs).where(refs.c.conversation_id == ref.conversation_id).values(**row)).rowcount
                if not changed:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(refs).values(conversation_id=ref.conversation_id, **row))
                    except IntegrityError:  # another instance inserted it first: update that row
                        conn.execute(update(refs).where(refs.c.conversation_id == ref.conversation_id).values(**row))
        self._seen[ref.conversation_id] = ref
        if len(self._seen) > 50_000:
            self._seen.clear()

    def for_user(self, user_key: str) -> ConversationRef | None:
        query = select(refs).where(refs.c.user_hash == self.user_hash(user_key)).order_by(refs.c.updated_at.desc()).limit(1)
        return self._one(query, user_key)

    def for_conversation(self, conversation_id: str) -> ConversationRef | None:
        return self._one(select(refs).where(refs.c.conversation_id == conversation_id), None)

    def forget_user(self, user_key: str) -> int:
        with self._engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
            with conn.begin():
                removed = conn.execute(delete(refs).where(refs.c.user_hash == self.user_hash(user_key))).rowcount
        self._seen = {k: v for k, v in self._seen.items() if v.user_key != user_key}
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

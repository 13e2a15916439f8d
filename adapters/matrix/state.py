"""What the Matrix channel remembers between runs, in the bot's database.

- the sync token (saved after the events before it were handled) and the moment of the
  first start (older events are history, never answered);
- the ids of handled events (claimed atomically before handling, so each event is handled
  once even with two instances briefly overlapping; pruned after 7 days);
- open choice prompts: which reaction on which bot message stands for which utterance,
  and for whom (a keyed hash of the user id; pruned after a day); a prompt marked
  ``answerable_by="room"`` (a team poll) is answered by any member of the room.

Kept in the database rather than on local disk so that another instance taking over the
sync (see ``adapters.store.leases``) continues where the previous one stopped. The three
``wms_matrix_*`` tables belong to this module and are created with ``metadata.create_all``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from adapters.store.engine import create_missing

metadata = MetaData()

state_table = Table(
    "wms_matrix_state",
    metadata,
    Column("account", String(64), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

events_table = Table(
    "wms_matrix_events",
    metadata,
    Column("account", String(64), primary_key=True),
    Column("event_id", String(255), primary_key=True),
    Column("claimed_ms", BigInteger, nullable=False),
    Column("done_ms", BigInteger, nullable=False),  # 0 while being handled
)

prompts_table = Table(
    "wms_matrix_prompts",
    metadata,
    Column("account", String(64), primary_key=True),
    Column("event_id", String(255), primary_key=True),
    Column("user_hash", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000
PROMPT_RETENTION_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Prompt:
    """A bot message with choices: reaction keys -> utterances, whom it asked, where to answer."""

    keys: list[tuple[str, str]]
    user_hash: str
    reply_to: str | None
    thread_root: str | None
    answerable_by: str = "asker"  # "room": any member of the room may answer (a poll)

    def answers(self, user_hash: str) -> bool:
        """Whether a reaction by the user with this hash answers the prompt."""
        return self.answerable_by == "room" or user_hash == self.user_hash


class MatrixState:
    """Persistent state of one bot account (several accounts may share a database)."""

    def __init__(self, engine: Engine, bot_user_id: str, secret: str = "") -> None:
        self.engine = engine
        self.account = hashlib.sha256(bot_user_id.encode()).hexdigest()[:32]
        # Keyed with a secret (the pickle key), so a stored hash cannot be matched to a user id
        # by hashing candidate ids.
        self._salt = hashlib.sha256(f"wms-matrix-user\x00{secret}\x00{self.account}".encode()).hexdigest()

    def ensure_tables(self) -> None:
        create_missing(self.engine, metadata)

    def user_hash(self, user_id: str) -> str:
        return hashlib.sha256(f"{self._salt}\x00{user_id}".encode()).hexdigest()

    # -- key/value ---------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(state_table.c.value).where(state_table.c.account == self.account, state_table.c.key == key)
            ).scalar_one_or_none()

    def put(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(state_table)
                .where(state_table.c.account == self.account, state_table.c.key == key)
                .values(value=value)
            ).rowcount
            if not done:
                conn.execute(insert(state_table).values(account=self.account, key=key, value=value))

    # -- handled events -------------------------------------------------------------------

    def claim(self, event_id: str, now_ms: int) -> bool:
        """Take an event for handling; False when it was handled or is being handled already.

        One atomic INSERT: two instances (or two deliveries) can never both handle an event.
        """
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(events_table).values(account=self.account, event_id=event_id, claimed_ms=now_ms, done_ms=0))
            return True
        except IntegrityError:
            return False

    def finish(self, event_id: str, now_ms: int) -> None:
        """Mark a claimed event as handled."""
        with self.engine.begin() as conn:
            conn.execute(
                update(events_table)
                .where(events_table.c.account == self.account, events_table.c.event_id == event_id)
                .values(done_ms=now_ms)
            )

    def release_unfinished(self) -> int:
        """Forget claims a previous holder never finished (it died): handle those events again.

        Called by a new sync holder at start; the previous holder's lease has expired by then.
        """
        with self.engine.begin() as conn:
            return conn.execute(
                delete(events_table).where(events_table.c.account == self.account, events_table.c.done_ms == 0)
            ).rowcount

    def is_handled(self, event_id: str) -> bool:
        """Whether the event was handled (or is being handled)."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(events_table.c.done_ms).where(
                        events_table.c.account == self.account, events_table.c.event_id == event_id
                    )
                ).first()
                is not None
            )

    # -- prompts --------------------------------------------------------------------------

    def save_prompt(self, event_id: str, user_id: str, prompt_keys: list[tuple[str, str]],
                    reply_to: str | None, thread_root: str | None, now_ms: int,
                    answerable_by: str = "asker") -> None:
        """Remember a bot message with choices; ``answerable_by="room"``: any room member answers."""
        record: dict[str, Any] = {"keys": prompt_keys, "reply_to": reply_to, "thread_root": thread_root}
        if answerable_by == "room":
            record["answerable_by"] = "room"
        data = json.dumps(record)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(prompts_table).values(
                        account=self.account, event_id=event_id, user_hash=self.user_hash(user_id),
                        data=data, created_ms=now_ms,
                    )
                )
        except IntegrityError:
            pass

    def load_prompt(self, event_id: str) -> Prompt | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(prompts_table.c.user_hash, prompts_table.c.data).where(
                    prompts_table.c.account == self.account, prompts_table.c.event_id == event_id
                )
            ).first()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row.data)
        return Prompt(
            keys=[(k, u) for k, u in data["keys"]], user_hash=row.user_hash,
            reply_to=data.get("reply_to"), thread_root=data.get("thread_root"),
            answerable_by="room" if data.get("answerable_by") == "room" else "asker",
        )

    def forget_user(self, user_id: str) -> int:
        """Drop the prompts that asked this person (after an erasure); returns how many."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(prompts_table).where(
                prompts_table.c.account == self.account, prompts_table.c.user_hash == self.user_hash(user_id))).rowcount
        return int(gone or 0)

    def prune(self, now_ms: int) -> None:
        """Forget handled events and prompts past their retention."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(events_table).where(
                    events_table.c.account == self.account, events_table.c.claimed_ms < now_ms - EVENT_RETENTION_MS
                )
            )
            conn.execute(
                delete(prompts_table).where(
                    prompts_table.c.account == self.account, prompts_table.c.created_ms < now_ms - PROMPT_RETENTION_MS
                )
            )

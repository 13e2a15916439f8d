"""Conversation references in SQLite and PostgreSQL: saved, found, forgotten; no user ids stored."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from adapters.store.engine import make_engine
from adapters.teams.proactive import ConversationRef
from adapters.teams.references import SqlReferenceStore

USER = "teams:tenant-a:6a4d8b1e-2f3c-4a5b-9c8d-7e6f5a4b3c2d"


def _exercise(url: str) -> None:
    engine = make_engine(url)
    try:
        store = SqlReferenceStore(engine, b"k" * 32)
        personal = ConversationRef("a:personal-1", "https://smba/emea/", "tenant-a", "28:bot", user_key=USER)
        channel = ConversationRef("19:chan@thread.tacv2", "https://smba/emea/", "tenant-a", "28:bot", is_group=True)
        store.save(personal)
        store.save(personal)  # unchanged: no second write
        store.save(channel)
        moved = ConversationRef("a:personal-1", "https://smba/amer/", "tenant-a", "28:bot", user_key=USER)
        store.save(moved)
        again = SqlReferenceStore(engine, b"k" * 32)  # another instance / after a restart
        assert again.for_user(USER) == moved
        written = _updated_at(engine)
        again.save(moved)  # unknown to this instance but stored unchanged: read, not written
        again.save(channel)
        assert _updated_at(engine) == written
        assert again.for_conversation("19:chan@thread.tacv2") == channel
        assert again.for_user("teams:tenant-a:someone-else") is None
        with engine.connect() as conn:
            dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM teams_conversation_refs")) for v in row)
        assert "6a4d8b1e" not in dump  # only a keyed hash of the user key is stored
        assert again.forget_user(USER) == 1
        assert again.for_user(USER) is None and again.for_conversation("a:personal-1") is None
    finally:
        engine.dispose()


def _updated_at(engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT conversation_id, updated_at FROM teams_conversation_refs ORDER BY 1"))
        return [(str(a), str(b)) for a, b in rows]


def test_sqlite(sqlite_url: str) -> None:
    _exercise(sqlite_url)


@pytest.mark.postgres
def test_postgres(pg_url: str) -> None:
    _exercise(pg_url)

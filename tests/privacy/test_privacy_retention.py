"""Retention with a fixed clock: every data kind just before and just after its period, the
inactivity notice, a person coming back, and a canary scan after a profile is deleted."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert, select

from adapters.store.anonymise import anonymise
from adapters.store.people import record_audit
from adapters.store.retention import REGISTRY, due_notices, older_than, register, run_retention
from adapters.store.tables import idempotency_keys, people
from bot.bootstrap import Services
from bot.scheduler import notice_text, send_notices
from core.booking.api import BookingRequest, PersonInfo, Where
from core.privacy.retention import RetentionTable

from privacy_helpers import canaries_in_files, canaries_in_tables, sqlite_path

UTC = timezone.utc
T0 = datetime(2025, 11, 24, 10, 0, tzinfo=UTC)   # a Monday
S = timedelta(seconds=1)
TABLE = RetentionTable.defaults()


def _due(svc: Services, kind: str, now: datetime) -> int:
    return {r.name: r.due for r in run_retention(svc.engine, now, TABLE, dry_run=True)}[kind]


def _purge(svc: Services, kind: str, now: datetime) -> int:
    return run_retention(svc.engine, now, TABLE, kinds=[kind])[0].removed


def test_conversation_state_after_30_minutes(services: Services) -> None:
    services.conversations.save("matrix:!room:example.org:@u:example.org", {"step": "x"}, T0)
    assert _due(services, "conversation_state", T0 + timedelta(minutes=30) - S) == 0
    assert _purge(services, "conversation_state", T0 + timedelta(minutes=30) - S) == 0
    assert _due(services, "conversation_state", T0 + timedelta(minutes=30) + S) == 1
    assert _purge(services, "conversation_state", T0 + timedelta(minutes=30) + S) == 1
    assert _due(services, "conversation_state", T0 + timedelta(hours=1)) == 0


@pytest.mark.parametrize("kind,days", [("handled_messages", 7), ("idempotency_keys", 7), ("audit", 365)])
def test_records_just_before_and_after_their_period(services: Services, kind: str, days: int) -> None:
    if kind == "handled_messages":
        services.messages.record("test:m1", [], T0)
    elif kind == "idempotency_keys":
        with services.engine.begin() as conn:
            conn.execute(insert(idempotency_keys).values(key="test:m1", created_at=T0))
    else:
        with services.engine.begin() as conn:
            record_audit(conn, None, "export", T0)
    end = T0 + timedelta(days=days)
    assert _due(services, kind, end - S) == 0 and _purge(services, kind, end - S) == 0
    assert _due(services, kind, end + S) == 1 and _purge(services, kind, end + S) == 1
    assert _purge(services, kind, end + S) == 0  # idempotent


def test_a_later_feature_plugs_its_data_in_with_one_line(services: Services) -> None:
    meta = MetaData()
    lookups = Table("test_lookups", meta, Column("id", Integer, primary_key=True),
                    Column("looked_up_at", DateTime(timezone=True), nullable=False))
    meta.create_all(services.engine)
    try:
        register(older_than("test_kind", lookups.c.looked_up_at, period="lookups", what="'who looked me up'"))
        with services.engine.begin() as conn:
            conn.execute(insert(lookups).values(looked_up_at=T0))
        assert _due(services, "test_kind", T0 + timedelta(days=7) - S) == 0
        assert _purge(services, "test_kind", T0 + timedelta(days=7) + S) == 1
    finally:
        REGISTRY.pop("test_kind", None)
        meta.drop_all(services.engine)


def _person(svc: Services, ext: str, now: datetime, **fields: str) -> int:
    pid = svc.booking.ensure_person(PersonInfo(ext, **fields), now)
    assert pid > 0
    return pid


def _exists(svc: Services, pid: int) -> bool:
    with svc.engine.connect() as conn:
        return conn.execute(select(people.c.id).where(people.c.id == pid)).first() is not None


def test_inactive_profile_gets_a_notice_then_is_deleted(services: Services) -> None:
    svc = services
    pid = _person(svc, "matrix:@sleepy:example.org", T0, name="Sleepy")
    notice_at = T0 + timedelta(days=335)
    with svc.engine.connect() as conn:
        assert due_notices(conn, notice_at - S, TABLE) == []
        [notice] = due_notices(conn, notice_at + S, TABLE)
    assert notice.person_id == pid and notice.external_id == "matrix:@sleepy:example.org"
    assert notice.deadline == date(2026, 11, 24)
    assert "24 november" in notice_text(notice, "nl") and "24 November" in notice_text(notice, "en")

    sent: list[str] = []

    async def notify(n) -> bool:  # type: ignore[no-untyped-def]
        sent.append(n.external_id)
        return True

    assert asyncio.run(send_notices(svc, notice_at + S, notify)) == (1, 1)
    assert asyncio.run(send_notices(svc, notice_at + 2 * S, notify)) == (0, 0)  # never twice
    assert sent == ["matrix:@sleepy:example.org"]

    deadline = T0 + timedelta(days=365)
    assert _due(svc, "profiles", deadline - S) == 0 and _purge(svc, "profiles", deadline - S) == 0
    assert _exists(svc, pid)
    assert _purge(svc, "profiles", deadline + S) == 1 and not _exists(svc, pid)


def test_a_failed_notice_is_retried_and_a_late_notice_gives_the_full_month(services: Services) -> None:
    svc = services
    pid = _person(svc, "teams:t:late", T0)

    async def fail(n) -> bool:  # type: ignore[no-untyped-def]
        return False

    late = T0 + timedelta(days=360)   # the bot was down: the notice goes out only now
    assert asyncio.run(send_notices(svc, late, fail)) == (1, 0)

    async def ok(n) -> bool:  # type: ignore[no-untyped-def]
        return True

    assert asyncio.run(send_notices(svc, late, ok)) == (1, 1)
    assert _purge(svc, "profiles", T0 + timedelta(days=366)) == 0          # within the month after the notice
    assert _purge(svc, "profiles", late + timedelta(days=30) + S) == 1 and not _exists(svc, pid)


def test_a_person_who_comes_back_keeps_the_profile(services: Services) -> None:
    svc = services
    pid = _person(svc, "matrix:@back:example.org", T0)

    async def ok(n) -> bool:  # type: ignore[no-untyped-def]
        return True

    asyncio.run(send_notices(svc, T0 + timedelta(days=340), ok))
    assert _person(svc, "matrix:@back:example.org", T0 + timedelta(days=350)) == pid  # says hello again
    assert _purge(svc, "profiles", T0 + timedelta(days=366)) == 0 and _exists(svc, pid)
    with svc.engine.connect() as conn:
        assert conn.execute(select(people.c.notice_sent_at).where(people.c.id == pid)).scalar() is None


def test_a_future_booking_keeps_the_profile(services: Services) -> None:
    svc = services
    booked_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    pid = _person(svc, "matrix:@planner:example.org", booked_at - timedelta(days=400))
    assert svc.booking.book(BookingRequest(pid, (date(2026, 12, 1),), Where("alpha")), booked_at).ok
    with svc.engine.begin() as conn:  # booking is no activity in this test: keep last_active old
        conn.execute(people.update().values(last_active_at=booked_at - timedelta(days=400)))
    assert _purge(svc, "profiles", booked_at + timedelta(days=1)) == 0 and _exists(svc, pid)
    assert _purge(svc, "profiles", datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == 1 and not _exists(svc, pid)


def test_after_deletion_nothing_of_the_person_is_left(services: Services) -> None:
    svc = services
    canaries = ["Kanarie Verwijderd", "kanarie.weg@example.org", "+31 6 9876 5432", "@kanarieweg:example.org",
                "5b7c0e2a-93f1-4d7e-8a6b-0c1d2e3f4a5b"]
    ext = "matrix:@kanarieweg:example.org"
    pid = _person(svc, ext, T0, name=canaries[0], email=canaries[1], phone=canaries[2], department="Kanarie Afd")
    _person(svc, "teams:" + canaries[4], T0, name=canaries[0] + " T")
    book_at = T0 + timedelta(days=1)
    assert svc.booking.book(BookingRequest(pid, (date(2025, 11, 27),), Where("alpha"),
                                           source_message_id="matrix:$ev-kanarie"), book_at).ok
    svc.messages.record("matrix:$ev-kanarie", [{"text": "geboekt"}], book_at)
    svc.conversations.save("matrix:!dm:example.org:@kanarieweg:example.org", {"lang": "nl"}, book_at)
    anonymise(svc.engine, datetime(2025, 11, 28, 3, 0, tzinfo=UTC))
    assert canaries_in_tables(svc.engine, canaries) == []  # encrypted and hashed at rest already
    later = T0 + timedelta(days=400)
    removed = {r.name: r.removed for r in run_retention(svc.engine, later, TABLE)}
    assert removed["profiles"] == 2 and not _exists(svc, pid)
    with svc.engine.connect() as conn:
        assert conn.execute(select(people)).all() == []
    assert canaries_in_tables(svc.engine, canaries + ["kanarieweg", "ev-kanarie"]) == []
    if svc.engine.dialect.name == "sqlite":
        from adapters.store.anonymise import truncate_wal

        assert truncate_wal(svc.engine)
        assert canaries_in_files(sqlite_path(svc.engine), canaries + ["kanarieweg", "ev-kanarie"]) == []


def test_waitlist_wishes_go_once_their_day_has_passed(services: Services) -> None:
    from adapters.store.teams import team_waitlist

    pid = _person(services, "matrix:@waiter:example.org", T0)
    with services.engine.begin() as conn:
        conn.execute(insert(team_waitlist).values(person_id=pid, building_id="alpha", day=date(2025, 11, 26),
                                                  part=None, features=[], auto_book=False, created_at=T0))
    last_moment = datetime(2025, 11, 26, 22, 59, tzinfo=UTC)  # 23:59 in Amsterdam, still that day
    assert _due(services, "team_waitlist", last_moment) == 0
    assert _purge(services, "team_waitlist", last_moment + timedelta(minutes=2)) == 1

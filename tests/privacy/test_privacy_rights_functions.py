"""The store functions the rights in chat build on: find, export, rectify, erase, audit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from adapters.store.people import (
    audit_actor,
    erase_person,
    export_person,
    find_person_id,
    record_audit,
    update_profile,
)
from adapters.store.tables import (
    audit_trail,
    conversation_state,
    handled_messages,
    idempotency_keys,
    people,
    reservations,
)
from bot.bootstrap import Services
from core.booking.api import BookingRequest, PersonInfo, Where
from core.clock import AMSTERDAM
from privacy_helpers import add_reservation, desk_ids

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
THU, FRI_PAST = date(2026, 11, 26), date(2026, 11, 20)


def _setup(svc: Services) -> tuple[int, int]:
    me = svc.booking.ensure_person(PersonInfo("matrix:@me:example.org", name="Me", email="me@example.org",
                                              phone="0612345678", department="BZK"), NOW)
    other = svc.booking.ensure_person(PersonInfo("matrix:@other:example.org", name="Other"), NOW)
    assert svc.booking.book(BookingRequest(me, (THU,), Where("alpha"), source_message_id="matrix:$b1"), NOW).ok
    assert svc.booking.book(BookingRequest(other, (THU,), Where("alpha"), source_message_id="matrix:$b2"), NOW).ok
    svc.messages.record("matrix:$b1", [{"text": "booked"}], NOW)
    svc.conversations.save("matrix:!dm:example.org:@me:example.org", {"person_id": me, "lang": "nl"}, NOW)
    svc.conversations.save("matrix:!dm2:example.org:@other:example.org", {"person_id": other}, NOW)
    return me, other


def test_find_export_and_rectify(services: Services) -> None:
    me, other = _setup(services)
    with services.engine.begin() as conn:
        assert find_person_id(conn, "matrix:@me:example.org") == me
        assert find_person_id(conn, "matrix:@nobody:example.org") is None
        data = export_person(conn, me)
        assert export_person(conn, 999_999) is None
        assert update_profile(conn, me, NOW, phone="070 000 0000", department=None)
        assert not update_profile(conn, 999_999, NOW, name="x")
    assert data is not None
    assert data["profile"]["name"] == "Me" and data["profile"]["channel_id"] == "matrix:@me:example.org"
    assert [(r["day"], r["part"], r["for_me"]) for r in data["reservations"]] == [
        ("2026-11-26", "afternoon", True), ("2026-11-26", "morning", True)]
    assert "Other" not in str(data) and "@other" not in str(data)  # only the user's own data
    with services.engine.connect() as conn:
        raw = conn.execute(select(people.c.phone).where(people.c.id == me)).scalar()
    assert raw.startswith("enc1.")
    with services.uow_factory(write=False) as uow:  # the repository reads it back decrypted
        p = uow.people.get(me)
    assert p is not None and p.phone == "070 000 0000" and p.department is None


def test_erase_removes_the_person_and_keeps_others(services: Services) -> None:
    me, other = _setup(services)
    add_reservation(services.engine, desk_ids(services.engine)[5], FRI_PAST, person_id=me, source="matrix:$old")
    for_other = add_reservation(services.engine, desk_ids(services.engine)[4], date(2026, 11, 27), person_id=other,
                                booked_by_id=me, group_id="g1", source="matrix:$forother")
    with services.engine.begin() as conn:
        record_audit(conn, me, "export", NOW)
        actor = audit_actor(conn, me)
        erased = erase_person(conn, me, NOW.date())
        assert erase_person(conn, me, NOW.date()).person is False  # a second time: nothing to do
    assert erased.person and erased.future_reservations == 2 and erased.past_reservations_unlinked == 1
    assert erased.conversation_states == 1 and erased.message_records == 1
    with services.engine.connect() as conn:
        assert conn.execute(select(people.c.id).where(people.c.id == me)).first() is None
        rows = conn.execute(select(reservations)).all()
        assert {r.person_id for r in rows} == {other, None}
        kept = [r for r in rows if r.id == for_other][0]  # a desk booked for a colleague stays theirs
        assert (kept.person_id, kept.booked_by_id, kept.source_message_id, kept.group_id) == (other, None, None, "g1")
        assert me not in {r.booked_by_id for r in rows}
        past = [r for r in rows if r.day == FRI_PAST][0]
        assert (past.person_id, past.booked_by_id, past.source_message_id) == (None, None, None)
        assert conn.execute(select(handled_messages.c.message_key)).all() == []
        # booking messages still recognised: by a key (PostgreSQL) or by the reservations carrying them (SQLite)
        assert set(conn.execute(select(idempotency_keys.c.key)).scalars()) | {
            r.source_message_id for r in rows if r.source_message_id} == {"matrix:$b2"}
        assert len(conn.execute(select(conversation_state)).all()) == 1  # the other person's
        # The audit record stays, and nothing can tie its actor to anyone any more.
        assert conn.execute(select(audit_trail.c.actor)).scalar() == actor
        assert audit_actor(conn, me) is None
        assert actor != audit_actor(conn, other)

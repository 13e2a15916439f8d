"""Booking through the real store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from bot.bootstrap import Services
from core.booking.api import (
    AvailabilityQuery,
    BookingRequest,
    PersonInfo,
    Refusal,
    Where,
)
from core.booking.model import Part

from .conftest import NOW

THU = date(2026, 11, 26)


def person(svc: Services, ext: str = "test:alice", dept: str = "BZK") -> int:
    pid = svc.booking.ensure_person(PersonInfo(ext, name="Alice", email="a@example.org", department=dept), NOW)
    assert pid > 0
    return pid


def test_bootstrap_seeds_buildings(services: Services) -> None:
    assert [b.id for b in services.booking.buildings()] == ["alpha", "beta", "gamma"]
    alpha = services.booking.building("alpha")
    assert alpha is not None and alpha.city == "Den Haag" and date(2026, 12, 1) in alpha.closures


def test_book_cancel_and_list(services: Services) -> None:
    pid = person(services)
    result = services.booking.book(BookingRequest(pid, (THU,), Where("alpha"), features=frozenset({"quiet"})), NOW)
    assert result.ok and len(result.bookings) == 1
    booking = result.bookings[0]
    assert booking.desk_code.startswith("A-0") and "quiet" in booking.features and booking.whole_day
    assert services.booking.upcoming(pid, NOW) == result.bookings
    assert services.booking.last_building(pid) == "alpha"
    again = services.booking.book(BookingRequest(pid, (THU,), Where("alpha")), NOW)
    # refused by the unique index, then answered with the booking the person has
    assert again.refusal is Refusal.ALREADY_BOOKED and again.refused_dates == (THU,)
    assert again.candidates == result.bookings
    cancelled = services.booking.cancel(pid, THU, NOW)
    assert cancelled.ok and cancelled.cancelled[0].desk_id == booking.desk_id
    assert services.booking.upcoming(pid, NOW) == ()


def test_retried_message_books_once(services: Services) -> None:
    pid = person(services)
    req = BookingRequest(pid, (THU,), Where("alpha"), count=2, source_message_id="matrix:$event1")
    first = services.booking.book(req, NOW)
    second = services.booking.book(req, NOW)
    assert first.ok and second.ok and second.replayed and not first.replayed
    assert second.bookings == first.bookings and second.group_id == first.group_id
    occ = {(o.day, o.part): o.reserved for o in services.booking.occupancy("alpha", (THU,))}
    assert occ == {(THU, Part.MORNING): 2, (THU, Part.AFTERNOON): 2}


def test_a_message_stays_recognised_after_its_booking_is_cancelled(services: Services) -> None:
    pid = person(services)
    req = BookingRequest(pid, (THU,), Where("alpha"), source_message_id="matrix:$event2")
    first = services.booking.book(req, NOW)
    assert first.ok and services.booking.cancel(pid, THU, NOW).ok
    again = services.booking.book(req, NOW)  # a late retry of the same message books nothing new
    assert again.ok and again.replayed and again.bookings == first.bookings
    assert services.booking.upcoming(pid, NOW) == ()


def test_a_message_key_from_before_is_recognised(services: Services) -> None:
    """A key row written earlier (PostgreSQL writes one per booking message; SQLite did before
    the message was folded into the reservation rows) makes a retry a replay."""
    from adapters.store.tables import idempotency_keys

    pid = person(services)
    with services.engine.begin() as conn:
        conn.execute(idempotency_keys.insert().values(key="matrix:$old-event", created_at=NOW))
    again = services.booking.book(BookingRequest(pid, (THU,), Where("alpha"), source_message_id="matrix:$old-event"),
                                  NOW)
    assert again.ok and again.replayed and again.bookings == ()
    assert services.booking.upcoming(pid, NOW) == ()


def test_nothing_free_gives_alternatives(services: Services) -> None:
    pid = person(services)
    full = services.booking.book(BookingRequest(pid, (THU,), Where("beta"), count=3, for_person_ids=(None,) * 3), NOW)
    assert full.ok
    other = person(services, "test:bob")
    result = services.booking.book(BookingRequest(other, (THU,), Where("beta")), NOW)
    assert result.refusal is Refusal.NOTHING_FREE
    kinds = [(a.kind.value, a.building_id) for a in result.alternatives]
    assert kinds[0] == ("other_building", "alpha")
    assert ("other_day", "beta") in kinds
    retry = services.booking.book(result.alternatives[0].request, NOW)
    assert retry.ok and retry.bookings[0].building_id == "alpha"


def test_availability_counts(services: Services) -> None:
    pid = person(services)
    services.booking.book(BookingRequest(pid, (THU,), Where("alpha"), part=Part.MORNING), NOW)
    avail = services.booking.availability(AvailabilityQuery((THU,), Where(city="den-haag")), NOW)
    assert avail.refusal is None
    by = {(d.building_id, d.day): d for d in avail.days}
    assert by[("alpha", THU)].free_desks == 7 and by[("alpha", THU)].total_desks == 8
    assert by[("beta", THU)].free_desks == 3
    afternoon = services.booking.availability(AvailabilityQuery((THU,), Where("alpha"), part=Part.AFTERNOON), NOW)
    assert afternoon.days[0].free_desks == 8


def test_bad_input_is_refused_and_writes_nothing(services: Services) -> None:
    from core.booking.api import BookingResult

    pid = person(services)
    cases = [
        (BookingRequest(pid, (THU,), Where("alpha"), count=0), Refusal.INVALID),
        (BookingRequest(pid, (THU,), Where("alpha"), count=10_000), Refusal.TOO_MANY),
        (BookingRequest(pid, ("2026-13-45",), Where("alpha")), Refusal.INVALID),  # type: ignore[arg-type]
        (BookingRequest(pid, (date(2026, 11, 2),), Where("alpha")), Refusal.PAST),
        (BookingRequest(pid, (date(2027, 6, 1),), Where("alpha")), Refusal.BEYOND_HORIZON),
        (BookingRequest(pid, (date(2026, 11, 28),), Where("alpha")), Refusal.CLOSED),
        (BookingRequest(pid, (THU, date(2026, 11, 28)), Where("alpha"), count=2), Refusal.CLOSED),
        (BookingRequest(pid, (THU,), Where("'; DROP TABLE reservations; --")), Refusal.UNKNOWN_BUILDING),
        (BookingRequest(pid, (THU,), Where(city="Atlantis")), Refusal.UNKNOWN_BUILDING),
        (BookingRequest(pid, (THU,), Where("alpha"), count=9), Refusal.NOTHING_FREE),
    ]
    for request, refusal in cases:
        result = services.booking.book(request, NOW)
        assert isinstance(result, BookingResult) and result.refusal is refusal, (request, result)
    assert services.booking.upcoming(pid, NOW) == ()
    assert all(o.reserved == 0 for o in services.booking.occupancy("alpha", (THU,)))


def test_whole_pilot_is_seeded_once(store_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap, pilot_file
    from bot.settings import Settings

    from .conftest import make_settings

    settings = make_settings(store_url, tmp_path, pilot_file(Settings.from_env({})))
    first = bootstrap(settings)
    try:
        ids = [b.id for b in first.booking.buildings()]
        assert len(ids) == 10 and "turfmarkt-147" in ids
        desks = sum(len(first.booking_service.catalogue().building_desks(i)) for i in ids)
        assert 1900 <= desks <= 2100
    finally:
        first.dispose()
    second = bootstrap(settings)  # an existing store is not seeded again
    try:
        assert len(second.booking.buildings()) == 10
    finally:
        second.dispose()


def test_move_is_atomic(services: Services) -> None:
    pid = person(services)
    made = services.booking.book(BookingRequest(pid, (THU,), Where("alpha")), NOW)
    assert made.ok
    other = person(services, "test:team")
    assert services.booking.book(BookingRequest(other, (THU,), Where("beta"), count=3), NOW).ok
    for target in ({"to_where": Where("beta")}, {"to_day": date(2026, 11, 28)}):
        failed = services.booking.move(pid, THU, NOW, **target)
        assert not failed.ok and failed.refusal in (Refusal.NOTHING_FREE, Refusal.CLOSED)
        assert services.booking.upcoming(pid, NOW) == made.bookings
    moved = services.booking.move(pid, THU, NOW, to_day=date(2026, 11, 27), source_message_id="m:move")
    again = services.booking.move(pid, THU, NOW, to_day=date(2026, 11, 27), source_message_id="m:move")
    assert moved.ok and again.replayed and again.bookings == moved.bookings
    assert [b.day for b in services.booking.upcoming(pid, NOW)] == [date(2026, 11, 27)]
    assert moved.bookings[0].desk_code == made.bookings[0].desk_code


def test_channel_profile_fills_gaps_but_never_overwrites_a_correction(services: Services) -> None:
    from datetime import timedelta

    from adapters.store.people import update_profile

    pid = services.booking.ensure_person(PersonInfo("test:carol", name="Carol", email=None), NOW)
    with services.engine.begin() as conn:  # the person corrects her name in chat (rectification)
        update_profile(conn, pid, NOW, name="Carol de Wit")
    later = NOW + timedelta(hours=2)
    again = services.booking.ensure_person(PersonInfo("test:carol", name="Carol", email="c@example.org"), later)
    assert again == pid
    with services.uow_factory(write=False) as uow:
        person = uow.people.by_external_id("test:carol")
    assert person is not None
    assert person.name == "Carol de Wit"      # the correction stands
    assert person.email == "c@example.org"    # an empty field is filled from the channel


def test_taken_among_names_only_the_asked_desks_that_are_taken(services: Services) -> None:
    """The shortlist question (``taken(..., among)``) answers as the whole building's taken set
    cut to the asked desks, for either part and for both."""
    pid, other = person(services), person(services, "test:bob")
    whole = services.booking.book(BookingRequest(pid, (THU,), Where("alpha"), count=2), NOW)
    morning = services.booking.book(BookingRequest(other, (THU,), Where("alpha"), part=Part.MORNING), NOW)
    assert whole.ok and morning.ok
    busy = [b.desk_id for b in whole.bookings] + [morning.bookings[0].desk_id]
    desks = [d.id for d in services.booking_service.catalogue().building_desks("alpha")]
    free = [d for d in desks if d not in busy]
    with services.uow_factory(write=False) as uow:
        r = uow.reservations
        for parts in ((Part.MORNING,), (Part.AFTERNOON,), (Part.MORNING, Part.AFTERNOON)):
            everything = r.taken("alpha", THU, parts)
            for among in ([busy[0]], busy + free[:3], free[:2], desks, []):
                assert r.taken("alpha", THU, parts, among) == everything & set(among), (parts, among)
        assert r.taken("alpha", THU, (Part.AFTERNOON,), busy) == set(busy[:2])
        assert r.taken("beta", THU, (Part.MORNING,), busy) == set()  # another building's day

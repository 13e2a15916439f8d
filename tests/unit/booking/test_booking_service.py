"""The booking service on in-memory fakes: rules, typed refusals, alternatives, cancel and move."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from core.booking.api import (
    AlternativeKind,
    AvailabilityQuery,
    BookingRequest,
    PersonInfo,
    Refusal,
    Where,
)
from core.booking.model import BOTH_PARTS, Part
from core.booking.rules import Rules
from core.booking.service import BookingService
from core.clock import AMSTERDAM

from .fakes import FakeReservations, FakeStore

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)  # Monday morning
MON, TUE, WED, THU, FRI, SAT = (date(2026, 11, 23) + timedelta(days=i) for i in range(6))


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def svc(store: FakeStore) -> BookingService:
    return BookingService(store, Rules(horizon_days=28, max_group_size=50), new_group_id=lambda: "g1")


def person(svc: BookingService, ext: str = "t:alice", dept: str | None = "BZK") -> int:
    pid = svc.ensure_person(PersonInfo(ext, name="Alice", department=dept), NOW)
    assert pid > 0
    return pid


def book(svc: BookingService, pid: int, *days: date, where: Where = Where("alpha"), **kw):  # type: ignore[no-untyped-def]
    return svc.book(BookingRequest(pid, tuple(days), where, **kw), NOW)


# --------------------------------------------------------------------------- people
def test_ensure_person_is_stable_and_fills_only_empty_profile_fields(svc: BookingService, store: FakeStore) -> None:
    a = person(svc)
    department = store.state.people[a].department
    # Channel data never overwrites a stored field (it may be the person's own correction) ...
    assert svc.ensure_person(PersonInfo("t:alice", name="Other", department="JenV"), NOW) == a
    assert store.state.people[a].department == department and store.state.people[a].name == "Alice"
    # ... but fills what is missing, cut to a sane length.
    assert svc.ensure_person(PersonInfo("t:alice", phone="0701234567"), NOW) == a
    assert store.state.people[a].phone == "0701234567"
    b = svc.ensure_person(PersonInfo("t:bob", name="x" * 10_000), NOW)
    assert b > 0 and len(store.state.people[b].name or "") == 200


@pytest.mark.parametrize("ext", ["", "   ", "x" * 300])
def test_ensure_person_refuses_unusable_ids_without_raising(svc: BookingService, ext: str) -> None:
    assert svc.ensure_person(PersonInfo(ext), NOW) == 0


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw, refusal", [
    ({"count": 0}, Refusal.INVALID),
    ({"count": -3}, Refusal.INVALID),
    ({"count": 10_000}, Refusal.TOO_MANY),
    ({"count": "2"}, Refusal.INVALID),
    ({"features": frozenset({"jacuzzi"})}, Refusal.INVALID),
    ({"start": time(19), "end": time(20)}, Refusal.INVALID),
    ({"part": "noon"}, Refusal.INVALID),
    ({"for_person_ids": (1, 2)}, Refusal.INVALID),
    ({"source_message_id": "x" * 1000}, Refusal.INVALID),
    ({"desk_id": "nope"}, Refusal.INVALID),
])
def test_bad_requests_are_typed_refusals(svc: BookingService, store: FakeStore, kw, refusal) -> None:  # type: ignore[no-untyped-def]
    pid = person(svc)
    result = book(svc, pid, THU, **kw)
    assert not result.ok and result.refusal is refusal
    assert store.active() == []


@pytest.mark.parametrize("dates, refusal, detail", [
    ((), Refusal.INVALID, "dates"),
    (("tomorrow",), Refusal.INVALID, "dates"),
    ((None,), Refusal.INVALID, "dates"),
    ((date(2026, 11, 20),), Refusal.PAST, None),
    ((MON + timedelta(days=29),), Refusal.BEYOND_HORIZON, "28"),
    ((SAT,), Refusal.CLOSED, "weekend"),
    ((date(2026, 12, 1),), Refusal.CLOSED, "closure"),
])
def test_dates_are_checked(svc: BookingService, store: FakeStore, dates, refusal, detail) -> None:  # type: ignore[no-untyped-def]
    result = book(svc, person(svc), *dates)
    assert (result.refusal, result.detail) == (refusal, detail)
    assert store.active() == []


def test_public_holidays_are_closed(svc: BookingService) -> None:
    pid = person(svc)
    result = svc.book(BookingRequest(pid, (date(2026, 12, 25),), Where("alpha")), NOW.replace(day=20, month=12))
    assert (result.refusal, result.detail) == (Refusal.CLOSED, "holiday:Christmas Day")
    assert result.alternatives[0].dates == (date(2026, 12, 24),)  # the nearest open day (26th is a Saturday)


def test_the_horizon_day_itself_is_bookable(svc: BookingService) -> None:
    assert book(svc, person(svc), MON + timedelta(days=28 + 2)).refusal is Refusal.BEYOND_HORIZON
    last_weekday = date(2026, 12, 21)  # Monday, exactly 28 days ahead
    assert book(svc, person(svc), last_weekday).ok


def test_unknown_places_and_people(svc: BookingService) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, where=Where("nowhere")).refusal is Refusal.UNKNOWN_BUILDING
    assert book(svc, pid, THU, where=Where(city="Atlantis")).refusal is Refusal.UNKNOWN_BUILDING
    assert book(svc, pid, THU, where=Where()).detail == "no_building"  # no usual building yet
    assert book(svc, 999, THU).detail == "unknown_person"
    assert svc.book("not a request", NOW).refusal is Refusal.INVALID  # type: ignore[arg-type]


def test_a_closed_day_offers_the_nearest_open_day(svc: BookingService) -> None:
    result = book(svc, person(svc), SAT)
    assert result.refusal is Refusal.CLOSED
    assert [(a.kind, a.dates) for a in result.alternatives][:1] == [(AlternativeKind.OTHER_DAY, (FRI,))]


# --------------------------------------------------------------------------- slots
def test_whole_day_today_after_the_morning_holds_the_afternoon(svc: BookingService) -> None:
    pid = person(svc)
    afternoon = NOW.replace(hour=14)
    whole = svc.book(BookingRequest(pid, (MON,), Where("alpha")), afternoon)
    assert whole.ok and whole.bookings[0].parts == (Part.AFTERNOON,)
    morning = svc.book(BookingRequest(person(svc, "t:bob"), (MON,), Where("alpha"), part=Part.MORNING), afternoon)
    assert (morning.refusal, morning.detail) == (Refusal.PAST, "part")
    late = svc.book(BookingRequest(person(svc, "t:carol"), (MON,), Where("alpha")), NOW.replace(hour=18, minute=5))
    assert late.refusal is Refusal.PAST


def test_hours_hold_the_parts_they_overlap(svc: BookingService) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, start=time(9), end=time(13)).bookings[0].parts == (Part.MORNING,)
    assert book(svc, pid, FRI, start=time(10), end=time(15)).bookings[0].parts == BOTH_PARTS


def test_one_desk_per_person_per_part(svc: BookingService, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = person(svc)
    reads: list[object] = []
    original = FakeReservations.of_people
    monkeypatch.setattr(FakeReservations, "of_people", lambda self, *a: reads.append(a) or original(self, *a))
    assert book(svc, pid, THU, part=Part.MORNING).ok
    assert reads == []  # "already booked" is the store's unique rule on the first try, not a read
    again = book(svc, pid, THU)
    assert again.refusal is Refusal.ALREADY_BOOKED and again.refused_dates == (THU,)
    assert again.candidates and again.candidates[0].parts == (Part.MORNING,)
    assert book(svc, pid, THU, part=Part.AFTERNOON).ok


# --------------------------------------------------------------------------- booking
def test_features_and_usual_place(svc: BookingService) -> None:
    pid = person(svc)
    first = book(svc, pid, THU, features=frozenset({"single_screen"}))
    assert first.bookings[0].desk_code == "A5"
    # Next time, without a building: the usual building, the usual zone.
    second = svc.book(BookingRequest(pid, (FRI,), Where()), NOW)
    assert second.ok and second.bookings[0].building_id == "alpha" and second.bookings[0].desk_code == "A5"


def test_city_picks_a_building_with_room(svc: BookingService) -> None:
    pid = person(svc)
    result = book(svc, pid, THU, where=Where(city="den-haag"), count=5, together=False)
    assert result.ok and {b.building_id for b in result.bookings} == {"alpha"}
    beta = book(svc, person(svc, "t:bob"), THU, where=Where(city="Den Haag"), count=3, together=True)
    assert beta.ok and {b.building_id for b in beta.bookings} == {"beta"}


def test_group_over_several_dates_is_all_or_nothing(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    assert book(svc, pid, FRI, where=Where("beta"), count=2, for_person_ids=(None, None)).ok
    before = len(store.active())
    result = book(svc, person(svc, "t:bob"), THU, FRI, where=Where("beta"), count=2, together=True)
    assert result.refusal is Refusal.NOTHING_FREE
    assert len(store.active()) == before
    ok = book(svc, person(svc, "t:carol"), WED, THU, where=Where("beta"), count=3)
    assert ok.ok and len(ok.bookings) == 6 and ok.group_id == "g1"
    assert {b.desk_code for b in ok.bookings if b.day == WED} == {b.desk_code for b in ok.bookings if b.day == THU}


def test_seats_for_others_and_open_seats(svc: BookingService, store: FakeStore) -> None:
    alice, bob = person(svc), person(svc, "t:bob", dept="JenV")
    result = book(svc, alice, THU, count=3, for_person_ids=(alice, bob))
    assert result.ok
    owners = sorted((r.person_id or 0, r.booked_by_id, r.department) for r in store.active() if r.part is Part.MORNING)
    assert owners == [(0, alice, "BZK"), (alice, alice, "BZK"), (bob, alice, "JenV")]
    # Bob already has a seat: booking him again that day is refused.
    assert book(svc, bob, THU).refusal is Refusal.ALREADY_BOOKED


def test_retried_message_books_once(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    first = book(svc, pid, THU, count=2, source_message_id="teams:abc")
    again = book(svc, pid, THU, count=2, source_message_id="teams:abc")
    assert again.replayed and again.bookings == first.bookings
    assert len(store.active()) == 4


def test_a_lost_race_retries_with_another_desk(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    store.fail_adds = 2
    result = book(svc, pid, THU)
    assert result.ok
    store.fail_adds = 99
    lost = book(svc, person(svc, "t:bob"), THU)
    assert lost.refusal is Refusal.TAKEN and not lost.ok


def test_a_specific_desk(svc: BookingService) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, desk_id="a7").bookings[0].desk_code == "A7"
    taken = book(svc, person(svc, "t:bob"), THU, desk_id="a7")
    assert taken.refusal is Refusal.TAKEN


def test_store_trouble_is_a_typed_refusal(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    store.busy = True
    assert book(svc, pid, THU).refusal is Refusal.UNAVAILABLE
    store.busy, store.broken = False, True
    assert book(svc, pid, THU).refusal is Refusal.UNAVAILABLE
    assert svc.availability(AvailabilityQuery((THU,), Where("alpha")), NOW).refusal is Refusal.UNAVAILABLE
    assert svc.cancel(pid, THU, NOW).refusal is Refusal.UNAVAILABLE
    assert svc.upcoming(pid, NOW) == () and svc.buildings() == () and svc.occupancy("alpha", (THU,)) == ()


# --------------------------------------------------------------------------- alternatives
def test_alternatives_are_ranked(svc: BookingService) -> None:
    pid = person(svc)
    # Fill the quiet zone of alpha on Thursday.
    assert book(svc, pid, THU, count=4, for_person_ids=(None,) * 4, features=frozenset({"quiet"})).ok
    result = book(svc, person(svc, "t:bob"), THU, features=frozenset({"quiet", "dual_screen"}))
    assert result.refusal is Refusal.NOTHING_FREE
    kinds = [(a.kind, a.building_id, a.dates, a.dropped_feature) for a in result.alternatives]
    # beta (same city) has no quiet desks; Friday and Wednesday are equally near (the later day comes
    # first); dropping "quiet" leaves the dual-screen desks of the open zone.
    assert kinds[0] == (AlternativeKind.OTHER_DAY, "alpha", (FRI,), None)
    assert (AlternativeKind.FEWER_FEATURES, "alpha", (THU,), "quiet") in kinds
    for alt in result.alternatives:
        assert alt.free_desks > 0 and alt.request.requester_id == result.alternatives[0].request.requester_id


def test_not_together_alternative(svc: BookingService) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, desk_id="a1").ok
    assert book(svc, person(svc, "t:x"), THU, desk_id="a4").ok
    result = book(svc, person(svc, "t:bob"), THU, count=2, together=True, features=frozenset({"quiet"}))
    assert result.refusal is Refusal.NOTHING_FREE
    assert result.alternatives[0].kind is AlternativeKind.NOT_TOGETHER
    assert svc.book(result.alternatives[0].request, NOW).ok


def test_other_building_in_the_same_city_comes_first(svc: BookingService) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, where=Where("beta"), count=3, for_person_ids=(None,) * 3).ok
    result = book(svc, person(svc, "t:bob"), THU, where=Where("beta"))
    assert [a.kind for a in result.alternatives][:2] == [AlternativeKind.OTHER_BUILDING, AlternativeKind.OTHER_DAY]
    assert result.alternatives[0].building_id == "alpha"  # gamma is in Utrecht


# --------------------------------------------------------------------------- availability, occupancy
def test_availability(svc: BookingService) -> None:
    pid = person(svc)
    book(svc, pid, THU, part=Part.MORNING, features=frozenset({"quiet"}))
    avail = svc.availability(AvailabilityQuery((THU, SAT), Where(city="den-haag"), features=frozenset({"quiet"})), NOW)
    got = {(d.building_id, d.day): (d.free_desks, d.fits, d.closed_reason) for d in avail.days}
    assert got == {("alpha", THU): (3, True, None), ("alpha", SAT): (0, False, "weekend"),
                   ("beta", THU): (0, False, None), ("beta", SAT): (0, False, "weekend")}
    afternoon = svc.availability(AvailabilityQuery((THU,), Where("alpha"), part=Part.AFTERNOON), NOW)
    assert afternoon.days[0].free_desks == 8
    assert svc.availability(AvailabilityQuery((THU,), Where("alpha"), count=0), NOW).refusal is Refusal.INVALID
    assert svc.availability(AvailabilityQuery((THU,), Where("alpha"), count=10_000), NOW).refusal is Refusal.TOO_MANY
    assert svc.availability(AvailabilityQuery((date(2020, 1, 1),), Where()), NOW).refusal is Refusal.PAST
    assert svc.availability(AvailabilityQuery((THU,), Where("zzz")), NOW).refusal is Refusal.UNKNOWN_BUILDING
    together = svc.availability(AvailabilityQuery((THU,), Where("alpha"), count=4, together=True), NOW)
    assert together.days[0].fits is False and together.days[0].free_desks == 7


def test_occupancy(svc: BookingService) -> None:
    book(svc, person(svc), THU, count=2, for_person_ids=(None, None), part=Part.AFTERNOON)
    occ = {(o.day, o.part): (o.reserved, o.capacity) for o in svc.occupancy("alpha", (THU,))}
    assert occ == {(THU, Part.MORNING): (0, 8), (THU, Part.AFTERNOON): (2, 8)}
    assert svc.occupancy("nope", (THU,)) == ()


# --------------------------------------------------------------------------- cancel, move, list
def test_cancel(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    assert svc.cancel(pid, THU, NOW).refusal is Refusal.NOT_FOUND
    assert svc.cancel(pid, date(2026, 11, 1), NOW).refusal is Refusal.PAST
    book(svc, pid, THU, part=Part.MORNING)
    book(svc, pid, THU, part=Part.AFTERNOON, features=frozenset({"single_screen"}))
    amb = svc.cancel(pid, THU, NOW)
    assert amb.refusal is Refusal.AMBIGUOUS and len(amb.candidates) == 2
    one = svc.cancel(pid, THU, NOW, reservation_ids=amb.candidates[1].reservation_ids)
    assert one.ok and one.cancelled[0].parts == (Part.AFTERNOON,)
    assert svc.cancel(pid, None, NOW).ok
    assert store.active() == []


def test_cancel_is_only_for_your_own(svc: BookingService) -> None:
    alice, bob = person(svc), person(svc, "t:bob")
    made = book(svc, alice, THU)
    assert svc.cancel(bob, THU, NOW, reservation_ids=made.bookings[0].reservation_ids).refusal is Refusal.NOT_FOUND


def test_cancel_a_group(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    made = book(svc, pid, THU, count=3, for_person_ids=(pid,))
    result = svc.cancel(pid, None, NOW, group_id=made.group_id)
    assert result.ok and len(result.cancelled) == 3 and store.active() == []


def test_move(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    made = book(svc, pid, THU, features=frozenset({"single_screen"}))
    moved = svc.move(pid, THU, NOW, to_day=FRI)
    assert moved.ok and moved.bookings[0].day == FRI and moved.bookings[0].desk_code == made.bookings[0].desk_code
    assert [b.day for b in svc.upcoming(pid, NOW)] == [FRI]
    # Moving to a closed day fails and keeps the booking.
    failed = svc.move(pid, FRI, NOW, to_day=SAT)
    assert failed.refusal is Refusal.CLOSED and [b.day for b in svc.upcoming(pid, NOW)] == [FRI]
    to_beta = svc.move(pid, FRI, NOW, to_where=Where("beta"))
    assert to_beta.ok and svc.upcoming(pid, NOW)[0].building_id == "beta"
    assert svc.move(pid, WED, NOW, to_day=FRI).refusal is Refusal.NOT_FOUND
    assert svc.move(pid, FRI, NOW).refusal is Refusal.INVALID


def test_move_to_a_full_building_keeps_the_booking(svc: BookingService) -> None:
    pid = person(svc)
    book(svc, person(svc, "t:team"), THU, where=Where("beta"), count=3, for_person_ids=(None,) * 3)
    assert book(svc, pid, THU).ok
    result = svc.move(pid, THU, NOW, to_where=Where("beta"))
    assert result.refusal is Refusal.NOTHING_FREE
    assert svc.upcoming(pid, NOW)[0].building_id == "alpha"


def test_upcoming_hides_ended_parts(svc: BookingService) -> None:
    pid = person(svc)
    book(svc, pid, MON, part=Part.MORNING)
    book(svc, pid, THU)
    assert [b.day for b in svc.upcoming(pid, NOW)] == [MON, THU]
    assert [b.day for b in svc.upcoming(pid, NOW.replace(hour=14))] == [THU]
    assert svc.last_building(pid) == "alpha"


def test_a_known_person_costs_no_write(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    commits = store.commits
    assert svc.ensure_person(PersonInfo("t:alice", name="Alice"), NOW + timedelta(minutes=5)) == pid
    assert store.commits == commits
    assert svc.ensure_person(PersonInfo("t:alice"), NOW + timedelta(hours=2)) == pid  # refresh last-active
    assert store.commits == commits + 1
    assert store.state.people[pid].last_active_at == NOW + timedelta(hours=2)


def test_a_team_booking_without_names_leaves_every_seat_open(svc: BookingService, store: FakeStore) -> None:
    pid = person(svc)
    assert book(svc, pid, THU, count=3).ok
    assert {(r.person_id, r.booked_by_id) for r in store.active()} == {(None, pid)}
    assert len(svc.upcoming(pid, NOW)) == 3  # the booker sees the open seats
    assert book(svc, pid, THU).ok  # and may still book a desk for themselves


def test_single_desks_come_from_the_shortlist_or_the_whole_building_alike() -> None:
    """A building fills desk by desk: every booking gets the desk the full ranking picks
    (``select`` over every taken desk), whether the service asked the store only about its
    shortlist or, once those were all taken, read the whole building; a cancelled best desk
    is found again at once."""
    from core.booking.catalogue import Catalogue
    from core.booking.model import Zone
    from core.booking.selection import SHORTLIST, Preference, select

    from .fakes import building, desk

    zones = [Zone("q", "big", 1, "stil", True), Zone("o", "big", 2, "open", False)]
    desks = [desk(f"d{i:02d}", "big", zones[i % 2], accessible=i % 7 == 0, sit_stand=i % 3 == 0) for i in range(30)]
    store = FakeStore(Catalogue.build([building("big", "Den Haag")], zones, desks, version=1))
    svc = BookingService(store, Rules(horizon_days=28))
    asked: list[tuple[str, ...] | None] = []
    real_taken = FakeReservations.taken

    def taken(self, building_id, day, parts, among=None):  # type: ignore[no-untyped-def]
        asked.append(None if among is None else tuple(among))
        return real_taken(self, building_id, day, parts, among)

    FakeReservations.taken = taken  # type: ignore[method-assign]
    try:
        cat = store.state.catalogue
        people = [person(svc, f"t:{i}") for i in range(32)]
        chosen = []
        for i, pid in enumerate(people):
            busy = {r.desk_id for r in store.state.reservations if r.day == THU}
            expected = select(cat.building_desks("big"), busy, frozenset(), 1, False, Preference())
            asked.clear()
            result = svc.book(BookingRequest(pid, (THU,), Where("big")), NOW)
            if expected is None:
                assert result.refusal is Refusal.NOTHING_FREE
                continue
            assert result.ok and result.bookings[0].desk_id == expected[0].id, i
            chosen.append(result.bookings[0].desk_id)
            if i < SHORTLIST:
                assert len(asked) == 1 and asked[0] is not None  # the shortlist only
            elif i > SHORTLIST:
                assert asked == [None]  # a crowded day: the whole building at once
        assert len(chosen) == 30
        assert svc.cancel(people[0], THU, NOW).ok  # the best desk is free again
        late = person(svc, "t:late")
        asked.clear()
        assert svc.book(BookingRequest(late, (THU,), Where("big")), NOW).bookings[0].desk_id == chosen[0]
        assert svc.cancel(people[1], THU, NOW).ok
        asked.clear()
        again = person(svc, "t:again")
        assert svc.book(BookingRequest(again, (THU,), Where("big")), NOW).bookings[0].desk_id == chosen[1]
        assert len(asked) == 1 and asked[0] is not None  # the shortlist is asked first again
    finally:
        FakeReservations.taken = real_taken  # type: ignore[method-assign]

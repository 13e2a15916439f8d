"""Garbage in any field of a request: a typed refusal, never an exception, never a booking."""

from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.booking.api import AvailabilityQuery, BookingRequest, BookingResult, PersonInfo, Refusal, Where
from core.booking.service import BookingService
from core.clock import AMSTERDAM

from .fakes import FakeStore

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
junk = st.one_of(st.none(), st.integers(-10**6, 10**6), st.text(max_size=30), st.booleans(), st.floats(),
                 st.dates(), st.lists(st.integers(), max_size=3), st.just(object()))
dates = st.one_of(junk, st.lists(st.one_of(st.dates(date(2026, 11, 1), date(2027, 1, 31)), junk), max_size=5),
                  st.tuples(st.dates(date(2026, 11, 20), date(2026, 12, 31))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dates=dates, count=st.one_of(junk, st.integers(-5, 20_000)),
       features=st.one_of(junk, st.frozensets(st.sampled_from(["quiet", "dual_screen", "x", "sit_stand"]))),
       where=st.one_of(junk, st.builds(Where, st.one_of(st.none(), st.sampled_from(["alpha", "beta", "zz", ""])),
                                       st.one_of(st.none(), st.sampled_from(["den-haag", "Utrecht", "mars"])))),
       part=st.one_of(junk, st.sampled_from(["morning", "afternoon"])),
       start=st.one_of(st.none(), st.times(), junk), end=st.one_of(st.none(), st.times(), junk),
       for_people=st.one_of(junk, st.tuples(), st.tuples(st.one_of(st.none(), st.integers(-2, 3)))),
       message=st.one_of(st.none(), st.text(max_size=300), junk), desk=st.one_of(st.none(), junk),
       together=junk)
def test_book_never_raises(dates, count, features, where, part, start, end, for_people, message, desk,  # type: ignore[no-untyped-def]
                           together) -> None:
    store = FakeStore()
    svc = BookingService(store)
    pid = svc.ensure_person(PersonInfo("t:fuzz"), NOW)
    request = BookingRequest(pid, dates, where, part=part, start=start, end=end, features=features, count=count,
                             together=together, for_person_ids=for_people, source_message_id=message, desk_id=desk)
    result = svc.book(request, NOW)
    assert isinstance(result, BookingResult)
    assert result.refusal is not Refusal.UNAVAILABLE, result  # bad input is not a store failure
    if not result.ok:
        assert store.active() == []
    query = AvailabilityQuery(dates, where, part=part, start=start, end=end, features=features, count=count,
                              together=together)
    assert svc.availability(query, NOW).refusal is not Refusal.UNAVAILABLE
    assert svc.cancel(pid, dates, NOW, reservation_ids=for_people, group_id=message).refusal is not Refusal.UNAVAILABLE  # type: ignore[arg-type]
    moved = svc.move(pid, start, NOW, to_day=end, to_where=where, reservation_ids=for_people)  # type: ignore[arg-type]
    assert moved.refusal is not Refusal.UNAVAILABLE


def test_hours_given_as_times_only() -> None:
    svc = BookingService(FakeStore())
    pid = svc.ensure_person(PersonInfo("t:x"), NOW)
    result = svc.book(BookingRequest(pid, (date(2026, 11, 26),), Where("alpha"), start=time(9), end=time(13)), NOW)
    assert result.ok

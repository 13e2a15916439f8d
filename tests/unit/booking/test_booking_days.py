"""Closed days and time slots (pure)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.booking.days import HolidayCalendar, closed_reason, ended_parts, parts_for
from core.booking.model import BOTH_PARTS, OpeningHours, Part
from core.clock import AMSTERDAM

from .fakes import building

CAL = HolidayCalendar()
ALPHA = building("alpha", "Den Haag", closures=frozenset({date(2026, 12, 1)}))


@pytest.mark.parametrize("day, reason", [
    (date(2026, 11, 26), None),                       # Thursday
    (date(2026, 11, 28), "weekend"),
    (date(2026, 11, 29), "weekend"),
    (date(2026, 12, 25), "holiday:Christmas Day"),
    (date(2026, 12, 26), "weekend"),                  # a holiday on a Saturday is a weekend first
    (date(2027, 4, 27), "holiday:King's Day"),
    (date(2027, 3, 26), None),                        # Good Friday: government offices are open
    (date(2027, 3, 29), "holiday:Easter Monday"),
    (date(2026, 12, 1), "closure"),
])
def test_closed_reason(day: date, reason: str | None) -> None:
    assert closed_reason(ALPHA, day, CAL) == reason


def test_weekday_a_building_is_closed() -> None:
    four_days = building("hub", "Assen", hours=tuple(OpeningHours(d, time(8), time(18)) for d in range(4)))
    assert closed_reason(four_days, date(2026, 11, 27), CAL) == "closed_weekday"
    assert closed_reason(four_days, date(2026, 11, 26), CAL) is None


@pytest.mark.parametrize("part, start, end, expected", [
    (None, None, None, BOTH_PARTS),
    (Part.MORNING, None, None, (Part.MORNING,)),
    (None, time(9), time(13), (Part.MORNING,)),       # "9 tot 13"
    (None, time(10), time(15), BOTH_PARTS),           # "10 tot 3"
    (None, time(13), time(18), (Part.AFTERNOON,)),
    (None, time(14), None, (Part.AFTERNOON,)),        # "vanaf 14 uur"
    (None, None, time(12), (Part.MORNING,)),
    (None, time(19), time(20), ()),                   # outside both parts
    (None, time(15), time(11), ()),                   # end before start
])
def test_parts_for_hours(part, start, end, expected) -> None:  # type: ignore[no-untyped-def]
    assert parts_for(ALPHA, part, start, end) == expected


def test_parts_follow_the_building_windows() -> None:
    fellenoord = building("fellenoord", "Eindhoven", morning=(time(8), time(12, 30)),
                          afternoon=(time(12, 30), time(17)))
    assert parts_for(fellenoord, None, time(9), time(13)) == BOTH_PARTS


def test_ended_parts_of_today() -> None:
    day = date(2026, 11, 23)
    assert ended_parts(ALPHA, day, datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)) == frozenset()
    assert ended_parts(ALPHA, day, datetime(2026, 11, 23, 13, 0, tzinfo=AMSTERDAM)) == {Part.MORNING}
    assert ended_parts(ALPHA, day, datetime(2026, 11, 23, 18, 30, tzinfo=AMSTERDAM)) == set(BOTH_PARTS)
    # `now` in UTC is read as Amsterdam wall-clock time: 12:30 UTC is 13:30 in November.
    assert ended_parts(ALPHA, day, datetime.fromisoformat("2026-11-23T12:30:00+00:00")) == {Part.MORNING}
    assert ended_parts(ALPHA, date(2026, 11, 22), datetime(2026, 11, 23, 9, tzinfo=AMSTERDAM)) == set(BOTH_PARTS)


def test_holiday_names_in_dutch() -> None:
    assert CAL.name(date(2026, 12, 25), "nl") == "Eerste kerstdag"
    assert CAL.name(date(2026, 12, 25)) == "Christmas Day"
    assert CAL.name(date(2027, 3, 26), "nl") is None  # Good Friday: open

"""Closed days and time slots: which days a building is open and which parts a request holds."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Iterable

import holidays

from core.booking.model import BOTH_PARTS, Building, Part
from core.clock import local

WEEKEND = "weekend"
CLOSURE = "closure"
CLOSED_WEEKDAY = "closed_weekday"
HOLIDAY_PREFIX = "holiday:"


class HolidayCalendar:
    """Dutch public holidays (``holidays`` package), loaded lazily per year.

    ``exclude`` names holidays on which government offices stay open (Good Friday is not
    a day off under the CAO Rijk).
    """

    def __init__(self, country: str = "NL", exclude: Iterable[str] = ("Good Friday",)) -> None:
        self._country = country
        self._exclude = frozenset(exclude)
        self._years: dict[tuple[int, str], dict[date, str]] = {}

    def name(self, day: date, lang: str = "en") -> str | None:
        """The holiday's name on ``day`` (None on other days).

        ``lang="en"`` (the default) gives the stable English name used in ``holiday:<name>``;
        ``lang="nl"`` the Dutch one for replies ("Eerste kerstdag").
        """
        language = "nl" if lang == "nl" else "en_US"
        year = self._years.get((day.year, language))
        if year is None:
            english = holidays.country_holidays(self._country, years=day.year, language="en_US")
            local = english if language == "en_US" else holidays.country_holidays(
                self._country, years=day.year, language=language)
            year = {d: local.get(d, n) for d, n in english.items() if n not in self._exclude}
            self._years[(day.year, language)] = year
        return year.get(day)


def closed_reason(building: Building, day: date, calendar: HolidayCalendar) -> str | None:
    """Why ``building`` is closed on ``day`` (``weekend``, ``holiday:<name>``, ``closure``,
    ``closed_weekday``), or None when it is open."""
    weekday = day.weekday()
    if not building.is_open_on_weekday(weekday):
        return WEEKEND if weekday >= 5 else CLOSED_WEEKDAY
    holiday = calendar.name(day)
    if holiday is not None:
        return HOLIDAY_PREFIX + holiday
    if day in building.closures:
        return CLOSURE
    return None


def parts_for(building: Building, part: Part | None, start: time | None, end: time | None) -> tuple[Part, ...]:
    """The parts of the day a request holds: a named part, the parts that hours overlap, or both.

    Returns ``()`` when the hours overlap no part (e.g. 19:00-20:00, or end before start).
    """
    if part is not None:
        return (part,)
    if start is None and end is None:
        return BOTH_PARTS
    lo = start or time.min
    hi = end or time.max
    if hi <= lo:
        return ()
    held = []
    for p in BOTH_PARTS:
        p_start, p_end = building.part_window(p)
        if lo < p_end and hi > p_start:
            held.append(p)
    return tuple(held)


def ended_parts(building: Building, day: date, now: datetime) -> frozenset[Part]:
    """Parts of ``day`` that have already ended at ``now`` (local time)."""
    here = local(now)
    today = here.date()
    if day < today:
        return frozenset(BOTH_PARTS)
    if day > today:
        return frozenset()
    clock = here.time().replace(tzinfo=None)
    return frozenset(p for p in BOTH_PARTS if building.part_window(p)[1] <= clock)

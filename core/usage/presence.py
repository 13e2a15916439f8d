"""Check-in, check-out and auto-release: pure rules over a person's reservations of today.

Times are compared as Europe/Amsterdam wall-clock time of ``now`` (never read here).

* **Check-in** is possible from :data:`CHECK_IN_EARLY` before a booked part starts until it
  ends. It marks the current part, and the later parts of today on the same desk (a whole
  day is one stay), with the time from which the desk is in use.
* **Check-out** closes today's open stays: a part that has started gets ``checked_out_at``
  (at most its end); a later part not started yet is released, so the desk is free again.
* **Auto-release** (per building, default off): a booking not checked in by the building's
  time is released. The time is for the morning; an afternoon-only booking gets the same
  grace after the afternoon starts (10:00 with mornings from 08:00 means 15:00 for an
  afternoon from 13:00). A whole-day booking is released as a whole at the morning time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping, Sequence

from core.booking.model import Building, Part
from core.clock import AMSTERDAM, local

CHECK_IN_EARLY = timedelta(minutes=60)
"""How long before a booked part starts a check-in is accepted."""


@dataclass(frozen=True, slots=True)
class TodayReservation:
    """What the rules need of one of the person's reservations of today (no personal field)."""

    id: int
    desk_id: str
    desk_code: str
    building_id: str
    day: date
    part: Part
    status: str  # active | released | cancelled
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None


class CheckInOutcome(str, enum.Enum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"              # already checked in (and not out) for this part
    NO_BOOKING = "no_booking"        # nothing booked today
    TOO_EARLY = "too_early"          # the booking starts later; ``at`` says when check-in opens
    TOO_LATE = "too_late"            # today's bookings have ended
    RELEASED = "released"            # today's booking was released (not checked in in time)
    UNKNOWN_PERSON = "unknown_person"
    ERROR = "error"                  # the store failed; nothing changed


class CheckOutOutcome(str, enum.Enum):
    CHECKED_OUT = "checked_out"
    NOT_CHECKED_IN = "not_checked_in"  # no open stay today (with or without a booking)
    NO_BOOKING = "no_booking"
    UNKNOWN_PERSON = "unknown_person"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class CheckInPlan:
    outcome: CheckInOutcome
    check_in: tuple[tuple[int, datetime], ...] = ()   # (reservation id, checked_in_at)
    reopen: tuple[int, ...] = ()                      # came back after a check-out: clear checked_out_at
    desk_code: str | None = None
    building_id: str | None = None
    parts: tuple[Part, ...] = ()
    at: datetime | None = None                        # TOO_EARLY: when check-in opens; ALREADY: since when


@dataclass(frozen=True, slots=True)
class CheckOutPlan:
    outcome: CheckOutOutcome
    check_out: tuple[tuple[int, datetime], ...] = ()  # (reservation id, checked_out_at)
    release: tuple[int, ...] = ()                     # later parts not started: freed
    desk_code: str | None = None
    building_id: str | None = None
    minutes: int | None = None                        # length of today's stay


def _at(day: date, t: time) -> datetime:
    return datetime.combine(day, t, AMSTERDAM)


def window(building: Building, day: date, part: Part) -> tuple[datetime, datetime]:
    """Start and end of ``part`` on ``day`` in ``building`` (aware, Europe/Amsterdam)."""
    s, e = building.part_window(part)
    return _at(day, s), _at(day, e)


def _order(p: Part) -> int:
    return 0 if p is Part.MORNING else 1


def plan_check_in(today: Sequence[TodayReservation], buildings: Mapping[str, Building],
                  now: datetime) -> CheckInPlan:
    """What a check-in at ``now`` does to the person's reservations of today."""
    here = local(now)
    mine = sorted((r for r in today if r.day == here.date() and r.building_id in buildings),
                  key=lambda r: _order(r.part))
    active = [r for r in mine if r.status == "active"]
    if not active:
        if any(r.status == "released" for r in mine):
            return CheckInPlan(CheckInOutcome.RELEASED)
        return CheckInPlan(CheckInOutcome.NO_BOOKING)
    current = None
    for r in active:
        start, end = window(buildings[r.building_id], r.day, r.part)
        if start - CHECK_IN_EARLY <= here < end:
            current = r
            break
    if current is None:
        later = [r for r in active if window(buildings[r.building_id], r.day, r.part)[0] > here]
        if later:
            opens = window(buildings[later[0].building_id], later[0].day, later[0].part)[0] - CHECK_IN_EARLY
            return CheckInPlan(CheckInOutcome.TOO_EARLY, desk_code=later[0].desk_code,
                               building_id=later[0].building_id, parts=(later[0].part,), at=opens)
        return CheckInPlan(CheckInOutcome.TOO_LATE)
    b = buildings[current.building_id]
    stay = [r for r in active if r.desk_id == current.desk_id and _order(r.part) >= _order(current.part)]
    if current.checked_in_at is not None and current.checked_out_at is None:
        return CheckInPlan(CheckInOutcome.ALREADY, desk_code=current.desk_code, building_id=b.id,
                           parts=tuple(r.part for r in stay), at=current.checked_in_at)
    marks = []
    reopen = []
    for r in stay:
        if r.checked_in_at is not None:
            if r.checked_out_at is not None:
                reopen.append(r.id)
            continue
        start = window(b, r.day, r.part)[0]
        marks.append((r.id, max(here, start) if r is not current else here))
    return CheckInPlan(CheckInOutcome.CHECKED_IN, check_in=tuple(marks), reopen=tuple(reopen),
                       desk_code=current.desk_code, building_id=b.id, parts=tuple(r.part for r in stay))


def plan_check_out(today: Sequence[TodayReservation], buildings: Mapping[str, Building],
                   now: datetime) -> CheckOutPlan:
    """What a check-out at ``now`` does: close started stays, free parts not started yet."""
    here = local(now)
    mine = [r for r in today if r.day == here.date() and r.building_id in buildings and r.status == "active"]
    if not mine:
        return CheckOutPlan(CheckOutOutcome.NO_BOOKING)
    open_stays = [r for r in mine if r.checked_in_at is not None and r.checked_out_at is None]
    if not open_stays:
        return CheckOutPlan(CheckOutOutcome.NOT_CHECKED_IN)
    out: list[tuple[int, datetime]] = []
    release: list[int] = []
    minutes = 0.0
    first = sorted(open_stays, key=lambda r: _order(r.part))[0]
    for r in open_stays:
        start, end = window(buildings[r.building_id], r.day, r.part)
        if start > here and r.checked_in_at is not None and local(r.checked_in_at) >= start:
            release.append(r.id)  # checked in ahead for a later part that has not begun
            continue
        when = min(here, end)
        when = max(when, local(r.checked_in_at))  # type: ignore[arg-type]
        out.append((r.id, when))
        minutes += (when - local(r.checked_in_at)).total_seconds() / 60  # type: ignore[arg-type]
    return CheckOutPlan(CheckOutOutcome.CHECKED_OUT, check_out=tuple(out), release=tuple(release),
                        desk_code=first.desk_code, building_id=first.building_id, minutes=int(round(minutes)))


@dataclass(frozen=True, slots=True)
class ReleaseCandidate:
    """An active, not checked-in reservation of today in a building with auto-release."""

    id: int
    person_key: int | None  # internal person id (to group a whole day and to notify); None for open seats
    desk_id: str
    building_id: str
    day: date
    part: Part


def release_deadline(building: Building, part: Part, release_at: time, day: date,
                     whole_day: bool) -> datetime:
    """When a not checked-in booking of ``part`` is released (see the module docstring)."""
    deadline = _at(day, release_at)
    if part is Part.MORNING or whole_day:
        return deadline
    grace = deadline - _at(day, building.morning[0])
    return _at(day, building.afternoon[0]) + max(grace, timedelta(0))


def plan_auto_release(candidates: Iterable[TodayReservation | ReleaseCandidate],
                      buildings: Mapping[str, Building], release_times: Mapping[str, time],
                      now: datetime) -> tuple[int, ...]:
    """The ids of today's reservations to release at ``now``."""
    here = local(now)
    rows = [c for c in candidates if c.day == here.date() and c.building_id in release_times
            and c.building_id in buildings]
    mornings = {(getattr(c, "person_key", None), c.desk_id) for c in rows if c.part is Part.MORNING}
    out = []
    for c in rows:
        if getattr(c, "status", "active") != "active" or getattr(c, "checked_in_at", None) is not None:
            continue
        person = getattr(c, "person_key", None)
        whole = c.part is Part.AFTERNOON and person is not None and (person, c.desk_id) in mornings
        deadline = release_deadline(buildings[c.building_id], c.part, release_times[c.building_id], c.day, whole)
        if here >= deadline:
            out.append(c.id)
    return tuple(sorted(out))

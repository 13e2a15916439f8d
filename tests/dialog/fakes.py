"""In-memory stand-ins for the dialog's ports: a BookingPort, a ConversationStore, a MessageLog.

They follow the contracts in core/booking/api.py and core/dialog/ports.py closely enough for
unit tests of the dialog; the transcript tests use the real engine and store.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.booking.api import (
    Alternative, AlternativeKind, Availability, AvailabilityQuery, BookingRequest, BookingResult,
    CancelResult, DayAvailability, Occupancy, PersonInfo, Refusal, Where,
)
from core.booking.model import BOTH_PARTS, Booking, Building, OpeningHours, Part
from core.clock import local_today
from core.dialog.ports import STATE_TTL_SECONDS

WEEKDAYS = tuple(OpeningHours(w, time(7, 0), time(19, 0)) for w in range(5))
HOLIDAYS = {date(2026, 12, 25): "Eerste Kerstdag", date(2026, 12, 26): "Tweede Kerstdag"}


def _b(id: str, name: str, city: str) -> Building:
    return Building(id=id, name=name, address=name, city=city, organisations=(), aliases=(),
                    opening_hours=WEEKDAYS)


BUILDINGS = (
    _b("turfmarkt-147", "Turfmarkt 147", "Den Haag"),
    _b("parnassusplein-5", "Parnassusplein 5", "Den Haag"),
    _b("griffioenlaan-2", "Griffioenlaan 2", "Utrecht"),
    _b("de-knoop", "De Knoop", "Utrecht"),
    _b("spark", "Spark", "Amsterdam"),
)


@dataclass
class _Res:
    id: int
    desk: str
    building: str
    day: date
    part: Part
    person: int | None
    group: str
    source: str | None
    active: bool = True


@dataclass
class FakeBooking:
    """A tiny booking engine: ``desks_per_building`` desks (d1, d2, ...), one per person per part."""

    desks_per_building: int = 3
    horizon_days: int = 28
    people: dict[str, int] = field(default_factory=dict)
    reservations: list[_Res] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _groups: Any = field(default_factory=lambda: itertools.count(1))

    def buildings(self) -> tuple[Building, ...]:
        return BUILDINGS

    def building(self, building_id: str) -> Building | None:
        return next((b for b in BUILDINGS if b.id == building_id), None)

    def ensure_person(self, info: PersonInfo, now: datetime) -> int:
        return self.people.setdefault(info.external_id, len(self.people) + 1)

    def identify(self, info: PersonInfo, now: datetime) -> tuple[int, bool]:
        created = info.external_id not in self.people
        return self.ensure_person(info, now), created

    # -- rules ---------------------------------------------------------------------------
    def _closed(self, d: date) -> str | None:
        if d in HOLIDAYS:
            return f"holiday:{HOLIDAYS[d]}"
        if d.weekday() >= 5:
            return "weekend"
        return None

    def _buildings_for(self, where: Where) -> list[str]:
        if where.building_id:
            return [where.building_id] if self.building(where.building_id) else []
        if where.city:
            return [b.id for b in BUILDINGS if b.city.lower().replace(" ", "-") == where.city]
        return [BUILDINGS[0].id]

    def _parts(self, part: Part | None, start: time | None, end: time | None) -> tuple[Part, ...]:
        if part:
            return (part,)
        if start and start >= time(13, 0):
            return (Part.AFTERNOON,)
        if end and end <= time(13, 0):
            return (Part.MORNING,)
        return BOTH_PARTS

    def _free(self, building: str, d: date, parts: tuple[Part, ...]) -> list[str]:
        taken = {r.desk for r in self.reservations if r.active and r.building == building and r.day == d
                 and r.part in parts}
        return [f"{building}/d{i}" for i in range(1, self.desks_per_building + 1)
                if f"{building}/d{i}" not in taken]

    def _check_days(self, days: tuple[date, ...], now: datetime) -> tuple[Refusal, str | None, tuple[date, ...]] | None:
        today = local_today(now)
        past = tuple(d for d in days if d < today)
        if past:
            return Refusal.PAST, None, past
        far = tuple(d for d in days if d > today + timedelta(days=self.horizon_days))
        if far:
            return Refusal.BEYOND_HORIZON, None, far
        closed = [(d, self._closed(d)) for d in days if self._closed(d)]
        if closed:
            return Refusal.CLOSED, closed[0][1], tuple(d for d, _ in closed)
        return None

    # -- operations ----------------------------------------------------------------------
    def availability(self, query: AvailabilityQuery, now: datetime) -> Availability:
        self.calls.append(("availability", query))
        buildings = self._buildings_for(query.where)
        if not buildings:
            return Availability(days=(), refusal=Refusal.UNKNOWN_BUILDING)
        parts = self._parts(query.part, query.start, query.end)
        out = []
        for b in buildings:
            for d in query.dates:
                reason = self._closed(d)
                free = 0 if reason else len(self._free(b, d, parts))
                out.append(DayAvailability(b, d, parts, free, self.desks_per_building,
                                           fits=free >= query.count, closed_reason=reason))
        return Availability(days=tuple(out))

    def book(self, request: BookingRequest, now: datetime) -> BookingResult:
        self.calls.append(("book", request))
        if request.source_message_id:
            prior = [r for r in self.reservations if r.source == request.source_message_id and r.active]
            if prior:
                return BookingResult(ok=True, bookings=self._as_bookings(prior), replayed=True)
        if request.count < 1 or not request.dates:
            return BookingResult(ok=False, refusal=Refusal.INVALID)
        if request.count > 50:
            return BookingResult(ok=False, refusal=Refusal.TOO_MANY)
        buildings = self._buildings_for(request.where)
        if not buildings:
            return BookingResult(ok=False, refusal=Refusal.UNKNOWN_BUILDING)
        bad = self._check_days(request.dates, now)
        if bad:
            return BookingResult(ok=False, refusal=bad[0], detail=bad[1], refused_dates=bad[2])
        parts = self._parts(request.part, request.start, request.end)
        mine = request.for_person_ids[0] if request.for_person_ids else (request.requester_id if request.count == 1 else None)
        if mine is not None:
            clash = tuple(sorted({r.day for r in self.reservations if r.active and r.person == mine
                                  and r.day in request.dates and r.part in parts}))
            if clash:
                return BookingResult(ok=False, refusal=Refusal.ALREADY_BOOKED, refused_dates=clash)
        for b in buildings:
            if request.desk_id and not request.desk_id.startswith(b + "/"):
                continue
            plan = []
            for d in request.dates:
                free = self._free(b, d, parts)
                if request.desk_id:
                    free = [x for x in free if x == request.desk_id]
                if len(free) < request.count:
                    break
                plan.append((d, free[: request.count]))
            else:
                group = f"g{next(self._groups)}"
                made = []
                for d, desks in plan:
                    for i, desk in enumerate(desks):
                        person = mine if i == 0 else None
                        for p in parts:
                            r = _Res(next(self._ids), desk, b, d, p, person, group, request.source_message_id)
                            self.reservations.append(r)
                            made.append(r)
                return BookingResult(ok=True, bookings=self._as_bookings(made), group_id=group)
        return BookingResult(ok=False, refusal=Refusal.NOTHING_FREE, refused_dates=request.dates,
                             alternatives=self._alternatives(request, buildings, parts, now))

    def _alternatives(self, request: BookingRequest, tried: list[str], parts, now: datetime) -> tuple[Alternative, ...]:
        alts: list[Alternative] = []
        here = self.building(tried[0])
        for b in BUILDINGS:
            if b.id not in tried and here and b.city == here.city and all(
                    len(self._free(b.id, d, parts)) >= request.count for d in request.dates):
                r = BookingRequest(**{**_fields(request), "where": Where(building_id=b.id)})
                alts.append(Alternative(AlternativeKind.OTHER_BUILDING, r, b.id, request.dates))
        d = max(request.dates) + timedelta(days=1)
        for _ in range(14):
            if not self._closed(d) and len(self._free(tried[0], d, parts)) >= request.count:
                r = BookingRequest(**{**_fields(request), "dates": (d,), "where": Where(building_id=tried[0])})
                alts.append(Alternative(AlternativeKind.OTHER_DAY, r, tried[0], (d,)))
                break
            d += timedelta(days=1)
        return tuple(alts)

    def _as_bookings(self, rs: list[_Res]) -> tuple[Booking, ...]:
        by: dict[tuple[str, date, str], list[_Res]] = {}
        for r in rs:
            by.setdefault((r.desk, r.day, r.group), []).append(r)
        out = []
        for (desk, d, group), items in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            out.append(Booking(reservation_ids=tuple(r.id for r in items), desk_id=desk,
                               desk_code=desk.split("/")[1].upper(), building_id=items[0].building, day=d,
                               parts=tuple(sorted({r.part for r in items}, key=BOTH_PARTS.index)),
                               group_id=group, floor=1))
        return tuple(out)

    def _mine(self, person_id: int, now: datetime) -> list[_Res]:
        today = local_today(now)
        return [r for r in self.reservations if r.active and r.person == person_id and r.day >= today]

    def cancel(self, person_id: int, day: date | None, now: datetime, reservation_ids: tuple[int, ...] = (),
               group_id: str | None = None) -> CancelResult:
        self.calls.append(("cancel", (day, reservation_ids)))
        if reservation_ids:
            hit = [r for r in self.reservations if r.id in reservation_ids and r.active
                   and (r.person == person_id or r.person is None)]
        else:
            hit = [r for r in self._mine(person_id, now) if r.day == day]
            if len({r.group for r in hit}) > 1:
                return CancelResult(ok=False, refusal=Refusal.AMBIGUOUS, candidates=self._as_bookings(hit))
        if not hit:
            return CancelResult(ok=False, refusal=Refusal.NOT_FOUND)
        for r in hit:
            r.active = False
        return CancelResult(ok=True, cancelled=self._as_bookings(hit))

    def move(self, person_id: int, from_day: date | None, now: datetime, to_day: date | None = None,
             to_where: Where | None = None, reservation_ids: tuple[int, ...] = (),
             source_message_id: str | None = None) -> BookingResult:
        self.calls.append(("move", (from_day, to_day, to_where, reservation_ids)))
        if reservation_ids:
            old = [r for r in self.reservations if r.id in reservation_ids and r.active and r.person == person_id]
        else:
            old = [r for r in self._mine(person_id, now) if r.day == from_day]
            if len({r.group for r in old}) > 1:
                return BookingResult(ok=False, refusal=Refusal.AMBIGUOUS, candidates=self._as_bookings(old))
        if not old:
            return BookingResult(ok=False, refusal=Refusal.NOT_FOUND, refused_dates=(from_day,) if from_day else ())
        for r in old:
            r.active = False
        parts = tuple(sorted({r.part for r in old}, key=BOTH_PARTS.index))
        request = BookingRequest(requester_id=person_id, dates=(to_day or old[0].day,),
                                 where=to_where or Where(building_id=old[0].building),
                                 part=parts[0] if len(parts) == 1 else None, source_message_id=source_message_id)
        result = self.book(request, now)
        if not result.ok:
            for r in old:
                r.active = True
        return result

    def upcoming(self, person_id: int, now: datetime) -> tuple[Booking, ...]:
        return self._as_bookings(self._mine(person_id, now))

    def last_building(self, person_id: int) -> str | None:
        mine = [r for r in self.reservations if r.person == person_id]
        return mine[-1].building if mine else None

    def occupancy(self, building_id: str, days: tuple[date, ...]) -> tuple[Occupancy, ...]:
        return ()


def _fields(request: BookingRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in BookingRequest.__dataclass_fields__}


class MemoryConversations:
    """ConversationStore in memory, expiring state after 30 minutes like the real one."""

    def __init__(self) -> None:
        self.data: dict[str, tuple[dict[str, Any], datetime]] = {}

    def load(self, key: str, now: datetime) -> dict[str, Any] | None:
        hit = self.data.get(key)
        if hit is None or (now - hit[1]).total_seconds() > STATE_TTL_SECONDS:
            return None
        import json
        return json.loads(json.dumps(hit[0]))  # prove it is JSON-able

    def save(self, key: str, state: dict[str, Any], now: datetime) -> None:
        import json
        self.data[key] = (json.loads(json.dumps(state)), now)

    def clear(self, key: str) -> None:
        self.data.pop(key, None)


class MemoryMessages:
    """MessageLog in memory."""

    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {}

    def replies_for(self, message_key: str) -> list[dict[str, Any]] | None:
        return self.data.get(message_key)

    def record(self, message_key: str, replies: list[dict[str, Any]], now: datetime) -> bool:
        if message_key in self.data:
            return False
        self.data[message_key] = replies
        return True

"""The booking service: availability, booking, cancelling and moving desks.

Implements :class:`core.booking.api.BookingPort` on top of a unit-of-work factory
(``core.booking.ports``). Every public method returns a typed result: bad input,
closed days, lost races and a busy store are values, never exceptions, and a refused
request never leaves a half-made booking (one transaction per request).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Sequence

from core.booking.api import (
    Alternative,
    AlternativeKind,
    Availability,
    AvailabilityQuery,
    BookingRequest,
    BookingResult,
    CancelResult,
    DayAvailability,
    Occupancy,
    PersonInfo,
    Refusal,
    Where,
)
from core.booking.catalogue import Catalogue
from core.booking.days import HolidayCalendar, closed_reason, ended_parts, parts_for
from core.booking.model import FEATURES, Booking, Building, Desk, Part, Person, Reservation, ReservationStatus
from core.booking.ports import Conflict, NewReservation, StoreBusy, UnitOfWork, UnitOfWorkFactory
from core.booking.rules import Rules
from core.booking.selection import SHORTLIST, Preference, first_free, fits, select, shortlist
from core.clock import local_today

log = logging.getLogger("wms.booking")

_MAX_ID = 255  # longest external id / message id accepted
_CROWDED_MAX = 8192  # hints kept by _one_desk; cleared when full
_FEATURES = frozenset(FEATURES)
ACTIVITY_GRANULARITY = timedelta(hours=1)
"""A person's last-active time is refreshed at most this often (no write per message)."""


class _Refused(Exception):
    """Internal: a typed refusal raised deep inside a request, turned into a result."""

    def __init__(self, refusal: Refusal, detail: str | None = None, dates: tuple[date, ...] = (),
                 candidates: tuple[Booking, ...] = ()) -> None:
        super().__init__(refusal.value)
        self.refusal, self.detail, self.dates, self.candidates = refusal, detail, dates, candidates
        self.building: Building | None = None


@dataclass(frozen=True, slots=True)
class _NothingFree:
    building: Building
    raced: bool


def to_bookings(rows: Iterable[Reservation], catalogue: Catalogue) -> tuple[Booking, ...]:
    """Group reservations into what a person sees: one booking per desk and day."""
    return _grouped(((r.id, r) for r in rows), catalogue)


def _grouped(rows: Iterable[tuple[int, Reservation | NewReservation]], catalogue: Catalogue) -> tuple[Booking, ...]:
    """Bookings of (id, row) pairs, one per desk and day, by day and desk code, morning first."""
    grouped: dict[tuple[date, str], list[tuple[int, Reservation | NewReservation]]] = {}
    for rid, r in rows:
        grouped.setdefault((r.day, r.desk_id), []).append((rid, r))
    keys = list(grouped)
    if len(keys) > 1:
        keys.sort(key=lambda k: (k[0], _desk_code(catalogue, k[1])))
    out = []
    for key in keys:
        day, desk_id = key
        rs = grouped[key]
        if len(rs) > 1 and rs[0][1].part is not Part.MORNING:
            rs.sort(key=lambda pair: pair[1].part is not Part.MORNING)
        first = rs[0][1]
        desk = catalogue.desks.get(desk_id)
        zone = catalogue.zones.get(desk.zone_id) if desk else None
        out.append(Booking(
            reservation_ids=tuple([rid for rid, _ in rs]),  # a list first: no generator per booking
            desk_id=desk_id,
            desk_code=desk.code if desk else desk_id,
            building_id=first.building_id,
            day=day,
            parts=tuple([r.part for _, r in rs]),
            group_id=first.group_id,
            features=desk.features if desk else frozenset(),
            floor=desk.floor if desk else None,
            zone_name=zone.name if zone else None,
        ))
    return tuple(out)


def _replayed(rows: Sequence[Reservation], catalogue: Catalogue) -> BookingResult:
    """The answer to a retried chat message: what it booked the first time."""
    groups = {r.group_id for r in rows}
    return BookingResult(ok=True, bookings=to_bookings(rows, catalogue), replayed=True,
                         group_id=groups.pop() if len(groups) == 1 else None)


def _desk_code(catalogue: Catalogue, desk_id: str) -> str:
    d = catalogue.desks.get(desk_id)
    return d.code if d else desk_id


def _ids(value: object) -> tuple[int, ...]:
    """Reservation ids as given by a caller: a tuple of ints, else an INVALID refusal."""
    if value is None:
        return ()
    try:
        ids = tuple(value)  # type: ignore[call-overload]
    except TypeError:
        raise _Refused(Refusal.INVALID, "reservation_ids") from None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise _Refused(Refusal.INVALID, "reservation_ids")
    return ids


def _clip(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value[:limit] or None


class BookingService:
    """The :class:`~core.booking.api.BookingPort` implementation."""

    def __init__(self, uow_factory: UnitOfWorkFactory, rules: Rules = Rules(),
                 calendar: HolidayCalendar | None = None,
                 new_group_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        self._uow = uow_factory
        self.rules = rules
        self.calendar = calendar or HolidayCalendar(exclude=rules.closed_holidays_excluded)
        self._new_group_id = new_group_id
        # (building, day, parts, features, zone, floor) whose shortlisted desks were all taken
        # last time (see _one_desk): a hint of which way is cheaper, never of which desk.
        self._crowded: dict[tuple[object, ...], bool] = {}

    # ------------------------------------------------------------------ catalogue
    def _fresh_catalogue(self) -> Catalogue | None:
        """The factory's cached catalogue when it needs no transaction (see ``UnitOfWorkFactory``)."""
        fresh = getattr(self._uow, "fresh_catalogue", None)
        return fresh() if fresh is not None else None

    def buildings(self) -> tuple[Building, ...]:
        cat = self._fresh_catalogue()
        if cat is not None:
            return tuple(cat.buildings.values())
        try:
            with self._uow(write=False) as uow:
                return tuple(uow.catalogue().buildings.values())
        except Exception as exc:  # the store is down: an empty answer, logged without data
            log.error("buildings failed: %s", type(exc).__name__)
            return ()

    def building(self, building_id: str) -> Building | None:
        if not isinstance(building_id, str):
            return None
        cat = self._fresh_catalogue()
        if cat is not None:
            return cat.buildings.get(building_id)
        try:
            with self._uow(write=False) as uow:
                return uow.catalogue().buildings.get(building_id)
        except Exception as exc:
            log.error("building failed: %s", type(exc).__name__)
            return None

    def catalogue(self) -> Catalogue:
        """The current catalogue (buildings, zones, desks), e.g. for listings."""
        cat = self._fresh_catalogue()
        if cat is not None:
            return cat
        with self._uow(write=False) as uow:
            return uow.catalogue()

    def closed_reason(self, building_id: str, day: date) -> str | None:
        """Why a building is closed on a day (``weekend``, ``holiday:<name>``, ``closure``,
        ``closed_weekday``, ``unknown_building``), or None when it is open."""
        b = self.building(building_id)
        if b is None:
            return "unknown_building"
        return closed_reason(b, day, self.calendar)

    # ------------------------------------------------------------------ people
    def ensure_person(self, info: PersonInfo, now: datetime) -> int:
        """The internal id for a stable external id, creating the person when new.

        Profile fields given are stored (cut to a sane length); returns 0 when the external
        id is unusable (empty or longer than 255 characters) or the store is down.
        """
        return self.identify(info, now)[0]

    def identify(self, info: PersonInfo, now: datetime) -> tuple[int, bool]:
        """:meth:`ensure_person` and whether this call created the person."""
        ext = info.external_id if isinstance(getattr(info, "external_id", None), str) else ""
        if not ext.strip() or len(ext) > _MAX_ID:
            return 0, False
        limit = self.rules.max_text
        clean = PersonInfo(external_id=ext, name=_clip(info.name, limit), email=_clip(info.email, 254),
                           phone=_clip(info.phone, 40), department=_clip(info.department, limit))
        try:  # the common case, a known person with an unchanged profile: no write at all
            with self._uow(write=False) as uow:
                known = uow.people.by_external_id(ext)
            if known is not None and self._unchanged(known, _fill_only(known, clean), now):
                return known.id, False
        except Exception as exc:
            log.error("ensure_person failed: %s", type(exc).__name__)
            return 0, False
        for _ in range(3):
            try:
                with self._uow(write=True) as uow:
                    person = uow.people.by_external_id(ext)
                    created = person is None
                    if person is None:
                        pid = uow.people.add(clean, now)
                    else:
                        pid = person.id
                        # Channel data only fills empty fields: what the person corrected in chat
                        # (rectification) is not overwritten by the next message's profile.
                        uow.people.update(pid, _fill_only(person, clean), now)
                    uow.commit()
                    return pid, created
            except (Conflict, StoreBusy):
                continue  # created concurrently by another handler: read it next round
            except Exception as exc:
                log.error("ensure_person failed: %s", type(exc).__name__)
                return 0, False
        return 0, False

    @staticmethod
    def _unchanged(known: Person, info: PersonInfo, now: datetime) -> bool:
        fields = ("name", "email", "phone", "department")
        if any(getattr(info, f) is not None and getattr(info, f) != getattr(known, f) for f in fields):
            return False
        seen = known.last_active_at
        return seen is not None and timedelta(0) <= now - seen < ACTIVITY_GRANULARITY

    # ------------------------------------------------------------------ validation
    def _check_common(self, dates: object, count: object, features: object) -> tuple[date, ...]:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _Refused(Refusal.INVALID, "count")
        if count > self.rules.max_group_size:
            raise _Refused(Refusal.TOO_MANY, str(self.rules.max_group_size))
        try:
            days = tuple(sorted({d.date() if isinstance(d, datetime) else d for d in dates}))  # type: ignore[union-attr]
        except (TypeError, AttributeError):
            raise _Refused(Refusal.INVALID, "dates") from None
        if not days or not all(isinstance(d, date) for d in days):
            raise _Refused(Refusal.INVALID, "dates")
        if features or not isinstance(features, (frozenset, set, tuple, list)):  # empty: nothing to check
            try:
                unknown = sorted(set(features) - _FEATURES)  # type: ignore[call-overload]
            except TypeError:
                raise _Refused(Refusal.INVALID, "features") from None
            if unknown:
                raise _Refused(Refusal.INVALID, "feature:" + unknown[0])
        return days

    def _check_days(self, building: Building, days: Sequence[date], part: Part | None, start: time | None,
                    end: time | None, now: datetime) -> dict[date, tuple[Part, ...]]:
        """The parts to hold per day, or a refusal (past, horizon, closed, hours)."""
        if part is not None and not isinstance(part, Part):
            raise _Refused(Refusal.INVALID, "part")
        if (start is not None and not isinstance(start, time)) or (end is not None and not isinstance(end, time)):
            raise _Refused(Refusal.INVALID, "time")
        parts = parts_for(building, part, start, end)
        if not parts:
            raise _Refused(Refusal.INVALID, "outside_hours")
        if not days:
            return {}
        today = local_today(now)
        horizon = today + timedelta(days=self.rules.horizon_days)
        if min(days) < today:
            raise _Refused(Refusal.PAST, None, tuple(d for d in days if d < today))
        if max(days) > horizon:
            raise _Refused(Refusal.BEYOND_HORIZON, str(self.rules.horizon_days), tuple(d for d in days if d > horizon))
        calendar = self.calendar
        closed = [(d, r) for d in days if (r := closed_reason(building, d, calendar))]
        if closed:
            raise _Refused(Refusal.CLOSED, closed[0][1], tuple(d for d, _ in closed))
        if today not in days:  # all later days: nothing has ended yet
            return dict.fromkeys(days, parts)
        out: dict[date, tuple[Part, ...]] = {}
        whole_day = part is None and start is None and end is None
        for d in days:
            if d != today:  # a later day (earlier ones were refused above): nothing has ended
                out[d] = parts
                continue
            ended = ended_parts(building, d, now)
            left = tuple(p for p in parts if p not in ended)
            if not left or (len(left) < len(parts) and not whole_day):
                raise _Refused(Refusal.PAST, "part", (d,))
            out[d] = left
        return out

    def _resolve(self, cat: Catalogue, where: Where | None, person_id: int | None,
                 uow: UnitOfWork | None) -> list[Building]:
        where = where or Where()
        if not isinstance(where, Where):
            raise _Refused(Refusal.INVALID, "where")
        if where.building_id:
            b = cat.find(where.building_id) if isinstance(where.building_id, str) else None
            if b is None:
                raise _Refused(Refusal.UNKNOWN_BUILDING, str(where.building_id)[:80])
            return [b]
        usual = None
        if person_id and uow is not None:
            latest = uow.reservations.latest(person_id)
            usual = latest.building_id if latest else None
        if where.city:
            found = list(cat.in_city(where.city)) if isinstance(where.city, str) else []
            if not found:
                raise _Refused(Refusal.UNKNOWN_BUILDING, str(where.city)[:80])
            found.sort(key=lambda b: (b.id != usual, b.id))
            return found
        if usual and usual in cat.buildings:
            return [cat.buildings[usual]]
        raise _Refused(Refusal.INVALID, "no_building")

    # ------------------------------------------------------------------ availability
    def availability(self, query: AvailabilityQuery, now: datetime) -> Availability:
        try:
            days = self._check_common(query.dates, query.count, query.features)
            with self._uow(write=False) as uow:
                cat = uow.catalogue()
                where = query.where or Where()
                if not isinstance(where, Where):
                    raise _Refused(Refusal.INVALID, "where")
                if where.building_id or where.city:
                    buildings = self._resolve(cat, where, None, None)
                else:
                    buildings = list(cat.buildings.values())
                today = local_today(now)
                if all(d < today for d in days):
                    raise _Refused(Refusal.PAST, None, days)
                if all(d > today + timedelta(days=self.rules.horizon_days) for d in days):
                    raise _Refused(Refusal.BEYOND_HORIZON, str(self.rules.horizon_days), days)
                out = []
                for b in buildings:
                    desks = cat.building_desks(b.id)
                    for d in days:
                        try:
                            parts = self._check_days(b, (d,), query.part, query.start, query.end, now)[d]
                        except _Refused as r:
                            if r.refusal is Refusal.INVALID:
                                raise
                            reason = (closed_reason(b, d, self.calendar) or "closed") if r.refusal is Refusal.CLOSED \
                                else r.refusal.value  # "past" or "beyond_horizon"
                            out.append(DayAvailability(b.id, d, (), 0, len(desks), False, reason))
                            continue
                        busy = uow.reservations.taken(b.id, d, parts)
                        free, ok = fits(desks, busy, frozenset(query.features), query.count, query.together)
                        out.append(DayAvailability(b.id, d, parts, free, len(desks), ok))
                return Availability(days=tuple(out))
        except _Refused as r:
            return Availability(days=(), refusal=r.refusal, detail=r.detail)
        except Exception as exc:
            log.error("availability failed: %s", type(exc).__name__)
            return Availability(days=(), refusal=Refusal.UNAVAILABLE)

    def occupancy(self, building_id: str, days: tuple[date, ...]) -> tuple[Occupancy, ...]:
        try:
            with self._uow(write=False) as uow:
                cat = uow.catalogue()
                if building_id not in cat.buildings:
                    return ()
                days = tuple(sorted(set(d for d in days if isinstance(d, date))))
                counts = uow.reservations.counts(building_id, days)
                cap = len(cat.building_desks(building_id))
                return tuple(Occupancy(building_id, d, p, counts.get((d, p), 0), cap)
                             for d in days for p in (Part.MORNING, Part.AFTERNOON))
        except Exception as exc:
            log.error("occupancy failed: %s", type(exc).__name__)
            return ()

    # ------------------------------------------------------------------ booking
    def book(self, request: BookingRequest, now: datetime) -> BookingResult:
        try:
            return self._book(request, now)
        except _Refused as r:
            return BookingResult(ok=False, refusal=r.refusal, detail=r.detail, refused_dates=r.dates,
                                 candidates=r.candidates)
        except Exception as exc:
            log.error("book failed: %s", type(exc).__name__)
            return BookingResult(ok=False, refusal=Refusal.UNAVAILABLE)

    def _book(self, req: BookingRequest, now: datetime) -> BookingResult:
        if not isinstance(req, BookingRequest):
            raise _Refused(Refusal.INVALID, "request")
        self._check_common(req.dates, req.count, req.features)
        if len(req.for_person_ids) > req.count:
            raise _Refused(Refusal.INVALID, "for_person_ids")
        msg = req.source_message_id
        if msg is not None and (not isinstance(msg, str) or not msg or len(msg) > _MAX_ID):
            raise _Refused(Refusal.INVALID, "source_message_id")
        # A retried message is answered from inside the write transaction (see _attempt).
        return self._run_write(lambda uow, checked: self._attempt(uow, req, now, (), checked=checked),
                               lambda: req, now)

    def _run_write(self, attempt: Callable[[UnitOfWork, bool], BookingResult | _NothingFree],
                   request: Callable[[], BookingRequest], now: datetime) -> BookingResult:
        """Run ``attempt`` in a write transaction; a desk lost in a race retries with another.

        A closed day or nothing free comes back with ranked alternatives."""
        try:
            return self._run_write_once(attempt, request, now)
        except _Refused as r:
            if r.refusal is not Refusal.CLOSED or r.building is None:
                raise
            return BookingResult(ok=False, refusal=r.refusal, detail=r.detail, refused_dates=r.dates,
                                 alternatives=self._alternatives(request(), r.building, now))

    def _run_write_once(self, attempt: Callable[[UnitOfWork, bool], BookingResult | _NothingFree],
                        request: Callable[[], BookingRequest], now: datetime) -> BookingResult:
        """``attempt(uow, checked)``: the first try leaves "already booked" to the database (its
        unique index on person, day and part refuses the insert); after such a refusal the
        try is made again with ``checked``, reading the person's bookings to answer with them."""
        req = request()
        raced = False
        checked = False
        busy = 0
        tries = 0
        while tries <= self.rules.race_retries:
            tries += 1
            try:
                with self._uow(write=True) as uow:
                    outcome = attempt(uow, checked)
                    if isinstance(outcome, BookingResult):
                        if outcome.ok and not outcome.replayed:
                            uow.commit()
                        return outcome
            except Conflict as c:
                if c.kind == "message" and req.source_message_id:
                    # Handled before: answer with what it booked (nothing left to show when
                    # those reservations have since been anonymised).
                    return (self._replay(req.source_message_id, req.requester_id)
                            or BookingResult(ok=True, replayed=True))
                if c.kind == "person":
                    if checked:  # a concurrent booking of the same person in between
                        raise _Refused(Refusal.ALREADY_BOOKED) from None
                    checked = True
                    tries -= 1
                    continue
                raced = True
                continue
            except StoreBusy:
                busy += 1
                if busy > 2:
                    raise _Refused(Refusal.UNAVAILABLE, "busy") from None
                tries -= 1
                continue
            # nothing free in this snapshot
            req = request()
            refusal = Refusal.TAKEN if (raced or outcome.raced) else Refusal.NOTHING_FREE
            return BookingResult(ok=False, refusal=refusal, refused_dates=tuple(sorted(set(req.dates))),
                                 alternatives=self._alternatives(req, outcome.building, now))
        return BookingResult(ok=False, refusal=Refusal.TAKEN, refused_dates=tuple(sorted(set(req.dates))))

    def _replay(self, msg: str, booked_by_id: int) -> BookingResult | None:
        with self._uow(write=False) as uow:
            rows = uow.reservations.by_source_message(msg, booked_by_id)
            return _replayed(rows, uow.catalogue()) if rows else None

    def _attempt(self, uow: UnitOfWork, req: BookingRequest, now: datetime, prefer_desks: tuple[str, ...],
                 claim: bool = True, checked: bool = True) -> BookingResult | _NothingFree:
        """One try in ``uow``. ``checked``: read the people's bookings first and refuse with
        them (ALREADY_BOOKED); else the database's unique index refuses the insert (``Conflict``
        "person") and the caller tries again with ``checked``."""
        cat = uow.catalogue()
        requester = req.requester_id
        if isinstance(requester, bool) or not isinstance(requester, int):
            raise _Refused(Refusal.INVALID, "unknown_person")
        if req.source_message_id and claim:
            # Claimed first: a retry (even a concurrent twin, which waits here on PostgreSQL)
            # gets Conflict("message") and replays; a refusal rolls the claim back.
            uow.reservations.claim_message(req.source_message_id, requester, now)
        days = tuple(sorted(set(req.dates)))
        # The contract: missing entries are open seats; only a single desk without a list is
        # the requester's own.
        owners: list[int | None]
        if req.count == 1 and not req.for_person_ids:  # the common booking: one desk for oneself
            owners, named = [requester], [requester]
        else:
            owners = list(req.for_person_ids) or ([requester] if req.count == 1 else [])
            owners += [None] * (req.count - len(owners))
            named = [p for p in owners if p is not None]
            if not all(isinstance(p, int) and not isinstance(p, bool) for p in named):
                raise _Refused(Refusal.INVALID, "unknown_person")
        # Who exists, and the department each reservation carries (one look-up for all).
        departments = uow.people.departments({requester, *named})  # type: ignore[arg-type]
        if requester not in departments or not all(p in departments for p in named):
            raise _Refused(Refusal.INVALID, "unknown_person")
        if len(named) != len(set(named)):
            raise _Refused(Refusal.INVALID, "for_person_ids")

        buildings = self._resolve(cat, req.where, requester, uow)
        if req.desk_id is not None:
            desk = cat.desks.get(req.desk_id) if isinstance(req.desk_id, str) else None
            if desk is None or (req.count != 1):
                raise _Refused(Refusal.INVALID, "desk_id")
            buildings = [cat.buildings[desk.building_id]]

        first_refusal: _Refused | None = None
        nothing: _NothingFree | None = None
        for b in buildings:
            try:
                held = self._check_days(b, days, req.part, req.start, req.end, now)
            except _Refused as r:
                r.building = b
                first_refusal = first_refusal or r
                continue
            if checked:
                self._check_people(uow, cat, owners, held)
            pref = self._preference(uow, cat, requester, b.id, prefer_desks)
            chosen: dict[date, tuple[Desk, ...]] = {}
            for d in days:
                if req.desk_id is not None:
                    desk = cat.desks[req.desk_id]
                    busy = uow.reservations.taken(b.id, d, held[d], (desk.id,))
                    sel = (desk,) if desk.id not in busy and frozenset(req.features) <= desk.features else None
                    if sel is None:
                        raise _Refused(Refusal.TAKEN, "desk", (d,))
                elif req.count == 1 and not pref.desk_ids:
                    sel = self._one_desk(uow, cat.building_desks(b.id), b.id, d, held[d], frozenset(req.features), pref)
                else:
                    busy = uow.reservations.taken(b.id, d, held[d])
                    sel = select(cat.building_desks(b.id), busy, frozenset(req.features), req.count, req.together, pref)
                if sel is None:
                    break
                chosen[d] = sel
                if not pref.desk_ids and len(days) > 1:  # the same desks on every day when possible
                    pref = replace(pref, desk_ids=tuple(x.id for x in sel))
            if len(chosen) < len(days):
                nothing = nothing or _NothingFree(b, False)
                continue
            return self._insert(uow, req, b, held, chosen, owners, departments, requester, now, cat)
        if nothing is not None:
            return nothing
        assert first_refusal is not None
        if req.desk_id is not None:
            first_refusal.building = None  # that very desk: no alternatives
        raise first_refusal

    def _one_desk(self, uow: UnitOfWork, desks: tuple[Desk, ...], building_id: str, day: date,
                  parts: tuple[Part, ...], features: frozenset[str], pref: Preference) -> tuple[Desk] | None:
        """``select`` of one desk, asking the store first only about the shortlist (the few
        best desks, free or not); every taken desk of the building is read only when all of
        those are taken. Both ways give the same desk: which way was needed last time for this
        building, day and preference only decides which is tried first (a busy day's best
        desks stay taken, a quiet day's stay free)."""
        short, ids = shortlist(desks, features, pref)
        if not short:  # no desk has the features
            return None
        key = (building_id, day, parts, features, pref.zone_id, pref.floor)
        crowded = self._crowded
        if key not in crowded:
            found = first_free(short, uow.reservations.taken(building_id, day, parts, ids))
            if found is not None or len(short) < SHORTLIST:  # a free one, or no other candidates
                return (found,) if found is not None else None
            if len(crowded) >= _CROWDED_MAX:
                crowded.clear()
            crowded[key] = True
        chosen = select(desks, uow.reservations.taken(building_id, day, parts), features, 1, False, pref)
        if chosen is not None and chosen[0].id in ids:  # one of the best is free again: try them first next time
            crowded.pop(key, None)
        return chosen

    def _check_people(self, uow: UnitOfWork, cat: Catalogue, owners: Sequence[int | None],
                      held: dict[date, tuple[Part, ...]]) -> None:
        ids = [p for p in owners if p is not None]
        if not ids:
            return
        clash = [r for r in uow.reservations.of_people(ids, held) if r.part in held.get(r.day, ())]
        if clash:
            raise _Refused(Refusal.ALREADY_BOOKED, None, tuple(sorted({r.day for r in clash})),
                           to_bookings(clash, cat))

    def _preference(self, uow: UnitOfWork, cat: Catalogue, person_id: int, building_id: str,
                    prefer_desks: tuple[str, ...]) -> Preference:
        latest = uow.reservations.latest(person_id)
        desk = cat.desks.get(latest.desk_id) if latest else None
        if desk is None or desk.building_id != building_id:
            return Preference(desk_ids=prefer_desks)
        return Preference(desk_ids=prefer_desks, zone_id=desk.zone_id, floor=desk.floor)

    def _insert(self, uow: UnitOfWork, req: BookingRequest, b: Building, held: dict[date, tuple[Part, ...]],
                chosen: dict[date, tuple[Desk, ...]], owners: list[int | None], departments: dict[int, str | None],
                requester: int, now: datetime, cat: Catalogue) -> BookingResult:
        multi = req.count > 1 or len(chosen) > 1
        group_id = self._new_group_id() if multi else None
        rows = []
        for d, desks in sorted(chosen.items()):
            for i, desk in enumerate(desks):
                owner = owners[i]
                dept = (departments[owner] if owner is not None else None) or departments[requester]
                for p in held[d]:
                    rows.append(NewReservation(desk.id, b.id, d, p, owner, requester, dept, group_id,
                                               req.source_message_id, now))
        ids = uow.reservations.add(rows)
        return BookingResult(ok=True, bookings=_grouped(zip(ids, rows), cat), group_id=group_id)

    # ------------------------------------------------------------------ alternatives
    def _alternatives(self, req: BookingRequest, building: Building, now: datetime) -> tuple[Alternative, ...]:
        try:
            with self._uow(write=False) as uow:
                return self._find_alternatives(uow, req, building, now)
        except Exception as exc:
            log.error("alternatives failed: %s", type(exc).__name__)
            return ()

    def _find_alternatives(self, uow: UnitOfWork, req: BookingRequest, building: Building,
                           now: datetime) -> tuple[Alternative, ...]:
        cat = uow.catalogue()
        cache: dict[tuple[str, date, tuple[Part, ...]], set[str]] = {}
        feats = frozenset(req.features)

        def free_for(b: Building, days: Sequence[date], features: frozenset[str], together: bool) -> int | None:
            """The fewest free matching desks over the days, or None when it does not fit."""
            try:
                held = self._check_days(b, days, req.part, req.start, req.end, now)
            except _Refused:
                return None
            least = None
            for d in days:
                key = (b.id, d, held[d])
                if key not in cache:
                    cache[key] = uow.reservations.taken(b.id, d, held[d])
                busy = cache[key]
                n, ok = fits(cat.building_desks(b.id), busy, features, req.count, together)
                if not ok:
                    return None
                least = n if least is None else min(least, n)
            return least

        days = tuple(sorted(set(req.dates)))
        here = Where(building_id=building.id)
        out: list[Alternative] = []
        if req.together and req.count > 1:
            n = free_for(building, days, feats, False)
            if n is not None:
                out.append(Alternative(AlternativeKind.NOT_TOGETHER, replace(req, where=here, together=False),
                                       building.id, days, None, n))
        others = []
        for other in cat.in_city(building.city):
            if other.id == building.id:
                continue
            n = free_for(other, days, feats, req.together)
            if n is not None:
                others.append((-n, other.id))
        for neg, bid in sorted(others)[:2]:
            out.append(Alternative(AlternativeKind.OTHER_BUILDING,
                                   replace(req, where=Where(building_id=bid), desk_id=None), bid, days, None, -neg))
        if len(days) == 1:
            today = local_today(now)
            last = today + timedelta(days=self.rules.horizon_days)
            for delta in range(1, self.rules.horizon_days + 1):
                found = None
                for cand in (days[0] + timedelta(days=delta), days[0] - timedelta(days=delta)):
                    if today <= cand <= last:
                        n = free_for(building, (cand,), feats, req.together)
                        if n is not None:
                            found = (cand, n)
                            break
                if found:
                    out.append(Alternative(AlternativeKind.OTHER_DAY,
                                           replace(req, dates=(found[0],), where=here, desk_id=None),
                                           building.id, (found[0],), None, found[1]))
                    break
        for f in sorted(feats):
            n = free_for(building, days, feats - {f}, req.together)
            if n is not None:
                out.append(Alternative(AlternativeKind.FEWER_FEATURES,
                                       replace(req, where=here, features=feats - {f}, desk_id=None),
                                       building.id, days, f, n))
        return tuple(out[: self.rules.max_alternatives])

    # ------------------------------------------------------------------ cancel / move / list
    def _find_own(self, uow: UnitOfWork, person_id: int, day: date | None, now: datetime,
                  reservation_ids: tuple[int, ...], group_id: str | None) -> list[Reservation]:
        today = local_today(now)
        if isinstance(person_id, bool) or not isinstance(person_id, int):
            raise _Refused(Refusal.INVALID, "person")
        if group_id is not None and not isinstance(group_id, str):
            raise _Refused(Refusal.INVALID, "group_id")
        if day is not None and not isinstance(day, date):
            raise _Refused(Refusal.INVALID, "day")
        if isinstance(day, datetime):
            day = day.date()
        if day is not None and day < today:
            raise _Refused(Refusal.PAST, None, (day,))
        if reservation_ids:
            rows = uow.reservations.get(i for i in reservation_ids if isinstance(i, int))
            rows = [r for r in rows if r.person_id == person_id or r.booked_by_id == person_id]
        elif group_id:
            rows = uow.reservations.by_group(str(group_id))
            # The booker may cancel the whole group; a seat holder only their own seat.
            rows = [r for r in rows if r.person_id == person_id or r.booked_by_id == person_id]
        else:
            rows = uow.reservations.upcoming(person_id, day or today)
            if day is not None:
                rows = [r for r in rows if r.day == day]
        cat = uow.catalogue()
        out = []
        for r in rows:
            if r.status is not ReservationStatus.ACTIVE or r.day < today:
                continue
            b = cat.buildings.get(r.building_id)
            if b is not None and r.part in ended_parts(b, r.day, now):
                continue
            out.append(r)
        return out

    @staticmethod
    def _units(rows: Sequence[Reservation]) -> set[object]:
        return {r.group_id or (r.day, r.desk_id) for r in rows}

    def cancel(self, person_id: int, day: date | None, now: datetime,
               reservation_ids: tuple[int, ...] = (), group_id: str | None = None) -> CancelResult:
        try:
            with self._uow(write=True) as uow:
                rows = self._find_own(uow, person_id, day, now, _ids(reservation_ids), group_id)
                if not rows:
                    return CancelResult(ok=False, refusal=Refusal.NOT_FOUND)
                bookings = to_bookings(rows, uow.catalogue())
                if not reservation_ids and not group_id and len(self._units(rows)) > 1:
                    return CancelResult(ok=False, refusal=Refusal.AMBIGUOUS, candidates=bookings)
                uow.reservations.set_status([r.id for r in rows], ReservationStatus.CANCELLED)
                uow.commit()
                return CancelResult(ok=True, cancelled=bookings)
        except _Refused as r:
            return CancelResult(ok=False, refusal=r.refusal, detail=r.detail)
        except StoreBusy:
            return CancelResult(ok=False, refusal=Refusal.UNAVAILABLE, detail="busy")
        except Exception as exc:
            log.error("cancel failed: %s", type(exc).__name__)
            return CancelResult(ok=False, refusal=Refusal.UNAVAILABLE)

    def move(self, person_id: int, from_day: date | None, now: datetime,
             to_day: date | None = None, to_where: Where | None = None,
             reservation_ids: tuple[int, ...] = (), source_message_id: str | None = None) -> BookingResult:
        try:
            if to_day is None and to_where is None:
                raise _Refused(Refusal.INVALID, "no_target")
            if to_day is not None and not isinstance(to_day, date):
                raise _Refused(Refusal.INVALID, "to_day")
            if source_message_id is not None and (not isinstance(source_message_id, str) or not source_message_id
                                                  or len(source_message_id) > _MAX_ID):
                raise _Refused(Refusal.INVALID, "source_message_id")
            holder: dict[str, BookingRequest] = {}

            def attempt(uow: UnitOfWork, checked: bool) -> BookingResult | _NothingFree:
                if isinstance(person_id, bool) or not isinstance(person_id, int):
                    raise _Refused(Refusal.INVALID, "person")
                if source_message_id:  # first: a retried move finds its old booking gone
                    uow.reservations.claim_message(source_message_id, person_id, now)
                rows = self._find_own(uow, person_id, from_day, now, _ids(reservation_ids), None)
                if not rows:
                    raise _Refused(Refusal.NOT_FOUND)
                cat = uow.catalogue()
                if not reservation_ids and len(self._units(rows)) > 1:
                    raise _Refused(Refusal.AMBIGUOUS, None, (), to_bookings(rows, cat))
                old = to_bookings(rows, cat)
                if len({b.day for b in old}) > 1:
                    raise _Refused(Refusal.AMBIGUOUS, None, (), old)
                parts = set(old[0].parts)
                owners = tuple(next(r.person_id for r in rows if r.desk_id == b.desk_id) for b in old)
                req = BookingRequest(
                    requester_id=person_id,
                    dates=(to_day or old[0].day,),
                    where=to_where or Where(building_id=old[0].building_id),
                    part=next(iter(parts)) if len(parts) == 1 else None,
                    count=len(old),
                    together=len(old) > 1,
                    for_person_ids=owners,
                    source_message_id=source_message_id,
                )
                holder["req"] = req
                uow.reservations.set_status([r.id for r in rows], ReservationStatus.CANCELLED)
                return self._attempt(uow, req, now, tuple(b.desk_id for b in old), claim=False, checked=checked)

            placeholder = BookingRequest(requester_id=person_id, dates=(to_day,) if to_day else (),
                                         where=to_where or Where(), source_message_id=source_message_id)
            return self._run_write(attempt, lambda: holder.get("req", placeholder), now)
        except _Refused as r:
            return BookingResult(ok=False, refusal=r.refusal, detail=r.detail, refused_dates=r.dates,
                                 candidates=r.candidates)
        except Exception as exc:
            log.error("move failed: %s", type(exc).__name__)
            return BookingResult(ok=False, refusal=Refusal.UNAVAILABLE)

    def upcoming(self, person_id: int, now: datetime) -> tuple[Booking, ...]:
        try:
            with self._uow(write=False) as uow:
                rows = self._find_own(uow, person_id, None, now, (), None)
                return to_bookings(rows, uow.catalogue())
        except Exception as exc:
            log.error("upcoming failed: %s", type(exc).__name__)
            return ()

    def last_building(self, person_id: int) -> str | None:
        try:
            with self._uow(write=False) as uow:
                latest = uow.reservations.latest(person_id)
                return latest.building_id if latest else None
        except Exception as exc:
            log.error("last_building failed: %s", type(exc).__name__)
            return None


def _fill_only(known: Person, info: PersonInfo) -> PersonInfo:
    """``info`` reduced to the profile fields ``known`` does not have yet."""
    def keep(field: str) -> str | None:
        return getattr(info, field) if getattr(known, field) is None else None

    return PersonInfo(external_id=info.external_id, name=keep("name"), email=keep("email"),
                      phone=keep("phone"), department=keep("department"))

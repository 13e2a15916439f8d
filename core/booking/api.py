"""The public surface of the booking service: requests, typed results and the protocol.

The dialog and the adapters talk to :class:`BookingPort` only. Every operation returns a
typed result; expected failures (past date, closed day, nothing free, taken in a race)
are values, never exceptions escaping the service.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from core.booking.model import Booking, Building, Part


class Refusal(str, enum.Enum):
    """Why a request could not be done; the dialog explains each in the user's language."""

    INVALID = "invalid"                  # malformed request (count 0, no dates, ...)
    TOO_MANY = "too_many"                # count above the maximum group size
    PAST = "past"                        # a date (or part of today) already passed
    BEYOND_HORIZON = "beyond_horizon"    # more than the horizon ahead
    CLOSED = "closed"                    # weekend, public holiday, building closure (see detail)
    UNKNOWN_BUILDING = "unknown_building"
    NOTHING_FREE = "nothing_free"        # no desk matches; see alternatives
    ALREADY_BOOKED = "already_booked"    # the person already has a desk in that part of day
    TAKEN = "taken"                      # lost a race for the last desk
    NOT_FOUND = "not_found"              # cancel/move: no such booking of this person
    AMBIGUOUS = "ambiguous"              # cancel/move: several match; see candidates
    UNAVAILABLE = "unavailable"          # the store is busy or down; nothing was changed, try again


@dataclass(frozen=True, slots=True)
class Slot:
    """Which parts of the day a request holds.

    ``parts`` is derived from a part of day or from hours: "9 tot 13" overlaps only the
    morning of a building with 08:00-13:00 / 13:00-18:00.
    """

    parts: tuple[Part, ...]
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Where:
    """A building id, or a city (several buildings), or nothing (any / the usual one)."""

    building_id: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class AvailabilityQuery:
    dates: tuple[date, ...]
    where: Where
    part: Part | None = None         # None = whole day
    start: time | None = None        # hours instead of a part ("9 tot 13")
    end: time | None = None
    features: frozenset[str] = frozenset()
    count: int = 1
    together: bool = False


@dataclass(frozen=True, slots=True)
class DayAvailability:
    building_id: str
    day: date
    parts: tuple[Part, ...]
    free_desks: int                  # desks free for every requested part that match features
    total_desks: int
    fits: bool                       # count (and together) can be satisfied
    closed_reason: str | None = None  # "weekend", "holiday:<name>", "closure", "closed_weekday",
    #                                     or "past" / "beyond_horizon" for such a day in a longer range


@dataclass(frozen=True, slots=True)
class Availability:
    days: tuple[DayAvailability, ...]
    refusal: Refusal | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """Book ``count`` desks on each of ``dates`` (all-or-nothing over all of them).

    ``for_person_ids``: whom the desks are for, in order; missing entries are open seats
    (a team booking). With count 1 and no list the desk is for the requester.
    ``source_message_id`` makes a retried chat message book once.
    """

    requester_id: int
    dates: tuple[date, ...]
    where: Where
    part: Part | None = None
    start: time | None = None
    end: time | None = None
    features: frozenset[str] = frozenset()
    count: int = 1
    together: bool = False
    for_person_ids: tuple[int | None, ...] = ()
    source_message_id: str | None = None
    desk_id: str | None = None       # book this very desk (an alternative picked by the user)


class AlternativeKind(str, enum.Enum):
    OTHER_BUILDING = "other_building"   # another building in the same city
    OTHER_DAY = "other_day"             # the nearest open day with room
    FEWER_FEATURES = "fewer_features"   # the same building without one of the features
    NOT_TOGETHER = "not_together"       # the same place, desks not next to each other


@dataclass(frozen=True, slots=True)
class Alternative:
    """A ranked suggestion; ``request`` is the request that would succeed now."""

    kind: AlternativeKind
    request: BookingRequest
    building_id: str
    dates: tuple[date, ...]
    dropped_feature: str | None = None
    free_desks: int = 0


@dataclass(frozen=True, slots=True)
class BookingResult:
    """``ok`` with the bookings made, or a refusal with reason and alternatives.

    ``replayed`` is true when the same source message had already booked (idempotent retry).
    """

    ok: bool
    bookings: tuple[Booking, ...] = ()
    group_id: str | None = None
    refusal: Refusal | None = None
    detail: str | None = None
    refused_dates: tuple[date, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    candidates: tuple[Booking, ...] = ()
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class CancelResult:
    ok: bool
    cancelled: tuple[Booking, ...] = ()
    refusal: Refusal | None = None
    candidates: tuple[Booking, ...] = ()
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Occupancy:
    building_id: str
    day: date
    part: Part
    reserved: int
    capacity: int


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """Profile data a channel may supply; only the fields of the privacy inventory."""

    external_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    department: str | None = None


class BookingPort(Protocol):
    """What the dialog and the adapters may ask of the booking engine."""

    def buildings(self) -> tuple[Building, ...]: ...

    def building(self, building_id: str) -> Building | None: ...

    def ensure_person(self, info: PersonInfo, now: datetime) -> int:
        """Create or find the person for a stable external id; returns the internal id."""
        ...

    def identify(self, info: PersonInfo, now: datetime) -> tuple[int, bool]:
        """As :meth:`ensure_person`, and whether the person was created just now (a new
        person has no bookings, restrictions or history to look up)."""
        ...

    def availability(self, query: AvailabilityQuery, now: datetime) -> Availability: ...

    def book(self, request: BookingRequest, now: datetime) -> BookingResult: ...

    def cancel(self, person_id: int, day: date | None, now: datetime,
               reservation_ids: tuple[int, ...] = (), group_id: str | None = None) -> CancelResult:
        """Cancel the person's booking(s) on ``day`` (or exactly ``reservation_ids``);
        AMBIGUOUS with candidates when several separate bookings match."""
        ...

    def move(self, person_id: int, from_day: date | None, now: datetime,
             to_day: date | None = None, to_where: Where | None = None,
             reservation_ids: tuple[int, ...] = (), source_message_id: str | None = None) -> BookingResult:
        """Move a booking to another day and/or building, atomically (old kept if new fails)."""
        ...

    def upcoming(self, person_id: int, now: datetime) -> tuple[Booking, ...]: ...

    def last_building(self, person_id: int) -> str | None:
        """The building of the person's most recent booking (the suggested default)."""
        ...

    def occupancy(self, building_id: str, days: tuple[date, ...]) -> tuple[Occupancy, ...]: ...

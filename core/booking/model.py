"""The booking domain: buildings, desks, people and reservations, free of any ORM."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time


class Part(str, enum.Enum):
    """A part of the day. A whole-day booking holds both parts."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


BOTH_PARTS: tuple[Part, ...] = (Part.MORNING, Part.AFTERNOON)

FEATURES: tuple[str, ...] = ("dual_screen", "quiet", "single_screen", "sit_stand")
"""Desk requirements as named in the language contract (SCHEMA.md)."""


class ReservationStatus(str, enum.Enum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    RELEASED = "released"  # freed by auto-release or an unclaimed group seat


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Opening hours of one weekday (Monday = 0)."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    building_id: str
    floor: int
    name: str
    quiet: bool


@dataclass(frozen=True, slots=True)
class Desk:
    """A workplace. Its features derive from its own fields and its zone."""

    id: str
    code: str
    building_id: str
    floor: int
    zone_id: str
    sit_stand: bool
    screens: int  # 1 or 2
    accessible: bool
    quiet: bool  # from its zone
    neighbours: tuple[str, ...] = ()

    @property
    def features(self) -> frozenset[str]:
        return _features(self.screens >= 2, self.sit_stand, self.quiet)

    @property
    def desk_type(self) -> str:
        """A coarse type for usage reports, e.g. ``dual_screen+sit_stand+quiet``."""
        return "+".join(sorted(self.features))


@functools.lru_cache(maxsize=None)
def _features(dual: bool, sit_stand: bool, quiet: bool) -> frozenset[str]:
    f = {"dual_screen" if dual else "single_screen"}
    if sit_stand:
        f.add("sit_stand")
    if quiet:
        f.add("quiet")
    return frozenset(f)


@dataclass(frozen=True, slots=True)
class Building:
    id: str
    name: str
    address: str
    city: str
    organisations: tuple[str, ...]
    aliases: tuple[str, ...]
    opening_hours: tuple[OpeningHours, ...]
    morning: tuple[time, time] = (time(8, 0), time(13, 0))
    afternoon: tuple[time, time] = (time(13, 0), time(18, 0))
    closures: frozenset[date] = frozenset()
    floors: tuple[int, ...] = ()
    # Derived from opening_hours in __post_init__ (every booking asks), never passed in.
    open_weekdays: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "open_weekdays", frozenset(h.weekday for h in self.opening_hours))

    def part_window(self, part: Part) -> tuple[time, time]:
        return self.morning if part is Part.MORNING else self.afternoon

    def is_open_on_weekday(self, weekday: int) -> bool:
        return weekday in self.open_weekdays


@dataclass(frozen=True, slots=True)
class Person:
    """Everything the bot may store about a person; nothing more.

    ``id`` is internal; ``external_id`` is ``<channel>:<stable channel id>``.
    """

    id: int
    external_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    department: str | None = None
    last_active_at: datetime | None = None  # for retention; set by the store


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    desk_id: str
    building_id: str
    day: date
    part: Part
    person_id: int | None  # who it is for; None after anonymisation or for an open team seat
    booked_by_id: int | None
    department: str | None
    group_id: str | None
    source_message_id: str | None
    status: ReservationStatus = ReservationStatus.ACTIVE
    created_at: datetime | None = None
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Booking:
    """A person's booking as shown to them: one desk, one day, one or both parts."""

    reservation_ids: tuple[int, ...]
    desk_id: str
    desk_code: str
    building_id: str
    day: date
    parts: tuple[Part, ...]
    group_id: str | None = None
    features: frozenset[str] = field(default_factory=frozenset)
    floor: int | None = None
    zone_name: str | None = None

    @property
    def whole_day(self) -> bool:
        return set(self.parts) == set(BOTH_PARTS)

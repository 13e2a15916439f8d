"""The team feature's domain: teams with stable member ids, open seats of a group booking,
waitlist entries and notices for the people concerned. Pure data; no store, no clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Team:
    """A managed team: its owner (the lead who manages it in chat) and its members.

    Ids are the booking service's internal person ids (stable, never display names)."""

    id: int
    owner_id: int | None
    members: tuple[int, ...] = ()

    def everyone(self) -> tuple[int, ...]:
        """Owner first, then the members in the order they were added."""
        head = (self.owner_id,) if self.owner_id is not None else ()
        return head + tuple(m for m in self.members if m != self.owner_id)

    def has(self, person_id: int) -> bool:
        return person_id == self.owner_id or person_id in self.members


@dataclass(frozen=True, slots=True)
class Seat:
    """One desk of a group booking on one day (all its parts); ``holder_id`` None = open."""

    group_id: str
    desk_id: str
    desk_code: str
    building_id: str
    day: date
    booked_by_id: int | None
    holder_id: int | None
    reservation_ids: tuple[int, ...] = ()


class SeatState(str, enum.Enum):
    """Where a seat of a group booking stands, as the booker's overview shows it."""

    OPEN = "open"            # nobody holds it (yet): to claim or to assign
    WAITING = "waiting"      # assigned, the holder has not answered
    ACCEPTED = "accepted"    # the holder accepted (or claimed it, or booked it for themselves)
    DECLINED = "declined"    # the holder cancelled it ("Ik kan niet")
    RELEASED = "released"    # open at the claim deadline: given back


@dataclass(frozen=True, slots=True)
class SeatStatus:
    """One seat of a group booking with its state (the holder's stable id is in ``seat``)."""

    seat: Seat
    state: SeatState


class Claim(str, enum.Enum):
    """How a claim of an open seat ended."""

    CLAIMED = "claimed"
    NONE_OPEN = "none_open"          # no open seat of the person's team (any more)
    ALREADY_SEATED = "already_seated"  # the person already holds a desk that day
    TAKEN = "taken"                  # someone claimed it first (a race): nothing changed
    UNAVAILABLE = "unavailable"      # the store is busy; nothing changed


@dataclass(frozen=True, slots=True)
class ClaimResult:
    outcome: Claim
    seat: Seat | None = None


@dataclass(frozen=True, slots=True)
class WaitEntry:
    """A person waiting for a desk: where, which day, which part (None = whole day)."""

    id: int
    person_id: int
    building_id: str
    day: date
    part: str | None = None
    features: tuple[str, ...] = ()
    auto_book: bool = False
    lang: str = "nl"  # language of the conversation that queued the wish (the notice's language)


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for one person, sent by the team jobs through the channel they use.

    ``key``/``values`` are a catalog sentence; ``choices`` pairs of (label key, utterance)."""

    person_id: int
    key: str
    values: dict[str, object] = field(default_factory=dict)
    lang: str = "nl"
    choices: tuple[tuple[str, str], ...] = ()
    id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Released:
    """Open seats released at the claim deadline, per group and day (told to the booker)."""

    booked_by_id: int
    group_id: str
    building_id: str
    day: date
    seats: int


@dataclass(frozen=True, slots=True)
class DayOption:
    """A candidate team day: a cluster for the whole team free in the building (``fits``),
    desks free, and how many of the team already booked elsewhere that day (a count, no names)."""

    day: date
    fits: bool
    free_desks: int
    booked_elsewhere: int = 0
    closed_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """A team-day poll: the organiser's team votes on ``days`` until ``deadline``."""

    id: int
    organiser_id: int
    building_id: str
    days: tuple[date, ...]
    members: tuple[int, ...]
    lang: str
    deadline: datetime
    status: str = "open"  # open, booked, failed, closed
    votes: dict[int, int] = field(default_factory=dict)  # person id -> option index (0-based)

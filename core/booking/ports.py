"""Ports the booking service needs from a store: repositories and a unit of work.

The store adapter (``adapters.store``) implements them with SQLAlchemy; the unit tests
with in-memory fakes. Expected store failures are the exceptions below, never a driver's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable, Literal, NamedTuple, Protocol, Sequence

from core.booking.api import PersonInfo
from core.booking.catalogue import Catalogue
from core.booking.model import Part, Person, Reservation, ReservationStatus


class StoreError(Exception):
    """Base of the store's expected failures."""


class Conflict(StoreError):
    """A uniqueness rule of the database refused a write.

    ``kind``: ``desk`` (active desk/day/part taken), ``person`` (the person already holds that
    day/part), ``message`` (the source message already booked), ``external_id`` (the person
    exists already).
    """

    def __init__(self, kind: Literal["desk", "person", "message", "external_id"]) -> None:
        super().__init__(kind)
        self.kind = kind


class StoreBusy(StoreError):
    """The database stayed locked or unreachable; nothing was changed."""


class NewReservation(NamedTuple):
    """A reservation row to insert (a named tuple: a booking makes one per desk, day and part,
    and a tuple is made several times faster than a frozen dataclass)."""

    desk_id: str
    building_id: str
    day: date
    part: Part
    person_id: int | None
    booked_by_id: int | None
    department: str | None
    group_id: str | None
    source_message_id: str | None
    created_at: datetime


class ReservationRepository(Protocol):
    def taken(self, building_id: str, day: date, parts: Iterable[Part],
              among: Sequence[str] | None = None) -> set[str]:
        """Desk ids with an active reservation in any of ``parts`` of a building and day (the hot
        query); with ``among``, only which of those desks (of that building) are taken."""
        ...

    def of_people(self, person_ids: Iterable[int], days: Iterable[date]) -> list[Reservation]:
        """Active reservations for these people on these days."""
        ...

    def add(self, rows: Sequence[NewReservation]) -> list[int]:
        """Insert; the new rows' ids, in the order of ``rows``. Raises :class:`Conflict`
        (``desk``/``person``) when the database refuses."""
        ...

    def claim_message(self, source_message_id: str, booked_by_id: int, now: datetime) -> None:
        """Make sure this chat message of ``booked_by_id`` books once: raises
        ``Conflict("message")`` if it booked before (or is booking now in a concurrent
        transaction). The store records the claim with the transaction (a key row), or, where
        its writers are serialised, recognises the message by the booker's reservations that
        carry it."""
        ...

    def by_source_message(self, source_message_id: str, booked_by_id: int) -> list[Reservation]:
        """The reservations booked by ``booked_by_id`` through this message (any status)."""
        ...

    def get(self, ids: Iterable[int]) -> list[Reservation]: ...

    def by_group(self, group_id: str) -> list[Reservation]: ...

    def upcoming(self, person_id: int, from_day: date) -> list[Reservation]:
        """Active reservations from ``from_day`` on for the person, and open seats they booked."""
        ...

    def set_status(self, ids: Iterable[int], status: ReservationStatus) -> None: ...

    def latest(self, person_id: int) -> Reservation | None:
        """The person's active reservation with the latest day (their usual place)."""
        ...

    def counts(self, building_id: str, days: Iterable[date]) -> dict[tuple[date, Part], int]: ...


class PeopleRepository(Protocol):
    """All personal fields go through here (encryption and keyed lookups live behind it)."""

    def by_external_id(self, external_id: str) -> Person | None: ...

    def get(self, person_id: int) -> Person | None: ...

    def departments(self, person_ids: Iterable[int]) -> dict[int, str | None]:
        """The department of each of these people that exists (unknown ids are left out):
        what a booking needs of the people it is for, without the rest of their profile."""
        ...

    def add(self, info: PersonInfo, now: datetime) -> int:
        """Create; raises ``Conflict("external_id")`` when it exists already."""
        ...

    def update(self, person_id: int, info: PersonInfo, now: datetime) -> None:
        """Set the given (non-None) fields and the last-active time."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without :meth:`commit` rolls back."""

    reservations: ReservationRepository
    people: PeopleRepository

    def catalogue(self) -> Catalogue: ...

    def commit(self) -> None:
        """Commit; may raise :class:`Conflict` or :class:`StoreBusy`."""
        ...

    def rollback(self) -> None: ...

    def __enter__(self) -> "UnitOfWork": ...

    def __exit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[..., UnitOfWork]
"""``factory(write=True)`` starts a write transaction (on SQLite: BEGIN IMMEDIATE);
``factory(write=False)`` a read-only one. A factory may also offer ``fresh_catalogue() ->
Catalogue | None``: the cached catalogue when it can be used without a transaction."""

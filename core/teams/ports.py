"""What the team feature needs from a store (implemented in ``adapters.store.teams``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Protocol

from core.teams.model import ClaimResult, Notice, Released, Seat, SeatStatus, Team, WaitEntry


class TeamStore(Protocol):
    # -- teams -----------------------------------------------------------------------
    def team_for(self, person_id: int) -> Team | None:
        """The team the person leads, else the first team they are a member of."""
        ...

    def add_member(self, owner_id: int, member_id: int, now: datetime) -> bool:
        """Add to the owner's team (created on first use); False when already in it."""
        ...

    def remove_member(self, owner_id: int, member_id: int) -> bool: ...

    def find_people(self, name_or_email: str, among: Iterable[int] = ()) -> tuple[int, ...]:
        """Exact full name or e-mail among everyone; first name or surname among ``among``."""
        ...

    def names(self, person_ids: Iterable[int]) -> dict[int, str | None]: ...

    def person_ids(self, user_keys: Iterable[str]) -> dict[str, int]: ...

    # -- open seats of group bookings ------------------------------------------------------
    def open_seats(self, booker_ids: Iterable[int], from_day: date) -> tuple[Seat, ...]: ...

    def claim(self, person_id: int, seat: Seat, now: datetime) -> ClaimResult:
        """Give the open seat to the person, atomically (TAKEN when someone was first)."""
        ...

    def release_open_seats(self, through: date, now: datetime) -> tuple[Released, ...]:
        """Release every open group seat up to and including ``through``."""
        ...

    # -- seats of group bookings: the group's language, acceptances, the booker's overview -------
    def record_group(self, group_id: str, booked_by_id: int, lang: str, last_day: date, now: datetime) -> None:
        """Remember the language a team's group booking was made in (until its last day)."""
        ...

    def group_langs(self, group_ids: Iterable[str]) -> dict[str, str]:
        """The language each known group booking was made in."""
        ...

    def held_seats(self, person_id: int, from_day: date) -> tuple[SeatStatus, ...]:
        """The person's seats in group bookings made by someone else (ACCEPTED or WAITING)."""
        ...

    def accept(self, person_id: int, seats: Iterable[Seat], now: datetime) -> int:
        """Record that the holder accepts these seats; returns how many were new."""
        ...

    def group_seats(self, booker_id: int, from_day: date) -> tuple[SeatStatus, ...]:
        """The seats of the group bookings the person made, each with its state."""
        ...

    def langs(self, person_ids: Iterable[int]) -> dict[int, str]:
        """The language each person last used for the team feature, where the store knows it."""
        ...

    # -- waitlist ---------------------------------------------------------------------
    def wait(self, entry: WaitEntry, now: datetime) -> bool:
        """Put on the waitlist; False when the same wish is there already."""
        ...

    def waiting(self, from_day: date) -> tuple[WaitEntry, ...]: ...

    def unwait(self, entry_ids: Iterable[int]) -> None: ...

    # -- reminders --------------------------------------------------------------------
    def set_reminders(self, person_id: int, on: bool, now: datetime, lang: str = "nl") -> bool:
        """Opt in or out; ``lang``: the language the reminders are sent in (the opt-in's, updated
        when opting in again). True when the setting changed."""
        ...

    def reminder_people(self, day: date) -> tuple[int, ...]:
        """Opted-in people not yet reminded of ``day``."""
        ...

    def reminded(self, person_id: int, day: date) -> None: ...

    # -- notices for the jobs to send -------------------------------------------------------
    def notify(self, notices: Iterable[Notice], now: datetime) -> None: ...

    def pending_notices(self, limit: int = 100) -> tuple[Notice, ...]: ...

    def sent(self, notice_ids: Iterable[int]) -> None: ...

    def external_id(self, person_id: int) -> str | None: ...

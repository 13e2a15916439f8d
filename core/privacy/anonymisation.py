"""What anonymisation of a reservation keeps and removes (the rule; the store applies it).

Removed, irreversibly, in the night after the reservation's day:

- ``person_id`` and ``booked_by_id`` (who it was for and who made it);
- ``source_message_id`` (the chat message that booked it), and the idempotency key and the
  handled-message record of that message (they link a chat message, hence a sender, to it);
- ``group_id`` (it links reservations of a team to each other, and so to other people);
- ``created_at`` is set to midnight (UTC) of the reservation's own day: an exact creation time
  could be matched with a chat message's time stamp on the chat server;
- ``checked_in_at`` / ``checked_out_at`` are rounded down to a quarter of an hour (the same
  reason; usage reports need no more precision);
- the department, unless at least ``min_department_group`` reservations of the same
  building and day carry the same department (k-anonymity on the grain that remains).

Kept, for usage figures only: desk (hence building, floor, zone, desk type), day, part of
day, status and the rounded check-in/out times.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

REMOVED_COLUMNS = ("person_id", "booked_by_id", "source_message_id", "group_id")
"""Reservation columns set to NULL by anonymisation."""

KEPT_COLUMNS = ("id", "desk_id", "building_id", "day", "part", "status")
"""Reservation columns kept unchanged."""

COARSENED_COLUMNS = ("department", "created_at", "checked_in_at", "checked_out_at")
"""Reservation columns kept only in a coarse form."""

DEFAULT_MIN_DEPARTMENT_GROUP = 10
TIME_GRAIN = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Row:
    """The fields of one reservation the rule needs."""

    id: int
    building_id: str
    day: date
    department: str | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None


@dataclass(frozen=True, slots=True)
class Coarse:
    """The coarse values a reservation keeps."""

    id: int
    department: str | None
    created_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None


def round_down(moment: datetime | None, grain: timedelta = TIME_GRAIN) -> datetime | None:
    """``moment`` rounded down to ``grain`` (aware UTC out; naive is taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    steps = (moment - epoch) // grain
    return epoch + steps * grain


def coarse_created_at(day: date) -> datetime:
    """The creation time an anonymised reservation keeps: midnight UTC of its own day."""
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def coarsen(rows: Iterable[Row], min_department_group: int = DEFAULT_MIN_DEPARTMENT_GROUP) -> list[Coarse]:
    """The coarse values for ``rows`` (all rows of the days being anonymised should be given
    together, so department groups are counted over the whole building and day)."""
    rows = list(rows)
    groups = Counter((r.building_id, r.day, r.department) for r in rows if r.department)
    out = []
    for r in rows:
        keep = r.department is not None and groups[(r.building_id, r.day, r.department)] >= min_department_group
        out.append(Coarse(id=r.id, department=r.department if keep else None, created_at=coarse_created_at(r.day),
                          checked_in_at=round_down(r.checked_in_at), checked_out_at=round_down(r.checked_out_at)))
    return out

"""Time rules of the team feature: the claim deadline of open seats, the reminder day.

Pure: ``now`` is passed in; days and times are Europe/Amsterdam."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.clock import local

DEFAULT_CLAIM_DEADLINE = time(18, 0)
DEFAULT_REMINDER_AT = time(16, 0)


def claim_deadline(day: date, at: time = DEFAULT_CLAIM_DEADLINE) -> datetime:
    """When the open seats of ``day`` are released: ``at`` on the day before (local time)."""
    now_tz = local(datetime(day.year, day.month, day.day, 12)).tzinfo
    before = day - timedelta(days=1)
    return datetime.combine(before, at, tzinfo=now_tz)


def release_through(now: datetime, at: time = DEFAULT_CLAIM_DEADLINE) -> date:
    """The last day whose open seats are due for release at ``now``: tomorrow once the
    deadline passed today, else today (a day that started keeps no open seats either)."""
    here = local(now)
    today = here.date()
    return today + timedelta(days=1) if here.time() >= at else today


def reminder_day(now: datetime, at: time = DEFAULT_REMINDER_AT) -> date | None:
    """The day whose bookings are reminded of at ``now``: tomorrow once ``at`` passed today."""
    here = local(now)
    return here.date() + timedelta(days=1) if here.time() >= at else None


def member_ids(owner_id: int, team_members: tuple[int, ...], room_ids: tuple[int, ...]) -> tuple[int, ...]:
    """The asker's team: the managed team when there is one, else the room's known members."""
    base = team_members or room_ids
    return tuple(dict.fromkeys(m for m in base if m != owner_id))

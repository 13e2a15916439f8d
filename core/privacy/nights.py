"""Which nights are due: the anonymisation of a day runs in the night after it.

The night job for day ``D`` runs at ``at`` (default 02:00) Europe/Amsterdam wall-clock time on
``D + 1``. Daylight saving is handled by converting wall-clock times with ``zoneinfo``:

- a time that does not exist (02:30 on the last Sunday of March, when clocks jump from 02:00
  to 03:00) is taken with the offset before the jump, i.e. it falls one hour later in the new
  summer time (02:30 -> 03:30 CEST); the job still runs exactly once that night;
- a time that happens twice (02:30 on the last Sunday of October) is the first occurrence
  (``fold=0``, still summer time).

A night is identified by the day it anonymises, so a repeated or overlapping run finds the
night in the run log and does nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from core.clock import AMSTERDAM

DEFAULT_RUN_AT = time(2, 0)
MAX_CATCH_UP_NIGHTS = 366
"""A run after a very long outage records at most this many nights (older days are still
anonymised: each night anonymises every day up to and including its own)."""


def run_instant(day: date, at: time = DEFAULT_RUN_AT) -> datetime:
    """The aware UTC moment at which the night job for ``day`` is due (see module docstring)."""
    wall = datetime.combine(day + timedelta(days=1), at).replace(tzinfo=AMSTERDAM, fold=0)
    # Round trip through UTC normalises a non-existent wall time to a real instant.
    return wall.astimezone(timezone.utc)


def latest_due_day(now: datetime, at: time = DEFAULT_RUN_AT) -> date:
    """The most recent day whose night job is due at ``now`` (aware; naive is taken as UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    local_day = now.astimezone(AMSTERDAM).date()
    # The candidate is yesterday (its night is today); if today's run time is still ahead,
    # the day before.
    for back in (1, 2):
        day = local_day - timedelta(days=back)
        if run_instant(day, at) <= now:
            return day
    return local_day - timedelta(days=3)  # unreachable for valid times; kept total


def nights_due(now: datetime, last_done: date | None, at: time = DEFAULT_RUN_AT) -> list[date]:
    """The days whose night job is due and not done yet, oldest first.

    ``last_done`` is the newest day already processed (from the run log), None on a first run
    (then only the latest due night is returned: it anonymises every older day too).
    """
    latest = latest_due_day(now, at)
    if last_done is None:
        return [latest]
    if last_done >= latest:
        return []
    first = max(last_done + timedelta(days=1), latest - timedelta(days=MAX_CATCH_UP_NIGHTS - 1))
    return [first + timedelta(days=i) for i in range((latest - first).days + 1)]


def next_run(now: datetime, at: time = DEFAULT_RUN_AT) -> datetime:
    """The next moment strictly after ``now`` at which a night job becomes due (aware UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    day = latest_due_day(now, at)
    while True:
        day += timedelta(days=1)
        instant = run_instant(day, at)
        if instant > now:
            return instant


def parse_run_at(raw: str) -> time | None:
    """``HH:MM`` (24 h) -> time, or None when it is not a valid time of day."""
    parts = raw.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() and 1 <= len(p) <= 2 for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)

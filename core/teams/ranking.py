"""Team-day candidates ranked, and a poll's outcome. Pure."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping

from core.teams.model import DayOption, Poll
from core.teams.rules import claim_deadline

POLL_HOURS = 24


def rank(options: Iterable[DayOption]) -> list[DayOption]:
    """Open days first; then a cluster for the whole team; then fewer members booked
    elsewhere; then more free desks; then the earlier day."""
    return sorted((o for o in options if o.closed_reason is None),
                  key=lambda o: (not o.fits, o.booked_elsewhere, -o.free_desks, o.day))


def poll_deadline(now: datetime, days: Iterable[date], claim_at: time) -> datetime:
    """A poll runs a day, but closes in time to book: by the claim deadline before its first day."""
    first = min(days)
    return min(now + timedelta(hours=POLL_HOURS), claim_deadline(first, claim_at))


def tally(poll: Poll) -> dict[int, int]:
    """Votes per option index (only the poll's own members and organiser count)."""
    allowed = set(poll.members) | {poll.organiser_id}
    out = {i: 0 for i in range(len(poll.days))}
    for person, option in poll.votes.items():
        if person in allowed and option in out:
            out[option] += 1
    return out


def winner(poll: Poll, fits: Mapping[date, bool] | None = None) -> int | None:
    """The option with most votes (ties: the earlier day); an option that no longer fits is
    skipped for the next best. None when nobody voted or nothing fits."""
    counts = tally(poll)
    order = sorted(counts, key=lambda i: (-counts[i], poll.days[i]))
    for i in order:
        if counts[i] == 0:
            return None
        if fits is None or fits.get(poll.days[i], False):
            return i
    return None

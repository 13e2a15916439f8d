"""Time helpers for a core that never reads the clock: ``now`` is always passed in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(now: datetime) -> datetime:
    """``now`` as wall-clock time in Europe/Amsterdam (naive input is taken as local)."""
    if now.tzinfo is None:
        return now.replace(tzinfo=AMSTERDAM)
    return now.astimezone(AMSTERDAM)


def local_today(now: datetime) -> date:
    """The calendar day in Europe/Amsterdam at ``now``."""
    return local(now).date()

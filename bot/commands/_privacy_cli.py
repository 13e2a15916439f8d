"""Shared bits of the privacy commands (anonymise, retention, rotate-key)."""

from __future__ import annotations

from datetime import datetime, timezone

from core.clock import AMSTERDAM


def parse_now(raw: str | None) -> datetime | None:
    """``--now``: an ISO date-time (naive = Europe/Amsterdam) or a date (its 12:00); None if bad."""
    if raw is None:
        return datetime.now(timezone.utc)
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if len(raw.strip()) == 10:  # a bare date
        value = value.replace(hour=12)
    return value if value.tzinfo is not None else value.replace(tzinfo=AMSTERDAM)

"""Wiring of the team feature (issue 7) into the dialog and its settings.

``Dialog(services.booking, services.conversations, **team_dialog_parts(services))`` gives the
dialog the team flows (team and series bookings, claims, waitlist, reminders) and the hook
that reads the team phrases. Combined with the privacy parts, merge ``flows`` and chain
``hooks`` (privacy first: a paused person is not processed), see docs/teams-feature.md.
``SqlTeamStore`` is also the privacy ``TeamPort``: ``privacy_dialog_parts(services,
team_port=team_store(services))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from adapters.store.teams import SqlTeamStore
from bot.bootstrap import Services
from bot.settings import Settings, SettingsError
from core.dialog.team_flow import team_parts
from core.teams.rules import DEFAULT_CLAIM_DEADLINE, DEFAULT_REMINDER_AT


@dataclass(frozen=True)
class TeamSettings:
    claim_deadline: time = DEFAULT_CLAIM_DEADLINE   # WMS_SEAT_CLAIM_DEADLINE, the day before
    reminder_at: time = DEFAULT_REMINDER_AT         # WMS_REMINDER_AT, the day before
    job_seconds: float = 60.0                       # WMS_TEAM_JOBS_SECONDS


def _clock(settings: Settings, name: str, default: time) -> time:
    raw = settings.extra.get(name, "").strip()
    if not raw:
        return default
    try:
        hh, mm = raw.split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise SettingsError(f"{name} must be a time of day like 18:00, not {raw!r}") from None


def load_team_settings(settings: Settings) -> TeamSettings:
    raw = settings.extra.get("WMS_TEAM_JOBS_SECONDS", "").strip()
    try:
        seconds = float(raw) if raw else 60.0
    except ValueError:
        raise SettingsError(f"WMS_TEAM_JOBS_SECONDS must be a number of seconds, not {raw!r}") from None
    if not 1 <= seconds <= 3600:
        raise SettingsError(f"WMS_TEAM_JOBS_SECONDS must be between 1 and 3600, not {seconds}")
    return TeamSettings(claim_deadline=_clock(settings, "WMS_SEAT_CLAIM_DEADLINE", DEFAULT_CLAIM_DEADLINE),
                        reminder_at=_clock(settings, "WMS_REMINDER_AT", DEFAULT_REMINDER_AT), job_seconds=seconds)


def team_store(services: Services) -> SqlTeamStore:
    return SqlTeamStore(services.engine)


def team_dialog_parts(services: Services) -> dict[str, Any]:
    """Keyword arguments for :class:`core.dialog.engine.Dialog`: ``flows`` and ``hooks``."""
    flows, hook = team_parts(team_store(services), load_team_settings(services.settings).claim_deadline)
    return {"flows": flows, "hooks": [hook]}

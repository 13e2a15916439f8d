"""Shared by the team-feature tests: a fixed Monday, and a person made through the booking service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.booking.api import PersonInfo

MON = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
TUE = date(2026, 11, 24)
FRI = date(2026, 11, 27)


def person(svc: Any, name: str) -> int:
    """The internal id of a test person (a canary name, so privacy scans can find it)."""
    return svc.booking.ensure_person(PersonInfo(external_id=f"test:{name}", name=f"Canary {name}"), MON)

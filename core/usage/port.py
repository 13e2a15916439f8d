"""The usage port: what the dialog and the commands call (implemented in ``adapters.store.usage``).

Check-in/out act only on the caller's own reservations of today (``person`` is the caller's
``Inbound.user_key``); a summary is given only to a facility manager (checked again by the
implementation with :func:`core.usage.roles.is_facility_manager`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from core.booking.model import Part
from core.messages import Attachment
from core.usage.model import BuildingReport, Report
from core.usage.presence import CheckInOutcome, CheckOutOutcome
from core.usage.request import ReportProblem, ReportRequest, RequestRefusal


@dataclass(frozen=True, slots=True)
class CheckInResult:
    outcome: CheckInOutcome
    desk_code: str | None = None
    building_id: str | None = None
    building_name: str | None = None
    parts: tuple[Part, ...] = ()
    at: datetime | None = None  # TOO_EARLY: when check-in opens; ALREADY: since when

    @property
    def ok(self) -> bool:
        return self.outcome is CheckInOutcome.CHECKED_IN


@dataclass(frozen=True, slots=True)
class CheckOutResult:
    outcome: CheckOutOutcome
    desk_code: str | None = None
    building_id: str | None = None
    building_name: str | None = None
    minutes: int | None = None
    released_parts: tuple[Part, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome is CheckOutOutcome.CHECKED_OUT


@dataclass(frozen=True, slots=True)
class ReleaseNotice:
    """Tell this person their booking was released (``person`` is the ``<channel>:<id>`` key).

    Only for the proactive message; never log it.
    """

    person: str
    building_id: str
    building_name: str
    desk_code: str
    day: date
    parts: tuple[Part, ...]
    lang: str | None = None
    """The language the person last chose for a proactive message (a reminder opt-in or a
    waitlist wish); ``None`` when unknown (then the notice is sent in Dutch and English)."""


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """The chat answer for a facility manager: short lines and a chart, or a refusal."""

    lines: tuple[str, ...] = ()
    chart: Attachment | None = None
    problem: ReportProblem | None = None
    building: BuildingReport | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class UsagePort(Protocol):
    def check_in(self, person: str, now: datetime) -> CheckInResult:
        """Check the person in on their booking of today."""
        ...

    def check_out(self, person: str, now: datetime) -> CheckOutResult:
        """Check the person out; later parts of today not started yet are released."""
        ...

    def summary(self, requester: str, building_id: str | None, start: date, end: date, now: datetime,
                lang: str = "nl") -> UsageSummary:
        """A short usage summary with a chart PNG, only for facility managers."""
        ...

    def report(self, request: ReportRequest, now: datetime) -> Report | RequestRefusal:
        """The full report (operators and facility managers)."""
        ...

    def auto_release(self, now: datetime) -> tuple[ReleaseNotice, ...]:
        """Release today's bookings not checked in by their building's time; who to tell."""
        ...

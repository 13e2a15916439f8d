"""Checking a report request: dates, order, range length and building. Bad input is a value."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from core.usage.model import DEFAULT_MIN_CELL, MAX_RANGE_DAYS


class ReportProblem(str, enum.Enum):
    """Why a report cannot be made; the caller explains it (exit code 2 / a chat reply)."""

    INVALID_DATE = "invalid_date"
    WRONG_ORDER = "wrong_order"
    TOO_LONG = "too_long"
    UNKNOWN_BUILDING = "unknown_building"
    NOT_ALLOWED = "not_allowed"
    ERROR = "error"  # the store failed; nothing was reported


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """A valid request: ``start..end`` inclusive, one building or all (``None``)."""

    start: date
    end: date
    building_id: str | None = None
    min_cell: int = DEFAULT_MIN_CELL
    cells: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class RequestRefusal:
    problem: ReportProblem
    detail: str = ""


def parse_day(text: str | None) -> date | None:
    """An ISO date (``2026-11-23``), or None when it is not one."""
    if not isinstance(text, str):
        return None
    raw = text.strip()
    if len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def check_request(start: date | str | None, end: date | str | None, building_id: str | None,
                  known_buildings: Iterable[str], *, min_cell: int = DEFAULT_MIN_CELL,
                  max_days: int = MAX_RANGE_DAYS, cells: bool = False) -> ReportRequest | RequestRefusal:
    """A :class:`ReportRequest`, or a :class:`RequestRefusal` saying what is wrong."""
    a = start if isinstance(start, date) else parse_day(start)
    if a is None:
        return RequestRefusal(ReportProblem.INVALID_DATE, str(start)[:40])
    b = end if isinstance(end, date) else parse_day(end)
    if b is None:
        return RequestRefusal(ReportProblem.INVALID_DATE, str(end)[:40])
    if a > b:
        return RequestRefusal(ReportProblem.WRONG_ORDER, f"{a.isoformat()} > {b.isoformat()}")
    if (b - a).days + 1 > max_days:
        return RequestRefusal(ReportProblem.TOO_LONG, str(max_days))
    if building_id is not None:
        building_id = building_id.strip()
        if building_id not in set(known_buildings):
            return RequestRefusal(ReportProblem.UNKNOWN_BUILDING, building_id[:64])
    return ReportRequest(a, b, building_id or None, min_cell, cells)

"""What the user asked for, as a JSON-able dict that survives between messages.

A *want* is the frame's slots the flows care about; the open slot of a question is
filled into it. It converts to the booking service's typed requests.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from core.booking.api import AvailabilityQuery, BookingRequest, Where
from core.booking.model import Part
from core.nlu.frame import Frame

CITY_PREFIX = "city:"


def from_frame(frame: Frame) -> dict[str, Any]:
    """The slots of ``frame`` as a want (only what was said)."""
    want: dict[str, Any] = {"intent": frame.intent}
    if frame.dates:
        want["dates"] = sorted({d.isoformat() for d in frame.dates})
    if frame.to_dates:
        want["to_dates"] = sorted({d.isoformat() for d in frame.to_dates})
    if frame.time:
        want["time"] = dict(frame.time)
    if frame.count is not None and frame.count != 1:
        want["count"] = int(frame.count)
    if frame.together:
        want["together"] = True
    if frame.team:
        want["team"] = True
    if frame.features:
        want["features"] = sorted(set(frame.features))
    if frame.location:
        want["location"] = frame.location
    return want


def dates(want: dict[str, Any], key: str = "dates") -> tuple[date, ...]:
    out = []
    for raw in want.get(key) or ():
        try:
            out.append(date.fromisoformat(raw))
        except (TypeError, ValueError):
            continue
    return tuple(sorted(set(out)))


def count(want: dict[str, Any]) -> int:
    try:
        return max(1, int(want.get("count") or 1))
    except (TypeError, ValueError):
        return 1


def is_single(want: dict[str, Any]) -> bool:
    """One desk on one day for oneself: booked at once, without confirmation."""
    return count(want) == 1 and len(dates(want)) == 1 and not want.get("team")


def where(location: str | None) -> Where:
    if not location:
        return Where()
    if location.startswith(CITY_PREFIX):
        return Where(city=location[len(CITY_PREFIX):])
    return Where(building_id=location)


def _clock(raw: str | None) -> time | None:
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        return None


def timing(want: dict[str, Any]) -> tuple[Part | None, time | None, time | None]:
    """(part, start, end) of the want; all None is the whole day."""
    slot = want.get("time") or {}
    pod = slot.get("part_of_day")
    if pod in ("morning", "afternoon"):
        return Part(pod), None, None
    return None, _clock(slot.get("start")), _clock(slot.get("end"))


def booking_request(want: dict[str, Any], requester_id: int, source_message_id: str | None) -> BookingRequest:
    part, start, end = timing(want)
    return BookingRequest(
        requester_id=requester_id,
        dates=dates(want),
        where=where(want.get("location")),
        part=part,
        start=start,
        end=end,
        features=frozenset(want.get("features") or ()),
        count=count(want),
        together=bool(want.get("together")),
        # A group without a team is "me and colleagues": the first desk is the requester's,
        # the others open seats. A team booking leaves every seat open to claim.
        for_person_ids=(() if want.get("team") or count(want) == 1 else (requester_id,)),
        source_message_id=source_message_id,
    )


def availability_query(want: dict[str, Any], days: tuple[date, ...]) -> AvailabilityQuery:
    part, start, end = timing(want)
    return AvailabilityQuery(
        dates=days,
        where=where(want.get("location")),
        part=part,
        start=start,
        end=end,
        features=frozenset(want.get("features") or ()),
        count=count(want),
        together=bool(want.get("together")),
    )


def request_to_dict(request: BookingRequest) -> dict[str, Any]:
    """A service-proposed request (an alternative) kept in state until the user picks it."""
    return {
        "dates": [d.isoformat() for d in request.dates],
        "building_id": request.where.building_id,
        "city": request.where.city,
        "part": request.part.value if request.part else None,
        "start": request.start.isoformat(timespec="minutes") if request.start else None,
        "end": request.end.isoformat(timespec="minutes") if request.end else None,
        "features": sorted(request.features),
        "count": request.count,
        "together": request.together,
        "for_person_ids": list(request.for_person_ids),
        "desk_id": request.desk_id,
    }


def request_from_dict(raw: dict[str, Any], requester_id: int, source_message_id: str | None) -> BookingRequest:
    return BookingRequest(
        requester_id=requester_id,
        dates=tuple(date.fromisoformat(d) for d in raw.get("dates") or ()),
        where=Where(building_id=raw.get("building_id"), city=raw.get("city")),
        part=Part(raw["part"]) if raw.get("part") else None,
        start=_clock(raw.get("start")),
        end=_clock(raw.get("end")),
        features=frozenset(raw.get("features") or ()),
        count=int(raw.get("count") or 1),
        together=bool(raw.get("together")),
        for_person_ids=tuple(raw.get("for_person_ids") or ()),
        source_message_id=source_message_id,
        desk_id=raw.get("desk_id"),
    )


def time_of_request(raw: dict[str, Any]) -> dict[str, str] | None:
    """The frame-style time object of a stored request (for phrasing)."""
    if raw.get("part"):
        return {"part_of_day": raw["part"]}
    out = {k: raw[k] for k in ("start", "end") if raw.get(k)}
    return out or None

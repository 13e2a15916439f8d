"""Check-in, check-out and auto-release rules (pure, fixed clock)."""

from __future__ import annotations

from datetime import datetime, time

from core.booking.model import Part
from core.clock import AMSTERDAM
from core.usage.presence import (
    CheckInOutcome,
    CheckOutOutcome,
    ReleaseCandidate,
    TodayReservation,
    plan_auto_release,
    plan_check_in,
    plan_check_out,
    release_deadline,
)

from .fixture import BUILDING

DAY = datetime(2026, 11, 23).date()
B = {"b1": BUILDING}


def at(h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, 23, h, m, tzinfo=AMSTERDAM)


def res(rid: int, part: Part, desk: str = "7", status: str = "active", cin=None, cout=None) -> TodayReservation:
    return TodayReservation(rid, desk, f"D-{desk}", "b1", DAY, part, status, cin, cout)


WHOLE = [res(1, Part.MORNING), res(2, Part.AFTERNOON)]


def test_check_in_marks_the_whole_stay() -> None:
    plan = plan_check_in(WHOLE, B, at(9, 5))
    assert plan.outcome is CheckInOutcome.CHECKED_IN
    assert plan.check_in == ((1, at(9, 5)), (2, at(13)))  # the afternoon is in use from its start
    assert plan.parts == (Part.MORNING, Part.AFTERNOON) and plan.desk_code == "D-7"


def test_check_in_an_hour_early_is_fine_earlier_is_not() -> None:
    assert plan_check_in(WHOLE, B, at(7, 0)).outcome is CheckInOutcome.CHECKED_IN
    early = plan_check_in(WHOLE, B, at(6, 59))
    assert early.outcome is CheckInOutcome.TOO_EARLY and early.at == at(7, 0)
    afternoon_only = [res(2, Part.AFTERNOON)]
    assert plan_check_in(afternoon_only, B, at(10)).outcome is CheckInOutcome.TOO_EARLY
    assert plan_check_in(afternoon_only, B, at(12, 15)).check_in == ((2, at(12, 15)),)


def test_check_in_outcomes() -> None:
    assert plan_check_in([], B, at(9)).outcome is CheckInOutcome.NO_BOOKING
    assert plan_check_in(WHOLE, B, at(18, 1)).outcome is CheckInOutcome.TOO_LATE
    assert plan_check_in([res(1, Part.MORNING, status="released")], B, at(11)).outcome is CheckInOutcome.RELEASED
    already = plan_check_in([res(1, Part.MORNING, cin=at(8, 30))], B, at(9))
    assert already.outcome is CheckInOutcome.ALREADY and already.at == at(8, 30) and not already.check_in
    # yesterday's booking is not today's
    old = TodayReservation(1, "7", "D-7", "b1", datetime(2026, 11, 20).date(), Part.MORNING, "active")
    assert plan_check_in([old], B, at(9)).outcome is CheckInOutcome.NO_BOOKING


def test_back_after_check_out_reopens() -> None:
    plan = plan_check_in([res(1, Part.MORNING, cin=at(8), cout=at(10))], B, at(11))
    assert plan.outcome is CheckInOutcome.CHECKED_IN and plan.reopen == (1,)


def test_check_out_closes_started_parts_and_frees_later_ones() -> None:
    checked_in = [res(1, Part.MORNING, cin=at(9)), res(2, Part.AFTERNOON, cin=at(13))]
    plan = plan_check_out(checked_in, B, at(11, 30))
    assert plan.outcome is CheckOutOutcome.CHECKED_OUT
    assert plan.check_out == ((1, at(11, 30)),) and plan.release == (2,)
    assert plan.minutes == 150
    late = plan_check_out(checked_in, B, at(17))
    assert late.check_out == ((1, at(13)), (2, at(17))) and late.release == ()
    assert late.minutes == 8 * 60


def test_check_out_outcomes() -> None:
    assert plan_check_out([], B, at(12)).outcome is CheckOutOutcome.NO_BOOKING
    assert plan_check_out(WHOLE, B, at(12)).outcome is CheckOutOutcome.NOT_CHECKED_IN
    done = [res(1, Part.MORNING, cin=at(9), cout=at(12))]
    assert plan_check_out(done, B, at(12, 30)).outcome is CheckOutOutcome.NOT_CHECKED_IN


def cand(rid: int, part: Part, person: int | None = 1, desk: str = "7") -> ReleaseCandidate:
    return ReleaseCandidate(rid, person, desk, "b1", DAY, part)


def test_auto_release_times() -> None:
    times = {"b1": time(10, 0)}
    assert release_deadline(BUILDING, Part.MORNING, time(10), DAY, False) == at(10)
    assert release_deadline(BUILDING, Part.AFTERNOON, time(10), DAY, False) == at(15)
    assert release_deadline(BUILDING, Part.AFTERNOON, time(10), DAY, True) == at(10)
    rows = [cand(1, Part.MORNING), cand(2, Part.AFTERNOON),            # whole day of person 1
            cand(3, Part.AFTERNOON, person=2, desk="8")]              # afternoon only
    assert plan_auto_release(rows, B, times, at(9, 59)) == ()
    assert plan_auto_release(rows, B, times, at(10)) == (1, 2)
    assert plan_auto_release(rows, B, times, at(15)) == (1, 2, 3)


def test_auto_release_off_or_checked_in() -> None:
    assert plan_auto_release([cand(1, Part.MORNING)], B, {}, at(12)) == ()
    checked = [res(1, Part.MORNING, cin=at(9, 30))]
    assert plan_auto_release(checked, B, {"b1": time(10)}, at(12)) == ()

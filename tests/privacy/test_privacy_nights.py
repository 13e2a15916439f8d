"""Which nights are due: catch-up, the daylight-saving nights, the run time setting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from core.clock import AMSTERDAM
from core.privacy.nights import latest_due_day, next_run, nights_due, parse_run_at, run_instant

UTC = timezone.utc


def test_a_normal_night_runs_at_two_local() -> None:
    assert run_instant(date(2026, 11, 23)) == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # CET = UTC+1
    assert run_instant(date(2026, 7, 1)) == datetime(2026, 7, 2, 0, 0, tzinfo=UTC)     # CEST = UTC+2


def test_spring_forward_night_2026_03_29() -> None:
    # 02:00 does not exist on 29 March 2026 (02:00 -> 03:00): the job runs at 03:00 CEST = 01:00 UTC.
    instant = run_instant(date(2026, 3, 28))
    assert instant == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert instant.astimezone(AMSTERDAM).hour == 3
    assert latest_due_day(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == date(2026, 3, 27)
    assert latest_due_day(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == date(2026, 3, 28)
    # A 02:30 setting on that night: also one hour later in summer time.
    assert run_instant(date(2026, 3, 28), time(2, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_fall_back_night_2026_10_25_runs_once() -> None:
    # 02:00-03:00 happens twice on 25 October 2026: the first one (CEST) counts.
    instant = run_instant(date(2026, 10, 24))
    assert instant == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    before = datetime(2026, 10, 24, 23, 59, tzinfo=UTC)
    assert nights_due(before, date(2026, 10, 23)) == []
    after_first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert nights_due(after_first, date(2026, 10, 23)) == [date(2026, 10, 24)]
    # During the repeated hour (02:30 CET = 01:30 UTC) nothing new is due once the night is done.
    assert nights_due(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 24)) == []
    assert next_run(after_first) == datetime(2026, 10, 26, 1, 0, tzinfo=UTC)  # CET again


def test_every_night_of_the_dst_weeks_is_due_exactly_once() -> None:
    for start in (date(2026, 3, 25), date(2026, 10, 21)):
        done: list[date] = []
        now = datetime.combine(start, time(12), tzinfo=UTC)
        last = start - timedelta(days=1)
        while now < datetime.combine(start + timedelta(days=8), time(0), tzinfo=UTC):
            for night in nights_due(now, last):
                done.append(night)
                last = night
            now += timedelta(minutes=20)
        assert done == [start + timedelta(days=i) for i in range(len(done))]
        assert len(done) == len(set(done)) >= 6


def test_catch_up_after_missed_nights() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
    assert nights_due(now, date(2026, 11, 19)) == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]
    assert nights_due(now, date(2026, 11, 22)) == []
    assert nights_due(now, None) == [date(2026, 11, 22)]  # the first run covers every older day
    early = datetime(2026, 11, 23, 1, 59, tzinfo=AMSTERDAM)
    assert nights_due(early, date(2026, 11, 20)) == [date(2026, 11, 21)]


def test_next_run_is_strictly_after_now() -> None:
    now = datetime(2026, 11, 24, 2, 0, tzinfo=AMSTERDAM)
    assert next_run(now) == datetime(2026, 11, 25, 2, 0, tzinfo=AMSTERDAM)
    assert next_run(now - timedelta(seconds=1)) == now


def test_parse_run_at() -> None:
    assert parse_run_at("02:00") == time(2, 0) and parse_run_at("23:59") == time(23, 59)
    for bad in ("24:00", "2", "02:60", "ab:cd", "", "-1:00", "02:00:00"):
        assert parse_run_at(bad) is None

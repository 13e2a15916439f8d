"""The nightly anonymisation on SQLite and PostgreSQL: what goes, what stays, once and only once."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

import adapters.store.anonymise as anonymise_module
from adapters.store.anonymise import anonymise, pending
from adapters.store.tables import handled_messages, idempotency_keys, privacy_runs, reservations
from bot.bootstrap import Services
from core.booking.api import BookingRequest, PersonInfo, Where
from core.clock import AMSTERDAM

from privacy_helpers import add_reservation, desk_ids

UTC = timezone.utc
MON, TUE, NEXT_MON = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 30)
SUNDAY_NOON = datetime(2026, 11, 22, 12, 0, tzinfo=AMSTERDAM)
NIGHT_AFTER_MON = datetime(2026, 11, 24, 2, 30, tzinfo=AMSTERDAM)


def _row(svc: Services, rid: int):  # type: ignore[no-untyped-def]
    with svc.engine.connect() as conn:
        return conn.execute(select(reservations).where(reservations.c.id == rid)).one()


def _book(svc: Services, ext: str, day: date, source: str, count: int = 1) -> tuple[int, list[int]]:
    pid = svc.booking.ensure_person(PersonInfo(ext, name="N", email="n@example.org", department="BZK/DGOO"),
                                    SUNDAY_NOON)
    result = svc.booking.book(BookingRequest(pid, (day,), Where("alpha"), count=count, source_message_id=source),
                              SUNDAY_NOON)
    assert result.ok, result
    with svc.engine.connect() as conn:
        ids = list(conn.execute(select(reservations.c.id).where(reservations.c.source_message_id == source)).scalars())
    return pid, ids


def test_the_night_removes_every_link_and_keeps_usage_fields(services: Services) -> None:
    svc = services
    _, past = _book(svc, "test:ann", MON, "test:m-past", count=2)
    svc.messages.record("test:m-past", [{"text": "booked"}], SUNDAY_NOON)
    svc.messages.record("test:other", [{"text": "hello"}], SUNDAY_NOON)
    pid, future = _book(svc, "test:ann", NEXT_MON, "test:m-future")
    svc.messages.record("test:m-future", [{"text": "booked"}], SUNDAY_NOON)
    with svc.engine.begin() as conn:
        conn.execute(reservations.update().where(reservations.c.id == past[0]).values(
            checked_in_at=datetime(2026, 11, 23, 8, 7, 31, tzinfo=UTC),
            checked_out_at=datetime(2026, 11, 23, 11, 59, 59, tzinfo=UTC)))
    before_future = [_row(svc, r) for r in future]

    assert pending(svc.engine, NIGHT_AFTER_MON) == 4  # two desks, two parts each
    report = anonymise(svc.engine, NIGHT_AFTER_MON)
    assert [n.night for n in report.nights] == [MON] and report.reservations == 4

    with svc.engine.connect() as conn:
        rows = conn.execute(select(reservations).where(reservations.c.day == MON)).all()
        # booking messages still recognised: by a key (PostgreSQL) or by the reservations carrying them (SQLite)
        keys = set(conn.execute(select(idempotency_keys.c.key)).scalars()) | set(conn.execute(
            select(reservations.c.source_message_id).where(reservations.c.source_message_id.is_not(None))).scalars())
        handled = set(conn.execute(select(handled_messages.c.message_key)).scalars())
        runs = conn.execute(select(privacy_runs)).all()
    assert len(rows) == 4
    for row in rows:
        assert (row.person_id, row.booked_by_id, row.source_message_id, row.group_id, row.department) == \
            (None, None, None, None, None)
        assert row.created_at == datetime(2026, 11, 23, tzinfo=UTC)
        assert (row.building_id, row.day, row.status) == ("alpha", MON, "active")
    checked = _row(svc, past[0])
    assert checked.checked_in_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert checked.checked_out_at == datetime(2026, 11, 23, 11, 45, tzinfo=UTC)
    assert "test:m-past" not in keys and "test:m-past" not in handled
    assert "test:m-future" in keys and {"test:m-future", "test:other"} <= handled
    # Messages of that day are still recognised, but what was answered is forgotten.
    assert svc.messages.replies_for("test:other") == [] and svc.messages.replies_for("test:m-future") == []
    assert [(r.job, r.night) for r in runs] == [("anonymise", MON)]
    # The future booking is untouched, and the person still has it.
    assert [_row(svc, r) for r in future] == before_future
    assert [b.day for b in svc.booking.upcoming(pid, NIGHT_AFTER_MON)] == [NEXT_MON]


def test_idempotent_and_catching_up(services: Services) -> None:
    svc = services
    desks = desk_ids(svc.engine)
    pid = svc.booking.ensure_person(PersonInfo("test:bob"), SUNDAY_NOON)
    for i, day in enumerate((date(2026, 11, 20), date(2026, 11, 21), MON, TUE)):
        add_reservation(svc.engine, desks[i], day, person_id=pid, source=f"test:s{i}")
    first = anonymise(svc.engine, datetime(2026, 11, 22, 3, 0, tzinfo=AMSTERDAM))
    assert [n.night for n in first.nights] == [date(2026, 11, 21)] and first.reservations == 2
    assert anonymise(svc.engine, datetime(2026, 11, 22, 9, 0, tzinfo=AMSTERDAM)).nights == []
    # Missed nights (the bot was down): each is done, oldest first.
    later = anonymise(svc.engine, datetime(2026, 11, 26, 9, 0, tzinfo=AMSTERDAM))
    assert [n.night for n in later.nights] == [date(2026, 11, 22), MON, TUE, date(2026, 11, 25)]
    assert [n.reservations for n in later.nights] == [0, 1, 1, 0]
    with svc.engine.connect() as conn:
        assert conn.execute(select(reservations.c.id).where(reservations.c.person_id.is_not(None))).all() == []


def test_department_kept_only_for_large_enough_groups(services: Services) -> None:
    svc = services
    desks = desk_ids(svc.engine)
    ids = {}
    for i in range(3):
        ids[f"big{i}"] = add_reservation(svc.engine, desks[i], MON, department="BZK", person_id=None)
    for i in range(3, 5):
        ids[f"small{i}"] = add_reservation(svc.engine, desks[i], MON, department="Canary Unit", person_id=None,
                                           source=f"test:x{i}")
    anonymise(svc.engine, NIGHT_AFTER_MON, min_department_group=3)
    assert {k: _row(svc, v).department for k, v in ids.items()} == {
        "big0": "BZK", "big1": "BZK", "big2": "BZK", "small3": None, "small4": None}


def test_an_interrupted_run_changes_nothing_and_the_next_run_completes(services: Services,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    svc = services
    pid = svc.booking.ensure_person(PersonInfo("test:eve"), SUNDAY_NOON)
    rid = add_reservation(svc.engine, desk_ids(svc.engine)[0], MON, person_id=pid, source="test:e1")

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    monkeypatch.setattr(anonymise_module, "coarsen", crash)
    with pytest.raises(RuntimeError):
        anonymise(svc.engine, NIGHT_AFTER_MON)
    assert _row(svc, rid).person_id == pid
    with svc.engine.connect() as conn:
        assert conn.execute(select(privacy_runs)).all() == []
    monkeypatch.undo()
    report = anonymise(svc.engine, NIGHT_AFTER_MON)
    assert report.reservations == 1 and _row(svc, rid).person_id is None


def test_concurrent_runs_do_each_night_once(services: Services) -> None:
    svc = services
    desks = desk_ids(svc.engine)
    pid = svc.booking.ensure_person(PersonInfo("test:dan"), SUNDAY_NOON)
    for i, day in enumerate((date(2026, 11, 19), date(2026, 11, 20), MON)):
        add_reservation(svc.engine, desks[i], day, person_id=pid)
    with svc.engine.begin() as conn:  # the last night done was the 18th: three nights are due
        conn.execute(privacy_runs.insert().values(job="anonymise", night=date(2026, 11, 18),
                                                  finished_at=SUNDAY_NOON, counts="{}"))
    reports, errors = [], []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        try:
            reports.append(anonymise(svc.engine, NIGHT_AFTER_MON))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    done = [n.night for r in reports for n in r.nights]
    assert sorted(done) == sorted(set(done))  # no night twice
    assert sum(r.reservations for r in reports) == 3
    with svc.engine.connect() as conn:
        nights = sorted(conn.execute(select(privacy_runs.c.night)).scalars())
    assert len(nights) == len(set(nights)) and nights[-1] == MON


@pytest.mark.parametrize("day,too_early,in_time", [
    # Spring forward: 02:00 does not exist; the night job runs at 03:00 CEST = 01:00 UTC.
    (date(2026, 3, 28), datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    # Fall back: 02:00 happens twice; the first (CEST) = 00:00 UTC counts.
    (date(2026, 10, 24), datetime(2026, 10, 24, 23, 59, tzinfo=UTC), datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
])
def test_daylight_saving_nights(services: Services, day: date, too_early: datetime, in_time: datetime) -> None:
    svc = services
    pid = svc.booking.ensure_person(PersonInfo("test:dst"), SUNDAY_NOON)
    rid = add_reservation(svc.engine, desk_ids(svc.engine)[0], day, person_id=pid)
    add_reservation(svc.engine, desk_ids(svc.engine)[1], day.replace(day=day.day + 1), person_id=pid)
    with svc.engine.begin() as conn:
        conn.execute(privacy_runs.insert().values(job="anonymise", night=date(day.year, day.month, day.day - 1),
                                                  finished_at=too_early, counts="{}"))
    assert anonymise(svc.engine, too_early).nights == [] and _row(svc, rid).person_id == pid
    report = anonymise(svc.engine, in_time)
    assert [n.night for n in report.nights] == [day] and _row(svc, rid).person_id is None
    assert anonymise(svc.engine, in_time.replace(hour=in_time.hour + 1)).nights == []  # the repeated hour


def test_sqlite_connections_overwrite_deleted_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap
    from privacy_helpers import privacy_settings

    svc = bootstrap(privacy_settings(f"sqlite:///{tmp_path / 'sd.sqlite3'}", tmp_path))
    try:
        with svc.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        svc.dispose()

"""The booking transaction's driver SQL (adapters/store/reservations.py) uses the intended
indexes on SQLite: checked by query plans, not stopwatches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from adapters.store import reservations as repo
from bot.bootstrap import bootstrap

from .conftest import make_settings

DAY = "2026-11-26"


def test_booking_statements_use_their_indexes(tmp_path: Path) -> None:
    svc = bootstrap(make_settings(f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}", tmp_path))
    statements = {
        ("COVERING INDEX uq_reservations_day_desk",): [
            (repo._D_TAKEN, ("alpha", DAY)), (repo._D_TAKEN_IN_PART, ("alpha", DAY, "morning"))],
        ("INDEX uq_reservations_person_day",): [
            (repo._D_LATEST, (1,)), (repo._d_of_person(2, False), (1, DAY, "2026-11-27")),
            (repo._d_of_person(1, True), (1, DAY, 1))],
        # has the message booked before: through its booker's rows (and the legacy key's primary key)
        ("INDEX ix_reservations_booked_by",): [(repo._D_SEEN, (1, "m:1", "m:1"))],
        # ... and with the booker's latest booking: each part by its own index
        ("INDEX ix_reservations_booked_by", "INDEX uq_reservations_person_day"): [
            (repo._D_SEEN_LATEST, (1, "m:1", "m:1", 1))],
    }
    try:
        with svc.engine.connect() as conn:
            cur = conn.connection.cursor()
            for expected, cases in statements.items():
                for sql, params in cases:
                    plan = [row[3] for row in cur.execute("EXPLAIN QUERY PLAN " + sql, params)]
                    scans = [p for p in plan if p.startswith(("SCAN reservations", "SEARCH reservations"))]
                    assert scans and all(any(e in p for e in expected) for p in scans), (sql, plan)
    finally:
        svc.dispose()


def test_driver_rows_read_back_like_sqlalchemy_rows(tmp_path: Path) -> None:
    """A booking written through the driver reads back identically through SQLAlchemy."""
    from core.booking.api import BookingRequest, PersonInfo, Where

    from .conftest import NOW

    svc = bootstrap(make_settings(f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}", tmp_path))
    try:
        pid = svc.booking.ensure_person(PersonInfo("test:driver", department="X"), NOW)
        done = svc.booking.book(BookingRequest(pid, (date(2026, 11, 26),), Where("alpha"),
                                               source_message_id="m:1"), NOW)
        assert done.ok
        with svc.uow_factory(write=False) as uow:
            via_sqlalchemy = uow.reservations.by_source_message("m:1", pid)
            via_driver = uow.reservations.of_people([pid], [date(2026, 11, 26)])
            latest = uow.reservations.latest(pid)
        assert sorted(via_driver, key=lambda r: r.id) == via_sqlalchemy
        assert latest == max(via_sqlalchemy, key=lambda r: (r.day, r.part.value))  # the latest day's
        assert via_sqlalchemy[0].created_at == NOW
    finally:
        svc.dispose()


def test_ids_of_an_insert_name_its_own_rows(tmp_path: Path) -> None:
    """On SQLite the booking's INSERT has no RETURNING: the ids come from the last row's id and
    must name each row (desk, day, part) as inserted, for one row up to the four of one statement."""
    from core.booking.api import BookingRequest, PersonInfo, Where
    from core.booking.model import Part

    from .conftest import NOW

    svc = bootstrap(make_settings(f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}", tmp_path))
    try:
        pid = svc.booking.ensure_person(PersonInfo("test:ids", department="X"), NOW)
        requests = [BookingRequest(pid, (date(2026, 11, 26),), Where("alpha"), part=Part.AFTERNOON),
                    BookingRequest(pid, (date(2026, 11, 27),), Where("alpha"), source_message_id="m:2"),
                    BookingRequest(pid, (date(2026, 11, 30),), Where("alpha"), count=2)]
        for request in requests:
            done = svc.booking.book(request, NOW)
            assert done.ok, done
            with svc.uow_factory(write=False) as uow:
                for b in done.bookings:
                    rows = uow.reservations.get(b.reservation_ids)
                    assert sorted(r.id for r in rows) == sorted(b.reservation_ids)
                    by_id = {r.id: r for r in rows}
                    for rid, part in zip(b.reservation_ids, b.parts):
                        r = by_id[rid]
                        assert (r.desk_id, r.day, r.part) == (b.desk_id, b.day, part)
    finally:
        svc.dispose()

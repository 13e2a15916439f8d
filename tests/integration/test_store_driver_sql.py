"""The booking transaction's driver SQL (adapters/store/reservations.py) uses the intended
indexes on SQLite: checked by query plans, not stopwatches."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from adapters.store import reservations as repo
from adapters.store import teams
from adapters.store.teams import SqlTeamStore
from bot.bootstrap import Services, bootstrap

from .conftest import make_settings

DAY = "2026-11-26"


def test_booking_statements_use_their_indexes(tmp_path: Path) -> None:
    svc = bootstrap(make_settings(f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}", tmp_path))
    statements = {
        ("COVERING INDEX uq_reservations_day_desk",): [
            (repo._D_TAKEN, ("alpha", DAY)), (repo._D_TAKEN_IN_PART, ("alpha", DAY, "morning")),
            (repo._d_taken_among(3, False, True), (1, 2, 3, "alpha", DAY)),
            (repo._d_taken_among(3, True, True), (1, 2, 3, "alpha", DAY, "morning"))],
        ("INDEX uq_reservations_person_day",): [
            (repo._D_LATEST, (1,)), (repo._d_of_person(2, False), (1, DAY, "2026-11-27")),
            (repo._d_of_person(1, True), (1, DAY, 1))],
        # rows booked by someone: their own through the person index, the ones booked for others
        # or for nobody through the partial booked_by index (it holds no others): has the message
        # booked before (and the legacy key's primary key); with the booker's latest booking; a
        # person's upcoming bookings and open seats; has the person booked for a group
        ("INDEX ix_reservations_booked_by", "INDEX uq_reservations_person_day"): [
            (repo._D_SEEN, (1, 1, "m:1", 1, "m:1", "m:1")),
            (repo._D_SEEN_LATEST, repo.seen_latest_params(1, "m:1")),
            (repo._D_UPCOMING, (1, DAY, 1, DAY)),
            (teams._D_ANY_GROUP_BOOKING, (1, 1, DAY, 1, DAY))],
    }
    try:
        with svc.engine.connect() as conn:
            cur = conn.connection.cursor()
            for expected, cases in statements.items():
                for sql, params in cases:
                    plan = [row[3] for row in cur.execute("EXPLAIN QUERY PLAN " + sql, params)]
                    scans = [p for p in plan if p.startswith(("SCAN reservations", "SEARCH reservations"))]
                    assert scans and all(any(e in p for e in expected) for p in scans), (sql, plan)
                    assert all(any(e in p for p in scans) for e in expected), (sql, plan)  # each one used
    finally:
        svc.dispose()


def test_postgresql_spelling_of_the_booked_by_predicate() -> None:
    """The driver SQL says ``person_id IS NOT booked_by_id`` (SQLite); PostgreSQL gets the
    partial index's own ``IS DISTINCT FROM`` (``IS NOT`` is no comparison there)."""
    from adapters.store.engine import Driver

    pg, lite = Driver("postgresql", None), Driver("sqlite", None)
    for sql in (repo._D_SEEN, repo._D_SEEN_LATEST, repo._D_UPCOMING, teams._D_ANY_GROUP_BOOKING):
        assert "person_id IS NOT booked_by_id" in sql
        assert lite.sql(sql) == sql
        out = pg.sql(sql)
        assert "?" not in out and "IS NOT booked_by_id" not in out
        assert out.count("person_id IS DISTINCT FROM booked_by_id") == sql.count("person_id IS NOT booked_by_id")


def test_booked_by_queries_use_both_indexes(services: Services) -> None:
    """Every SQLAlchemy statement that finds rows by their booker (a message's rows, group
    bookings, open seats, export, erasure, its counts, retention) reads the person index and the
    partial booked_by index, never the whole table: the statements are caught as they run and
    explained with their own parameters (PostgreSQL with sequential scans off: a tiny table
    would be scanned anyway, and a partial index it cannot prove would leave it no other way),
    and they find the same rows as a plain ``booked_by_id =`` would."""
    from sqlalchemy import event, select

    from adapters.store.people import erase_person, export_person
    from adapters.store.reservations import SqlReservationRepository
    from adapters.store.retention import _count_profiles
    from adapters.store.sharing import SqlPrivacyStore
    from adapters.store.tables import booked_by, reservations
    from core.booking.api import BookingRequest, PersonInfo, Where
    from core.privacy.retention import RetentionTable

    from .conftest import NOW

    engine = services.engine
    me = services.booking.ensure_person(PersonInfo("test:booker", department="X"), NOW)
    other = services.booking.ensure_person(PersonInfo("test:other", department="X"), NOW)
    day = date(2026, 11, 26)
    for request in (BookingRequest(me, (day,), Where("alpha"), source_message_id="m:1"),
                    BookingRequest(me, (day + timedelta(days=1),), Where("alpha"), count=3, for_person_ids=(me, other),
                                   source_message_id="m:2")):
        assert services.booking.book(request, NOW).ok

    caught: list[tuple[str, Any]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "booked_by_id" in statement and "reservations" in statement and not statement.lstrip().upper().startswith(
                ("INSERT", "EXPLAIN")):
            caught.append((statement, parameters))

    teams = SqlTeamStore(engine)
    event.listen(engine, "before_cursor_execute", catch)
    try:
        with engine.connect() as conn:
            mine = SqlReservationRepository(conn).by_source_message("m:2", me)
            export = export_person(conn, me)
            _count_profiles(conn, NOW, RetentionTable.defaults())
        assert teams.group_seats(me, day) and teams.open_seats([me], day)
        SqlPrivacyStore(engine).erasure_counts(me, NOW)
        with engine.connect() as conn:  # erasure, rolled back
            assert erase_person(conn, me, day).person
            conn.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    updates = [sql for sql, _ in caught if sql.startswith("UPDATE")]
    assert len(caught) >= 9 and len(updates) == 2, [sql for sql, _ in caught]

    with engine.connect() as conn:  # the same rows as the plain conditions, which no index serves
        r = reservations.c
        plain = conn.execute(select(r.id).where(r.booked_by_id == me).order_by(r.id)).scalars().all()
        indexed = conn.execute(select(r.id).where(booked_by(me)).order_by(r.id)).scalars().all()
        assert plain == indexed and len(plain) == 8  # two whole days: 1 + 3 desks
        assert sorted(x.id for x in mine) == conn.execute(select(r.id).where(
            r.booked_by_id == me, r.source_message_id == "m:2").order_by(r.id)).scalars().all()
        theirs = conn.execute(select(r.id).where((r.person_id == me) | (r.booked_by_id == me))).scalars().all()
        assert export is not None and len(export["reservations"]) == len(theirs) == 8
        if conn.dialect.name == "sqlite":
            for sql, params in caught:
                plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
                used = [p for p in plan if "reservations" in p]
                assert not any(p.startswith("SCAN reservations") for p in used), (sql, plan)
                assert any("ix_reservations_booked_by" in p for p in used), (sql, plan)
        else:
            # On a tiny table any index will do: in a transaction rolled back, the indexes that
            # could stand in (days, groups) go, so only the person index and the partial booked_by
            # index are left, and sequential scans are made the last resort.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("DROP INDEX uq_reservations_day_desk, ix_reservations_group")
            for sql, params in caught:
                plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql, params))
                assert "Seq Scan on reservations" not in plan, (sql, plan)
                assert "ix_reservations_booked_by" in plan, (sql, plan)
            conn.rollback()


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

"""Schema, bootstrap and the dialog stores, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex
from sqlalchemy.exc import IntegrityError

from adapters.store import migrate
from adapters.store.engine import make_engine
from adapters.store.errors import conflict_kind
from bot.bootstrap import SchemaNotCurrent, Services, bootstrap
from core.dialog.ports import STATE_TTL_SECONDS

from .conftest import make_settings

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def test_migrations_match_the_tables(services: Services) -> None:
    from adapters.store.tables import load_all_tables

    known = load_all_tables()

    from adapters.store.tables import EXPRESSION_INDEXES

    def ours(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        # Tables kept outside the migrations (own MetaData, e.g. leases) are not compared;
        # expression indexes are compared below (Alembic compares their text as each database
        # spells it back, PostgreSQL with casts and line breaks).
        if type_ == "index" and name in EXPRESSION_INDEXES:
            return False
        return not (type_ == "table" and reflected and compare_to is None and name not in known.tables)

    with services.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": ours})
        diff = compare_metadata(context, known)
        if conn.dialect.name == "sqlite":
            found = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all())
        else:
            found = dict(conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes "
                                                 "WHERE schemaname = current_schema()").all())
    assert diff == []
    assert migrate.schema_state(services.engine) is migrate.SchemaState.CURRENT

    def norm(sql: str) -> str:  # the index's definition without the dialect's spelling
        sql = re.sub(r"::\w+|\b\w+\.(?=reservations\b)|\busing btree\b", "", sql.lower())
        return re.sub(r"[\s()]", "", sql.split(" on ", 1)[1])

    # and every reservation index's text, its partial condition too (Alembic compares neither)
    for index in known.tables["reservations"].indexes:
        made = str(CreateIndex(index).compile(dialect=services.engine.dialect))
        assert norm(found[index.name]) == norm(made), (found[index.name], made)
        assert found[index.name].upper().startswith("CREATE UNIQUE INDEX") == bool(index.unique)


def test_sqlite_pragmas(sqlite_url: str, tmp_path: Path) -> None:
    svc = bootstrap(make_settings(sqlite_url, tmp_path, WMS_DB_BUSY_TIMEOUT_MS="1234"))
    try:
        with svc.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        svc.dispose()


def test_bad_store_settings_are_refused(sqlite_url: str, tmp_path: Path) -> None:
    from bot.settings import SettingsError

    for name, value in (("WMS_SQLITE_SYNCHRONOUS", "OFF"), ("WMS_DB_POOL_SIZE", "0"),
                        ("WMS_DB_BUSY_TIMEOUT_MS", "soon")):
        with pytest.raises(SettingsError, match=name):
            bootstrap(make_settings(sqlite_url, tmp_path, **{name: value}))


def test_the_database_refuses_double_bookings(services: Services) -> None:
    """Not only the code: the unique indexes themselves, which also say which rule refused."""
    with services.engine.connect() as conn:
        conn.execute(text("INSERT INTO people (external_id, created_at, last_active_at) "
                          "VALUES ('t:x', '2026-11-23 08:00:00', '2026-11-23 08:00:00')"))
        desk = conn.execute(text("SELECT id FROM desks ORDER BY id LIMIT 1")).scalar_one()
        person = conn.execute(text("SELECT id FROM people")).scalar_one()
        row = ("INSERT INTO reservations (desk_id, building_id, day, part, person_id, status, created_at) "
               "VALUES (:desk, 'alpha', '2026-11-26', 'morning', :person, :status, '2026-11-23 08:00:00')")
        conn.execute(text(row), {"desk": desk, "person": person, "status": "active"})
        conn.execute(text(row), {"desk": desk, "person": None, "status": "cancelled"})  # history is fine
        conn.commit()
        with pytest.raises(IntegrityError) as taken:
            conn.execute(text(row), {"desk": desk, "person": None, "status": "active"})
        conn.rollback()
        assert conflict_kind(taken.value) == "desk"
        with pytest.raises(IntegrityError) as booked:
            conn.execute(text(row), {"desk": desk + 1, "person": person, "status": "active"})
        conn.rollback()
        assert conflict_kind(booked.value) == "person"
        # cancelled: the desk and the person are free again, as often as need be
        for _ in range(2):
            conn.execute(text("UPDATE reservations SET status = 'cancelled' WHERE status = 'active'"))
            conn.execute(text(row), {"desk": desk, "person": person, "status": "active"})
        conn.commit()
        assert conn.execute(text("SELECT count(*) FROM reservations")).scalar_one() == 4


def _reservation_indexes(conn) -> set[str]:  # type: ignore[no-untyped-def]
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reservations' AND sql IS NOT NULL"
    else:
        sql = ("SELECT indexname FROM pg_indexes WHERE tablename = 'reservations' AND schemaname = current_schema() "
               "AND indexname <> 'pk_reservations'")
    return set(conn.exec_driver_sql(sql).scalars())


def test_migration_0010_merges_the_reservation_indexes_and_back(services: Services) -> None:
    from alembic import command

    old = {"uq_reservations_desk_active", "uq_reservations_person_active", "ix_reservations_building_day_active",
           "ix_reservations_day", "ix_reservations_person_day", "ix_reservations_source_message",
           "ix_reservations_booked_by", "ix_reservations_group"}
    new = {"uq_reservations_day_desk", "uq_reservations_person_day", "ix_reservations_booked_by",
           "ix_reservations_group"}
    cfg = migrate.alembic_config()

    def run(step, revision: str) -> None:  # type: ignore[no-untyped-def]
        with services.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)

    row = ("INSERT INTO reservations (desk_id, building_id, day, part, person_id, status, created_at) "
           "VALUES (:desk, 'alpha', '2026-11-26', 'morning', :person, :status, '2026-11-23 08:00:00')")
    with services.engine.begin() as conn:
        conn.execute(text("INSERT INTO people (external_id, created_at, last_active_at) "
                          "VALUES ('t:m', '2026-11-23 08:00:00', '2026-11-23 08:00:00')"))
        desk = conn.execute(text("SELECT id FROM desks ORDER BY id LIMIT 1")).scalar_one()
        person = conn.execute(text("SELECT id FROM people")).scalar_one()
    run(command.downgrade, "0009")
    with services.engine.begin() as conn:
        assert _reservation_indexes(conn) == old
        for status in ("cancelled", "cancelled", "active"):  # history the new indexes must accept
            conn.execute(text(row), {"desk": desk, "person": person, "status": status})
    run(command.upgrade, "0010")
    with services.engine.connect() as conn:
        assert _reservation_indexes(conn) == new
        with pytest.raises(IntegrityError):
            conn.execute(text(row), {"desk": desk, "person": None, "status": "active"})
        conn.rollback()
        with pytest.raises(IntegrityError):
            conn.execute(text(row), {"desk": desk + 1, "person": person, "status": "active"})
        conn.rollback()
    run(command.upgrade, "head")
    assert migrate.schema_state(services.engine) is migrate.SchemaState.CURRENT


def _booked_by_entries(conn) -> int:  # type: ignore[no-untyped-def]
    """How many entries ix_reservations_booked_by holds (read from the index itself)."""
    if conn.dialect.name == "sqlite":  # every entry is one cell of one of its b-tree pages
        return int(conn.exec_driver_sql("SELECT coalesce(sum(ncell), 0) FROM dbstat "
                                        "WHERE name = 'ix_reservations_booked_by'").scalar_one())
    # CREATE INDEX records the number of entries it built
    return int(conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'ix_reservations_booked_by' "
                                    "AND relnamespace = current_schema()::regnamespace").scalar_one())


def _status_check(conn) -> str:  # type: ignore[no-untyped-def]
    if conn.dialect.name == "sqlite":
        table = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'reservations'").scalar_one()
        return re.search(r"ck_reservations_status CHECK \((.*)\)", table).group(1)  # type: ignore[union-attr]
    return conn.exec_driver_sql("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conname = 'ck_reservations_status' "
                                "AND connamespace = current_schema()::regnamespace").scalar_one()


def test_migration_0011_rebuilds_the_reservations_and_back(services: Services) -> None:
    """0011: the status CHECK without IN (SQLite: the table rebuilt) and the booked_by index
    only for rows booked for others or for nobody; every row survives with its id, both ways."""
    from alembic import command

    cfg = migrate.alembic_config()

    def run(step, revision: str) -> None:  # type: ignore[no-untyped-def]
        with services.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)

    run(command.downgrade, "0010")
    when = "'2026-11-23 08:00:00'"
    with services.engine.begin() as conn:
        for name in ("t:a", "t:b"):
            conn.execute(text(f"INSERT INTO people (external_id, created_at, last_active_at) "
                              f"VALUES ('{name}', {when}, {when})"))
        a, b = conn.execute(text("SELECT id FROM people ORDER BY external_id")).scalars().all()
        desks = conn.execute(text("SELECT id FROM desks ORDER BY id LIMIT 6")).scalars().all()
        rows = [  # (person, booked by, group, status, message)
            (a, a, None, "active", "m:1"),         # a's own booking: not in the booked_by index
            (b, a, "g1", "active", "m:2"),         # booked by a for b
            (None, a, "g1", "active", "m:2"),      # an open seat booked by a
            (a, None, None, "cancelled", None),    # nobody's booking (booker erased)
            (None, None, None, "released", None),  # anonymised
            (b, b, None, "cancelled", "m:3"),      # b's own, history
        ]
        for desk, (person, booker, group, status, msg) in zip(desks, rows):
            conn.execute(text("INSERT INTO reservations (desk_id, building_id, day, part, person_id, booked_by_id, "
                              "group_id, source_message_id, status, department, created_at) VALUES (:d, 'alpha', "
                              f"'2026-11-26', 'morning', :p, :b, :g, :m, :s, 'X', {when})"),
                         {"d": desk, "p": person, "b": booker, "g": group, "m": msg, "s": status})
        # ids with a gap: the rebuild must keep them, not renumber
        conn.execute(text("DELETE FROM reservations WHERE id = (SELECT min(id) FROM reservations "
                          "WHERE status = 'released')"))
        before = conn.execute(text("SELECT * FROM reservations ORDER BY id")).all()
        assert "IN" in _status_check(conn).upper()
        if conn.dialect.name == "sqlite":  # (PostgreSQL counts the entries when it builds the index)
            assert _booked_by_entries(conn) == 4  # before 0011: every row with a booker
    assert len(before) == 5

    def bad_status_refused() -> None:
        with services.engine.connect() as conn:
            with pytest.raises(IntegrityError):
                conn.execute(text("UPDATE reservations SET status = 'booked' WHERE id = :i"), {"i": before[0].id})
            conn.rollback()

    run(command.upgrade, "0011")
    with services.engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM reservations ORDER BY id")).all() == before
        assert _reservation_indexes(conn) == {"uq_reservations_day_desk", "uq_reservations_person_day",
                                              "ix_reservations_booked_by", "ix_reservations_group"}
        assert " IN " not in _status_check(conn).upper()
        assert _booked_by_entries(conn) == 2  # booked for b and the open seat, not a's own
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == [] if conn.dialect.name == "sqlite" else True
        # the rows the partial index finds: exactly those booked for someone else or nobody
        others = "IS NOT" if conn.dialect.name == "sqlite" else "IS DISTINCT FROM"
        found = conn.execute(text(f"SELECT id FROM reservations WHERE booked_by_id = :a "
                                  f"AND person_id {others} booked_by_id ORDER BY id"), {"a": a}).scalars().all()
        assert found == [r.id for r in before if r.booked_by_id == a and r.person_id != a]
    bad_status_refused()
    with services.engine.begin() as conn:  # the good statuses still allowed, the rules still hold
        for status in ("released", "active", "cancelled"):
            conn.execute(text("UPDATE reservations SET status = :s WHERE id = :i"), {"s": status, "i": before[0].id})
        conn.execute(text("UPDATE reservations SET status = 'active' WHERE id = :i"), {"i": before[0].id})
    with services.engine.connect() as conn:
        with pytest.raises(IntegrityError):  # a's desk of that morning is taken
            conn.execute(text("INSERT INTO reservations (desk_id, building_id, day, part, status, created_at) "
                              f"VALUES (:d, 'alpha', '2026-11-26', 'morning', 'active', {when})"), {"d": desks[0]})
        conn.rollback()
    assert migrate.schema_state(services.engine) is migrate.SchemaState.CURRENT

    run(command.downgrade, "0010")
    with services.engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM reservations ORDER BY id")).all() == before
        assert "IN" in _status_check(conn).upper()
        assert _booked_by_entries(conn) == 4
    bad_status_refused()
    run(command.upgrade, "head")
    with services.engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM reservations ORDER BY id")).all() == before
        assert _booked_by_entries(conn) == 2
    bad_status_refused()
    assert migrate.schema_state(services.engine) is migrate.SchemaState.CURRENT


def test_seeding_can_be_switched_off(store_url: str, tmp_path: Path) -> None:
    svc = bootstrap(make_settings(store_url, tmp_path, WMS_SEED_PILOT="0"))
    try:
        assert svc.booking.buildings() == ()
    finally:
        svc.dispose()


def test_postgres_behind_head_is_refused(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA "behind"')
    url = f"{pg_url}?options=-csearch_path%3Dbehind"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'feedbeef'"))
        with pytest.raises(SchemaNotCurrent, match="newer"):
            bootstrap(make_settings(url, tmp_path))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        with pytest.raises(SchemaNotCurrent, match="wms-bot migrate"):
            bootstrap(make_settings(url, tmp_path))
    finally:
        engine.dispose()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute('DROP SCHEMA "behind" CASCADE')


def test_conversation_state_expires(services: Services) -> None:
    store = services.conversations
    assert store.load("matrix:!room:u", T0) is None
    store.save("matrix:!room:u", {"step": "ask_date", "n": 1, "naam": "Zoë"}, T0)
    assert store.load("matrix:!room:u", T0 + timedelta(minutes=29)) == {"step": "ask_date", "n": 1, "naam": "Zoë"}
    store.save("matrix:!room:u", {"step": "confirm"}, T0 + timedelta(minutes=29))
    assert store.load("matrix:!room:u", T0 + timedelta(minutes=58)) == {"step": "confirm"}
    assert store.load("matrix:!room:u", T0 + timedelta(minutes=29, seconds=STATE_TTL_SECONDS)) is None
    store.clear("matrix:!room:u")
    assert store.load("matrix:!room:u", T0) is None


def test_message_log_records_once(services: Services) -> None:
    log = services.messages
    assert log.replies_for("teams:act-1") is None
    assert log.record("teams:act-1", [{"text": "Gereserveerd"}], T0) is True
    assert log.record("teams:act-1", [{"text": "other"}], T0) is False
    assert log.replies_for("teams:act-1") == [{"text": "Gereserveerd"}]


def test_cli_migrate_on_an_empty_database(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    from bot.cli import main

    from .conftest import write_buildings

    monkeypatch.setenv("WMS_DATABASE_URL", store_url)
    monkeypatch.setenv("WMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WMS_PILOT_FILE", str(write_buildings(tmp_path / "small.json")))
    assert main(["migrate", "--check"]) == 1
    assert "schema: empty" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "now at revision" in capsys.readouterr().out
    assert main(["migrate", "--check"]) == 0
    assert main(["buildings"]) == 0
    assert "3 buildings, 13 desks" in capsys.readouterr().out


def test_hot_queries_use_their_indexes(sqlite_url: str, tmp_path: Path) -> None:
    """The national-scale design, checked without timing: plans, not stopwatches."""
    from datetime import date

    from sqlalchemy import select

    from adapters.store.tables import ACTIVE, booked_by, reservations

    r = reservations.c
    svc = bootstrap(make_settings(sqlite_url, tmp_path))
    queries = [
        ("COVERING INDEX uq_reservations_day_desk",
         select(r.desk_id).where(r.building_id == "alpha", r.day == date(2026, 11, 26), ACTIVE, r.part == "morning")),
        ("INDEX uq_reservations_person_day", select(reservations).where(r.person_id == 1, ACTIVE).order_by(r.day.desc())),
        # booked by someone: their own rows through the person index, the others' through the
        # partial booked_by index (more in test_store_driver_sql.py)
        ("INDEX ix_reservations_booked_by", select(reservations).where(booked_by(1), r.source_message_id == "m")),
        ("INDEX uq_reservations_person_day", select(reservations).where(booked_by(1), r.source_message_id == "m")),
        # reports, anonymisation and retention read ranges of days
        ("INDEX uq_reservations_day_desk (day<?)", select(r.id).where(r.day < date(2026, 11, 26))),
        ("INDEX ix_reservations_group", select(reservations).where(r.group_id == "g")),
    ]
    try:
        with svc.engine.connect() as conn:
            for expected, query in queries:
                sql = str(query.compile(svc.engine, compile_kwargs={"literal_binds": True}))
                plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
                assert expected in plan, (expected, plan)
                assert "SCAN reservations" not in plan, (sql, plan)
    finally:
        svc.dispose()

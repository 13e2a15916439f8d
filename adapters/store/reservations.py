"""The reservation repository (SQLAlchemy Core). Desk ids are integers in the database and
strings in the domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection, and_, bindparam, func, insert, select, text, update

from adapters.store.engine import driver, read_day, read_when
from adapters.store.errors import translated
from adapters.store.tables import ACTIVE, booked_by, reservations
from core.booking.model import Part, Reservation, ReservationStatus
from core.booking.ports import Conflict, NewReservation

_r = reservations.c

# Statements built once (statement construction costs more than running it).
# PostgreSQL: bookings of one building and day queue here (the lock lasts until the end of
# the transaction), so concurrent bookers see each other's desks instead of all choosing the same
# best desk and losing the race. SQLite needs none: BEGIN IMMEDIATE already serialises writers.
_LOCK_DAY = text("SELECT pg_advisory_xact_lock(hashtext(:k))")
_OF_PEOPLE = select(reservations).where(_r.person_id.in_(bindparam("ids", expanding=True)),
                                        _r.day.in_(bindparam("days", expanding=True)), ACTIVE)
_INSERT_MANY = insert(reservations).returning(_r.id, sort_by_parameter_order=True)
# A message's rows, found through its booker's rows (indexed; every row of a booking carries
# the booker): no index of its own on the message id, one index entry fewer per row.
_BY_SOURCE = select(reservations).where(booked_by(bindparam("b")),
                                        _r.source_message_id == bindparam("m")).order_by(_r.id)
_BY_IDS = select(reservations).where(_r.id.in_(bindparam("ids", expanding=True)))
_BY_GROUP = select(reservations).where(_r.group_id == bindparam("g")).order_by(_r.id)
# A person's own reservations and the open seats they booked for others, in one round trip.
_SET_STATUS = update(reservations).where(_r.id.in_(bindparam("ids", expanding=True))).values(status=bindparam("s"))
_COUNTS = (select(_r.day, _r.part, func.count())
           .where(and_(_r.building_id == bindparam("b"), _r.day.in_(bindparam("days", expanding=True)), ACTIVE))
           .group_by(_r.day, _r.part))

# The booking transaction's statements as driver SQL, run on the DB-API cursor of the unit of
# work's connection (same transaction): SQLAlchemy's per-statement machinery (compile-cache key,
# result set-up, Row objects) cost more than SQLite executing them. Written with ``?``; for
# PostgreSQL (psycopg, ``%s``) see engine.Driver. Values are bound as the column types would bind them.
_COLS = ("id, desk_id, building_id, day, part, person_id, booked_by_id, department, group_id, "
         "source_message_id, status, created_at, checked_in_at, checked_out_at")
# The taken desks as one comma-separated string: hundreds of rows (a whole day is two per desk)
# become one, split in C; the covering index is read as before.
# Not DISTINCT (a desk taken all day is named twice): the set built from it drops the
# repeats, and DISTINCT cost SQLite a temporary index per booking.
_D_TAKEN = ("SELECT group_concat(desk_id) FROM reservations "
            "WHERE building_id = ? AND day = ? AND status = 'active'")
_D_TAKEN_IN_PART = _D_TAKEN + " AND part = ?"
_PG_TAKEN = {_D_TAKEN: _D_TAKEN.replace("group_concat(desk_id)", "string_agg(desk_id::text, ',')")}
_PG_TAKEN[_D_TAKEN_IN_PART] = _PG_TAKEN[_D_TAKEN] + " AND part = ?"
_TAKEN_AMONG: dict[tuple[int, bool, bool], str] = {}


def _d_taken_among(n: int, in_part: bool, sqlite: bool) -> str:
    """Which of ``n`` desks are taken: one look-up per desk in the unique index (day,
    building, desk, ...) instead of reading the whole building's range. The desks as a VALUES
    list (an IN list costs SQLite a temporary b-tree of its values first). Parameters: the
    desks, building, day[, part]."""
    key = (n, in_part, sqlite)
    sql = _TAKEN_AMONG.get(key)
    if sql is None:
        agg = "group_concat(v.column1)" if sqlite else "string_agg(v.column1::text, ',')"
        sql = (f"SELECT {agg} "
               f"FROM (VALUES {', '.join(['(?)'] * n)}) AS v WHERE EXISTS (SELECT 1 FROM reservations "
               "WHERE building_id = ? AND day = ? AND desk_id = v.column1 AND status = 'active'"
               f"{' AND part = ?' if in_part else ''})")
        _TAKEN_AMONG[key] = sql
    return sql


# A person's upcoming bookings (every list and first contact): their own, and the open seats they
# booked. Rows booked by someone are found by ``booked_by_id = ? AND person_id IS NOT booked_by_id``
# (the predicate of the partial index ix_reservations_booked_by: it holds only rows booked for
# someone else or for nobody) or, for their own, through the person index. ``IS NOT`` is
# ``IS DISTINCT FROM`` on PostgreSQL (engine.Driver.sql).
_D_UPCOMING = (f"SELECT {_COLS} FROM reservations WHERE person_id = ? AND day >= ? AND status = 'active' "
               f"UNION ALL SELECT {_COLS} FROM reservations WHERE booked_by_id = ? "
               "AND person_id IS NOT booked_by_id AND person_id IS NULL AND day >= ? AND status = 'active'")
# The latest day's reservation; the order of the person index (day, part), so SQLite reads it
# backwards and stops at the first active row (ordering by id as well took a sort).
_D_LATEST = (f"SELECT {_COLS} FROM reservations WHERE person_id = ? AND status = 'active' "
             "ORDER BY day DESC, part DESC LIMIT 1")
_D_INSERT = ("INSERT INTO reservations (desk_id, building_id, day, part, person_id, booked_by_id, department, "
             "group_id, source_message_id, status, created_at) VALUES {}")
_D_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)"
# SQLite: no RETURNING (it costs a quarter of the INSERT). Under the write lock the rows of
# one multi-row INSERT get consecutive ids in VALUES order (each new rowid is the largest + 1;
# the table has no AUTOINCREMENT), so the last row's id names them all.
_D_INSERTS_PLAIN = {n: _D_INSERT.format(", ".join([_D_ROW] * n)) for n in range(1, 5)}
_D_INSERTS = {n: sql + " RETURNING id, desk_id, day, part" for n, sql in _D_INSERTS_PLAIN.items()}  # PostgreSQL
_D_CLAIM = "INSERT INTO idempotency_keys (key, created_at) VALUES (?, ?)"
# Has this message booked before: a reservation row of its booker carrying it (any status): one
# booked for themselves (the person index) or for others or nobody (the partial booked_by index);
# or a key row (written on PostgreSQL, and by versions before the key was folded into the rows on
# SQLite). Parameters: booker, booker, message, booker, message, message.
_D_SEEN = ("SELECT 1 FROM reservations WHERE person_id = ? AND booked_by_id = ? AND source_message_id = ? "
           "UNION ALL SELECT 1 FROM reservations WHERE booked_by_id = ? AND person_id IS NOT booked_by_id "
           "AND source_message_id = ? "
           "UNION ALL SELECT 1 FROM idempotency_keys WHERE key = ? LIMIT 1")
# The same, with the booker's latest active row in the same round trip (the booking asks for
# it next: the usual building and desk): a row (1, NULLs) when the message booked before, and
# a row (0, the latest row's columns) when the booker has an active row. A UNION ALL, not a
# join: no temporary table per booking.
_D_SEEN_LATEST = (f"SELECT 1, {', '.join(['NULL'] * len(_COLS.split(',')))} WHERE EXISTS ({_D_SEEN}) "
                  f"UNION ALL SELECT * FROM (SELECT 0, {_COLS} FROM reservations WHERE person_id = ? "
                  "AND status = 'active' ORDER BY day DESC, part DESC LIMIT 1) AS latest")


def seen_latest_params(booked_by_id: int, source_message_id: str) -> tuple[Any, ...]:
    """The parameters of ``_D_SEEN_LATEST`` for this booker and message."""
    b, m = booked_by_id, source_message_id
    return (b, b, m, b, m, m, b)


_PART_TEXT = {p: p.value for p in Part}  # an Enum's .value is a Python-level property


def _d_of_person(n_days: int, with_latest: bool) -> str:
    """One person's active rows on ``n_days`` days (marked 0), and optionally their latest
    active row (marked 1): ``of_people`` and ``latest`` in one round trip."""
    days = ", ".join("?" * n_days)
    sql = f"SELECT 0, {_COLS} FROM reservations WHERE person_id = ? AND day IN ({days}) AND status = 'active'"
    if with_latest:
        sql += f" UNION ALL SELECT * FROM (SELECT 1, {_COLS} FROM reservations WHERE person_id = ? " \
               "AND status = 'active' ORDER BY day DESC, part DESC LIMIT 1) AS latest"
    return sql


def _from_driver(row: Sequence[Any]) -> Reservation:
    (rid, desk_id, building_id, day, part, person_id, booked_by_id, department, group_id, source_message_id,
     status, created_at, checked_in_at, checked_out_at) = row
    return Reservation(
        id=rid, desk_id=str(desk_id), building_id=building_id, day=read_day(day), part=Part(part),
        person_id=person_id, booked_by_id=booked_by_id, department=department, group_id=group_id,
        source_message_id=source_message_id, status=ReservationStatus(status),
        created_at=read_when(created_at),  # type: ignore[arg-type]
        checked_in_at=read_when(checked_in_at), checked_out_at=read_when(checked_out_at),
    )


def _reservation(row) -> Reservation:  # type: ignore[no-untyped-def]
    return Reservation(
        id=row.id, desk_id=str(row.desk_id), building_id=row.building_id, day=row.day, part=Part(row.part),
        person_id=row.person_id, booked_by_id=row.booked_by_id, department=row.department,
        group_id=row.group_id, source_message_id=row.source_message_id,
        status=ReservationStatus(row.status), created_at=row.created_at,
        checked_in_at=row.checked_in_at, checked_out_at=row.checked_out_at,
    )


class SqlReservationRepository:
    def __init__(self, conn: Connection, lock_days: bool = False, serialised: bool = False) -> None:
        """``lock_days``: serialise writers per (building, day) (PostgreSQL write transactions).
        ``serialised``: no other writer can commit before this transaction ends (a SQLite
        write transaction: BEGIN IMMEDIATE holds the database's write lock), so
        :meth:`claim_message` may check the reservations instead of writing a key."""
        self._conn = conn
        self._lock_days = lock_days
        self._serialised = serialised
        self._locked: set[tuple[str, date]] = set()
        self._d = driver(conn)
        self._cur: Any = None
        # A person's latest active reservation, read at most once per transaction (the booking
        # asks twice: the usual building, the usual desk); forgotten on every write.
        self._latest: dict[int, Reservation | None] = {}

    def _cursor(self) -> Any:
        if self._cur is None:
            self._cur = self._conn.connection.cursor()
        return self._cur

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[Any]:
        cur = self._cur if self._cur is not None else self._cursor()
        return self._d.execute(cur, statement, params).fetchall()

    def taken(self, building_id: str, day: date, parts: Iterable[Part],
              among: Sequence[str] | None = None) -> set[str]:
        if self._lock_days and (building_id, day) not in self._locked:
            # Taken before reading: in READ COMMITTED the read below then sees every booking
            # committed by the previous holder of the lock.
            with translated():
                self._conn.execute(_LOCK_DAY, {"k": f"{building_id}|{day.isoformat()}"})
            self._locked.add((building_id, day))
        wanted = set(parts)
        d = self._d
        one_part = len(wanted) == 1  # else both parts: no filter needed
        if among is not None:
            if not among:
                return set()
            sql = _d_taken_among(len(among), one_part, d.sqlite)
            params: tuple[Any, ...] = (*map(int, among), building_id, d.day(day))
        else:
            sql = _D_TAKEN_IN_PART if one_part else _D_TAKEN
            sql, params = (sql if d.sqlite else _PG_TAKEN[sql]), (building_id, d.day(day))
        if one_part:
            params += (_PART_TEXT[wanted.pop()],)
        rows = self._fetch(sql, params)
        found = rows[0][0] if rows else None
        return set(found.split(",")) if found else set()

    def of_people(self, person_ids: Iterable[int], days: Iterable[date]) -> list[Reservation]:
        ids, ds = sorted(set(person_ids)), sorted(set(days))
        if not ids or not ds:
            return []
        if len(ids) == 1:  # the common case: one person, with their latest booking in the same trip
            pid = ids[0]
            with_latest = pid not in self._latest
            params: list[Any] = [pid, *map(self._d.day, ds)] + ([pid] if with_latest else [])
            out: list[Reservation] = []
            latest: Reservation | None = None
            for row in self._fetch(_d_of_person(len(ds), with_latest), params):
                r = _from_driver(row[1:])
                if row[0]:
                    latest = r
                else:
                    out.append(r)
            if with_latest:
                self._latest[pid] = latest
            return out
        rows = self._conn.execute(_OF_PEOPLE, {"ids": ids, "days": ds}).all()
        return [_reservation(r) for r in rows]

    def add(self, rows: Sequence[NewReservation]) -> list[int]:
        if not rows:
            return []
        self._latest.clear()
        if len(rows) <= 4:  # a single booking: one prepared driver statement for its one or two rows
            d = self._d
            params: list[Any] = []
            when = d.when(rows[0].created_at)  # one booking: one creation time
            for r in rows:
                params += (int(r.desk_id), r.building_id, d.day(r.day), _PART_TEXT[r.part], r.person_id, r.booked_by_id,
                           r.department, r.group_id, r.source_message_id,
                           when if r.created_at is rows[0].created_at else d.when(r.created_at))
            if d.sqlite:
                cur = self._cur if self._cur is not None else self._cursor()
                last = d.execute(cur, _D_INSERTS_PLAIN[len(rows)], params).lastrowid
                ids = list(range(last - len(rows) + 1, last + 1))
            else:
                # RETURNING gives rows in no promised order: matched by (desk, day, part),
                # unique among active rows.
                made = {(str(desk), read_day(day), part): rid for rid, desk, day, part in
                        self._fetch(_D_INSERTS[len(rows)], params)}
                ids = [made[(r.desk_id, r.day, r.part.value)] for r in rows]
        else:
            values = [dict(desk_id=int(r.desk_id), building_id=r.building_id, day=r.day, part=r.part.value,
                           person_id=r.person_id, booked_by_id=r.booked_by_id, department=r.department,
                           group_id=r.group_id, source_message_id=r.source_message_id, status="active",
                           created_at=r.created_at) for r in rows]
            with translated():
                ids = list(self._conn.execute(_INSERT_MANY, values).scalars())
        return ids

    def claim_message(self, source_message_id: str, booked_by_id: int, now: datetime) -> None:
        if self._serialised:
            # The reservations this message books carry its id: under the write lock a check
            # is as safe as the key's primary key, and writes three B-tree pages fewer per
            # booking (the key's table, its primary key and its created_at index).
            rows = self._fetch(_D_SEEN_LATEST, seen_latest_params(booked_by_id, source_message_id))
            if rows and rows[0][0]:
                raise Conflict("message")
            self._latest[booked_by_id] = _from_driver(rows[0][1:]) if rows else None
            return
        cur = self._cur if self._cur is not None else self._cursor()
        self._d.execute(cur, _D_CLAIM, (source_message_id, self._d.when(now)))

    def by_source_message(self, source_message_id: str, booked_by_id: int) -> list[Reservation]:
        rows = self._conn.execute(_BY_SOURCE, {"m": source_message_id, "b": booked_by_id}).all()
        return [_reservation(r) for r in rows]

    def get(self, ids: Iterable[int]) -> list[Reservation]:
        ids = sorted(set(ids))
        if not ids:
            return []
        return [_reservation(r) for r in self._conn.execute(_BY_IDS, {"ids": ids}).all()]

    def by_group(self, group_id: str) -> list[Reservation]:
        rows = self._conn.execute(_BY_GROUP, {"g": group_id}).all()
        return [_reservation(r) for r in rows]

    def upcoming(self, person_id: int, from_day: date) -> list[Reservation]:
        day = self._d.day(from_day)
        found = [_from_driver(r) for r in self._fetch(_D_UPCOMING, (person_id, day, person_id, day))]
        found.sort(key=lambda r: (r.day, r.id))
        return found

    def set_status(self, ids: Iterable[int], status: ReservationStatus) -> None:
        ids = sorted(set(ids))
        self._latest.clear()
        if ids:
            with translated():
                self._conn.execute(_SET_STATUS, {"ids": ids, "s": status.value})

    def latest(self, person_id: int) -> Reservation | None:
        if person_id in self._latest:
            return self._latest[person_id]
        rows = self._fetch(_D_LATEST, (person_id,))
        found = self._latest[person_id] = _from_driver(rows[0]) if rows else None
        return found

    def counts(self, building_id: str, days: Iterable[date]) -> dict[tuple[date, Part], int]:
        ds = sorted(set(days))
        if not ds:
            return {}
        rows = self._conn.execute(_COUNTS, {"b": building_id, "days": ds}).all()
        return {(d, Part(p)): int(n) for d, p, n in rows}

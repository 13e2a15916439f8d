"""Usage in the store: check-in/out and auto-release persistence, and report aggregation.

Reports are counted in the database (GROUP BY) over ``reservations`` and the desk tables, and
for rolled-up past days over the anonymous ``usage_rollup`` (:func:`roll_up`, the night job);
no query here selects a person column, and nothing person-level leaves this module (the
auto-release notices carry only the ``<channel>:<id>`` key needed to tell that person).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping

from sqlalchemy import Connection, Date, Engine, case, func, insert, literal_column, select, update
from sqlalchemy.exc import IntegrityError

from adapters.store.catalogue import CatalogueCache, building_from_row
from adapters.store.engine import WRITE_OPTION, is_sqlite
from adapters.store.people import SqlPeopleRepository
from adapters.store.tables import (
    building_hours,
    buildings,
    closures,
    desks,
    floors,
    reservations,
    usage_rollup,
    usage_rollup_days,
    zones,
)
from core.booking.days import HolidayCalendar
from core.booking.model import OpeningHours, Part, Zone
from core.booking.rules import Rules
from core.clock import local_today
from core.messages import Attachment
from core.usage.aggregate import Scope, build_report
from core.usage.model import (
    DEFAULT_MIN_CELL,
    MAX_RANGE_DAYS,
    CellRow,
    DayPartRow,
    DeskRef,
    DeskRow,
    Report,
    ZoneKindRow,
    desk_type,
)
from core.usage.port import CheckInResult, CheckOutResult, ReleaseNotice, UsageSummary
from core.usage.presence import (
    CheckInOutcome,
    CheckOutOutcome,
    ReleaseCandidate,
    TodayReservation,
    plan_auto_release,
    plan_check_in,
    plan_check_out,
)
from core.usage.request import ReportProblem, ReportRequest, RequestRefusal, check_request
from core.usage.roles import is_facility_manager
from core.usage.wording import summary_lines

log = logging.getLogger("wms.usage")

_r = reservations.c
_COUNTED = ("active", "released")


def _stay_minutes(conn: Connection):  # type: ignore[no-untyped-def]
    """Minutes between check-in and check-out, per dialect."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(_r.checked_out_at) - func.julianday(_r.checked_in_at)) * 1440.0
    return func.extract("epoch", _r.checked_out_at - _r.checked_in_at) / 60.0


class SqlUsage:
    """The :class:`core.usage.port.UsagePort` on the SQL store."""

    def __init__(self, engine: Engine, *, managers: Iterable[str] = (), min_cell: int = DEFAULT_MIN_CELL,
                 release_times: Mapping[str, time] | None = None, cache: CatalogueCache | None = None,
                 calendar: HolidayCalendar | None = None, max_days: int = MAX_RANGE_DAYS,
                 rollup: bool = True) -> None:
        self._engine = engine
        self._use_rollup = rollup  # False: every day from ``reservations`` (the direct computation)
        self._managers = tuple(managers)
        self.min_cell = min_cell
        self.max_days = max_days
        self._release_times = dict(release_times or {})
        self._cache = cache or CatalogueCache()
        self._calendar = calendar or HolidayCalendar(exclude=Rules().closed_holidays_excluded)

    # ---------------------------------------------------------------- catalogue
    def _catalogue(self, conn: Connection):  # type: ignore[no-untyped-def]
        return self._cache.get(conn)

    def building_ids(self) -> tuple[str, ...]:
        """The known buildings (one small query: a command need not load the whole catalogue)."""
        with self._engine.connect() as conn:
            return tuple(sorted(str(b) for b in conn.execute(select(buildings.c.id)).scalars()))

    # ---------------------------------------------------------------- check-in / out
    def _today(self, conn: Connection, person_id: int, day: date) -> list[TodayReservation]:
        rows = conn.execute(
            select(_r.id, _r.desk_id, desks.c.code, _r.building_id, _r.day, _r.part, _r.status,
                   _r.checked_in_at, _r.checked_out_at)
            .join(desks, desks.c.id == _r.desk_id)
            .where(_r.person_id == person_id, _r.day == day, _r.status.in_(_COUNTED))).all()
        return [TodayReservation(r.id, str(r.desk_id), r.code, r.building_id, r.day, Part(r.part), r.status,
                                 r.checked_in_at, r.checked_out_at) for r in rows]

    def _write(self) -> Connection:
        return self._engine.execution_options(**{WRITE_OPTION: True}).connect()

    def check_in(self, person: str, now: datetime) -> CheckInResult:
        try:
            with self._write() as conn, conn.begin():
                found = SqlPeopleRepository(conn).by_external_id(person)
                if found is None:
                    return CheckInResult(CheckInOutcome.UNKNOWN_PERSON)
                cat = self._catalogue(conn)
                plan = plan_check_in(self._today(conn, found.id, local_today(now)), cat.buildings, now)
                for rid, at in plan.check_in:
                    conn.execute(update(reservations).where(_r.id == rid, _r.status == "active",
                                                            _r.checked_in_at.is_(None))
                                 .values(checked_in_at=at))
                if plan.reopen:
                    conn.execute(update(reservations).where(_r.id.in_(plan.reopen)).values(checked_out_at=None))
                b = cat.buildings.get(plan.building_id or "")
                return CheckInResult(plan.outcome, plan.desk_code, plan.building_id, b.name if b else None,
                                     plan.parts, plan.at)
        except Exception as exc:  # noqa: BLE001 - a chat reply, never a stack trace
            log.warning("check-in failed: %s", type(exc).__name__)
            return CheckInResult(CheckInOutcome.ERROR)

    def check_out(self, person: str, now: datetime) -> CheckOutResult:
        try:
            with self._write() as conn, conn.begin():
                found = SqlPeopleRepository(conn).by_external_id(person)
                if found is None:
                    return CheckOutResult(CheckOutOutcome.UNKNOWN_PERSON)
                cat = self._catalogue(conn)
                today = self._today(conn, found.id, local_today(now))
                plan = plan_check_out(today, cat.buildings, now)
                for rid, at in plan.check_out:
                    conn.execute(update(reservations).where(_r.id == rid).values(checked_out_at=at))
                if plan.release:
                    conn.execute(update(reservations).where(_r.id.in_(plan.release), _r.status == "active")
                                 .values(status="released", checked_in_at=None, checked_out_at=None))
                parts = tuple(r.part for r in today if r.id in set(plan.release))
                b = cat.buildings.get(plan.building_id or "")
                return CheckOutResult(plan.outcome, plan.desk_code, plan.building_id, b.name if b else None,
                                      plan.minutes, parts)
        except Exception as exc:  # noqa: BLE001
            log.warning("check-out failed: %s", type(exc).__name__)
            return CheckOutResult(CheckOutOutcome.ERROR)

    def auto_release(self, now: datetime) -> tuple[ReleaseNotice, ...]:
        """Release today's bookings not checked in by their building's time (idempotent)."""
        if not self._release_times:
            return ()
        day = local_today(now)
        with self._write() as conn, conn.begin():
            cat = self._catalogue(conn)
            ids = [b for b in self._release_times if b in cat.buildings]
            if not ids:
                return ()
            rows = conn.execute(
                select(_r.id, _r.person_id, _r.desk_id, desks.c.code, _r.building_id, _r.day, _r.part)
                .join(desks, desks.c.id == _r.desk_id)
                .where(_r.day == day, _r.building_id.in_(ids), literal_column("status = 'active'"),
                       _r.checked_in_at.is_(None))).all()
            cands = [ReleaseCandidate(r.id, r.person_id, str(r.desk_id), r.building_id, r.day, Part(r.part))
                     for r in rows]
            chosen = set(plan_auto_release(cands, cat.buildings, self._release_times, now))
            if not chosen:
                return ()
            released = set(conn.execute(
                update(reservations).where(_r.id.in_(sorted(chosen)), _r.status == "active",
                                           _r.checked_in_at.is_(None))
                .values(status="released").returning(_r.id)).scalars())
            people = SqlPeopleRepository(conn)
            grouped: dict[tuple, list[Part]] = defaultdict(list)
            for r in rows:
                if r.id in released and r.person_id is not None:
                    grouped[(r.person_id, r.building_id, r.code, r.day)].append(Part(r.part))
            found = []
            for (person_id, building_id, code, d), parts in sorted(grouped.items(), key=lambda kv: kv[0][1:]):
                p = people.get(person_id)
                if p is None:
                    continue
                found.append((person_id, ReleaseNotice(p.external_id, building_id, cat.buildings[building_id].name,
                                                       code, d, tuple(sorted(parts, key=lambda x: x is Part.AFTERNOON)))))
            log.info("auto-release: %d reservations released", len(released))
        langs = self._langs([pid for pid, _ in found])  # after the commit: a read of its own
        return tuple(replace(n, lang=langs.get(pid)) for pid, n in found)

    def _langs(self, person_ids: list[int]) -> dict[int, str]:
        """The language each person last chose for a proactive message (reminder opt-in or
        waitlist wish); people without one are left out. Never fails the release."""
        if not person_ids:
            return {}
        try:
            from adapters.store.teams import SqlTeamStore

            return SqlTeamStore(self._engine).langs(person_ids)
        except Exception as exc:  # noqa: BLE001 - the notice then goes out in both languages
            log.warning("auto-release: languages not known: %s", type(exc).__name__)
            return {}

    # ---------------------------------------------------------------- reports
    def check(self, start: date | str | None, end: date | str | None, building_id: str | None,
              cells: bool = False) -> ReportRequest | RequestRefusal:
        """Validate a request against the known buildings and this store's limits."""
        return check_request(start, end, building_id, self.building_ids(), min_cell=self.min_cell,
                             max_days=self.max_days, cells=cells)

    def report(self, request: ReportRequest, now: datetime) -> Report | RequestRefusal:
        """The report: days up to the roll-up's newest day are read from ``usage_rollup`` (small,
        anonymous daily counts), the others (today, the future, days not rolled up yet) from
        ``reservations``; both give the same figures (tests/integration/test_usage_rollup.py)."""
        today = local_today(now)
        conn = self._engine.connect()
        if not is_sqlite(self._engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for all queries
        with conn, conn.begin():
            cat = self._cache.fresh()
            if cat is None and request.building_id is not None:
                # One building and no catalogue at hand (a command): read only that building,
                # not the 60,000 desks and their neighbours of the whole catalogue.
                found = _one_building_scope(conn, request.building_id)
                if found is None:
                    return RequestRefusal(ReportProblem.UNKNOWN_BUILDING, request.building_id)
                scope = found
            else:
                cat = self._catalogue(conn)
                if request.building_id is not None and request.building_id not in cat.buildings:
                    return RequestRefusal(ReportProblem.UNKNOWN_BUILDING, request.building_id)
                scope = self._scope(conn, cat, request.building_id)
            stays = request.building_id is not None
            rolled = self._rolled_through(conn, request, today) if self._use_rollup else None
            day_rows: list[DayPartRow] = []
            desk_rows: list[DeskRow] = []
            kind_rows: list[ZoneKindRow] = []
            cell_rows: list[CellRow] | None = [] if request.cells else None
            if rolled is not None:
                span = _rollup_span(conn, request.start, rolled, request.building_id)
                if request.building_id is None:
                    # Rolled-up days never change, so the two scans of an all-buildings report
                    # may run side by side on two connections.
                    with ThreadPoolExecutor(max_workers=1) as pool:
                        later = pool.submit(self._in_own_transaction, _rollup_kind_rows_each, request.start,
                                            rolled, [b.id for b in scope.buildings])
                        day_rows += _rollup_day_rows(conn, span, stays)
                        kind_rows += later.result()
                else:
                    day_rows += _rollup_day_rows(conn, span, stays)
                    kind_rows += _rollup_kind_rows(conn, span)
                if cell_rows is not None:
                    cell_rows += _rollup_cell_rows(conn, span)
            live_from = request.start if rolled is None else rolled + timedelta(days=1)
            if live_from <= request.end:
                where = [_r.day >= live_from, _r.day <= request.end]
                if request.building_id is not None:
                    where.append(_r.building_id == request.building_id)
                if request.end < today and request.building_id is None and rolled is None:
                    # History does not change any more (check-in/out happen on the day itself and the
                    # anonymisation touches no counted column), so the two big scans of an all-buildings
                    # report without a roll-up may run side by side on two connections.
                    with ThreadPoolExecutor(max_workers=1) as pool:
                        later = pool.submit(self._in_own_transaction, self._desk_rows, where, today)
                        day_rows += self._day_rows(conn, where, today, stays=stays)
                        desk_rows += later.result()
                else:
                    day_rows += self._day_rows(conn, where, today, stays=stays)
                    desk_rows += self._desk_rows(conn, where, today)
                if cell_rows is not None:
                    cell_rows += self._cell_rows(conn, where, today)
        return build_report(scope, request.start, request.end, today, request.min_cell, day_rows, desk_rows,
                            cell_rows, calendar=self._calendar, building_id=request.building_id,
                            zone_rows=kind_rows)

    @staticmethod
    def _rolled_through(conn: Connection, request: ReportRequest, today: date) -> date | None:
        """The last day of the request read from the roll-up (None: nothing is)."""
        newest = conn.execute(select(func.max(usage_rollup_days.c.day))).scalar()
        if newest is None:
            return None
        last = min(request.end, _day(newest), today - timedelta(days=1))  # rolled days are past days
        return last if last >= request.start else None

    def _in_own_transaction(self, query, *args):  # type: ignore[no-untyped-def]
        with self._engine.connect() as conn, conn.begin():
            return query(conn, *args)

    # The aggregation queries count per status (count(*) and count(checked_in_at)) and leave the
    # arithmetic to Python: no CASE per row, so the database does the least work per row. Cancelled
    # rows are counted and dropped here (filtering them would cost a comparison per row as well).
    @staticmethod
    def _day_rows(conn: Connection, where: list, today: date, stays: bool) -> list[DayPartRow]:
        cols = [_r.building_id, _r.day, _r.part, _r.status, func.count().label("n"),
                func.count(_r.checked_in_at).label("ci")]
        if stays:  # the average stay: only for one building (it costs an expression per row)
            timed = _r.checked_out_at.is_not(None) & _r.checked_in_at.is_not(None)
            cols += [func.sum(case((timed, _stay_minutes(conn)), else_=0.0)).label("minutes"),
                     func.sum(case((timed, 1), else_=0)).label("timed")]
        acc: dict[tuple, list] = {}
        for r in conn.execute(select(*cols).where(*where).group_by(_r.building_id, _r.day, _r.part, _r.status)):
            if r.status not in _COUNTED:
                continue
            day = _day(r.day)
            a = acc.setdefault((r.building_id, day, r.part), [0, 0, 0, 0, 0.0, 0])
            _add(a, r.status, int(r.n), int(r.ci or 0), day < today)
            if stays and r.status == "active":
                a[4] += float(r.minutes or 0.0)
                a[5] += int(r.timed or 0)
        return [DayPartRow(b, day, Part(part), (a[0], a[1], a[2], a[3]), a[4], a[5])
                for (b, day, part), a in acc.items()]

    @staticmethod
    def _desk_rows(conn: Connection, where: list, today: date) -> list[DeskRow]:
        past = (_r.day < today).label("past")
        acc: dict[str, list] = {}
        for r in conn.execute(select(_r.desk_id, _r.status, past, func.count().label("n"),
                                     func.count(_r.checked_in_at).label("ci"))
                              .where(*where).group_by(_r.desk_id, _r.status, past)):
            if r.status in _COUNTED:
                _add(acc.setdefault(str(r.desk_id), [0, 0, 0, 0]), r.status, int(r.n), int(r.ci or 0), bool(r.past))
        return [DeskRow(k, (a[0], a[1], a[2], a[3])) for k, a in acc.items()]

    @staticmethod
    def _cell_rows(conn: Connection, where: list, today: date) -> list[CellRow]:
        keys = (_r.building_id, desks.c.zone_id, desks.c.screens, desks.c.sit_stand, _r.day, _r.part, _r.status)
        acc: dict[tuple, list] = {}
        for r in conn.execute(select(*keys, func.count().label("n"), func.count(_r.checked_in_at).label("ci"))
                              .join(desks, desks.c.id == _r.desk_id).where(*where).group_by(*keys)):
            if r.status in _COUNTED:
                day = _day(r.day)
                key = (r.building_id, str(r.zone_id), int(r.screens), bool(r.sit_stand), day, r.part)
                _add(acc.setdefault(key, [0, 0, 0, 0]), r.status, int(r.n), int(r.ci or 0), day < today)
        return [CellRow(b, z, sc, st, day, Part(part), (a[0], a[1], a[2], a[3]))
                for (b, z, sc, st, day, part), a in acc.items()]

    def _scope(self, conn: Connection, cat, building_id: str | None) -> Scope:  # type: ignore[no-untyped-def]
        # Desks in use come from the (cached) catalogue; only the desks out of use are read here.
        in_use = (cat.desks.values() if building_id is None else cat.building_desks(building_id))
        q = select(desks.c.id, desks.c.building_id, desks.c.zone_id, desks.c.screens, desks.c.sit_stand,
                   zones.c.quiet).join(zones, zones.c.id == desks.c.zone_id).where(desks.c.in_use.is_(False))
        if building_id is not None:
            q = q.where(desks.c.building_id == building_id)
        refs = tuple(DeskRef(d.id, d.building_id, d.zone_id, desk_type(d.screens, d.sit_stand, d.quiet), True)
                     for d in in_use) + tuple(
            DeskRef(str(r.id), r.building_id, str(r.zone_id),
                    desk_type(int(r.screens), bool(r.sit_stand), bool(r.quiet)), False)
            for r in conn.execute(q))
        blds = tuple(b for bid, b in sorted(cat.buildings.items()) if building_id in (None, bid))
        return Scope(blds, dict(cat.zones), refs)

    def summary(self, requester: str, building_id: str | None, start: date, end: date, now: datetime,
                lang: str = "nl") -> UsageSummary:
        if not is_facility_manager(requester, self._managers):
            return UsageSummary(problem=ReportProblem.NOT_ALLOWED)
        try:
            request = self.check(start, end, building_id)
            if isinstance(request, RequestRefusal):
                return UsageSummary(problem=request.problem)
            report = self.report(request, now)
            if isinstance(report, RequestRefusal):
                return UsageSummary(problem=report.problem)
            from adapters.reports.charts import summary_png

            png = summary_png(report, lang)
            name = f"usage-{building_id or 'all'}-{start.isoformat()}-{end.isoformat()}.png"
            return UsageSummary(lines=summary_lines(report, lang), chart=Attachment(name, "image/png", png),
                                building=report.buildings[0] if len(report.buildings) == 1 else None)
        except Exception as exc:  # noqa: BLE001 - a chat reply, never a stack trace
            log.warning("usage summary failed: %s", type(exc).__name__)
            return UsageSummary(problem=ReportProblem.ERROR)


def _one_building_scope(conn: Connection, building_id: str) -> Scope | None:
    """The report scope of one building read directly (as ``load_catalogue`` builds it, without
    the other buildings' desks and without neighbours); None when the building is unknown."""
    row = conn.execute(select(buildings).where(buildings.c.id == building_id)).first()
    if row is None:
        return None
    hours = tuple(OpeningHours(h.weekday, h.opens, h.closes) for h in conn.execute(
        select(building_hours).where(building_hours.c.building_id == building_id).order_by(building_hours.c.weekday)))
    closed = frozenset(_day(d) for d in conn.execute(
        select(closures.c.day).where(closures.c.building_id == building_id)).scalars())
    level = {f.id: f.level for f in conn.execute(
        select(floors.c.id, floors.c.level).where(floors.c.building_id == building_id))}
    building = building_from_row(row, hours, closed, level.values())
    zs = {str(z.id): Zone(id=str(z.id), building_id=z.building_id, floor=level[z.floor_id], name=z.name,
                          quiet=bool(z.quiet))
          for z in conn.execute(select(zones).where(zones.c.building_id == building_id))}
    refs = tuple(DeskRef(str(d.id), d.building_id, str(d.zone_id),
                         desk_type(int(d.screens), bool(d.sit_stand), zs[str(d.zone_id)].quiet), bool(d.in_use))
                 for d in conn.execute(select(desks.c.id, desks.c.building_id, desks.c.zone_id, desks.c.screens,
                                              desks.c.sit_stand, desks.c.in_use)
                                       .where(desks.c.building_id == building_id)))
    return Scope((building,), zs, refs)


# ---------------------------------------------------------------------------- the roll-up
# ``usage_rollup`` holds, per building, day, part, zone and desk kind, the counts a report
# needs for a past day: reserved (active + released), checked in, released, no-shows, and the
# summed minutes and number of stays with both a check-in and a check-out. Counts only: no
# person, department or time of anyone. The night job fills it (:func:`roll_up`), one day per
# transaction, for days that can no longer change (anonymised, before today).
_u = usage_rollup.c
_SUMS = ("reserved", "checked_in", "released", "no_shows")
_PART = {p.value: p for p in Part}


def _sums():  # type: ignore[no-untyped-def]
    return [func.sum(_u[name]).label(name) for name in _SUMS]


def _counts(row) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return (int(row.reserved or 0), int(row.checked_in or 0), int(row.released or 0), int(row.no_shows or 0))


def _rollup_span(conn: Connection, start: date, end: date, building_id: str | None) -> list:
    """The WHERE clause of the roll-up queries. One building: its key range (building, day).
    All buildings over a long range on SQLite: one pass over the table in key order (``+day``
    keeps SQLite off the day index, whose row-by-row look-ups cost five times more there)."""
    day = _u.day
    if building_id is None and conn.dialect.name == "sqlite" and (end - start).days > 62:
        day = literal_column("+usage_rollup.day", Date)
    span = [day >= start, day <= end]
    if building_id is not None:
        span.append(_u.building_id == building_id)
    return span


def _rollup_day_rows(conn: Connection, span: list, stays: bool) -> list[DayPartRow]:
    cols = [_u.building_id, _u.day, _u.part, *_sums()]
    if stays:  # as the live query: the average stay only for one building
        cols += [func.sum(_u.stay_minutes).label("minutes"), func.sum(_u.stays).label("timed")]
    out = []
    for r in conn.execute(select(*cols).where(*span).group_by(_u.building_id, _u.day, _u.part)):
        out.append(DayPartRow(r.building_id, _day(r.day), _PART[r.part], _counts(r),
                              float(r.minutes or 0.0) if stays else 0.0, int(r.timed or 0) if stays else 0))
    return out


def _rollup_kind_rows(conn: Connection, span: list) -> list[ZoneKindRow]:
    keys = (_u.building_id, _u.zone_id, _u.screens, _u.sit_stand)
    return [ZoneKindRow(r.building_id, str(r.zone_id), int(r.screens), bool(r.sit_stand), _counts(r))
            for r in conn.execute(select(*keys, *_sums()).where(*span).group_by(*keys))]


def _rollup_kind_rows_each(conn: Connection, start: date, end: date, building_ids: list[str]) -> list[ZoneKindRow]:
    """:func:`_rollup_kind_rows` building by building: many small sorts (each building's key
    range) cost SQLite less than one sort of the whole table."""
    out: list[ZoneKindRow] = []
    for building_id in building_ids:
        out += _rollup_kind_rows(conn, _rollup_span(conn, start, end, building_id))
    return out


def _rollup_cell_rows(conn: Connection, span: list) -> list[CellRow]:
    return [CellRow(r.building_id, str(r.zone_id), int(r.screens), bool(r.sit_stand), _day(r.day), Part(r.part),
                    _counts(r))
            for r in conn.execute(select(_u.building_id, _u.zone_id, _u.screens, _u.sit_stand, _u.day, _u.part,
                                         *(_u[name] for name in _SUMS)).where(*span))]


def _rollup_select(conn: Connection, day: date):  # type: ignore[no-untyped-def]
    """The roll-up rows of ``day``, counted from ``reservations`` (cancelled rows are not counted)."""
    active = _r.status == "active"
    checked_in = active & _r.checked_in_at.is_not(None)
    timed = checked_in & _r.checked_out_at.is_not(None)
    keys = (_r.building_id, _r.day, _r.part, desks.c.zone_id, desks.c.screens, desks.c.sit_stand)
    return (select(*keys, func.count(),
                   func.sum(case((checked_in, 1), else_=0)),
                   func.sum(case((_r.status == "released", 1), else_=0)),
                   func.sum(case((active & _r.checked_in_at.is_(None), 1), else_=0)),
                   func.coalesce(func.sum(case((timed, _stay_minutes(conn)), else_=0.0)), 0.0),
                   func.sum(case((timed, 1), else_=0)))
            .join(desks, desks.c.id == _r.desk_id)
            .where(_r.day == day, _r.status.in_(_COUNTED))
            .group_by(*keys))


_ROLLUP_COLUMNS = ("building_id", "day", "part", "zone_id", "screens", "sit_stand", "reserved", "checked_in",
                   "released", "no_shows", "stay_minutes", "stays")


@dataclass(frozen=True)
class RollUpResult:
    days: int = 0
    rows: int = 0
    skipped: int = 0  # days rolled up by someone else meanwhile


def roll_up(engine: Engine, through: date, now: datetime) -> RollUpResult:
    """Roll up every day with reservations after the roll-up's newest day up to ``through``
    (inclusive), oldest first, each day in ONE write transaction that starts by claiming the
    day in ``usage_rollup_days`` (a second instance finds the row and skips the day). The
    caller passes a ``through`` that can no longer change: a past, anonymised day."""
    through = min(through, local_today(now) - timedelta(days=1))
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(usage_rollup_days.c.day))).scalar()
        q = select(_r.day).distinct().where(_r.day <= through)
        if newest is not None:
            q = q.where(_r.day > _day(newest))
        days = sorted(_day(d) for d in conn.execute(q).scalars())
    done = rows = skipped = 0
    writer = engine.execution_options(**{WRITE_OPTION: True})
    for day in days:
        with writer.connect() as conn, conn.begin():
            try:
                with conn.begin_nested():
                    conn.execute(insert(usage_rollup_days).values(day=day, rolled_at=now, reservations=0))
            except IntegrityError:
                skipped += 1
                continue
            n = conn.execute(insert(usage_rollup).from_select(list(_ROLLUP_COLUMNS), _rollup_select(conn, day))
                             ).rowcount
            counted = conn.execute(select(func.coalesce(func.sum(_u.reserved), 0)).where(_u.day == day)).scalar()
            conn.execute(update(usage_rollup_days).where(usage_rollup_days.c.day == day)
                         .values(reservations=int(counted or 0)))
        done += 1
        rows += max(0, int(n or 0))
    if done:
        log.info("usage roll-up: %d day(s), %d row(s)", done, rows)
    return RollUpResult(done, rows, skipped)


def _add(acc: list, status: str, n: int, checked_in: int, past: bool) -> None:
    """Add one (status, count, checked-in count) group to ``[reserved, checked_in, released, no_shows]``."""
    acc[0] += n
    if status == "released":
        acc[2] += n
        return
    acc[1] += checked_in
    if past:
        acc[3] += n - checked_in


def _day(value) -> date:  # type: ignore[no-untyped-def]
    return value if isinstance(value, date) else date.fromisoformat(str(value))

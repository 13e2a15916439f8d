"""The nightly anonymisation of reservations (the rule is :mod:`core.privacy.anonymisation`),
followed by the usage roll-up of the anonymised days (:func:`roll_up_anonymised`, issue 8).

:func:`anonymise` processes every night that is due and not in the run log, oldest first,
each in ONE write transaction that starts by inserting the night's row into
``privacy_runs``: a second instance (or a repeated run) finds the row and does nothing
(on PostgreSQL it waits for the first one's commit, then sees the conflict), and a run that
is interrupted leaves no row and no half-done change, so the next run does the night again.

SQLite: the engine has ``secure_delete`` on (deleted bytes are overwritten with zeros), and
after the run the WAL is checkpointed and truncated (:func:`truncate_wal`), so removed data
lingers neither in the database file nor in its ``-wal`` file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Sequence

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.store.engine import WRITE_OPTION, is_sqlite
from adapters.store.tables import handled_messages, idempotency_keys, privacy_runs, reservations
from core.clock import AMSTERDAM
from core.privacy.anonymisation import DEFAULT_MIN_DEPARTMENT_GROUP, Row, coarsen
from core.privacy.nights import DEFAULT_RUN_AT, nights_due

log = logging.getLogger(__name__)

JOB = "anonymise"
_r = reservations.c


@dataclass(frozen=True)
class NightResult:
    night: date
    reservations: int
    message_records: int


@dataclass
class AnonymiseReport:
    nights: list[NightResult] = field(default_factory=list)
    skipped: list[date] = field(default_factory=list)  # done by someone else meanwhile
    rolled_up: int = 0  # days added to the usage roll-up (issue 8) after the anonymisation

    @property
    def reservations(self) -> int:
        return sum(n.reservations for n in self.nights)


def last_done(conn: Connection, job: str) -> date | None:
    """The newest night in the run log for ``job``."""
    value = conn.execute(select(func.max(privacy_runs.c.night)).where(privacy_runs.c.job == job)).scalar()
    if isinstance(value, str):  # SQLite without type affinity in an aggregate
        value = date.fromisoformat(value)
    return value


def claim_night(conn: Connection, job: str, night: date, now: datetime) -> bool:
    """Insert the run-log row (first statement of the night's transaction); False if done."""
    try:
        with conn.begin_nested():
            conn.execute(insert(privacy_runs).values(job=job, night=night, finished_at=now, counts="{}"))
        return True
    except IntegrityError:
        return False


def finish_night(conn: Connection, job: str, night: date, counts: dict[str, int]) -> None:
    conn.execute(update(privacy_runs).where(privacy_runs.c.job == job, privacy_runs.c.night == night)
                 .values(counts=json.dumps(counts, sort_keys=True)))


def _linked():  # type: ignore[no-untyped-def]
    return or_(_r.person_id.is_not(None), _r.booked_by_id.is_not(None), _r.source_message_id.is_not(None),
               _r.group_id.is_not(None))


def anonymise_night(engine: Engine, night: date, now: datetime, previous: date | None,
                    min_department_group: int = DEFAULT_MIN_DEPARTMENT_GROUP) -> NightResult | None:
    """Anonymise every reservation of ``night`` and earlier days still carrying a link (and
    every reservation of the days after ``previous``); None when the night was done before."""
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn, conn.begin():
        if not claim_night(conn, JOB, night, now):
            return None
        scope = _linked() if previous is None else or_(_linked(), _r.day > previous)
        rows = conn.execute(select(_r.id, _r.building_id, _r.day, _r.department, _r.checked_in_at,
                                   _r.checked_out_at, _r.source_message_id)
                            .where(_r.day <= night, scope)).all()
        sources = sorted({r.source_message_id for r in rows if r.source_message_id})
        coarse = coarsen([Row(r.id, r.building_id, r.day, r.department, r.checked_in_at, r.checked_out_at)
                          for r in rows], min_department_group)
        if coarse:
            conn.execute(
                update(reservations).where(_r.id == bindparam("rid")).values(
                    person_id=None, booked_by_id=None, source_message_id=None, group_id=None,
                    department=bindparam("dep"), created_at=bindparam("cre"),
                    checked_in_at=bindparam("cin"), checked_out_at=bindparam("cout")),
                [dict(rid=c.id, dep=c.department, cre=c.created_at, cin=c.checked_in_at, cout=c.checked_out_at)
                 for c in coarse])
        messages = _delete_message_records(conn, sources)
        # Replies recorded for any message up to the end of that day may describe its
        # reservations (e.g. a list of bookings); the message id is kept (a late retry is
        # still recognised and not processed again) but the answer is forgotten.
        end_of_day = datetime.combine(night + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
        blanked = conn.execute(update(handled_messages).where(handled_messages.c.created_at < end_of_day,
                                                              handled_messages.c.replies != "[]")
                               .values(replies="[]")).rowcount
        finish_night(conn, JOB, night, {"reservations": len(coarse), "message_records": messages,
                                        "replies_forgotten": blanked})
    return NightResult(night, len(coarse), messages)


def _delete_message_records(conn: Connection, sources: Sequence[str]) -> int:
    """The handled-message record and the idempotency key of each booking message."""
    removed = 0
    for i in range(0, len(sources), 500):
        chunk = list(sources[i:i + 500])
        removed += conn.execute(delete(handled_messages).where(handled_messages.c.message_key.in_(chunk))).rowcount
        removed += conn.execute(delete(idempotency_keys).where(idempotency_keys.c.key.in_(chunk))).rowcount
    return removed


def anonymise(engine: Engine, now: datetime, at: time = DEFAULT_RUN_AT,
              min_department_group: int = DEFAULT_MIN_DEPARTMENT_GROUP) -> AnonymiseReport:
    """Process every due night not yet done (catch-up), then truncate the SQLite WAL."""
    report = AnonymiseReport()
    with engine.connect() as conn:
        previous = last_done(conn, JOB)
    for night in nights_due(now, previous, at):
        result = anonymise_night(engine, night, now, previous, min_department_group)
        if result is None:
            report.skipped.append(night)
        else:
            report.nights.append(result)
        previous = night
    if report.nights:
        log.info("anonymised %d reservations over %d night(s)", report.reservations, len(report.nights))
    report.rolled_up = roll_up_anonymised(engine, now)
    if report.nights:
        truncate_wal(engine)
    return report


def roll_up_anonymised(engine: Engine, now: datetime) -> int:
    """The usage roll-up (``adapters.store.usage.roll_up``) of every anonymised day not rolled up
    yet: those days no longer change. Days rolled up; a failure is logged and retried the next
    night (it must not stop the other night jobs)."""
    from adapters.store.usage import roll_up

    try:
        with engine.connect() as conn:
            through = last_done(conn, JOB)
        if through is None:
            return 0
        return roll_up(engine, through, now).days
    except Exception as exc:  # noqa: BLE001 - reports fall back to the reservations meanwhile
        log.warning("usage roll-up failed: %s", type(exc).__name__)
        return 0


def pending(engine: Engine, now: datetime, at: time = DEFAULT_RUN_AT) -> int:
    """How many reservations the next run would anonymise (for ``--dry-run`` style reports)."""
    with engine.connect() as conn:
        previous = last_done(conn, JOB)
        due = nights_due(now, previous, at)
        if not due:
            return 0
        scope = _linked() if previous is None else or_(_linked(), _r.day > previous)
        return int(conn.execute(select(func.count()).select_from(reservations)
                                .where(and_(_r.day <= due[-1], scope))).scalar() or 0)


def truncate_wal(engine: Engine) -> bool:
    """SQLite: checkpoint the WAL into the database file and truncate it to zero bytes, so
    overwritten data does not linger in the ``-wal`` file. True when it completed (or not SQLite)."""
    if not is_sqlite(engine):
        return True
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.close()
    finally:
        raw.close()
    if busy:
        log.warning("WAL checkpoint could not complete (readers active); the next run retries")
    return not busy

"""Retention: a registry of data kinds, each knowing how to count and remove what is due.

The periods come from :class:`core.privacy.retention.RetentionTable` (settings with
defaults). A later feature plugs its data in with ONE line, e.g. the location-sharing
lookups::

    register(older_than("lookups", lookups_table.c.looked_up_at, period="lookups",
                        what="'who looked me up' records"))

and event-driven data (team membership when the team is gone) with :class:`DataKind` and
its own ``count_due``/``purge`` functions (``period=None``). Everything registered is
enforced by the night job (``bot.scheduler``) and by ``wms-bot retention``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy import Column, Connection, Engine, and_, delete, exists, func, or_, select, update

from adapters.store.engine import WRITE_OPTION
from adapters.store.people import erase_person
from adapters.store.tables import (
    audit_trail,
    conversation_state,
    handled_messages,
    idempotency_keys,
    people,
    reservations,
    theirs_or_booked,
)
from core.clock import local_today
from core.privacy.retention import RetentionTable, profile_cutoffs

log = logging.getLogger(__name__)

Counter = Callable[[Connection, datetime, RetentionTable], int]


@dataclass(frozen=True)
class DataKind:
    """One kind of personal or linkable data with its retention rule."""

    name: str
    what: str
    period: str | None          # a period name of the retention table; None: event-driven
    count_due: Counter
    purge: Counter


REGISTRY: dict[str, DataKind] = {}

PLUGINS = ("adapters.store.sharing",)
"""Modules that register their data kinds when imported; loaded before every run (a module
that does not exist yet is skipped). Add yours here, or import it before running."""


def load_plugins() -> None:
    import importlib

    for name in PLUGINS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    if "team_waitlist" not in REGISTRY:
        _register_team_kinds()


def _register_team_kinds() -> None:
    """The team feature's personal rows that outlive their use: waitlist wishes for past days.
    (Team membership goes with the team and the person: ON DELETE CASCADE.)"""
    try:
        from adapters.store.teams import team_waitlist
    except ImportError:
        return

    def past(now: datetime):  # type: ignore[no-untyped-def]
        return team_waitlist.c.day < local_today(now)

    register(DataKind(
        "team_waitlist", "waitlist wishes for days that have passed", None,
        lambda conn, now, t: int(conn.execute(select(func.count()).select_from(team_waitlist)
                                              .where(past(now))).scalar() or 0),
        lambda conn, now, t: int(conn.execute(delete(team_waitlist).where(past(now))).rowcount or 0)))


def register(kind: DataKind) -> DataKind:
    """Add (or replace) a data kind; returns it."""
    REGISTRY[kind.name] = kind
    return kind


def older_than(name: str, column: Column, *, period: str, what: str) -> DataKind:
    """A data kind whose rows are due when ``column`` (an aware-UTC timestamp) is older than
    the period: the common case."""
    table = column.table

    def count_due(conn: Connection, now: datetime, t: RetentionTable) -> int:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(column < t.cutoff(period, now))).scalar() or 0)

    def purge(conn: Connection, now: datetime, t: RetentionTable) -> int:
        return int(conn.execute(delete(table).where(column < t.cutoff(period, now))).rowcount or 0)

    return DataKind(name, what, period, count_due, purge)


# ---------------------------------------------------------------- built-in kinds

def _conversation_due(now: datetime, t: RetentionTable):  # type: ignore[no-untyped-def]
    c = conversation_state.c
    return or_(c.updated_at < t.cutoff("conversation_state", now), c.expires_at <= now)


register(DataKind(
    "conversation_state", "conversation state after the last message", "conversation_state",
    lambda conn, now, t: int(conn.execute(select(func.count()).select_from(conversation_state)
                                          .where(_conversation_due(now, t))).scalar() or 0),
    lambda conn, now, t: int(conn.execute(delete(conversation_state).where(_conversation_due(now, t))).rowcount or 0),
))
register(older_than("handled_messages", handled_messages.c.created_at, period="handled_messages",
                    what="handled-message ids and replies"))
register(older_than("idempotency_keys", idempotency_keys.c.created_at, period="idempotency_keys",
                    what="idempotency keys of booking messages"))
register(older_than("audit", audit_trail.c.at, period="audit", what="pseudonymous audit trail"))


def _has_future(today: date):  # type: ignore[no-untyped-def]
    r = reservations.c
    return exists().where(theirs_or_booked(people.c.id),
                          r.day >= today, r.status == "active")


def _profiles_due(now: datetime, t: RetentionTable):  # type: ignore[no-untyped-def]
    delete_before, _ = profile_cutoffs(t, now)
    notice_grace = now - t.period("profile_notice")
    p = people.c
    # A notice given late (e.g. after an outage) still gives the person the full notice period.
    return and_(p.last_active_at < delete_before,
                or_(p.notice_sent_at.is_(None), p.notice_sent_at <= notice_grace),
                ~_has_future(local_today(now)))


def _count_profiles(conn: Connection, now: datetime, t: RetentionTable) -> int:
    return int(conn.execute(select(func.count()).select_from(people).where(_profiles_due(now, t))).scalar() or 0)


def _purge_profiles(conn: Connection, now: datetime, t: RetentionTable) -> int:
    ids = list(conn.execute(select(people.c.id).where(_profiles_due(now, t))).scalars())
    for pid in ids:
        erase_person(conn, pid, local_today(now))
    return len(ids)


register(DataKind("profiles", "profiles without activity and without a future booking", "profiles",
                  _count_profiles, _purge_profiles))


# ---------------------------------------------------------------- notices

@dataclass(frozen=True)
class Notice:
    """A person to tell that their profile will be deleted on ``deadline`` unless they come back."""

    person_id: int
    external_id: str      # "<channel>:<stable id>": where a channel can reach them
    deadline: date


def due_notices(conn: Connection, now: datetime, t: RetentionTable) -> list[Notice]:
    """People whose inactivity notice is due and not given yet."""
    from adapters.store.people import SqlPeopleRepository

    delete_before, notice_before = profile_cutoffs(t, now)
    p = people.c
    rows = conn.execute(select(p.id, p.last_active_at).where(
        p.last_active_at < notice_before, p.notice_sent_at.is_(None), ~_has_future(local_today(now)))
        .order_by(p.id)).all()
    repo = SqlPeopleRepository(conn)
    out = []
    for row in rows:
        person = repo.get(row.id)
        if person is None:
            continue
        deadline = max(row.last_active_at + t.period("profiles"), now + t.period("profile_notice"))
        out.append(Notice(row.id, person.external_id, local_today(deadline)))
    return out


def mark_notified(conn: Connection, person_id: int, now: datetime) -> None:
    """Record that the notice reached the person (deletion then waits the notice period)."""
    conn.execute(update(people).where(people.c.id == person_id).values(notice_sent_at=now))


# ---------------------------------------------------------------- running

@dataclass(frozen=True)
class KindReport:
    name: str
    what: str
    due: int
    removed: int


def run_retention(engine: Engine, now: datetime, table: RetentionTable, *, dry_run: bool = False,
                  kinds: list[str] | None = None) -> list[KindReport]:
    """Count (and unless ``dry_run`` remove) what is due, per data kind, each kind in its own
    transaction (idempotent: a repeated run finds nothing more)."""
    load_plugins()
    reports = []
    for kind in [REGISTRY[k] for k in (kinds or list(REGISTRY))]:
        if dry_run:
            with engine.connect() as conn:
                reports.append(KindReport(kind.name, kind.what, kind.count_due(conn, now, table), 0))
            continue
        with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn, conn.begin():
            due = kind.count_due(conn, now, table)
            removed = kind.purge(conn, now, table) if due else 0
        reports.append(KindReport(kind.name, kind.what, due, removed))
    total = sum(r.removed for r in reports)
    if total:
        log.info("retention removed %d record(s)", total)
    return reports

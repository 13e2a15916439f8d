"""SQLAlchemy Core tables: the schema of the store (migrations in ``migrations/``).

Designed for national scale (100 buildings, 60,000 desks, ~13 million reservation rows):
integer keys for desks and reservations, unique indexes that make double bookings
impossible and double as the covering index of the hot query (active reservations of one
building and day).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    and_,
    or_,
    text,
    true,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC (same on every backend)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[override]
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


ACTIVE = text("status = 'active'")
"""A literal predicate: partial indexes are only used when the query repeats it literally."""

buildings = Table(
    "buildings", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("address", String(300), nullable=False),
    Column("city", String(100), nullable=False),
    Column("organisations", JSON, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("morning_start", Time, nullable=False),
    Column("morning_end", Time, nullable=False),
    Column("afternoon_start", Time, nullable=False),
    Column("afternoon_end", Time, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

building_hours = Table(
    "building_hours", metadata,
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("weekday", SmallInteger, nullable=False),
    Column("opens", Time, nullable=False),
    Column("closes", Time, nullable=False),
    PrimaryKeyConstraint("building_id", "weekday"),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
)

closures = Table(
    "closures", metadata,
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("reason", String(200)),
    PrimaryKeyConstraint("building_id", "day"),
)

floors = Table(
    "floors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("level", Integer, nullable=False),
    Column("name", String(100)),
    UniqueConstraint("building_id", "level"),
)

zones = Table(
    "zones", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("floor_id", Integer, ForeignKey("floors.id"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("name", String(100), nullable=False),
    Column("quiet", Boolean, nullable=False),
    UniqueConstraint("building_id", "code"),
)

desks = Table(
    "desks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("building_id", String(64), ForeignKey("buildings.id"), nullable=False),
    Column("zone_id", Integer, ForeignKey("zones.id"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("sit_stand", Boolean, nullable=False),
    Column("screens", SmallInteger, nullable=False),
    Column("accessible", Boolean, nullable=False),
    Column("in_use", Boolean, nullable=False, server_default=true()),  # false: removed by an import
    UniqueConstraint("building_id", "code"),
    CheckConstraint("screens IN (1, 2)", name="screens"),
)

desk_neighbours = Table(
    "desk_neighbours", metadata,
    Column("desk_id", Integer, ForeignKey("desks.id", ondelete="CASCADE"), nullable=False),
    Column("neighbour_id", Integer, ForeignKey("desks.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("desk_id", "neighbour_id"),
)

catalogue_meta = Table(
    "catalogue_meta", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Personal data lives only in this table (see docs/privacy.md): name, e-mail, phone, department.
people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", String(255), nullable=False, unique=True),
    # Text, not sized strings: the privacy work stores these encrypted (longer than the plaintext).
    Column("name", Text),
    Column("email", Text),
    Column("phone", Text),
    Column("department", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_active_at", UTCDateTime, nullable=False),
    # Privacy (adapters/store/people.py, docs/privacy.md): ``external_id`` holds a keyed hash
    # of the channel id, ``external_id_enc`` the channel id encrypted (to reach the person);
    # ``audit_salt`` makes the pseudonymous audit actor, unlinkable once the row is deleted;
    # ``notice_sent_at``: when the inactivity notice was given (retention).
    Column("external_id_enc", Text),
    Column("audit_salt", String(64)),
    Column("notice_sent_at", UTCDateTime),
    # Keyed hashes (HMAC) of the normalised name and e-mail address: finding a colleague by full
    # name or address without decrypting everyone's profile (migration 0009).
    Column("name_hash", String(80), index=True),
    Column("email_hash", String(80), index=True),
)

reservations = Table(
    "reservations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("desk_id", Integer, ForeignKey("desks.id"), nullable=False),
    Column("building_id", String(64), ForeignKey("buildings.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("part", String(9), nullable=False),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("booked_by_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("department", String(200)),
    Column("group_id", String(32)),
    Column("source_message_id", String(255)),
    Column("status", String(9), nullable=False, server_default="active"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("checked_in_at", UTCDateTime),
    Column("checked_out_at", UTCDateTime),
    CheckConstraint("part IN ('morning', 'afternoon')", name="part"),
    # ORs, not IN: on SQLite an IN list of three constants builds a temporary b-tree on every
    # INSERT (migration 0011). The same meaning.
    CheckConstraint("status = 'active' OR status = 'cancelled' OR status = 'released'", name="status"),
    # Only rows booked for someone else or for nobody (open seats): a person's own bookings
    # (booked_by_id = person_id) are found through uq_reservations_person_day (migration 0011).
    # A query must repeat the predicate to use it: see booked_by() and booked_for_others().
    Index("ix_reservations_booked_by", "booked_by_id",
          sqlite_where=text("booked_by_id IS NOT NULL AND person_id IS NOT booked_by_id"),
          postgresql_where=text("booked_by_id IS NOT NULL AND person_id IS DISTINCT FROM booked_by_id")),
    Index("ix_reservations_group", "group_id",
          sqlite_where=text("group_id IS NOT NULL"), postgresql_where=text("group_id IS NOT NULL")),
)

# The database makes double bookings impossible, with as few index entries per row as can do
# it (every booking writes each; migration 0010). The last key is 0 for an active row and the
# row's own id otherwise: unique among active rows, never colliding for cancelled or released ones.
KEEP_ACTIVE_UNIQUE = text("(CASE WHEN status = 'active' THEN 0 ELSE id END)")
# One active row per desk, day and part (a desk is in one building). Leading with the day: the
# day-range queries (reports, anonymisation, retention) and, with the building, the hot query,
# index-only (active desks and parts of one building and day).
Index("uq_reservations_day_desk", reservations.c.day, reservations.c.building_id, reservations.c.desk_id,
      reservations.c.part, reservations.c.status, KEEP_ACTIVE_UNIQUE, unique=True)
# One active row per person, day and part; and every row of a person (export, erasure, upcoming).
Index("uq_reservations_person_day", reservations.c.person_id, reservations.c.day, reservations.c.part,
      KEEP_ACTIVE_UNIQUE, unique=True,
      sqlite_where=text("person_id IS NOT NULL"), postgresql_where=text("person_id IS NOT NULL"))
EXPRESSION_INDEXES = ("uq_reservations_day_desk", "uq_reservations_person_day")
"""Indexes on an expression: Alembic's autogenerate cannot compare them (the schema test does)."""


def booked_for_others(person: Any) -> ColumnElement[bool]:
    """Rows booked by ``person`` (a value, bind parameter or column) for someone else or for
    nobody (open seats): exactly the rows of the partial index ``ix_reservations_booked_by``,
    with its predicate spelled out so SQLite and PostgreSQL can use it (``IS NOT`` on SQLite,
    ``IS DISTINCT FROM`` on PostgreSQL)."""
    r = reservations.c
    return and_(r.booked_by_id == person, r.person_id.is_distinct_from(r.booked_by_id))


def booked_by(person: Any) -> ColumnElement[bool]:
    """Every row booked by ``person``, through the indexes: their own bookings through the
    person index, the others through the partial booked_by index. The same rows as
    ``booked_by_id = person``, which no index serves any more."""
    r = reservations.c
    return or_(and_(r.person_id == person, r.booked_by_id == person), booked_for_others(person))


def theirs_or_booked(person: Any) -> ColumnElement[bool]:
    """The rows that are ``person``'s (whoever booked them) and the rows they booked for someone
    else or nobody, each part through its index (export, erasure, retention)."""
    return or_(reservations.c.person_id == person, booked_for_others(person))


# A chat message that booked: claimed in the same transaction as its reservations.
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("key", String(255), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

conversation_state = Table(
    "conversation_state", metadata,
    Column("key", String(255), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

handled_messages = Table(
    "handled_messages", metadata,
    Column("message_key", String(255), primary_key=True),
    Column("replies", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

# Privacy night jobs: one row per (job, night) done; inserted in the same transaction as the
# work, so a night is done exactly once, and an interrupted run leaves no row.
privacy_runs = Table(
    "privacy_runs", metadata,
    Column("job", String(32), nullable=False),
    Column("night", Date, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("counts", Text, nullable=False),
    PrimaryKeyConstraint("job", "night"),
)

# Usage roll-up (issue 8): anonymous daily counts per building, day, part of the day, zone and
# desk kind (screens, sit-stand), built by the night job for days that can no longer change
# (see adapters/store/usage.py, docs/reports.md). No person-level column: counts only.
# Reports read it for rolled-up days and ``reservations`` for the rest.
usage_rollup = Table(
    "usage_rollup", metadata,
    Column("building_id", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("part", String(9), nullable=False),
    Column("zone_id", Integer, nullable=False),
    Column("screens", SmallInteger, nullable=False),
    Column("sit_stand", Boolean, nullable=False),
    Column("reserved", Integer, nullable=False),      # active + released
    Column("checked_in", Integer, nullable=False),    # active and checked in
    Column("released", Integer, nullable=False),
    Column("no_shows", Integer, nullable=False),      # active, never checked in (the day is past)
    Column("stay_minutes", Float, nullable=False),    # summed minutes of stays with check-in and -out
    Column("stays", Integer, nullable=False),         # how many such stays
    PrimaryKeyConstraint("building_id", "day", "part", "zone_id", "screens", "sit_stand"),
    Index("ix_usage_rollup_day", "day"),
    sqlite_with_rowid=False,
)

# One row per rolled-up day (in the same transaction as its roll-up rows): days up to the
# newest one here are read from ``usage_rollup``.
usage_rollup_days = Table(
    "usage_rollup_days", metadata,
    Column("day", Date, primary_key=True),
    Column("rolled_at", UTCDateTime, nullable=False),
    Column("reservations", Integer, nullable=False),  # reservation rows counted (all statuses)
)


# The pseudonymous security audit trail: ``actor`` is HMAC(hash key, the person's audit salt),
# so it cannot be linked to anyone once the person's row (and salt) is deleted.
audit_trail = Table(
    "audit_trail", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(64), nullable=False),
)


def load_all_tables() -> MetaData:
    """``metadata`` with the tables of every store module (some define theirs next to their code)."""
    import importlib
    import pkgutil

    import adapters.store as store

    for module in pkgutil.iter_modules(store.__path__):
        if module.name != "migrations":
            importlib.import_module(f"adapters.store.{module.name}")
    return metadata

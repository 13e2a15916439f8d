"""Location sharing and the rights in chat, in the store.

Tables (on the shared ``metadata``; migration ``0003``):

- ``sharing_grants``: who lets whom see where they sit (``scope`` person/team/everyone;
  ``viewer_id`` only for a named colleague). Deleted when either person is erased (foreign
  keys ``ON DELETE CASCADE`` as well as explicitly), or when the sharer stops.
- ``location_lookups``: "who looked me up": viewer, sharer, time; kept 7 days (retention kind
  ``lookups``), deleted with either person. Only lookups of a sharer who shares with the
  viewer are recorded (nothing is recorded about people who don't share).
- ``privacy_restrictions``: a paused person (restriction of processing) and since when.

:class:`SqlPrivacyStore` implements :class:`core.privacy.sharing.SharingPort` and
:class:`core.privacy.rights.RightsPort`; :class:`RoomTeams` is the interim
:class:`core.privacy.sharing.TeamPort` (the members of the room the message came from).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import (
    bindparam,
    CheckConstraint,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
)

from adapters.store.crypto import cipher_for
from adapters.store.engine import WRITE_OPTION, fetch_one, read_when
from adapters.store.people import (
    SqlPeopleRepository,
    erase_person,
    export_person,
    find_by_name_or_email,
    find_person_id,
    record_audit,
    update_profile,
)
from adapters.store.retention import older_than, register
from adapters.store.tables import UTCDateTime, metadata, people
from core.clock import local_today
from core.privacy.rights import ErasureReport, Rectification, export_document
from core.privacy.sharing import (
    LOOKUP_LOG_DAYS,
    Grant,
    Lookup,
    Scope,
    normalise_name,
)

sharing_grants = Table(
    "sharing_grants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sharer_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("scope", String(8), nullable=False, index=True),
    Column("viewer_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("scope IN ('person', 'team', 'everyone')", name="scope"),
    CheckConstraint("(scope = 'person') = (viewer_id IS NOT NULL)", name="viewer"),
)

location_lookups = Table(
    "location_lookups", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sharer_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("viewer_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("looked_up_at", UTCDateTime, nullable=False, index=True),
)

privacy_restrictions = Table(
    "privacy_restrictions", metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("since", UTCDateTime, nullable=False),
)

# The "who looked me up" records are due after the retention period (default 7 days).
register(older_than("lookups", location_lookups.c.looked_up_at, period="lookups",
                    what="'who looked me up' records (location sharing)"))

PERSONAL_COLUMNS = {
    "sharing_grants": ("sharer_id", "viewer_id", "created_at"),
    "location_lookups": ("sharer_id", "viewer_id", "looked_up_at"),
    "privacy_restrictions": ("person_id", "since"),
}
"""Columns that link to a person (for the data inventory in docs/privacy.md)."""


def erase_sharing(conn: Connection, person_id: int) -> tuple[int, int]:
    """Delete every grant and lookup record the person is on either side of, and their
    restriction flag; returns (grants, lookups). For the erasure and the retention job."""
    g, lk = sharing_grants.c, location_lookups.c
    grants = conn.execute(delete(sharing_grants).where(or_(g.sharer_id == person_id, g.viewer_id == person_id))).rowcount
    lookups = conn.execute(delete(location_lookups).where(or_(lk.sharer_id == person_id,
                                                              lk.viewer_id == person_id))).rowcount
    conn.execute(delete(privacy_restrictions).where(privacy_restrictions.c.person_id == person_id))
    return int(grants or 0), int(lookups or 0)


_PAUSED_SINCE = select(privacy_restrictions.c.since).where(privacy_restrictions.c.person_id == bindparam("pid"))
_D_PAUSED_SINCE = "SELECT since FROM privacy_restrictions WHERE person_id = ?"
"""Asked on every turn (the privacy hook): built once, not per call."""


class SqlPrivacyStore:
    """Sharing grants, the lookup log, restriction, export, rectification and erasure."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._on_driver = engine.dialect.name == "sqlite"

    # ------------------------------------------------------------------ sharing
    def grants_of(self, sharer_id: int) -> tuple[Grant, ...]:
        g = sharing_grants.c
        with self._engine.connect() as conn:
            rows = conn.execute(select(g.sharer_id, g.scope, g.viewer_id).where(g.sharer_id == sharer_id)
                                .order_by(g.id)).all()
        return tuple(Grant(r.sharer_id, r.scope, r.viewer_id) for r in rows)

    def grant(self, sharer_id: int, scope: Scope, viewer_id: int | None, now: datetime) -> bool:
        g = sharing_grants.c
        viewer = viewer_id if scope == "person" else None
        with self._writer.connect() as conn, conn.begin():
            same = select(g.id).where(g.sharer_id == sharer_id, g.scope == scope,
                                      g.viewer_id == viewer if viewer is not None else g.viewer_id.is_(None))
            if conn.execute(same).first() is not None:
                return False
            conn.execute(insert(sharing_grants).values(sharer_id=sharer_id, scope=scope, viewer_id=viewer,
                                                       created_at=now))
            record_audit(conn, sharer_id, f"share_{scope}", now)
        return True

    def revoke(self, sharer_id: int, scope: Scope | None = None, viewer_id: int | None = None) -> int:
        g = sharing_grants.c
        cond = [g.sharer_id == sharer_id]
        if scope is not None:
            cond.append(g.scope == scope)
        if viewer_id is not None:
            cond.append(g.viewer_id == viewer_id)
        with self._writer.connect() as conn, conn.begin():
            return int(conn.execute(delete(sharing_grants).where(*cond)).rowcount or 0)

    def sharers_for(self, viewer_id: int) -> tuple[Grant, ...]:
        g = sharing_grants.c
        paused = select(privacy_restrictions.c.person_id)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(g.sharer_id, g.scope, g.viewer_id)
                .where(g.sharer_id != viewer_id, g.sharer_id.not_in(paused),
                       or_(g.scope.in_(("everyone", "team")), g.viewer_id == viewer_id))
                .order_by(g.sharer_id, g.id)).all()
        return tuple(Grant(r.sharer_id, r.scope, r.viewer_id) for r in rows)

    def names(self, person_ids: Iterable[int]) -> dict[int, str | None]:
        ids = sorted({int(p) for p in person_ids})
        out: dict[int, str | None] = {}
        with self._engine.connect() as conn:
            cipher = cipher_for(conn)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for row in conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(chunk))).all():
                    try:
                        out[int(row.id)] = cipher.decrypt(row.name, "name")
                    except ValueError:
                        out[int(row.id)] = None  # under a key that is not configured: no name
        return out

    def find_people(self, name_or_email: str) -> tuple[int, ...]:
        # Granting needs the full name or the address: found through their keyed hashes.
        wanted = name_or_email.strip()
        if not wanted:
            return ()
        with self._engine.connect() as conn:
            return tuple(find_by_name_or_email(conn, wanted))

    def log_lookup(self, sharer_id: int, viewer_id: int, now: datetime) -> None:
        with self._writer.connect() as conn, conn.begin():
            conn.execute(insert(location_lookups).values(sharer_id=sharer_id, viewer_id=viewer_id, looked_up_at=now))

    def lookups_of(self, sharer_id: int, since: datetime) -> tuple[Lookup, ...]:
        lk = location_lookups.c
        with self._engine.connect() as conn:
            rows = conn.execute(select(lk.viewer_id, lk.looked_up_at)
                                .where(lk.sharer_id == sharer_id, lk.looked_up_at >= since)
                                .order_by(lk.looked_up_at.desc())).all()
        names = self.names(r.viewer_id for r in rows)
        return tuple(Lookup(names.get(r.viewer_id), r.looked_up_at) for r in rows)

    def person_for(self, user_key: str) -> int | None:
        with self._engine.connect() as conn:
            return find_person_id(conn, user_key)

    def person_ids(self, user_keys: Iterable[str]) -> dict[str, int]:
        keys = list(dict.fromkeys(k for k in user_keys if isinstance(k, str) and 0 < len(k) <= 255))[:1000]
        if not keys:
            return {}
        out: dict[str, int] = {}
        with self._engine.connect() as conn:
            cipher = cipher_for(conn)
            # One query: the keyed hash of each key, and the key itself (rows from before encryption).
            wanted: dict[str, str] = {}
            for key in keys:
                wanted.setdefault(cipher.lookup_hash(key), key)
                wanted.setdefault(key, key)
            found = conn.execute(select(people.c.id, people.c.external_id)
                                 .where(people.c.external_id.in_(sorted(wanted)))).all()
        for row in found:
            out.setdefault(wanted[row.external_id], int(row.id))
        return out

    # ------------------------------------------------------------------ restriction
    def paused_since(self, person_id: int) -> datetime | None:
        if self._on_driver:
            row = fetch_one(self._engine, _D_PAUSED_SINCE, (person_id,))  # asked on every turn
            return read_when(row[0]) if row else None
        with self._engine.connect() as conn:
            return conn.execute(_PAUSED_SINCE, {"pid": person_id}).scalar()

    def pause(self, person_id: int, now: datetime) -> bool:
        with self._writer.connect() as conn, conn.begin():
            if conn.execute(select(privacy_restrictions.c.person_id)
                            .where(privacy_restrictions.c.person_id == person_id)).first() is not None:
                return False
            if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
                return False
            conn.execute(insert(privacy_restrictions).values(person_id=person_id, since=now))
            record_audit(conn, person_id, "restrict", now)
        return True

    def resume(self, person_id: int) -> bool:
        with self._writer.connect() as conn, conn.begin():
            done = conn.execute(delete(privacy_restrictions)
                                .where(privacy_restrictions.c.person_id == person_id)).rowcount
        return bool(done)

    # ------------------------------------------------------------------ rights
    def current(self, person_id: int, field_name: str) -> str | None:
        with self._engine.connect() as conn:
            person = SqlPeopleRepository(conn).get(person_id)
        return getattr(person, field_name, None) if person is not None else None

    def rectify(self, person_id: int, change: Rectification, now: datetime) -> bool:
        with self._writer.connect() as conn, conn.begin():
            done = update_profile(conn, person_id, now, **{change.field: change.value})
            if done:
                record_audit(conn, person_id, f"rectify_{change.field}", now)
        return done

    def erasure_counts(self, person_id: int, now: datetime) -> dict[str, int]:
        from adapters.store.tables import reservations, theirs_or_booked

        r, g, lk = reservations.c, sharing_grants.c, location_lookups.c
        today = local_today(now)
        with self._engine.connect() as conn:
            future = conn.execute(select(func.count()).select_from(reservations).where(
                theirs_or_booked(person_id), r.day >= today,
                r.status == "active")).scalar() or 0
            grants = conn.execute(select(func.count()).select_from(sharing_grants).where(
                or_(g.sharer_id == person_id, g.viewer_id == person_id))).scalar() or 0
            lookups = conn.execute(select(func.count()).select_from(location_lookups).where(
                or_(lk.sharer_id == person_id, lk.viewer_id == person_id))).scalar() or 0
        return {"future_reservations": int(future), "grants": int(grants), "lookups": int(lookups)}

    def erase(self, person_id: int, now: datetime) -> ErasureReport:
        with self._writer.connect() as conn, conn.begin():
            grants, lookups = erase_sharing(conn, person_id)
            erased = erase_person(conn, person_id, local_today(now))
            if erased.person:
                record_audit(conn, None, "erase", now)
        return ErasureReport(profile=erased.person, future_reservations=erased.future_reservations,
                             past_reservations_unlinked=erased.past_reservations_unlinked, grants=grants,
                             lookups=lookups, conversation_states=erased.conversation_states)

    def export(self, person_id: int, now: datetime) -> dict[str, Any] | None:
        g, lk = sharing_grants.c, location_lookups.c
        since = now - timedelta(days=LOOKUP_LOG_DAYS)
        with self._engine.connect() as conn:
            base = export_person(conn, person_id)
            if base is None:
                return None
            grants = conn.execute(select(g.scope, g.viewer_id, g.created_at).where(g.sharer_id == person_id)
                                  .order_by(g.id)).all()
            of_me = conn.execute(select(lk.viewer_id, lk.looked_up_at).where(
                lk.sharer_id == person_id, lk.looked_up_at >= since).order_by(lk.looked_up_at)).all()
            by_me = conn.execute(select(lk.sharer_id, lk.looked_up_at).where(
                lk.viewer_id == person_id, lk.looked_up_at >= since).order_by(lk.looked_up_at)).all()
            paused = conn.execute(select(privacy_restrictions.c.since)
                                  .where(privacy_restrictions.c.person_id == person_id)).scalar()
            record_audit(conn, person_id, "export", now)
            conn.commit()
        names = self.names([r.viewer_id for r in grants if r.viewer_id] + [r.viewer_id for r in of_me]
                           + [r.sharer_id for r in by_me])
        shares = {
            "everyone": any(r.scope == "everyone" for r in grants),
            "team": any(r.scope == "team" for r in grants),
            "colleagues": [{"name": names.get(r.viewer_id), "since": r.created_at.isoformat()}
                           for r in grants if r.scope == "person"],
        }
        return export_document(
            profile_and_bookings=base, shares=shares,
            lookups_of_me=[{"by": names.get(r.viewer_id), "at": r.looked_up_at.isoformat()} for r in of_me],
            my_lookups=[{"of": names.get(r.sharer_id), "at": r.looked_up_at.isoformat()} for r in by_me],
            paused_since=paused, generated_at=now)


class RoomTeams:
    """Interim :class:`~core.privacy.sharing.TeamPort`: a person's team is whoever is in the
    room the message came from (Matrix room members / Teams team roster) and known to the bot.

    In a one-to-one chat the team is empty; the team engineer's managed teams replace this.
    """

    def __init__(self, store: SqlPrivacyStore) -> None:
        self._store = store

    def team_of(self, person_id: int, room_members: tuple[str, ...]) -> frozenset[int]:
        members = set(self._store.person_ids(room_members).values())
        if person_id not in members:
            return frozenset()  # a room the person is not in is not their team
        return frozenset(members - {person_id})


__all__ = ["PERSONAL_COLUMNS", "RoomTeams", "SqlPrivacyStore", "erase_sharing", "location_lookups",
           "normalise_name", "privacy_restrictions", "sharing_grants"]

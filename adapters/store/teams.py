"""The team feature's store (issue 7): managed teams, open-seat claims, the waitlist,
reminder opt-ins and the notices the team jobs send.

Open seats of a group booking are reservations with ``person_id`` NULL and a ``group_id``
(the booking service makes them); a claim sets the person on exactly those rows with one
conditional UPDATE, so two claims of the last seat cannot both win. Every row here refers
to ``people`` with ON DELETE CASCADE: an erasure takes teams led by the person, their
memberships, waitlist wishes, reminder opt-in and unsent notices with it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import (
    bindparam,
    JSON,
    Boolean,
    Column,
    Date,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.store.engine import WRITE_OPTION, fetch_one
from adapters.store.people import SqlPeopleRepository, find_by_name_or_email, find_person_id
from adapters.store.tables import UTCDateTime, booked_by, desks, metadata, reservations
from core.booking.model import ReservationStatus
from core.i18n import LANGS
from core.privacy.sharing import looks_like_email, loose_match
from core.teams.model import Claim, ClaimResult, Notice, Poll, Released, Seat, SeatState, SeatStatus, Team, WaitEntry

log = logging.getLogger(__name__)

teams = Table(
    "teams", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

team_members = Table(
    "team_members", metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("added_at", UTCDateTime, nullable=False),
)

team_waitlist = Table(
    "team_waitlist", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False, index=True),
    Column("part", String(9)),
    Column("features", JSON, nullable=False),
    Column("auto_book", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("lang", String(2), nullable=False, server_default="nl"),
    UniqueConstraint("person_id", "building_id", "day"),
)

team_reminders = Table(
    "team_reminders", metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("since", UTCDateTime, nullable=False),
    Column("last_day", Date),
    Column("lang", String(2), nullable=False, server_default="nl"),
)

team_notices = Table(
    "team_notices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("body", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

team_polls = Table(
    "team_polls", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organiser_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("building_id", String(64), ForeignKey("buildings.id", ondelete="CASCADE"), nullable=False),
    Column("days", JSON, nullable=False),
    Column("members", JSON, nullable=False),
    Column("lang", String(2), nullable=False),
    Column("deadline", UTCDateTime, nullable=False, index=True),
    Column("status", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

team_poll_votes = Table(
    "team_poll_votes", metadata,
    Column("poll_id", Integer, ForeignKey("team_polls.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("option", Integer, nullable=False),
    Column("voted_at", UTCDateTime, nullable=False),
)

team_groups = Table(
    "team_groups", metadata,
    Column("group_id", String(32), primary_key=True),
    Column("booked_by_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("lang", String(2), nullable=False),
    Column("last_day", Date, nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)
"""A group booking made for a team: the language of the conversation it was booked in (the
booker's notices about it, e.g. released seats, are said in it). Kept until its last day."""

team_seat_accepts = Table(
    "team_seat_accepts", metadata,
    Column("group_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True, index=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("accepted_at", UTCDateTime, nullable=False),
)
"""A member accepted their seat of a group booking on a day (a claim is an acceptance too);
declining is cancelling the seat. Kept until the day has passed."""

PERSONAL_COLUMNS = {
    "teams": ("owner_id", "created_at"),
    "team_members": ("team_id", "person_id", "added_at"),
    "team_waitlist": ("person_id", "building_id", "day", "part", "features", "auto_book", "created_at",
                      "lang"),
    "team_reminders": ("person_id", "since", "last_day", "lang"),
    "team_notices": ("person_id", "body", "created_at"),
    "team_polls": ("organiser_id", "members", "created_at"),
    "team_poll_votes": ("poll_id", "person_id", "option", "voted_at"),
    "team_groups": ("group_id", "booked_by_id", "lang", "last_day", "created_at"),
    "team_seat_accepts": ("group_id", "day", "person_id", "accepted_at"),
}
"""Every column here is linked to a person (docs/privacy.md inventory)."""

_ACTIVE = ReservationStatus.ACTIVE.value
_CANCELLED = ReservationStatus.CANCELLED.value
_RELEASED = ReservationStatus.RELEASED.value


def _lang(value: Any) -> str:
    """A stored language: one the bot speaks, else Dutch."""
    return value if value in LANGS else "nl"



# Has the person booked for a group from this day on (any status): their own seat through the
# person index, the others' and the open seats through the partial booked_by index (its
# predicate spelled out: see tables.booked_by).
_ANY_GROUP_BOOKING = (select(reservations.c.id)
                      .where(booked_by(bindparam("b")), reservations.c.group_id.is_not(None),
                             reservations.c.day >= bindparam("d"))
                      .limit(1))
_D_ANY_GROUP_BOOKING = ("SELECT 1 FROM reservations WHERE person_id = ? AND booked_by_id = ? AND day >= ? "
                        "AND group_id IS NOT NULL "
                        "UNION ALL SELECT 1 FROM reservations WHERE booked_by_id = ? AND person_id IS NOT booked_by_id "
                        "AND group_id IS NOT NULL AND day >= ? LIMIT 1")

class SqlTeamStore:
    """:class:`core.teams.ports.TeamStore` on SQLAlchemy; also the privacy
    :class:`~core.privacy.sharing.TeamPort` (``team_of``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    # ------------------------------------------------------------------ teams
    def team_for(self, person_id: int) -> Team | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(teams.c.id, teams.c.owner_id).where(teams.c.owner_id == person_id)).first()
            if row is None:
                row = conn.execute(
                    select(teams.c.id, teams.c.owner_id).join(team_members, team_members.c.team_id == teams.c.id)
                    .where(team_members.c.person_id == person_id).order_by(teams.c.id).limit(1)).first()
            if row is None:
                return None
            members = conn.execute(select(team_members.c.person_id).where(team_members.c.team_id == row.id)
                                   .order_by(team_members.c.added_at, team_members.c.person_id)).scalars().all()
            return Team(id=int(row.id), owner_id=int(row.owner_id), members=tuple(int(m) for m in members))

    def team_of(self, person_id: int, room_members: tuple[str, ...]) -> frozenset[int]:
        """Privacy ``TeamPort``: the managed team (lead and members), else the room's known members."""
        team = self.team_for(person_id)
        if team is not None:
            return frozenset(set(team.everyone()) - {person_id})
        ids = set(self.person_ids(room_members).values())
        if person_id not in ids:
            return frozenset()
        return frozenset(ids - {person_id})

    def add_member(self, owner_id: int, member_id: int, now: datetime) -> bool:
        if owner_id == member_id:
            return False
        with self._writer.connect() as conn, conn.begin():
            team_id = conn.execute(select(teams.c.id).where(teams.c.owner_id == owner_id)).scalar()
            if team_id is None:
                team_id = conn.execute(insert(teams).values(owner_id=owner_id, created_at=now)).inserted_primary_key[0]
            known = conn.execute(select(team_members.c.person_id).where(
                team_members.c.team_id == team_id, team_members.c.person_id == member_id)).first()
            if known is not None:
                return False
            conn.execute(insert(team_members).values(team_id=team_id, person_id=member_id, added_at=now))
            return True

    def remove_member(self, owner_id: int, member_id: int) -> bool:
        with self._writer.connect() as conn, conn.begin():
            team_id = conn.execute(select(teams.c.id).where(teams.c.owner_id == owner_id)).scalar()
            if team_id is None:
                return False
            gone = conn.execute(delete(team_members).where(
                team_members.c.team_id == team_id, team_members.c.person_id == member_id)).rowcount
            if not conn.execute(select(team_members.c.person_id).where(team_members.c.team_id == team_id)).first():
                conn.execute(delete(teams).where(teams.c.id == team_id))  # an empty team is gone
            return bool(gone)

    def find_people(self, name_or_email: str, among: Iterable[int] = ()) -> tuple[int, ...]:
        """The full name or address among everyone (keyed hash); else a first name or surname
        among ``among`` (the asker's team), which are the only profiles decrypted."""
        wanted = (name_or_email or "").strip()
        if not wanted:
            return ()
        with self._engine.connect() as conn:
            exact = find_by_name_or_email(conn, wanted)
        if exact or looks_like_email(wanted):
            return tuple(exact)
        near = sorted(set(among))
        return tuple(pid for pid, name in self.names(near).items() if loose_match(wanted, name)) if near else ()

    def names(self, person_ids: Iterable[int]) -> dict[int, str | None]:
        out: dict[int, str | None] = {}
        with self._engine.connect() as conn:
            repo = SqlPeopleRepository(conn)
            for pid in sorted(set(person_ids)):
                person = repo.get(pid)
                if person is not None:
                    out[pid] = person.name
        return out

    def person_ids(self, user_keys: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._engine.connect() as conn:
            for key in list(dict.fromkeys(k for k in user_keys if isinstance(k, str) and k))[:500]:
                pid = find_person_id(conn, key)
                if pid is not None:
                    out[key] = pid
        return out

    def external_id(self, person_id: int) -> str | None:
        with self._engine.connect() as conn:
            person = SqlPeopleRepository(conn).get(person_id)
            return person.external_id if person is not None else None

    # ------------------------------------------------------------------ open seats
    def _seats(self, conn: Any, where: Any) -> tuple[Seat, ...]:
        r = reservations.c
        rows = conn.execute(select(r.id, r.group_id, r.desk_id, r.building_id, r.day, r.booked_by_id, r.person_id,
                                   desks.c.code).join(desks, desks.c.id == r.desk_id)
                            .where(where).order_by(r.day, desks.c.code, r.id)).all()
        seats: dict[tuple[str, int, date], list[Any]] = {}
        for row in rows:
            seats.setdefault((row.group_id, row.desk_id, row.day), []).append(row)
        return tuple(Seat(group_id=g, desk_id=str(d), desk_code=rs[0].code, building_id=rs[0].building_id, day=day,
                          booked_by_id=rs[0].booked_by_id, holder_id=rs[0].person_id,
                          reservation_ids=tuple(int(x.id) for x in rs))
                     for (g, d, day), rs in seats.items())

    def open_seats(self, booker_ids: Iterable[int], from_day: date) -> tuple[Seat, ...]:
        ids = sorted(set(booker_ids))
        if not ids:
            return ()
        r = reservations.c
        with self._engine.connect() as conn:
            # open seats are booked for nobody: all in the partial booked_by index
            return self._seats(conn, and_(r.person_id.is_(None), r.group_id.is_not(None), r.status == _ACTIVE,
                                          r.day >= from_day, r.booked_by_id.in_(ids),
                                          r.person_id.is_distinct_from(r.booked_by_id)))

    def claim(self, person_id: int, seat: Seat, now: datetime) -> ClaimResult:
        r = reservations.c
        try:
            with self._writer.connect() as conn, conn.begin():
                held = conn.execute(select(r.id).where(r.person_id == person_id, r.day == seat.day,
                                                       r.status == _ACTIVE)).first()
                if held is not None:
                    return ClaimResult(Claim.ALREADY_SEATED, seat)
                done = conn.execute(update(reservations).where(
                    r.id.in_(seat.reservation_ids), r.person_id.is_(None), r.status == _ACTIVE)
                    .values(person_id=person_id)).rowcount
                if done != len(seat.reservation_ids):
                    conn.rollback()
                    return ClaimResult(Claim.TAKEN, seat)
            return ClaimResult(Claim.CLAIMED, replace(seat, holder_id=person_id))
        except IntegrityError:  # the person got a desk that day in between
            return ClaimResult(Claim.ALREADY_SEATED, seat)
        except Exception as exc:
            log.error("claim failed: %s", type(exc).__name__)
            return ClaimResult(Claim.UNAVAILABLE, seat)

    def release_open_seats(self, through: date, now: datetime) -> tuple[Released, ...]:
        r = reservations.c
        with self._writer.connect() as conn, conn.begin():
            seats = self._seats(conn, and_(r.person_id.is_(None), r.group_id.is_not(None), r.status == _ACTIVE,
                                           r.day <= through))
            ids = [i for s in seats for i in s.reservation_ids]
            for start in range(0, len(ids), 500):
                conn.execute(update(reservations).where(r.id.in_(ids[start:start + 500]), r.person_id.is_(None),
                                                        r.status == _ACTIVE)
                             .values(status=ReservationStatus.RELEASED.value))
        grouped: dict[tuple[int, str, str, date], int] = {}
        for s in seats:
            if s.booked_by_id is not None:
                key = (s.booked_by_id, s.group_id, s.building_id, s.day)
                grouped[key] = grouped.get(key, 0) + 1
        return tuple(Released(booked_by_id=b, group_id=g, building_id=bid, day=d, seats=n)
                     for (b, g, bid, d), n in sorted(grouped.items(), key=lambda kv: (kv[0][3], kv[0][1])))

    # ------------------------------------------------------------------ seats of group bookings
    def record_group(self, group_id: str, booked_by_id: int, lang: str, last_day: date, now: datetime) -> None:
        """Remember a team's group booking: the language it was booked in (the booker's notices
        about it speak it) until its last day. A group already known is left as it is."""
        g = team_groups.c
        with self._writer.connect() as conn, conn.begin():
            if conn.execute(select(g.group_id).where(g.group_id == group_id)).first() is None:
                conn.execute(insert(team_groups).values(group_id=group_id, booked_by_id=booked_by_id,
                                                        lang=_lang(lang), last_day=last_day, created_at=now))

    def group_langs(self, group_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted({g for g in group_ids if g})
        if not ids:
            return {}
        g = team_groups.c
        with self._engine.connect() as conn:
            return {str(r.group_id): _lang(r.lang)
                    for r in conn.execute(select(g.group_id, g.lang).where(g.group_id.in_(ids))).all()}

    def _accepted(self, conn: Any, keys: set[tuple[str, date]]) -> set[tuple[str, date, int]]:
        if not keys:
            return set()
        a = team_seat_accepts.c
        groups = sorted({k[0] for k in keys})
        rows = conn.execute(select(a.group_id, a.day, a.person_id).where(a.group_id.in_(groups))).all()
        return {(str(r.group_id), r.day, int(r.person_id)) for r in rows if (r.group_id, r.day) in keys}

    def held_seats(self, person_id: int, from_day: date) -> tuple[SeatStatus, ...]:
        """The person's seats in group bookings made by someone else, from ``from_day``:
        ACCEPTED or WAITING (for their answer)."""
        r = reservations.c
        with self._engine.connect() as conn:
            seats = self._seats(conn, and_(r.person_id == person_id, r.group_id.is_not(None), r.status == _ACTIVE,
                                           r.day >= from_day,
                                           (r.booked_by_id.is_(None)) | (r.booked_by_id != person_id)))
            done = self._accepted(conn, {(s.group_id, s.day) for s in seats})
        return tuple(SeatStatus(s, SeatState.ACCEPTED if (s.group_id, s.day, person_id) in done else SeatState.WAITING)
                     for s in seats)

    def accept(self, person_id: int, seats: Iterable[Seat], now: datetime) -> int:
        """Record that the person accepts these seats of theirs; returns how many were new."""
        a = team_seat_accepts.c
        added = 0
        try:
            with self._writer.connect() as conn, conn.begin():
                for seat in sorted({(s.group_id, s.day) for s in seats if s.holder_id == person_id}):
                    known = conn.execute(select(a.person_id).where(a.group_id == seat[0], a.day == seat[1],
                                                                   a.person_id == person_id)).first()
                    if known is None:
                        conn.execute(insert(team_seat_accepts).values(group_id=seat[0], day=seat[1],
                                                                      person_id=person_id, accepted_at=now))
                        added += 1
        except IntegrityError:  # the same button pressed twice at once: the other press recorded it
            return 0
        return added

    def group_seats(self, booker_id: int, from_day: date) -> tuple[SeatStatus, ...]:
        """Every seat of the group bookings (more than one desk a day) the person made, from
        ``from_day``, with its state; days the whole group was cancelled are left out."""
        r = reservations.c
        # Most people never book for a group (and every list of bookings asks): one cheap
        # indexed probe before the full query, on SQLite straight on the driver.
        sqlite = self._engine.dialect.name == "sqlite"
        day = from_day.isoformat()
        if sqlite and fetch_one(self._engine, _D_ANY_GROUP_BOOKING, (booker_id, booker_id, day, booker_id, day)) is None:
            return ()
        with self._engine.connect() as conn:
            if not sqlite and conn.execute(_ANY_GROUP_BOOKING, {"b": booker_id, "d": from_day}).first() is None:
                return ()
            seats = self._seats(conn, and_(booked_by(booker_id), r.group_id.is_not(None), r.day >= from_day,
                                           r.status.in_((_ACTIVE, _CANCELLED, _RELEASED))))
            status = {int(x.id): x.status for x in conn.execute(select(r.id, r.status).where(
                r.id.in_([i for s in seats for i in s.reservation_ids[:1]]))).all()} if seats else {}
            done = self._accepted(conn, {(s.group_id, s.day) for s in seats})
        by_day: dict[tuple[str, date], list[tuple[Seat, str]]] = {}
        for s in seats:
            by_day.setdefault((s.group_id, s.day), []).append((s, status.get(s.reservation_ids[0], "")))
        out: list[SeatStatus] = []
        for (group, day), rows in by_day.items():
            if len(rows) < 2 or not any(st in (_ACTIVE, _RELEASED) for _, st in rows):
                continue  # one desk is no group; a cancelled group is gone
            seated = {s.holder_id for s, st in rows if st == _ACTIVE and s.holder_id is not None}
            for s, st in rows:
                if st == _ACTIVE and s.holder_id is None:
                    state = SeatState.OPEN
                elif st == _ACTIVE:
                    state = (SeatState.ACCEPTED if s.holder_id == booker_id or (group, day, s.holder_id) in done
                             else SeatState.WAITING)
                elif st == _RELEASED:
                    state = SeatState.RELEASED
                elif s.holder_id is not None and s.holder_id not in seated:
                    state = SeatState.DECLINED
                else:
                    continue
                out.append(SeatStatus(s, state))
        return tuple(out)

    def drop_past_seat_answers(self, before: date) -> int:
        """Acceptances and group languages of days that have passed (they would link a person
        to an anonymised reservation)."""
        with self._writer.connect() as conn, conn.begin():
            gone = conn.execute(delete(team_seat_accepts).where(team_seat_accepts.c.day < before)).rowcount
            gone += conn.execute(delete(team_groups).where(team_groups.c.last_day < before)).rowcount
        return int(gone or 0)

    # ------------------------------------------------------------------ waitlist
    def wait(self, entry: WaitEntry, now: datetime) -> bool:
        w = team_waitlist.c
        with self._writer.connect() as conn, conn.begin():
            known = conn.execute(select(w.id).where(w.person_id == entry.person_id, w.building_id == entry.building_id,
                                                    w.day == entry.day)).first()
            if known is not None:
                conn.execute(update(team_waitlist).where(w.id == known.id).values(
                    part=entry.part, features=list(entry.features), auto_book=entry.auto_book,
                    lang=_lang(entry.lang)))
                return False
            conn.execute(insert(team_waitlist).values(person_id=entry.person_id, building_id=entry.building_id,
                                                      day=entry.day, part=entry.part, features=list(entry.features),
                                                      auto_book=entry.auto_book, created_at=now,
                                                      lang=_lang(entry.lang)))
            return True

    def waiting(self, from_day: date) -> tuple[WaitEntry, ...]:
        w = team_waitlist.c
        with self._engine.connect() as conn:
            rows = conn.execute(select(team_waitlist).where(w.day >= from_day).order_by(w.created_at, w.id)).all()
        return tuple(WaitEntry(id=int(x.id), person_id=int(x.person_id), building_id=x.building_id, day=x.day,
                               part=x.part, features=tuple(x.features or ()), auto_book=bool(x.auto_book),
                               lang=_lang(x.lang))
                     for x in rows)

    def unwait(self, entry_ids: Iterable[int]) -> None:
        ids = sorted(set(entry_ids))
        if ids:
            with self._writer.connect() as conn, conn.begin():
                conn.execute(delete(team_waitlist).where(team_waitlist.c.id.in_(ids)))

    def drop_past_waits(self, before: date) -> int:
        with self._writer.connect() as conn, conn.begin():
            return conn.execute(delete(team_waitlist).where(team_waitlist.c.day < before)).rowcount

    # ------------------------------------------------------------------ reminders
    def set_reminders(self, person_id: int, on: bool, now: datetime, lang: str = "nl") -> bool:
        c = team_reminders.c
        with self._writer.connect() as conn, conn.begin():
            known = conn.execute(select(c.person_id).where(c.person_id == person_id)).first() is not None
            if on and not known:
                conn.execute(insert(team_reminders).values(person_id=person_id, since=now, lang=_lang(lang)))
            elif on:  # opted in again: the reminders follow the language of the latest opt-in
                conn.execute(update(team_reminders).where(c.person_id == person_id).values(lang=_lang(lang)))
            elif not on and known:
                conn.execute(delete(team_reminders).where(c.person_id == person_id))
            return known != on

    def reminder_people(self, day: date) -> tuple[int, ...]:
        c = team_reminders.c
        with self._engine.connect() as conn:
            return tuple(int(x) for x in conn.execute(select(c.person_id).where(
                (c.last_day.is_(None)) | (c.last_day < day)).order_by(c.person_id)).scalars())

    def langs(self, person_ids: Iterable[int]) -> dict[int, str]:
        """The language each person last used for a team job's item: their reminder opt-in, else
        their latest waitlist wish, else the latest group booking they made for a team, else the
        latest team-day poll they organised; people with none are left out (the caller's default)."""
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        out: dict[int, str] = {}
        w, c, g, p = team_waitlist.c, team_reminders.c, team_groups.c, team_polls.c
        with self._engine.connect() as conn:
            for row in conn.execute(select(p.organiser_id, p.lang).where(p.organiser_id.in_(ids))
                                    .order_by(p.created_at, p.id)).all():
                out[int(row.organiser_id)] = _lang(row.lang)
            for row in conn.execute(select(g.booked_by_id, g.lang).where(g.booked_by_id.in_(ids))
                                    .order_by(g.created_at, g.group_id)).all():
                out[int(row.booked_by_id)] = _lang(row.lang)
            for row in conn.execute(select(w.person_id, w.lang).where(w.person_id.in_(ids))
                                    .order_by(w.created_at, w.id)).all():
                out[int(row.person_id)] = _lang(row.lang)
            for row in conn.execute(select(c.person_id, c.lang).where(c.person_id.in_(ids))).all():
                out[int(row.person_id)] = _lang(row.lang)
        return out

    def reminded(self, person_id: int, day: date) -> None:
        with self._writer.connect() as conn, conn.begin():
            conn.execute(update(team_reminders).where(team_reminders.c.person_id == person_id).values(last_day=day))

    # ------------------------------------------------------------------ polls
    def create_poll(self, poll: Poll, now: datetime) -> int:
        with self._writer.connect() as conn, conn.begin():
            return int(conn.execute(insert(team_polls).values(
                organiser_id=poll.organiser_id, building_id=poll.building_id,
                days=[d.isoformat() for d in poll.days], members=list(poll.members), lang=poll.lang,
                deadline=poll.deadline, status="open", created_at=now)).inserted_primary_key[0])

    def _polls(self, conn: Any, where: Any) -> list[Poll]:
        c = team_polls.c
        out = []
        for row in conn.execute(select(team_polls).where(where).order_by(c.id.desc())).all():
            votes = {int(v.person_id): int(v.option) for v in conn.execute(
                select(team_poll_votes).where(team_poll_votes.c.poll_id == row.id)).all()}
            out.append(Poll(id=int(row.id), organiser_id=int(row.organiser_id), building_id=row.building_id,
                            days=tuple(date.fromisoformat(d) for d in row.days),
                            members=tuple(int(m) for m in row.members), lang=row.lang, deadline=row.deadline,
                            status=row.status, votes=votes))
        return out

    def poll_for(self, person_id: int) -> Poll | None:
        """The newest poll the person organised or was asked in (open or not)."""
        with self._engine.connect() as conn:
            for poll in self._polls(conn, team_polls.c.status.in_(("open", "booked", "failed", "closed"))):
                if person_id == poll.organiser_id or person_id in poll.members:
                    return poll
        return None

    def poll(self, poll_id: int) -> Poll | None:
        with self._engine.connect() as conn:
            found = self._polls(conn, team_polls.c.id == poll_id)
        return found[0] if found else None

    def vote(self, poll_id: int, person_id: int, option: int, now: datetime) -> bool:
        """Record or change a vote while the poll is open; False when it is not (any more)."""
        v = team_poll_votes.c
        with self._writer.connect() as conn, conn.begin():
            row = conn.execute(select(team_polls.c.status, team_polls.c.deadline)
                               .where(team_polls.c.id == poll_id)).first()
            if row is None or row.status != "open" or row.deadline <= now:
                return False
            conn.execute(delete(team_poll_votes).where(v.poll_id == poll_id, v.person_id == person_id))
            conn.execute(insert(team_poll_votes).values(poll_id=poll_id, person_id=person_id, option=option,
                                                        voted_at=now))
            return True

    def due_polls(self, now: datetime) -> tuple[Poll, ...]:
        c = team_polls.c
        with self._engine.connect() as conn:
            return tuple(self._polls(conn, and_(c.status == "open", c.deadline <= now)))

    def close_poll(self, poll_id: int, status: str) -> bool:
        """Close an open poll; False when someone else closed it first (exactly one books)."""
        c = team_polls.c
        with self._writer.connect() as conn, conn.begin():
            return bool(conn.execute(update(team_polls).where(c.id == poll_id, c.status == "open")
                                     .values(status=status)).rowcount)

    def mark_poll(self, poll_id: int, status: str) -> None:
        with self._writer.connect() as conn, conn.begin():
            conn.execute(update(team_polls).where(team_polls.c.id == poll_id).values(status=status))

    def drop_old_polls(self, before: date) -> int:
        """Polls whose last day has passed are no use to anyone (retention)."""
        gone = 0
        with self._writer.connect() as conn, conn.begin():
            for poll in self._polls(conn, team_polls.c.id.is_not(None)):
                if max(poll.days) < before:
                    gone += conn.execute(delete(team_polls).where(team_polls.c.id == poll.id)).rowcount
        return gone

    # ------------------------------------------------------------------ notices
    def notify(self, notices: Iterable[Notice], now: datetime) -> None:
        rows = [{"person_id": n.person_id, "created_at": now,
                 "body": {"key": n.key, "values": dict(n.values), "lang": n.lang,
                          "choices": [list(c) for c in n.choices]}} for n in notices]
        if rows:
            with self._writer.connect() as conn, conn.begin():
                conn.execute(insert(team_notices), rows)

    def pending_notices(self, limit: int = 100) -> tuple[Notice, ...]:
        c = team_notices.c
        with self._engine.connect() as conn:
            rows = conn.execute(select(team_notices).order_by(c.id).limit(limit)).all()
        out = []
        for x in rows:
            body = x.body or {}
            out.append(Notice(person_id=int(x.person_id), key=str(body.get("key", "")),
                              values=dict(body.get("values") or {}), lang=str(body.get("lang") or "nl"),
                              choices=tuple(tuple(c) for c in body.get("choices") or ()),  # type: ignore[misc]
                              id=int(x.id), created_at=x.created_at))
        return tuple(out)

    def sent(self, notice_ids: Iterable[int]) -> None:
        ids = sorted(set(notice_ids))
        if ids:
            with self._writer.connect() as conn, conn.begin():
                conn.execute(delete(team_notices).where(team_notices.c.id.in_(ids)))


def export_team_data(conn: Any, person_id: int) -> dict[str, Any]:
    """The person's team data for an access/portability export (issue 6): the team they lead
    (member count only: the members' ids are theirs), the teams they are in, waitlist wishes,
    the reminder opt-in, their poll votes. Deleted with the person (ON DELETE CASCADE)."""
    led = conn.execute(select(teams.c.id, teams.c.created_at).where(teams.c.owner_id == person_id)).first()
    out: dict[str, Any] = {"leads_team": None, "member_of_teams": 0, "waitlist": [], "reminders_since": None,
                           "poll_votes": 0}
    if led is not None:
        n = conn.execute(select(team_members.c.person_id).where(team_members.c.team_id == led.id)).all()
        out["leads_team"] = {"created_at": led.created_at.isoformat(), "members": len(n)}
    out["member_of_teams"] = len(conn.execute(select(team_members.c.team_id)
                                              .where(team_members.c.person_id == person_id)).all())
    w = team_waitlist.c
    out["waitlist"] = [{"building": r.building_id, "day": r.day.isoformat(), "part": r.part,
                        "features": list(r.features or ()), "auto_book": bool(r.auto_book)}
                       for r in conn.execute(select(team_waitlist).where(w.person_id == person_id)).all()]
    since = conn.execute(select(team_reminders.c.since).where(team_reminders.c.person_id == person_id)).scalar()
    out["reminders_since"] = since.isoformat() if since else None
    out["poll_votes"] = len(conn.execute(select(team_poll_votes.c.poll_id)
                                         .where(team_poll_votes.c.person_id == person_id)).all())
    out["seats_accepted"] = [r.day.isoformat() for r in conn.execute(
        select(team_seat_accepts.c.day).where(team_seat_accepts.c.person_id == person_id)
        .order_by(team_seat_accepts.c.day)).all()]
    out["group_bookings"] = [{"day": r.last_day.isoformat(), "lang": r.lang} for r in conn.execute(
        select(team_groups.c.last_day, team_groups.c.lang).where(team_groups.c.booked_by_id == person_id)
        .order_by(team_groups.c.last_day)).all()]
    return out


def _register_retention() -> None:
    """Seat acceptances and group languages of past days go in the night job as well as in the
    team job (an acceptance would otherwise link a person to an anonymised reservation)."""
    from sqlalchemy import func

    from adapters.store.retention import DataKind, register
    from core.clock import local_today

    for table, column, what in ((team_seat_accepts, team_seat_accepts.c.day, "seat acceptances of past days"),
                                (team_groups, team_groups.c.last_day, "group booking languages of past days")):
        def due(now: datetime, column: Any = column) -> Any:
            return column < local_today(now)

        register(DataKind(
            table.name, what, None,
            lambda conn, now, t, table=table, due=due: int(conn.execute(
                select(func.count()).select_from(table).where(due(now))).scalar() or 0),
            lambda conn, now, t, table=table, due=due: int(conn.execute(delete(table).where(due(now))).rowcount or 0)))


_register_retention()


__all__ = ["PERSONAL_COLUMNS", "SqlTeamStore", "export_team_data", "team_groups", "team_members", "team_notices",
           "team_poll_votes", "team_polls", "team_reminders", "team_seat_accepts",
           "team_waitlist", "teams"]

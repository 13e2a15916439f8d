"""The people repository: the one place where personal fields are read and written.

Name, e-mail, phone, department and the channel id are encrypted at rest
(:mod:`adapters.store.crypto`); the ``external_id`` column holds a keyed hash of the channel
id, so a person is found without storing the id in plaintext. The functions at the end are
the operations the privacy rights (access, rectification, erasure) and the retention job build
on; they take an open connection inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update

from adapters.store.crypto import FieldCipher, cipher_for
from adapters.store.engine import driver, read_when
from adapters.store.errors import translated
from adapters.store.tables import (
    audit_trail,
    booked_by,
    conversation_state,
    handled_messages,
    idempotency_keys,
    people,
    reservations,
    theirs_or_booked,
)
from core.booking.api import PersonInfo
from core.privacy.sharing import looks_like_email, normalise_name
from core.booking.model import Person

_FIELDS = ("name", "email", "phone", "department")
ENCRYPTED_COLUMNS = ("name", "email", "phone", "department", "external_id_enc")
"""The people columns stored encrypted (the inventory test and ``rotate-key`` use this)."""


# The columns a Person is read from (SqlPeopleRepository._from_row), by id or by channel id.
_D_PERSON = "SELECT id, external_id, external_id_enc, name, email, phone, department, last_active_at FROM people"
_D_GET = _D_PERSON + " WHERE id = ?"


_D_DEPARTMENT = "SELECT id, department FROM people WHERE id = ?"
_D_DEPARTMENTS = "SELECT id, department FROM people WHERE id IN ({})"


# Built once (every message of a new person runs them): the hashed id or, for rows written
# before encryption was switched on, the plaintext one (see _external_id_params).
_EXTERNAL_ID_MATCHES = or_(people.c.external_id == bindparam("hashed"), people.c.external_id == bindparam("plain"))
_D_BY_EXTERNAL_ID = _D_PERSON + " WHERE external_id = ? OR external_id = ?"
_ID_BY_EXTERNAL_ID = select(people.c.id).where(_EXTERNAL_ID_MATCHES)


def _external_id_params(cipher: FieldCipher, external_id: str) -> dict[str, str]:
    return {"hashed": cipher.lookup_hash(external_id), "plain": external_id}


_D_ADD_PERSON = ("INSERT INTO people (external_id, external_id_enc, audit_salt, created_at, last_active_at, "
                 "name, email, phone, department, name_hash, email_hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")


def name_hash(cipher: FieldCipher, name: str | None) -> str | None:
    """The keyed hash a person is found by with their full name (case and accents ignored)."""
    key = normalise_name(name)
    return cipher.lookup_hash(f"name\x1f{key}") if key else None


def email_hash(cipher: FieldCipher, email: str | None) -> str | None:
    """The keyed hash a person is found by with their e-mail address (case ignored)."""
    key = (email or "").strip().lower()
    return cipher.lookup_hash(f"email\x1f{key}") if key else None


def _hashes(cipher: FieldCipher, fields: dict[str, str | None]) -> dict[str, str | None]:
    """The lookup hashes that go with the given profile fields (only those given)."""
    out: dict[str, str | None] = {}
    if "name" in fields:
        out["name_hash"] = name_hash(cipher, fields["name"])
    if "email" in fields:
        out["email_hash"] = email_hash(cipher, fields["email"])
    return out


def find_by_name_or_email(conn: Connection, wanted: str) -> list[int]:
    """People whose full name (or e-mail address, when ``wanted`` looks like one) is ``wanted``,
    through the keyed hash; profiles written before the hashes existed are compared decrypted."""
    cipher = cipher_for(conn)
    field_name, hash_of = ("email", email_hash) if looks_like_email(wanted) else ("name", name_hash)
    hashed = hash_of(cipher, wanted)
    if hashed is None:
        return []
    column, value = people.c[f"{field_name}_hash"], people.c[field_name]
    found = [int(r.id) for r in conn.execute(select(people.c.id).where(column == hashed)).all()]
    legacy = conn.execute(select(people.c.id, value.label("value"))
                          .where(column.is_(None), value.is_not(None))).all()
    for row in legacy:
        try:
            plain = cipher.decrypt(row.value, field_name)
        except ValueError:
            continue  # under a key that is not configured: not comparable
        if hash_of(cipher, plain) == hashed:
            found.append(int(row.id))
    return sorted(set(found))


class SqlPeopleRepository:
    def __init__(self, conn: Connection, cipher: FieldCipher | None = None) -> None:
        self._conn = conn
        self._cipher = cipher or cipher_for(conn)
        self._cur: Any = None
        self._d: Any = None

    def by_external_id(self, external_id: str) -> Person | None:
        # Driver SQL (every new conversation asks, twice for a new person): see get().
        params = _external_id_params(self._cipher, external_id)
        rows = self._driver_rows(_D_BY_EXTERNAL_ID, (params["hashed"], params["plain"]))
        if not rows:
            return None
        hashed = params["hashed"]
        return self._from_row(next((r for r in rows if r[1] == hashed), rows[0]))

    def get(self, person_id: int) -> Person | None:
        # Driver SQL on the transaction's DB-API connection (every booking reads its requester):
        # building and running a SQLAlchemy select cost ten times what SQLite needs for it.
        rows = self._driver_rows(_D_GET, (person_id,))
        return self._from_row(rows[0]) if rows else None

    def _from_row(self, row: Any) -> Person:
        pid, ext, ext_enc, name, email, phone, department, last_active_at = row
        c = self._cipher
        return Person(id=pid, external_id=(c.decrypt(ext_enc, "external_id_enc") if ext_enc else ext) or "",
                      name=c.decrypt(name, "name"), email=c.decrypt(email, "email"),
                      phone=c.decrypt(phone, "phone"), department=c.decrypt(department, "department"),
                      last_active_at=read_when(last_active_at))

    def departments(self, person_ids: Iterable[int]) -> dict[int, str | None]:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        sql = _D_DEPARTMENT if len(ids) == 1 else _D_DEPARTMENTS.format(", ".join("?" * len(ids)))
        rows = self._driver_rows(sql, ids)
        decrypt = self._cipher.decrypt
        return {pid: decrypt(dept, "department") for pid, dept in rows}

    def _driver_rows(self, statement: str, params: Any) -> list[Any]:
        """Driver SQL on the transaction's DB-API connection (see ``engine.Driver``), on one
        cursor for the unit of work (as the reservation repository)."""
        cur = self._cur
        if cur is None:
            cur = self._cur = self._conn.connection.cursor()
            self._d = driver(self._conn)
        return self._d.execute(cur, statement, params).fetchall()

    def add(self, info: PersonInfo, now: datetime) -> int:
        c = self._cipher
        values = {f: c.encrypt(getattr(info, f), f) for f in _FIELDS}
        values.update(_hashes(c, {"name": info.name, "email": info.email}))
        hashed = c.lookup_hash(info.external_id)
        enc = c.encrypt(info.external_id, "external_id_enc") if hashed != info.external_id else None
        # Driver SQL (every new person's first message): see get(); a duplicate external id (a
        # concurrent first message) is the store's Conflict, as through SQLAlchemy.
        d = driver(self._conn)
        at = d.when(now)
        rows = self._driver_rows(_D_ADD_PERSON, (hashed, enc, secrets.token_hex(16), at, at, values["name"],
                                                 values["email"], values["phone"], values["department"],
                                                 values["name_hash"], values["email_hash"]))
        return int(rows[0][0])

    def update(self, person_id: int, info: PersonInfo, now: datetime) -> None:
        given = {f: getattr(info, f) for f in _FIELDS if getattr(info, f) is not None}
        values = {f: self._cipher.encrypt(v, f) for f, v in given.items()}
        values.update(_hashes(self._cipher, given))
        with translated():
            # Activity: a person who comes back before the retention deadline keeps the profile.
            self._conn.execute(update(people).where(people.c.id == person_id)
                               .values(last_active_at=now, notice_sent_at=None, **values))


# ---------------------------------------------------------------- rights and retention

PROFILE_FIELDS = _FIELDS
"""The profile fields a person may correct (rectification)."""


@dataclass(frozen=True)
class Erased:
    """What :func:`erase_person` removed (counts, for the confirmation to the user)."""

    person: bool = False
    future_reservations: int = 0
    past_reservations_unlinked: int = 0
    message_records: int = 0
    conversation_states: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def find_person_id(conn: Connection, external_id: str) -> int | None:
    """The internal id of the person with this channel id (``<channel>:<id>``), or None."""
    row = conn.execute(_ID_BY_EXTERNAL_ID, _external_id_params(cipher_for(conn), external_id)).first()
    return int(row.id) if row else None


def update_profile(conn: Connection, person_id: int, now: datetime, **fields: str | None) -> bool:
    """Rectification: set the given profile fields (name, email, phone, department; None or ""
    clears one). Unknown field names raise ValueError (a programming error); returns False when
    the person does not exist."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not a profile field: {sorted(unknown)}")
    c = cipher_for(conn)
    values = {k: c.encrypt(v or None, k) for k, v in fields.items()}
    values.update(_hashes(c, {k: v or None for k, v in fields.items()}))
    with translated():
        done = conn.execute(update(people).where(people.c.id == person_id)
                            .values(last_active_at=now, notice_sent_at=None, **values)).rowcount
    return bool(done)


def _states_of(conn: Connection, person_id: int) -> list[str]:
    """Keys of conversation states that belong to the person (the state carries the person's
    internal id; keys are hashed and states encrypted, so each live state is read)."""
    c = cipher_for(conn)
    keys = []
    for row in conn.execute(select(conversation_state.c.key, conversation_state.c.state)).all():
        try:
            state = json.loads(c.decrypt(row.state, "state") or "")
        except ValueError:
            continue
        if isinstance(state, dict) and state.get("person_id") == person_id:
            keys.append(row.key)
    return keys


def erase_person(conn: Connection, person_id: int, today: date) -> Erased:
    """Erasure: delete the profile, their own reservations from ``today`` on (any status), the
    message records of every reservation of theirs, their conversation state; desks they booked
    for colleagues stay the colleagues' without the link to them; reservations of earlier days
    lose every link to them (as the night job would do). The pseudonymous audit actor
    becomes unlinkable because the salt goes with the row. Sharing grants, lookups and team
    memberships of later features must be removed by their owners in the same transaction
    (see docs/privacy.md, "Erasure")."""
    person = SqlPeopleRepository(conn).get(person_id)
    if person is None:
        return Erased()
    r = reservations.c
    mine = theirs_or_booked(person_id)
    sources = [s for s in conn.execute(select(r.source_message_id).where(mine, r.source_message_id.is_not(None)))
               .scalars()]
    with translated():
        # Their own desks from today on go; desks they booked for colleagues stay the
        # colleagues' (only the link to the booker and their message goes).
        future = conn.execute(delete(reservations).where(r.person_id == person_id, r.day >= today)).rowcount
        conn.execute(update(reservations).where(booked_by(person_id), r.day >= today).values(
            booked_by_id=None, source_message_id=None))
        past = conn.execute(update(reservations).where(mine, r.day < today).values(
            person_id=None, booked_by_id=None, source_message_id=None, group_id=None, department=None)).rowcount
        msgs = 0
        for chunk in _chunks(sorted(set(sources))):
            msgs += conn.execute(delete(handled_messages).where(handled_messages.c.message_key.in_(chunk))).rowcount
            conn.execute(delete(idempotency_keys).where(idempotency_keys.c.key.in_(chunk)))
        states = 0
        for chunk in _chunks(_states_of(conn, person_id)):
            states += conn.execute(delete(conversation_state).where(conversation_state.c.key.in_(chunk))).rowcount
        conn.execute(delete(people).where(people.c.id == person_id))
    return Erased(person=True, future_reservations=future, past_reservations_unlinked=past,
                  message_records=msgs, conversation_states=states)


def export_person(conn: Connection, person_id: int) -> dict[str, Any] | None:
    """Access/portability: all and only this person's data as a JSON-able dict (None if unknown)."""
    person = SqlPeopleRepository(conn).get(person_id)
    if person is None:
        return None
    r = reservations.c
    rows = conn.execute(select(reservations).where(theirs_or_booked(person_id))
                        .order_by(r.day, r.part, r.id)).all()
    created = conn.execute(select(people.c.created_at).where(people.c.id == person_id)).scalar()
    return {
        "profile": {"channel_id": person.external_id, "name": person.name, "email": person.email,
                    "phone": person.phone, "department": person.department,
                    "created_at": created.isoformat() if created else None,
                    "last_active_at": person.last_active_at.isoformat() if person.last_active_at else None},
        "reservations": [
            {"building": row.building_id, "desk_id": row.desk_id, "day": row.day.isoformat(), "part": row.part,
             "status": row.status, "for_me": row.person_id == person_id,
             "booked_by_me": row.booked_by_id == person_id, "department": row.department,
             "group": row.group_id, "created_at": row.created_at.isoformat() if row.created_at else None,
             "checked_in_at": row.checked_in_at.isoformat() if row.checked_in_at else None,
             "checked_out_at": row.checked_out_at.isoformat() if row.checked_out_at else None}
            for row in rows],
    }


def audit_actor(conn: Connection, person_id: int) -> str | None:
    """The pseudonymous actor id of a person for the audit trail (None if unknown).

    ``HMAC(hash key, per-person random salt)``: stable while the person exists, and
    impossible to link to anyone once the person (and so the salt) is deleted.
    """
    salt = conn.execute(select(people.c.audit_salt).where(people.c.id == person_id)).scalar()
    if salt is None:
        if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
            return None
        salt = secrets.token_hex(16)
        conn.execute(update(people).where(people.c.id == person_id).values(audit_salt=salt))
    return "a1." + hashlib.sha256(cipher_for(conn).lookup_hash("audit:" + salt).encode("utf-8")).hexdigest()[:40]


def record_audit(conn: Connection, person_id: int | None, action: str, now: datetime) -> None:
    """Append ``action`` (a short code such as ``export`` or ``erase``, never free text) to the
    audit trail, with the pseudonymous actor (or ``system``)."""
    actor = (audit_actor(conn, person_id) if person_id is not None else None) or "system"
    conn.execute(insert(audit_trail).values(at=now, actor=actor, action=action[:64]))


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def reencrypt_people(conn: Connection, cipher: FieldCipher | None = None) -> int:
    """Re-encrypt every people row not yet under the current key (after a key rotation) and
    encrypt rows written before encryption was on (plaintext channel id -> keyed hash + ciphertext).
    Decrypts with any configured key; returns how many rows changed. Idempotent."""
    c = cipher or cipher_for(conn)
    changed = 0
    for row in conn.execute(select(people)).all():
        values: dict[str, Any] = {}
        for col in _FIELDS:
            value = getattr(row, col)
            if not c.is_current(value):  # an old key, or plaintext from before encryption
                values[col] = c.encrypt(c.decrypt(value, col), col)
        if row.external_id_enc is not None and not c.is_current(row.external_id_enc):
            values["external_id_enc"] = c.encrypt(c.decrypt(row.external_id_enc, "external_id_enc"), "external_id_enc")
        elif row.external_id_enc is None and c.lookup_hash(row.external_id) != row.external_id \
                and not row.external_id.startswith("h1."):
            values["external_id"] = c.lookup_hash(row.external_id)
            values["external_id_enc"] = c.encrypt(row.external_id, "external_id_enc")
        if row.audit_salt is None:
            values["audit_salt"] = secrets.token_hex(16)
        if values:
            with translated():
                conn.execute(update(people).where(people.c.id == row.id).values(**values))
            changed += 1
    return changed

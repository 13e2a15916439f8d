"""Location sharing, opt-in: who may see what of whom (pure rules and the ports they need).

- Sharing is off by default. A person (the *sharer*) grants a named colleague, their team,
  or everyone. Grants are the only way to be seen; there is no administrator override.
- A viewer who may see a sharer sees only the building, floor and zone of the sharer's
  bookings for today and later days; never history, never the desk code, never check-ins.
- A colleague who does not share with the viewer, an unknown name, and a sharer without a
  booking on the asked days all give the viewer *the same answer* (see
  ``core.dialog.sharing_flow``): nothing tells them apart.
- Nobody can list who is present: a question about a building without a named colleague
  or team is refused; a team question lists only team members who share with the asker,
  without counting the others.
- A paused person (restriction of processing) is not shown to anyone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Literal, Protocol, Sequence

from core.booking.model import Booking

Scope = Literal["person", "team", "everyone"]
SCOPES: tuple[str, ...] = ("person", "team", "everyone")

DEFAULT_WINDOW_DAYS = 7
"""A question without a day covers today and the next six days."""

MAX_WINDOW_DAYS = 31
"""At most this many days ahead are answered in one question (no bulk scraping)."""

LOOKUP_LOG_DAYS = 7
"""How far back "who looked me up" answers (the records are deleted after this period)."""

MAX_NAMES = 10
"""At most this many names in one question ("waar zitten Jan, Piet en Kees?")."""

MAX_NAME_CHARS = 100


@dataclass(frozen=True, slots=True)
class Grant:
    """One sharing choice: ``sharer_id`` lets ``viewer_id`` (scope ``person``), their team, or
    everyone see where they sit."""

    sharer_id: int
    scope: Scope
    viewer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """What a permitted viewer sees of one booking day: place only, no desk, no times."""

    day: date
    building_id: str
    floor: int | None = None
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class Lookup:
    """One entry of the "who looked me up" log, as shown to the sharer."""

    viewer_name: str | None
    at: datetime


# ----------------------------------------------------------------------------- permission

def may_view(grants: Iterable[Grant], sharer_id: int, viewer_id: int, *, in_team: bool,
             sharer_restricted: bool = False) -> bool:
    """Whether ``viewer_id`` may see where ``sharer_id`` sits, given the sharer's grants.

    ``in_team``: the viewer belongs to the sharer's team (from the :class:`TeamPort`).
    A paused sharer is visible to nobody; everybody may see themselves.
    """
    if sharer_restricted:
        return False
    if sharer_id == viewer_id:
        return True
    for g in grants:
        if g.sharer_id != sharer_id:
            continue
        if g.scope == "everyone":
            return True
        if g.scope == "person" and g.viewer_id == viewer_id:
            return True
        if g.scope == "team" and in_team:
            return True
    return False


def summary(grants: Iterable[Grant]) -> tuple[bool, bool, tuple[int, ...]]:
    """(everyone, team, named viewer ids) of one sharer's grants."""
    gs = list(grants)
    named = tuple(sorted({g.viewer_id for g in gs if g.scope == "person" and g.viewer_id is not None}))
    return (any(g.scope == "everyone" for g in gs), any(g.scope == "team" for g in gs), named)


# ----------------------------------------------------------------------------- what is seen

def window(asked: Sequence[date], today: date) -> tuple[tuple[date, ...], bool]:
    """The days a question covers and whether it asked about the past.

    Past days are dropped (never history); no days means today and the next six days;
    at most :data:`MAX_WINDOW_DAYS` ahead.
    """
    last = today + timedelta(days=MAX_WINDOW_DAYS)
    if not asked:
        return tuple(today + timedelta(days=i) for i in range(DEFAULT_WINDOW_DAYS)), False
    past = any(d < today for d in asked)
    days = tuple(sorted({d for d in asked if today <= d <= last}))
    return days, past


def sightings(bookings: Iterable[Booking], days: Sequence[date], today: date) -> tuple[Sighting, ...]:
    """The places a permitted viewer sees: the sharer's bookings on ``days``, today or later."""
    wanted = {d for d in days if d >= today}
    seen: dict[tuple[date, str, int | None, str | None], Sighting] = {}
    for b in bookings:
        if b.day not in wanted:
            continue
        s = Sighting(day=b.day, building_id=b.building_id, floor=b.floor, zone=b.zone_name)
        seen[(s.day, s.building_id, s.floor, s.zone)] = s
    return tuple(sorted(seen.values(), key=lambda s: (s.day, s.building_id, s.floor or 0, s.zone or "")))


# ----------------------------------------------------------------------------- names

_SPACE = re.compile(r"\s+")
_STRIP = re.compile(r"[^\w\s'@.+-]")


def normalise_name(raw: str | None) -> str:
    """A name compared case- and accent-insensitively: ``"  José  de VRIES "`` -> ``jose de vries``."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _STRIP.sub(" ", text.casefold())
    return _SPACE.sub(" ", text).strip(" .-'")


def exact_match(query: str, full_name: str | None) -> bool:
    """Granting needs the full name (or the e-mail address): no guessing among everyone."""
    q = normalise_name(query)
    return bool(q) and q == normalise_name(full_name)


def loose_match(query: str, full_name: str | None) -> bool:
    """Finding among the colleagues who share with the asker: the full name, the first name,
    or the surname ("Jan", "de Vries", "Jan de Vries" all find Jan de Vries)."""
    q = normalise_name(query)
    full = normalise_name(full_name)
    if not q or not full:
        return False
    if q == full:
        return True
    tokens = full.split(" ")
    return q == tokens[0] or (len(tokens) > 1 and q == " ".join(tokens[1:])) or q == tokens[-1]


_LIST_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sen\s|\sand\s|\sof\s|\sor\s)\s*", re.IGNORECASE)


def split_names(raw: str | None) -> tuple[str, ...]:
    """"Jan, Piet en Kees" -> ("Jan", "Piet", "Kees"); at most :data:`MAX_NAMES`, each clipped."""
    if not raw:
        return ()
    parts = [p.strip(" .?!") for p in _LIST_SPLIT.split(raw[: MAX_NAME_CHARS * MAX_NAMES])]
    out: list[str] = []
    for p in parts:
        if p and normalise_name(p) and p not in out:
            out.append(p[:MAX_NAME_CHARS])
    return tuple(out[:MAX_NAMES])


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[a-z]{2,24}$", re.IGNORECASE)


def looks_like_email(raw: str) -> bool:
    return bool(_EMAIL.match(raw.strip()))


_EMAIL_IN_TEXT = re.compile(r"[^@\s<>(),;:\"']{1,64}@[^@\s<>(),;:\"']{1,189}\.[a-z]{2,24}\b", re.IGNORECASE)


def find_email(text: str) -> str | None:
    """The first e-mail address in a message (people share with a colleague by address)."""
    m = _EMAIL_IN_TEXT.search(text[:1000])
    return m.group(0) if m else None


# ----------------------------------------------------------------------------- ports

class TeamPort(Protocol):
    """Who is in a person's team. The team engineer provides managed teams (rosters, "voeg
    Sanne toe aan mijn team"); until then ``adapters.store.sharing.RoomTeams`` uses the members
    of the room the message came from."""

    def team_of(self, person_id: int, room_members: tuple[str, ...]) -> frozenset[int]:
        """The internal ids of the person's team members (not the person themselves).

        ``room_members``: the user keys (``<channel>:<stable id>``) of the room the current
        message came from (empty in a one-to-one chat)."""
        ...


class SharingPort(Protocol):
    """Grants, name resolution and the lookup log (implemented in ``adapters.store.sharing``)."""

    def grants_of(self, sharer_id: int) -> tuple[Grant, ...]: ...

    def grant(self, sharer_id: int, scope: Scope, viewer_id: int | None, now: datetime) -> bool:
        """Add a grant; False when it already existed (nothing changed)."""
        ...

    def revoke(self, sharer_id: int, scope: Scope | None = None, viewer_id: int | None = None) -> int:
        """Remove grants (all when ``scope`` is None); returns how many."""
        ...

    def sharers_for(self, viewer_id: int) -> tuple[Grant, ...]:
        """Every grant that may concern this viewer: to everyone, to a team, or to them by name
        (the caller still checks team membership); paused sharers are left out."""
        ...

    def names(self, person_ids: Iterable[int]) -> dict[int, str | None]: ...

    def find_people(self, name_or_email: str) -> tuple[int, ...]:
        """Everyone whose full name (normalised) or business e-mail equals the text exactly."""
        ...

    def person_ids(self, user_keys: Iterable[str]) -> dict[str, int]:
        """The internal ids of the people known by these user keys (unknown keys are left out)."""
        ...

    def log_lookup(self, sharer_id: int, viewer_id: int, now: datetime) -> None: ...

    def lookups_of(self, sharer_id: int, since: datetime) -> tuple[Lookup, ...]: ...


__all__ = [
    "DEFAULT_WINDOW_DAYS", "Grant", "LOOKUP_LOG_DAYS", "Lookup", "MAX_NAMES", "MAX_WINDOW_DAYS", "SCOPES",
    "Scope", "SharingPort", "Sighting", "TeamPort", "exact_match", "find_email", "looks_like_email", "loose_match",
    "may_view", "normalise_name", "sightings", "split_names", "summary", "window",
]

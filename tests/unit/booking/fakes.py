"""In-memory fakes of the booking ports: a unit of work whose uniqueness rules mirror the database."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Iterable, Sequence

from core.booking.api import PersonInfo
from core.booking.catalogue import Catalogue
from core.booking.model import Building, Desk, OpeningHours, Part, Person, Reservation, ReservationStatus, Zone
from core.booking.ports import Conflict, NewReservation, StoreBusy

WEEK = tuple(OpeningHours(d, time(7, 30), time(19)) for d in range(5))


def building(bid: str, city: str, **kw) -> Building:  # type: ignore[no-untyped-def]
    return Building(id=bid, name=bid.title(), address=f"{bid} 1, {city}", city=city, organisations=("X",),
                    aliases=(), opening_hours=kw.pop("hours", WEEK), **kw)


def desk(did: str, b: str, zone: Zone, neighbours: Sequence[str] = (), screens: int = 2, sit_stand: bool = False,
         accessible: bool = False) -> Desk:
    return Desk(id=did, code=did.upper(), building_id=b, floor=zone.floor, zone_id=zone.id, sit_stand=sit_stand,
                screens=screens, accessible=accessible, quiet=zone.quiet, neighbours=tuple(neighbours))


def small_catalogue(**alpha_kw) -> Catalogue:  # type: ignore[no-untyped-def]
    """alpha (Den Haag, 8 desks: a quiet island of 4, an open zone of 2 pairs), beta (Den Haag, 3),
    gamma (Utrecht, 2)."""
    aq = Zone("aq", "alpha", 1, "stil", True)
    ao = Zone("ao", "alpha", 2, "open", False)
    bo = Zone("bo", "beta", 0, "open", False)
    go = Zone("go", "gamma", 0, "open", False)
    desks = [
        desk("a1", "alpha", aq, ["a2", "a3"], sit_stand=True), desk("a2", "alpha", aq, ["a1", "a4"], sit_stand=True),
        desk("a3", "alpha", aq, ["a1", "a4"]), desk("a4", "alpha", aq, ["a2", "a3"]),
        desk("a5", "alpha", ao, ["a6"], screens=1), desk("a6", "alpha", ao, ["a5"], screens=1),
        desk("a7", "alpha", ao, ["a8"]), desk("a8", "alpha", ao, ["a7"], accessible=True),
        desk("b1", "beta", bo, ["b2"]), desk("b2", "beta", bo, ["b1", "b3"]), desk("b3", "beta", bo, ["b2"]),
        desk("g1", "gamma", go), desk("g2", "gamma", go),
    ]
    buildings = [building("alpha", "Den Haag", closures=frozenset({date(2026, 12, 1)}), floors=(1, 2), **alpha_kw),
                 building("beta", "Den Haag"), building("gamma", "Utrecht")]
    return Catalogue.build(buildings, [aq, ao, bo, go], desks, version=1)


@dataclass
class FakeState:
    catalogue: Catalogue
    reservations: list[Reservation] = field(default_factory=list)
    people: dict[int, Person] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)
    next_id: int = 1


class FakeReservations:
    def __init__(self, state: FakeState, uow: "FakeUnitOfWork") -> None:
        self.s = state
        self.uow = uow

    def _active(self) -> list[Reservation]:
        return [r for r in self.s.reservations if r.status is ReservationStatus.ACTIVE]

    def taken(self, building_id: str, day: date, parts: Iterable[Part], among: Sequence[str] | None = None) -> set[str]:
        ps = set(parts)
        found = {r.desk_id for r in self._active() if r.building_id == building_id and r.day == day and r.part in ps}
        return found if among is None else found & set(among)

    def of_people(self, person_ids: Iterable[int], days: Iterable[date]) -> list[Reservation]:
        ids, ds = set(person_ids), set(days)
        return [r for r in self._active() if r.person_id in ids and r.day in ds]

    def add(self, rows: Sequence[NewReservation]) -> list[int]:
        if self.uow.fail_adds:
            self.uow.fail_adds -= 1
            raise Conflict("desk")
        made = []
        for n in rows:
            for r in self._active() + made:
                if (r.desk_id, r.day, r.part) == (n.desk_id, n.day, n.part):
                    raise Conflict("desk")
                if n.person_id is not None and (r.person_id, r.day, r.part) == (n.person_id, n.day, n.part):
                    raise Conflict("person")
            made.append(Reservation(self.s.next_id, n.desk_id, n.building_id, n.day, n.part, n.person_id,
                                    n.booked_by_id, n.department, n.group_id, n.source_message_id,
                                    ReservationStatus.ACTIVE, n.created_at))
            self.s.next_id += 1
        self.s.reservations.extend(made)
        return [r.id for r in made]

    def claim_message(self, source_message_id: str, booked_by_id: int, now: datetime) -> None:
        if source_message_id in self.s.keys:
            raise Conflict("message")
        self.s.keys.add(source_message_id)

    def by_source_message(self, source_message_id: str, booked_by_id: int) -> list[Reservation]:
        return [r for r in self.s.reservations
                if r.source_message_id == source_message_id and r.booked_by_id == booked_by_id]

    def get(self, ids: Iterable[int]) -> list[Reservation]:
        want = set(ids)
        return [r for r in self.s.reservations if r.id in want]

    def by_group(self, group_id: str) -> list[Reservation]:
        return [r for r in self.s.reservations if r.group_id == group_id]

    def upcoming(self, person_id: int, from_day: date) -> list[Reservation]:
        return sorted((r for r in self._active() if r.day >= from_day and (
            r.person_id == person_id or (r.person_id is None and r.booked_by_id == person_id))),
            key=lambda r: (r.day, r.id))

    def set_status(self, ids: Iterable[int], status: ReservationStatus) -> None:
        want = set(ids)
        self.s.reservations = [replace(r, status=status) if r.id in want else r for r in self.s.reservations]

    def latest(self, person_id: int) -> Reservation | None:
        mine = [r for r in self._active() if r.person_id == person_id]
        return max(mine, key=lambda r: (r.day, r.part.value)) if mine else None  # as the store: day, part

    def counts(self, building_id: str, days: Iterable[date]) -> dict[tuple[date, Part], int]:
        ds = set(days)
        out: dict[tuple[date, Part], int] = {}
        for r in self._active():
            if r.building_id == building_id and r.day in ds:
                out[(r.day, r.part)] = out.get((r.day, r.part), 0) + 1
        return out


class FakePeople:
    def __init__(self, state: FakeState) -> None:
        self.s = state

    def by_external_id(self, external_id: str) -> Person | None:
        return next((p for p in self.s.people.values() if p.external_id == external_id), None)

    def get(self, person_id: int) -> Person | None:
        return self.s.people.get(person_id)

    def departments(self, person_ids: Iterable[int]) -> dict[int, str | None]:
        return {i: self.s.people[i].department for i in set(person_ids) if i in self.s.people}

    def add(self, info: PersonInfo, now: datetime) -> int:
        if self.by_external_id(info.external_id):
            raise Conflict("external_id")
        pid = len(self.s.people) + 1
        self.s.people[pid] = Person(pid, info.external_id, info.name, info.email, info.phone, info.department, now)
        return pid

    def update(self, person_id: int, info: PersonInfo, now: datetime) -> None:
        p = self.s.people[person_id]
        self.s.people[person_id] = replace(p, last_active_at=now, **{
            f: getattr(info, f) for f in ("name", "email", "phone", "department") if getattr(info, f) is not None})


class FakeUnitOfWork:
    """Works on a copy of the shared state; :meth:`commit` publishes it."""

    def __init__(self, store: "FakeStore", write: bool) -> None:
        self.store = store
        self.write = write
        self.fail_adds = store.fail_adds
        self.committed = False

    def __enter__(self) -> "FakeUnitOfWork":
        if self.store.busy:
            raise StoreBusy("locked")
        if self.store.broken:
            raise RuntimeError("database gone")
        self.state = copy.deepcopy(self.store.state)
        self.reservations = FakeReservations(self.state, self)
        self.people = FakePeople(self.state)
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.fail_adds = self.fail_adds

    def catalogue(self) -> Catalogue:
        return self.state.catalogue

    def commit(self) -> None:
        assert self.write, "commit in a read-only unit of work"
        self.store.state = self.state
        self.store.commits += 1

    def rollback(self) -> None:
        pass


class FakeStore:
    """``FakeStore(catalogue)(write=True)`` is a unit-of-work factory."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.state = FakeState(catalogue or small_catalogue())
        self.commits = 0
        self.busy = False
        self.broken = False
        self.fail_adds = 0  # the next N inserts lose a race (Conflict("desk"))

    def __call__(self, write: bool = True) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, write)

    def active(self) -> list[Reservation]:
        return [r for r in self.state.reservations if r.status is ReservationStatus.ACTIVE]

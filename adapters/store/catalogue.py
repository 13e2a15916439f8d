"""Loading the desk catalogue from the database, cached per process.

The catalogue changes only through an import, which bumps ``catalogue_meta.version``; every
unit of work compares that one number and reloads when another process imported.
"""

from __future__ import annotations

import threading
import time as monotonic_clock
from datetime import date, time
from typing import Any, Iterable

from sqlalchemy import Connection, select

from adapters.store.tables import (
    building_hours,
    buildings,
    closures,
    desk_neighbours,
    desks,
    floors,
    zones,
)
from core.booking.catalogue import Catalogue
from core.booking.model import Building, Desk, OpeningHours, Zone


_VERSION = "SELECT version FROM catalogue_meta WHERE id = 1"


def current_version(conn: Connection) -> int:
    """The catalogue's version (bumped by every import); read on the DB-API cursor, as the
    booking transaction's statements are (see ``engine.Driver``)."""
    cur = conn.connection.cursor()
    try:
        cur.execute(_VERSION)
        row = cur.fetchone()
    finally:
        cur.close()
    return int(row[0] or 0) if row else 0


def load_catalogue(conn: Connection, version: int) -> Catalogue:
    hours: dict[str, list[OpeningHours]] = {}
    for row in conn.execute(select(building_hours).order_by(building_hours.c.weekday)):
        hours.setdefault(row.building_id, []).append(OpeningHours(row.weekday, row.opens, row.closes))
    closed: dict[str, set[date]] = {}
    for row in conn.execute(select(closures.c.building_id, closures.c.day)):
        closed.setdefault(row.building_id, set()).add(row.day)
    levels: dict[str, set[int]] = {}
    floor_level: dict[int, int] = {}
    for row in conn.execute(select(floors.c.id, floors.c.building_id, floors.c.level)):
        levels.setdefault(row.building_id, set()).add(row.level)
        floor_level[row.id] = row.level
    blds = [building_from_row(row, hours.get(row.id, ()), closed.get(row.id, ()), levels.get(row.id, ()))
            for row in conn.execute(select(buildings))]
    zs = [Zone(id=str(row.id), building_id=row.building_id, floor=floor_level[row.floor_id], name=row.name,
               quiet=bool(row.quiet)) for row in conn.execute(select(zones))]
    zone_by_id = {z.id: z for z in zs}
    neighbours: dict[int, list[str]] = {}
    for a, b in conn.execute(select(desk_neighbours.c.desk_id, desk_neighbours.c.neighbour_id)):
        neighbours.setdefault(a, []).append(str(b))
    ds = []
    for row in conn.execute(select(desks).where(desks.c.in_use.is_(True))):
        z = zone_by_id[str(row.zone_id)]
        ds.append(Desk(id=str(row.id), code=row.code, building_id=row.building_id, floor=z.floor, zone_id=z.id,
                       sit_stand=bool(row.sit_stand), screens=int(row.screens), accessible=bool(row.accessible),
                       quiet=z.quiet, neighbours=tuple(sorted(neighbours.get(row.id, ())))))
    in_use = {d.id for d in ds}
    ds = [d if set(d.neighbours) <= in_use else _without(d, in_use) for d in ds]
    return Catalogue.build(blds, zs, ds, version)


def building_from_row(row: Any, opening_hours: Iterable[OpeningHours], closed: Iterable[date],
                      levels: Iterable[int]) -> Building:
    """A ``buildings`` row with its opening hours, closure days and floor levels as a :class:`Building`."""
    return Building(
        id=row.id, name=row.name, address=row.address, city=row.city,
        organisations=tuple(row.organisations or ()), aliases=tuple(row.aliases or ()),
        opening_hours=tuple(opening_hours),
        morning=(_t(row.morning_start), _t(row.morning_end)),
        afternoon=(_t(row.afternoon_start), _t(row.afternoon_end)),
        closures=frozenset(closed),
        floors=tuple(sorted(set(levels))),
    )


def _without(d: Desk, in_use: set[str]) -> Desk:
    return Desk(d.id, d.code, d.building_id, d.floor, d.zone_id, d.sit_stand, d.screens, d.accessible, d.quiet,
                tuple(n for n in d.neighbours if n in in_use))


def _t(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


class CatalogueCache:
    """The catalogue of one database, shared by the units of work of a process.

    The version is re-read at most every ``max_age`` seconds: an import by another process is
    seen within that time; an import in this process calls :meth:`invalidate`.
    """

    def __init__(self, max_age: float = 1.0) -> None:
        self._catalogue: Catalogue | None = None
        self._checked = 0.0
        self._max_age = max_age
        self._lock = threading.Lock()

    def get(self, conn: Connection) -> Catalogue:
        cat = self._catalogue
        if cat is not None and monotonic_clock.monotonic() - self._checked < self._max_age:
            return cat
        version = current_version(conn)
        if cat is not None and cat.version == version:
            self._checked = monotonic_clock.monotonic()
            return cat
        with self._lock:
            cat = self._catalogue
            if cat is None or cat.version != version:
                cat = load_catalogue(conn, version)
                self._catalogue = cat
            self._checked = monotonic_clock.monotonic()
            return cat

    def fresh(self) -> Catalogue | None:
        """The cached catalogue when its version was checked less than ``max_age`` ago, else
        None (then a unit of work re-checks it): lookups by id need no database round trip."""
        cat = self._catalogue
        if cat is not None and monotonic_clock.monotonic() - self._checked < self._max_age:
            return cat
        return None

    def invalidate(self) -> None:
        self._catalogue = None

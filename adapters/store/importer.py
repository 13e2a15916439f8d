"""Loading buildings into the store: one transaction, desk ids stable across re-imports.

Desks are matched by (building, code): an existing desk keeps its id (and so its
reservations); a desk no longer in the file is taken out of use, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from adapters.store.engine import WRITE_OPTION
from adapters.store.tables import (
    building_hours,
    buildings,
    catalogue_meta,
    closures,
    desk_neighbours,
    desks,
    floors,
    zones,
)
from adapters.store.buildings_file import BuildingSpec

_SEED_LOCK = 7_301_948


@dataclass(frozen=True)
class ImportReport:
    buildings_created: int = 0
    buildings_updated: int = 0
    desks_created: int = 0
    desks_updated: int = 0
    desks_retired: int = 0
    skipped: bool = False  # seeding found buildings already there


def import_buildings(engine: Engine, specs: Sequence[BuildingSpec], now: datetime,
                     only_if_empty: bool = False) -> ImportReport:
    """Create or update ``specs`` atomically; ``only_if_empty`` seeds a store without buildings."""
    if only_if_empty:  # the common case on start: a quick look without taking the write lock
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(buildings)).scalar():
                return ImportReport(skipped=True)
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK})
            if only_if_empty and conn.execute(select(func.count()).select_from(buildings)).scalar():
                return ImportReport(skipped=True)
            report = ImportReport()
            for spec in specs:
                report = _merge(report, _import_one(conn, spec, now))
            version = conn.execute(select(catalogue_meta.c.version).where(catalogue_meta.c.id == 1)).scalar()
            if version is None:
                conn.execute(insert(catalogue_meta).values(id=1, version=1, updated_at=now))
            else:
                conn.execute(update(catalogue_meta).where(catalogue_meta.c.id == 1)
                             .values(version=version + 1, updated_at=now))
            return report


def _merge(a: ImportReport, b: ImportReport) -> ImportReport:
    return ImportReport(*(getattr(a, f) + getattr(b, f) for f in
                          ("buildings_created", "buildings_updated", "desks_created", "desks_updated",
                           "desks_retired")))


def _import_one(conn: Connection, spec: BuildingSpec, now: datetime) -> ImportReport:
    values = dict(name=spec.name, address=spec.address, city=spec.city, organisations=list(spec.organisations),
                  aliases=list(spec.aliases), morning_start=spec.morning[0], morning_end=spec.morning[1],
                  afternoon_start=spec.afternoon[0], afternoon_end=spec.afternoon[1], updated_at=now)
    exists = conn.execute(select(buildings.c.id).where(buildings.c.id == spec.id)).first() is not None
    if exists:
        conn.execute(update(buildings).where(buildings.c.id == spec.id).values(**values))
    else:
        conn.execute(insert(buildings).values(id=spec.id, **values))
    conn.execute(delete(building_hours).where(building_hours.c.building_id == spec.id))
    if spec.opening_hours:
        conn.execute(insert(building_hours), [dict(building_id=spec.id, weekday=w, opens=o, closes=c)
                                              for w, (o, c) in sorted(spec.opening_hours.items())])
    conn.execute(delete(closures).where(closures.c.building_id == spec.id))
    if spec.closures:
        conn.execute(insert(closures), [dict(building_id=spec.id, day=d, reason=r)
                                        for d, r in dict(spec.closures).items()])

    floor_ids = {row.level: row.id for row in conn.execute(
        select(floors.c.id, floors.c.level).where(floors.c.building_id == spec.id))}
    zone_ids = {row.code: row.id for row in conn.execute(
        select(zones.c.id, zones.c.code).where(zones.c.building_id == spec.id))}
    desk_rows = {row.code: row for row in conn.execute(
        select(desks.c.id, desks.c.code, desks.c.zone_id, desks.c.sit_stand, desks.c.screens, desks.c.accessible,
               desks.c.in_use).where(desks.c.building_id == spec.id))}
    created = updated = 0
    seen: set[str] = set()
    new_desks: list[dict] = []
    for f in spec.floors:
        if f.level in floor_ids:
            conn.execute(update(floors).where(floors.c.id == floor_ids[f.level]).values(name=f.name))
        else:
            floor_ids[f.level] = conn.execute(insert(floors).values(building_id=spec.id, level=f.level, name=f.name)
                                              .returning(floors.c.id)).scalar_one()
        for z in f.zones:
            zv = dict(floor_id=floor_ids[f.level], name=z.name, quiet=z.quiet)
            if z.code in zone_ids:
                conn.execute(update(zones).where(zones.c.id == zone_ids[z.code]).values(**zv))
            else:
                zone_ids[z.code] = conn.execute(insert(zones).values(building_id=spec.id, code=z.code, **zv)
                                                .returning(zones.c.id)).scalar_one()
            for d in z.desks:
                seen.add(d.code)
                dv = dict(zone_id=zone_ids[z.code], sit_stand=d.sit_stand, screens=d.screens,
                          accessible=d.accessible, in_use=True)
                old = desk_rows.get(d.code)
                if old is None:
                    new_desks.append(dict(building_id=spec.id, code=d.code, **dv))
                    created += 1
                elif (old.zone_id, bool(old.sit_stand), old.screens, bool(old.accessible), bool(old.in_use)) != (
                        dv["zone_id"], d.sit_stand, d.screens, d.accessible, True):
                    conn.execute(update(desks).where(desks.c.id == old.id).values(**dv))
                    updated += 1
    if new_desks:
        conn.execute(insert(desks), new_desks)
    retired = [row.id for code, row in desk_rows.items() if code not in seen and row.in_use]
    if retired:
        conn.execute(update(desks).where(desks.c.id.in_(retired)).values(in_use=False))

    ids = {row.code: row.id for row in conn.execute(
        select(desks.c.id, desks.c.code).where(desks.c.building_id == spec.id))}
    building_desk_ids = select(desks.c.id).where(desks.c.building_id == spec.id).scalar_subquery()
    conn.execute(delete(desk_neighbours).where(desk_neighbours.c.desk_id.in_(building_desk_ids)))
    pairs: set[tuple[int, int]] = set()
    for f in spec.floors:
        for z in f.zones:
            for d in z.desks:
                for n in d.neighbours:  # the relation is symmetric whatever the file says
                    pairs.add((ids[d.code], ids[n]))
                    pairs.add((ids[n], ids[d.code]))
    if pairs:
        conn.execute(insert(desk_neighbours), [dict(desk_id=a, neighbour_id=b) for a, b in sorted(pairs)])
    return ImportReport(0 if exists else 1, 1 if exists else 0, created, updated, len(retired))

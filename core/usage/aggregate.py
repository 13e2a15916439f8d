"""From aggregated rows (GROUP BY results of the store) to a published :class:`Report`.

The store counts in the database; this module adds capacity (desks in use x open parts of
the day), builds the totals, applies small-count suppression (:mod:`core.usage.suppression`)
and keeps only publishable values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from core.booking.days import HolidayCalendar, closed_reason
from core.booking.model import BOTH_PARTS, Building, Part, Zone
from core.usage.model import (
    METRICS,
    BuildingReport,
    Cell,
    CellRow,
    Counts,
    DayFigures,
    DayPartRow,
    DeskRef,
    DeskRow,
    Figures,
    Report,
    TypeFigures,
    ZoneFigures,
    ZoneKindRow,
    ZoneTypeFigures,
    desk_type,
)
from core.usage.suppression import suppress

PEAK_DAYS = 3
UNKNOWN = "?"


@dataclass(frozen=True)
class Scope:
    """What a report covers: the buildings, their zones and every desk (in use or not)."""

    buildings: tuple[Building, ...]
    zones: dict[str, Zone]
    desks: tuple[DeskRef, ...]


class _Nodes:
    """Published nodes: five counts each (METRICS order) and a capacity."""

    def __init__(self) -> None:
        self.values: list[list[int]] = []
        self.capacity: list[int] = []
        self.relations: list[tuple[int, list[int]]] = []

    def add(self, capacity: int) -> int:
        self.values.append([0, 0, 0, 0, 0])
        self.capacity.append(capacity)
        return len(self.values) - 1

    def count(self, node: int, counts: Sequence[int]) -> None:
        reserved, checked_in, released, no_shows = counts
        v = self.values[node]
        v[0] += reserved
        v[1] += checked_in
        v[2] += released
        v[3] += no_shows
        v[4] += reserved - checked_in - released - no_shows

    def total(self, node: int, parts: list[int]) -> None:
        """``node`` is the sum of ``parts``: add them up and record the relation."""
        v = self.values[node]
        for p in parts:
            for m, x in enumerate(self.values[p]):
                v[m] += x
        if parts:
            self.relations.append((node, parts))

    def relate(self, node: int, parts: list[int]) -> None:
        """Record another decomposition of an already counted total."""
        if parts:
            self.relations.append((node, parts))


def open_days(building: Building, start: date, end: date, calendar: HolidayCalendar) -> list[date]:
    """The days in ``start..end`` on which ``building`` is open."""
    out = []
    d = start
    while d <= end:
        if closed_reason(building, d, calendar) is None:
            out.append(d)
        d += timedelta(days=1)
    return out


def build_report(
    scope: Scope,
    start: date,
    end: date,
    today: date,
    min_cell: int,
    day_rows: Iterable[DayPartRow],
    desk_rows: Iterable[DeskRow],
    cell_rows: Iterable[CellRow] | None = None,
    calendar: HolidayCalendar | None = None,
    building_id: str | None = None,
    zone_rows: Iterable[ZoneKindRow] = (),
) -> Report:
    """The report over ``start..end`` (inclusive) for the buildings of ``scope``.

    ``day_rows`` and ``desk_rows`` + ``zone_rows`` must count the same reservations (one
    snapshot; ``zone_rows`` are the roll-up's counts per zone and desk kind, for days whose
    reservations ``desk_rows`` do not count); ``cell_rows`` (optional) adds the finest cells
    per floor, zone, desk type, day and part.
    """
    calendar = calendar or HolidayCalendar()
    nodes = _Nodes()
    desk_by_id = {d.desk_id: d for d in scope.desks}
    zones = scope.zones

    per_b_days: dict[str, dict[tuple[date, Part], DayPartRow]] = defaultdict(dict)
    for row in day_rows:
        per_b_days[row.building_id][(row.day, row.part)] = row
    per_b_desks: dict[str, list[tuple[DeskRef, DeskRow]]] = defaultdict(list)
    for row in desk_rows:
        ref = desk_by_id.get(row.desk_id)
        if ref is None:
            ref = DeskRef(row.desk_id, UNKNOWN, UNKNOWN, UNKNOWN, False)
        per_b_desks[ref.building_id].append((ref, row))
    per_b_kinds: dict[str, list[ZoneKindRow]] = defaultdict(list)
    for row in zone_rows:
        per_b_kinds[row.building_id].append(row)
    per_b_cells: dict[str, list[CellRow]] = defaultdict(list)
    for row in cell_rows or ():
        per_b_cells[row.building_id].append(row)

    in_use_by_b: dict[str, list[DeskRef]] = defaultdict(list)
    for ref in scope.desks:
        if ref.in_use:
            in_use_by_b[ref.building_id].append(ref)

    built = []
    for b in scope.buildings:
        in_use = in_use_by_b.get(b.id, [])
        n_desks = len(in_use)
        opened = open_days(b, start, end, calendar)
        open_set = set(opened)
        n_open_parts = 2 * len(opened)
        rows = per_b_days.get(b.id, {})

        # days and parts of the day
        day_nodes: dict[date, int] = {}
        part_nodes: dict[tuple[date, Part], int] = {}
        minutes = 0.0
        timed = 0
        for d in sorted(open_set | {d for d, _ in rows}):
            cap = n_desks if d in open_set else 0
            parts = []
            for p in BOTH_PARTS:
                node = nodes.add(cap)
                row = rows.get((d, p))
                if row is not None:
                    nodes.count(node, row.counts)
                    minutes += row.minutes
                    timed += row.timed
                part_nodes[(d, p)] = node
                parts.append(node)
            day_nodes[d] = nodes.add(2 * cap)
            nodes.total(day_nodes[d], parts)
        b_node = nodes.add(n_desks * n_open_parts)
        nodes.total(b_node, list(day_nodes.values()))

        # zones x desk types (over the whole range), and their sums per zone and per desk type
        zt_desks: dict[tuple[str, str], int] = defaultdict(int)
        for d in in_use:
            zt_desks[(d.zone_id, d.desk_type)] += 1
        zt_counts: dict[tuple[str, str], list[Counts]] = defaultdict(list)
        for ref, row in per_b_desks.get(b.id, ()):
            zt_counts[(ref.zone_id, ref.desk_type)].append(row.counts)
        for kind in per_b_kinds.get(b.id, ()):
            zone = zones.get(kind.zone_id)
            dtype = desk_type(kind.screens, kind.sit_stand, zone.quiet if zone else False)
            zt_counts[(kind.zone_id, dtype)].append(kind.counts)
        zt_nodes: dict[tuple[str, str], int] = {}
        for key in sorted(set(zt_desks) | set(zt_counts), key=lambda k: (_zone_order(zones, k[0]), k[1])):
            node = nodes.add(zt_desks.get(key, 0) * n_open_parts)
            for counts in zt_counts.get(key, ()):
                nodes.count(node, counts)
            zt_nodes[key] = node
        type_desks: dict[str, int] = defaultdict(int)
        zone_desks: dict[str, int] = defaultdict(int)
        for (z, t_), n in zt_desks.items():
            type_desks[t_] += n
            zone_desks[z] += n
        type_nodes: dict[str, int] = {}
        for t_ in sorted({k[1] for k in zt_nodes}):
            type_nodes[t_] = nodes.add(type_desks.get(t_, 0) * n_open_parts)
            nodes.total(type_nodes[t_], [n for k, n in zt_nodes.items() if k[1] == t_])
        zone_nodes: dict[str, int] = {}
        for z in sorted({k[0] for k in zt_nodes}, key=lambda z: _zone_order(zones, z)):
            zone_nodes[z] = nodes.add(zone_desks.get(z, 0) * n_open_parts)
            nodes.total(zone_nodes[z], [n for k, n in zt_nodes.items() if k[0] == z])
        nodes.relate(b_node, list(type_nodes.values()))
        nodes.relate(b_node, list(zone_nodes.values()))

        # the finest cells (optional): they add up to the parts of the day and to zone x type
        cells: list[tuple[tuple, int]] = []
        if cell_rows is not None:
            by_part: dict[tuple[date, Part], list[int]] = defaultdict(list)
            by_zt: dict[tuple[str, str], list[int]] = defaultdict(list)
            for row in per_b_cells.get(b.id, ()):
                zone = zones.get(row.zone_id)
                dtype = desk_type(row.screens, row.sit_stand, zone.quiet if zone else False)
                cap = zt_desks.get((row.zone_id, dtype), 0) if row.day in open_set else 0
                node = nodes.add(cap)
                nodes.count(node, row.counts)
                by_part[(row.day, row.part)].append(node)
                by_zt[(row.zone_id, dtype)].append(node)
                key = (zone.floor if zone else 0, zone.name if zone else UNKNOWN, dtype, row.day, row.part)
                cells.append((key, node))
            for k, parts in by_part.items():
                if k in part_nodes:
                    nodes.relate(part_nodes[k], parts)
            for k, parts in by_zt.items():
                if k in zt_nodes:
                    nodes.relate(zt_nodes[k], parts)
        built.append((b, n_desks, len(opened), b_node, day_nodes, part_nodes, type_nodes, type_desks, zone_nodes,
                      zone_desks, zt_nodes, zt_desks, cells, minutes, timed))

    total_node = nodes.add(sum(nodes.capacity[x[3]] for x in built))
    nodes.total(total_node, [x[3] for x in built])

    hidden = suppress(nodes.values, nodes.relations, min_cell)

    def figures(node: int) -> Figures:
        v, h = nodes.values[node], hidden[node]
        shown = [None if h[m] else v[m] for m in range(len(METRICS))]
        small = frozenset(METRICS[m] for m in range(len(METRICS)) if h[m] and v[m] < min_cell)
        return Figures(nodes.capacity[node], *shown, small=small)

    reports = []
    for (b, n_desks, n_open, b_node, day_nodes, part_nodes, type_nodes, type_desks, zone_nodes, zone_desks,
         zt_nodes, zt_desks, cells, minutes, timed) in built:
        days = tuple(DayFigures(d, figures(n), figures(part_nodes[(d, Part.MORNING)]),
                                figures(part_nodes[(d, Part.AFTERNOON)])) for d, n in sorted(day_nodes.items()))
        peaks = sorted((df for df in days if df.figures.occupancy is not None and df.figures.reserved),
                       key=lambda df: (-(df.figures.occupancy or 0.0), df.day))[:PEAK_DAYS]
        totals = figures(b_node)
        stay = None
        if timed >= min_cell and totals.checked_in is not None:
            stay = round(minutes / timed, 1)
        reports.append(BuildingReport(
            building_id=b.id, name=b.name, desks=n_desks, open_days=n_open, totals=totals, days=days,
            desk_types=tuple(TypeFigures(t, type_desks.get(t, 0), figures(n)) for t, n in type_nodes.items()),
            zones=tuple(ZoneFigures(*_zone_label(zones, z), zone_desks.get(z, 0), figures(n))
                        for z, n in zone_nodes.items()),
            zone_types=tuple(ZoneTypeFigures(*_zone_label(zones, z), t_, zt_desks.get((z, t_), 0), figures(n))
                             for (z, t_), n in zt_nodes.items()),
            cells=tuple(Cell(*key, figures(n)) for key, n in sorted(cells, key=lambda kn: _cell_order(kn[0]))),
            peak_days=tuple(peaks), average_stay_minutes=stay))
    return Report(start=start, end=end, today=today, building_id=building_id, min_cell=min_cell,
                  buildings=tuple(reports), total=figures(total_node))


def _zone_label(zones: dict[str, Zone], zone_id: str) -> tuple[int, str]:
    z = zones.get(zone_id)
    return (z.floor, z.name) if z else (0, UNKNOWN)


def _zone_order(zones: dict[str, Zone], zone_id: str) -> tuple:
    floor, name = _zone_label(zones, zone_id)
    return (floor, name, zone_id)


def _cell_order(key: tuple) -> tuple:
    floor, zone, dtype, day, part = key
    return (day, 0 if part is Part.MORNING else 1, floor, zone, dtype)

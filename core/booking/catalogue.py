"""The static desk catalogue: buildings, zones and desks, indexed for fast lookups.

The catalogue changes only on an import; the store caches it per process and hands the
core an immutable :class:`Catalogue`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from core.booking.model import Building, Desk, Zone


def slug(text: str) -> str:
    """``"Den Haag"`` -> ``"den-haag"`` (accents dropped), for comparing city names."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = []
    for ch in norm.lower().strip():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


@dataclass(frozen=True)
class Catalogue:
    """Buildings with their desks and zones (only desks in use)."""

    buildings: dict[str, Building]
    desks: dict[str, Desk]
    zones: dict[str, Zone]
    desks_by_building: dict[str, tuple[Desk, ...]] = field(default_factory=dict)
    version: int = 0

    @classmethod
    def build(cls, buildings: list[Building], zones: list[Zone], desks: list[Desk], version: int = 0) -> "Catalogue":
        by_building: dict[str, list[Desk]] = {b.id: [] for b in buildings}
        for d in sorted(desks, key=lambda d: (d.building_id, d.code)):
            by_building.setdefault(d.building_id, []).append(d)
        return cls(
            buildings={b.id: b for b in sorted(buildings, key=lambda b: b.id)},
            desks={d.id: d for d in desks},
            zones={z.id: z for z in zones},
            desks_by_building={k: tuple(v) for k, v in by_building.items()},
            version=version,
        )

    def building_desks(self, building_id: str) -> tuple[Desk, ...]:
        return self.desks_by_building.get(building_id, ())

    def find(self, name: str) -> Building | None:
        """A building by id, or by a name or alias that only it has (``Turfmarkt``, ``RWS``)."""
        if name in self.buildings:
            return self.buildings[name]
        key = slug(name)
        if not key:
            return None
        hits = [b for b in self.buildings.values()
                if key == slug(b.id) or key == slug(b.name) or key in {slug(a) for a in b.aliases}]
        return hits[0] if len(hits) == 1 else None

    def in_city(self, city: str) -> tuple[Building, ...]:
        """Buildings in a city given as a name (``Den Haag``) or slug (``den-haag``)."""
        key = slug(city.removeprefix("city:"))
        return tuple(b for b in self.buildings.values() if slug(b.city) == key)

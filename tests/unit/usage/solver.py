"""An attacker for the suppression tests: from the published figures of a report and the
documented additive relations, which suppressed counts can be computed exactly?

Exact linear algebra over the rationals: a hidden count is recoverable when its unit vector
lies in the row space of the equations over the hidden counts.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from core.usage.model import METRICS, Figures, Report


class _System:
    def __init__(self) -> None:
        self.unknowns: dict[tuple, int] = {}
        self.rows: list[dict[int, Fraction]] = []

    def term(self, key: tuple, value: int | None) -> tuple[int | None, int]:
        """(unknown index or None, known value)"""
        if value is None:
            if key not in self.unknowns:
                self.unknowns[key] = len(self.unknowns)
            return self.unknowns[key], 0
        return None, value

    def equation(self, total: tuple[tuple, int | None], parts: Iterable[tuple[tuple, int | None]]) -> None:
        row: dict[int, Fraction] = {}
        idx, _ = self.term(*total)
        if idx is not None:
            row[idx] = row.get(idx, Fraction(0)) + 1
        for key, value in parts:
            idx, _ = self.term(key, value)
            if idx is not None:
                row[idx] = row.get(idx, Fraction(0)) - 1
        row = {k: v for k, v in row.items() if v != 0}
        if row:
            self.rows.append(row)

    def recoverable(self) -> list[tuple]:
        # Gaussian elimination to a reduced basis of the row space.
        basis: list[tuple[int, dict[int, Fraction]]] = []
        for row in self.rows:
            r = dict(row)
            for pivot, b in basis:
                if pivot in r:
                    f = r[pivot]
                    for k, v in b.items():
                        r[k] = r.get(k, Fraction(0)) - f * v
                    r = {k: v for k, v in r.items() if v != 0}
            if not r:
                continue
            pivot = min(r)
            f = r[pivot]
            r = {k: v / f for k, v in r.items()}
            new_basis = []
            for p, b in basis:
                if pivot in b:
                    g = b[pivot]
                    b = {k: b.get(k, Fraction(0)) - g * r.get(k, Fraction(0)) for k in set(b) | set(r)}
                    b = {k: v for k, v in b.items() if v != 0}
                new_basis.append((p, b))
            basis = new_basis + [(pivot, r)]
        # Fully reduced: e_i is in the row space iff some basis row is exactly e_i.
        found = {p for p, b in basis if len(b) == 1}
        names = {i: k for k, i in self.unknowns.items()}
        return [names[i] for i in sorted(found)]


def _eq_metrics(s: _System, key: tuple, f: Figures) -> None:
    s.equation((key + ("reserved",), f.reserved),
               [(key + (m,), f.count(m)) for m in METRICS[1:]])


def _sum(s: _System, total_key: tuple, total: Figures, parts: list[tuple[tuple, Figures]]) -> None:
    for m in METRICS:
        s.equation((total_key + (m,), total.count(m)), [(k + (m,), f.count(m)) for k, f in parts])


def recoverable(report: Report) -> list[tuple]:
    """The keys of suppressed counts an attacker can compute exactly (must be empty)."""
    s = _System()
    g = ("all",)
    _eq_metrics(s, g, report.total)
    _sum(s, g, report.total, [(("b", b.building_id), b.totals) for b in report.buildings])
    for b in report.buildings:
        bk = ("b", b.building_id)
        _eq_metrics(s, bk, b.totals)
        days = []
        for d in b.days:
            dk = bk + ("day", d.day)
            _eq_metrics(s, dk, d.figures)
            days.append((dk, d.figures))
            if d.morning is not None and d.afternoon is not None:
                mk, ak = dk + ("morning",), dk + ("afternoon",)
                _eq_metrics(s, mk, d.morning)
                _eq_metrics(s, ak, d.afternoon)
                _sum(s, dk, d.figures, [(mk, d.morning), (ak, d.afternoon)])
        _sum(s, bk, b.totals, days)
        types = [(bk + ("type", x.desk_type), x.figures) for x in b.desk_types]
        zones = [(bk + ("zone", z.floor, z.zone), z.figures) for z in b.zones]
        zts = [(bk + ("zt", z.floor, z.zone, z.desk_type), z.figures) for z in b.zone_types]
        for k, f in types + zones + zts:
            _eq_metrics(s, k, f)
        _sum(s, bk, b.totals, types)
        _sum(s, bk, b.totals, zones)
        _sum(s, bk, b.totals, zts)
        for tk, tf in types:
            _sum(s, tk, tf, [(k, f) for k, f in zts if k[-1] == tk[-1]])
        for zk, zf in zones:
            _sum(s, zk, zf, [(k, f) for k, f in zts if k[-3:-1] == zk[-2:]])
        if b.cells:
            by_part: dict[tuple, list] = {}
            by_zt: dict[tuple, list] = {}
            for c in b.cells:
                ck = bk + ("cell", c.day, c.part.value, c.floor, c.zone, c.desk_type)
                _eq_metrics(s, ck, c.figures)
                by_part.setdefault(bk + ("day", c.day, c.part.value), []).append((ck, c.figures))
                by_zt.setdefault(bk + ("zt", c.floor, c.zone, c.desk_type), []).append((ck, c.figures))
            figs = {bk + ("day", d.day, p): f for d in b.days for p, f in (("morning", d.morning),
                                                                            ("afternoon", d.afternoon))}
            figs.update(dict(zts))
            for group in (by_part, by_zt):
                for k, parts in group.items():
                    _sum(s, k, figs[k], parts)
    return s.recoverable()

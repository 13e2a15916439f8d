"""CSV (one long table, a ``section`` column) and JSON renderings. Suppressed counts are ``"<5"``."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from core.usage.model import COMPLEMENT_MARK, METRICS, Figures, Report

CSV_COLUMNS = ("section", "building_id", "floor", "zone", "desk_type", "day", "part", "desks", "capacity",
               *METRICS, "occupancy", "utilisation")


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _figs(report: Report, f: Figures) -> dict[str, Any]:
    out: dict[str, Any] = {"capacity": f.capacity}
    for m in METRICS:
        v = f.count(m)
        out[m] = v if v is not None else report.shown(f, m)
    out["occupancy"] = _rate(f.occupancy)
    out["utilisation"] = _rate(f.utilisation)
    return out


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "start": report.start.isoformat(), "end": report.end.isoformat(), "today": report.today.isoformat(),
        "building_id": report.building_id, "min_cell": report.min_cell,
        "suppressed_as": {"small": report.small_mark, "complement": COMPLEMENT_MARK},
        "unit": "desk x part of day",
        "total": _figs(report, report.total),
        "buildings": [{
            "building_id": b.building_id, "name": b.name, "desks": b.desks, "open_days": b.open_days,
            "average_stay_minutes": b.average_stay_minutes,
            "totals": _figs(report, b.totals),
            "peak_days": [{"day": d.day.isoformat(), **_figs(report, d.figures)} for d in b.peak_days],
            "days": [{"day": d.day.isoformat(), **_figs(report, d.figures),
                      "parts": {p: _figs(report, f) for p, f in (("morning", d.morning), ("afternoon", d.afternoon))
                                if f is not None}} for d in b.days],
            "desk_types": [{"desk_type": x.desk_type, "desks": x.desks, **_figs(report, x.figures)}
                           for x in b.desk_types],
            "zones": [{"floor": z.floor, "zone": z.zone, "desks": z.desks, **_figs(report, z.figures)}
                      for z in b.zones],
            "cells": [{"day": c.day.isoformat(), "part": c.part.value, "floor": c.floor, "zone": c.zone,
                       "desk_type": c.desk_type, **_figs(report, c.figures)} for c in b.cells],
        } for b in report.buildings],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=1) + "\n"


def render_csv(report: Report, lang: str = "nl") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)

    def row(section: str, f: Figures, building: str = "", floor: Any = "", zone: str = "", dtype: str = "",
            day: str = "", part: str = "", desks: Any = "") -> None:
        d = _figs(report, f)
        w.writerow([section, building, floor, zone, dtype, day, part, desks, d["capacity"],
                    *[d[m] for m in METRICS],
                    "" if d["occupancy"] is None else d["occupancy"],
                    "" if d["utilisation"] is None else d["utilisation"]])

    row("all", report.total, desks=sum(b.desks for b in report.buildings))
    for b in report.buildings:
        row("building", b.totals, b.building_id, desks=b.desks)
        for d in b.days:
            row("day", d.figures, b.building_id, day=d.day.isoformat())
            for p, f in (("morning", d.morning), ("afternoon", d.afternoon)):
                if f is not None:
                    row("day_part", f, b.building_id, day=d.day.isoformat(), part=p)
        for x in b.desk_types:
            row("desk_type", x.figures, b.building_id, dtype=x.desk_type, desks=x.desks)
        for z in b.zones:
            row("zone", z.figures, b.building_id, floor=z.floor, zone=z.zone, desks=z.desks)
        for c in b.cells:
            row("cell", c.figures, b.building_id, c.floor, c.zone, c.desk_type, c.day.isoformat(), c.part.value)
    return buf.getvalue()

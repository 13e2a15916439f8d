"""The report as flat rows (shared by the table, CSV and HTML renderers)."""

from __future__ import annotations

from typing import Iterator

from core.usage.model import METRICS, Figures, Report
from core.usage.wording import t

COUNT_KEYS = ("capacity",) + METRICS
RATE_KEYS = ("occupancy", "utilisation")


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def figure_cells(report: Report, f: Figures) -> list[str]:
    return [str(f.capacity)] + [report.shown(f, m) for m in METRICS] + [rate(f.occupancy), rate(f.utilisation)]


def figure_headers(lang: str) -> list[str]:
    return [t(lang, f"report.{k}") for k in COUNT_KEYS + RATE_KEYS]


def part_label(part: str, lang: str) -> str:
    return t(lang, f"part.{part}")


def sections(report: Report, lang: str) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    """``(title, headers, rows)`` per section, in display order."""
    fh = figure_headers(lang)
    rows = [[b.building_id, b.name, str(b.desks), str(b.open_days)] + figure_cells(report, b.totals)
            + ["-" if b.average_stay_minutes is None else f"{b.average_stay_minutes:.0f}"]
            for b in report.buildings]
    if len(report.buildings) != 1:
        rows.append([t(lang, "report.all_buildings"), "", str(sum(b.desks for b in report.buildings)), ""]
                    + figure_cells(report, report.total) + ["-"])
    yield (t(lang, "report.totals"),
           ["id", t(lang, "report.building"), t(lang, "report.desks"), t(lang, "report.open_days")] + fh
           + [t(lang, "report.average_stay")], rows)
    for b in report.buildings:
        prefix = f"{b.name} ({b.building_id}) - "
        yield (prefix + t(lang, "report.peak_days"), [t(lang, "report.day")] + fh,
               [[d.day.isoformat()] + figure_cells(report, d.figures) for d in b.peak_days])
        yield (prefix + t(lang, "report.per_day"), [t(lang, "report.day"), t(lang, "report.part")] + fh,
               list(_day_rows(report, b.days, lang)))
        yield (prefix + t(lang, "report.per_desk_type"), [t(lang, "report.desk_type"), t(lang, "report.desks")] + fh,
               [[x.desk_type, str(x.desks)] + figure_cells(report, x.figures) for x in b.desk_types])
        yield (prefix + t(lang, "report.per_zone"),
               [t(lang, "report.floor"), t(lang, "report.zone"), t(lang, "report.desks")] + fh,
               [[str(z.floor), z.zone, str(z.desks)] + figure_cells(report, z.figures) for z in b.zones])
        if b.cells:
            yield (prefix + t(lang, "report.cells"),
                   [t(lang, "report.day"), t(lang, "report.part"), t(lang, "report.floor"), t(lang, "report.zone"),
                    t(lang, "report.desk_type")] + fh,
                   [[c.day.isoformat(), part_label(c.part.value, lang), str(c.floor), c.zone, c.desk_type]
                    + figure_cells(report, c.figures) for c in b.cells])


def _day_rows(report: Report, days, lang: str) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    for d in days:
        yield [d.day.isoformat(), t(lang, "part.whole_day")] + figure_cells(report, d.figures)
        for part, f in (("morning", d.morning), ("afternoon", d.afternoon)):
            if f is not None:
                yield [d.day.isoformat(), part_label(part, lang)] + figure_cells(report, f)


def heading(report: Report, lang: str) -> list[str]:
    scope = report.building_id or t(lang, "report.all_buildings")
    return [f"{t(lang, 'report.title')}: {scope}",
            f"{t(lang, 'report.period')}: {report.start.isoformat()} .. {report.end.isoformat()}",
            t(lang, "report.definitions"),
            t(lang, "report.suppressed", min=report.min_cell)]

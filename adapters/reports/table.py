"""Plain-text tables for the terminal."""

from __future__ import annotations

from adapters.reports.rows import heading, sections
from core.usage.model import Report


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i and _numeric(c) else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def _numeric(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell[0] in "<-")


def render_table(report: Report, lang: str) -> str:
    out = heading(report, lang)
    for title, headers, rows in sections(report, lang):
        if not rows:
            continue
        out += ["", title, *_table(headers, rows)]
    return "\n".join(out) + "\n"

"""Rendering a usage report: ``table``, ``csv``, ``json``, ``html`` (with embedded charts), ``png``.

Renderers see only a :class:`core.usage.model.Report`, which holds published values only.
"""

from __future__ import annotations

from core.usage.model import Report

FORMATS: tuple[str, ...] = ("table", "csv", "json", "html", "png")


def render(report: Report, fmt: str, lang: str = "nl") -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as bytes (text formats in UTF-8)."""
    if fmt == "table":
        from adapters.reports.table import render_table

        return render_table(report, lang).encode("utf-8")
    if fmt == "csv":
        from adapters.reports.tabular import render_csv

        return render_csv(report, lang).encode("utf-8")
    if fmt == "json":
        from adapters.reports.tabular import render_json

        return render_json(report).encode("utf-8")
    if fmt == "html":
        from adapters.reports.html import render_html

        return render_html(report, lang).encode("utf-8")
    if fmt == "png":
        from adapters.reports.charts import report_png

        return report_png(report, lang)
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")

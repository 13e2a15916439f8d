"""Charts with matplotlib (Agg, object API: no pyplot, no global state): occupancy per day and
per desk type. Built from published figures only; a suppressed count is left out."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from datetime import date

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.usage.model import Report
from core.usage.wording import t

_RESERVED = "#1f5fa8"   # Rijkshuisstijl-like blue
_USED = "#e17000"


def _rate(count: int | None, capacity: int) -> float:
    """A share for the chart; ``nan`` (a gap, never a false zero) when a count is suppressed."""
    return math.nan if count is None or capacity <= 0 else count / capacity


def per_day(report: Report) -> list[tuple[date, float, float]]:
    """``(day, occupancy, utilisation)`` over the buildings of the report, open days only; a day
    with a suppressed count in any building is a gap."""
    cap: dict[date, int] = defaultdict(int)
    res: dict[date, int | None] = defaultdict(int)
    used: dict[date, int | None] = defaultdict(int)
    for b in report.buildings:
        for d in b.days:
            f = d.figures
            if f.capacity <= 0:
                continue
            cap[d.day] += f.capacity
            res[d.day] = _plus(res[d.day], f.reserved)
            used[d.day] = _plus(used[d.day], f.checked_in)
    return [(d, _rate(res[d], cap[d]), _rate(used[d], cap[d])) for d in sorted(cap)]


def per_type(report: Report) -> list[tuple[str, float, float]]:
    """``(desk type, occupancy, utilisation)`` over the buildings of the report."""
    cap: dict[str, int] = defaultdict(int)
    res: dict[str, int | None] = defaultdict(int)
    used: dict[str, int | None] = defaultdict(int)
    for b in report.buildings:
        for x in b.desk_types:
            if x.figures.capacity <= 0:
                continue
            cap[x.desk_type] += x.figures.capacity
            res[x.desk_type] = _plus(res[x.desk_type], x.figures.reserved)
            used[x.desk_type] = _plus(used[x.desk_type], x.figures.checked_in)
    return [(k, _rate(res[k], cap[k]), _rate(used[k], cap[k])) for k in sorted(cap)]


def _plus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _title(report: Report, lang: str) -> str:
    scope = (report.buildings[0].name if len(report.buildings) == 1 else t(lang, "report.all_buildings"))
    return f"{scope}: {report.start.isoformat()} .. {report.end.isoformat()}"


def figure(report: Report, lang: str, size: tuple[float, float] = (11, 7.5)) -> Figure:
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    fig.suptitle(_title(report, lang), fontsize=13)
    ax1, ax2 = fig.subplots(2, 1, height_ratios=(3, 2))
    days = per_day(report)
    if days:
        xs = [d for d, _, _ in days]
        ax1.bar(xs, [o * 100 for _, o, _ in days], color=_RESERVED, label=t(lang, "report.reserved"),
                width=0.8 if len(xs) < 120 else 1.0)
        ax1.plot(xs, [u * 100 for _, _, u in days], color=_USED, marker="o" if len(xs) <= 31 else None,
                 linewidth=1.5, label=t(lang, "report.checked_in"))
        ax1.legend(loc="upper right", fontsize=9)
        if len(xs) <= 31:
            ax1.set_xticks(xs, [d.strftime("%d-%m") for d in xs], fontsize=8,
                           rotation=0 if len(xs) <= 10 else 60)
        else:
            locator = mdates.AutoDateLocator()
            ax1.xaxis.set_major_locator(locator)
            ax1.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax1.set_title(t(lang, "report.chart_day"), fontsize=11)
    ax1.set_ylabel("%")
    ax1.set_ylim(0, 100)
    ax1.grid(axis="y", alpha=0.3)
    types = per_type(report)
    if types:
        ys = range(len(types))
        ax2.barh([y + 0.2 for y in ys], [o * 100 for _, o, _ in types], height=0.4, color=_RESERVED,
                 label=t(lang, "report.reserved"))
        ax2.barh([y - 0.2 for y in ys], [u * 100 for _, _, u in types], height=0.4, color=_USED,
                 label=t(lang, "report.checked_in"))
        ax2.set_yticks(list(ys), [name.replace("+", " + ").replace("_", " ") for name, _, _ in types], fontsize=8)
        ax2.legend(loc="lower right", fontsize=9)
    ax2.set_title(t(lang, "report.chart_type"), fontsize=11)
    ax2.set_xlabel("%")
    ax2.set_xlim(0, 100)
    ax2.grid(axis="x", alpha=0.3)
    fig.supxlabel(t(lang, "report.suppressed", min=report.min_cell), fontsize=7, color="#555555")
    return fig


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def report_png(report: Report, lang: str = "nl") -> bytes:
    """Both charts as one PNG."""
    return _png(figure(report, lang))


def summary_png(report: Report, lang: str = "nl") -> bytes:
    """The chart for a chat answer: smaller, same content."""
    return _png(figure(report, lang, size=(8, 6)))


def report_svg(report: Report, lang: str = "nl") -> str:
    """Both charts as SVG text (for the HTML report)."""
    fig = figure(report, lang)
    FigureCanvasAgg(fig)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()

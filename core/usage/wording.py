"""The words of usage replies and reports, from per-language catalogs (``catalog/nl.json``,
``catalog/en.json``, identical keys), phrased with the project's babel helpers."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from core.booking.model import BOTH_PARTS, Part
from core.clock import local
from core.i18n.catalog import LANGS, Catalog
from core.i18n.phrasing import day as phrase_day
from core.usage.model import BuildingReport, Figures, Report
from core.usage.port import CheckInResult, CheckOutResult, ReleaseNotice
from core.usage.presence import CheckInOutcome, CheckOutOutcome
from core.usage.request import ReportProblem

_DIR = Path(__file__).resolve().parent / "catalog"


@lru_cache(maxsize=None)
def usage_catalog(lang: str) -> Catalog:
    lang = lang if lang in LANGS else "nl"
    with open(_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return Catalog(lang, json.load(fh))


def t(lang: str, key: str, **values: object) -> str:
    return usage_catalog(lang).text(key, **values)


def parts_phrase(parts: tuple[Part, ...], lang: str) -> str:
    if set(parts) == set(BOTH_PARTS):
        return t(lang, "part.whole_day")
    return ", ".join(t(lang, f"part.{p.value}") for p in parts)


def percent(rate: float | None, lang: str, min_cell: int | None = None) -> str:
    """``62%``; a suppressed or unknown rate is ``-``."""
    if rate is None:
        return "-"
    return f"{rate * 100:.0f}%"


def check_in_text(result: CheckInResult, lang: str) -> str:
    o = result.outcome
    building = result.building_name or result.building_id or ""
    at = local(result.at).strftime("%H:%M") if result.at else ""
    if o is CheckInOutcome.CHECKED_IN:
        return t(lang, "checkin.done", desk=result.desk_code, building=building,
                 parts=parts_phrase(result.parts, lang))
    if o is CheckInOutcome.ALREADY:
        return t(lang, "checkin.already", desk=result.desk_code, building=building, time=at)
    if o is CheckInOutcome.TOO_EARLY:
        return t(lang, "checkin.too_early", desk=result.desk_code, building=building, time=at)
    if o is CheckInOutcome.TOO_LATE:
        return t(lang, "checkin.too_late")
    if o is CheckInOutcome.RELEASED:
        return t(lang, "checkin.released")
    if o is CheckInOutcome.ERROR:
        return t(lang, "checkin.error")
    return t(lang, "checkin.no_booking")


def check_out_text(result: CheckOutResult, lang: str) -> str:
    o = result.outcome
    building = result.building_name or result.building_id or ""
    if o is CheckOutOutcome.CHECKED_OUT:
        if result.released_parts:
            return t(lang, "checkout.done_released", desk=result.desk_code, building=building,
                     parts=parts_phrase(result.released_parts, lang))
        return t(lang, "checkout.done", desk=result.desk_code, building=building)
    if o is CheckOutOutcome.NOT_CHECKED_IN:
        return t(lang, "checkout.not_checked_in")
    if o is CheckOutOutcome.ERROR:
        return t(lang, "checkout.error")
    return t(lang, "checkout.no_booking")


def release_text(notice: ReleaseNotice, lang: str) -> str:
    return t(lang, "release.notice", desk=notice.desk_code, building=notice.building_name,
             day=phrase_day(notice.day, lang), parts=parts_phrase(notice.parts, lang))


def release_message(notice: ReleaseNotice) -> tuple[str, str]:
    """The proactive auto-release message and its language: in the person's language when it is
    known, else in Dutch and English (like the inactivity notice)."""
    if notice.lang in LANGS:
        return release_text(notice, notice.lang), notice.lang
    return release_text(notice, "nl") + "\n\n" + release_text(notice, "en"), "nl"


def problem_text(problem: ReportProblem, lang: str, max_days: int) -> str:
    return t(lang, f"summary.{problem.value}", max=max_days)


def period_phrase(start: date, end: date, lang: str) -> str:
    if start == end:
        return phrase_day(start, lang, today=None)
    return f"{phrase_day(start, lang)} - {phrase_day(end, lang)}"


def summary_lines(report: Report, lang: str) -> tuple[str, ...]:
    """The short chat summary of a report: published figures only."""
    k = report.min_cell
    period = period_phrase(report.start, report.end, lang)

    if len(report.buildings) == 1:
        b: BuildingReport | None = report.buildings[0]
        fig: Figures = b.totals
        desks = b.desks
        head = t(lang, "summary.head", building=b.name, period=period, desks=desks,
                 occupancy=percent(fig.occupancy, lang, k), utilisation=percent(fig.utilisation, lang, k))
    else:
        b = None
        fig = report.total
        desks = sum(x.desks for x in report.buildings)
        head = t(lang, "summary.head_all", period=period, desks=desks,
                 occupancy=percent(fig.occupancy, lang, k), utilisation=percent(fig.utilisation, lang, k))
    lines = []
    if fig.capacity == 0:
        lines.append(t(lang, "summary.closed"))
    else:
        lines.append(head)
    lines.append(t(lang, "summary.counts", **{m: report.shown(fig, m)
                                              for m in ("reserved", "checked_in", "no_shows", "released")}))
    if b is not None and b.peak_days:
        peak = b.peak_days[0]
        lines.append(t(lang, "summary.peak", day=phrase_day(peak.day, lang),
                       occupancy=percent(peak.figures.occupancy, lang, k)))
    if b is not None and b.average_stay_minutes is not None:
        lines.append(t(lang, "summary.stay", hours=_hours(b.average_stay_minutes, lang)))
    lines.append(t(lang, "summary.privacy", min=k))
    return tuple(lines)


def _hours(minutes: float, lang: str) -> str:
    value = f"{minutes / 60:.1f}"
    return value.replace(".", ",") if lang == "nl" else value

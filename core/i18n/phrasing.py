"""Natural phrasing of dates, lists and parts of the day, with babel."""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from typing import Iterable

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from core.i18n.catalog import text

_BABEL = {"nl": "nl_NL", "en": "en_GB"}


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(_BABEL.get(lang, "nl_NL"))


def day(d: date, lang: str, today: date | None = None) -> str:
    """``donderdag 26 november`` / ``Thursday 26 November`` (the year only when far away)."""
    pattern = "EEEE d MMMM"
    if today is not None and abs((d - today).days) > 180:
        pattern = "EEEE d MMMM y"
    return _formatted(d, pattern, lang)


@lru_cache(maxsize=2048)
def _formatted(d: date, pattern: str, lang: str) -> str:
    # babel's formatting is slow next to a turn's other work, and replies name the same few days
    return format_date(d, pattern, locale=_locale(lang))


def join(items: Iterable[str], lang: str) -> str:
    """``a, b en c`` / ``a, b and c``."""
    items = [i for i in items if i]
    if not items:
        return ""
    return format_list(items, locale=_locale(lang))


def days(ds: Iterable[date], lang: str, today: date | None = None) -> str:
    """``maandag 30 november en dinsdag 1 december``."""
    return join([day(d, lang, today) for d in sorted(set(ds))], lang)


def hours(t: time) -> str:
    return t.strftime("%H:%M")


def part(time_slot: dict[str, str] | None, lang: str) -> str:
    """The part of the day of a frame/request time object: ``hele dag``, ``ochtend``, ``09:00-13:00``."""
    if not time_slot:
        return text(lang, "part.whole_day")
    pod = time_slot.get("part_of_day")
    if pod in ("morning", "afternoon"):
        return text(lang, f"part.{pod}")
    start, end = time_slot.get("start"), time_slot.get("end")
    if start and end:
        return text(lang, "part.hours", start=start, end=end)
    if start:
        return text(lang, "part.from", start=start)
    if end:
        return text(lang, "part.until", end=end)
    return text(lang, "part.whole_day")

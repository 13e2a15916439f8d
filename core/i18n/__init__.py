"""User-visible text: per-language catalogs with identical keys, and natural date phrasing.

Every string the bot shows lives in ``nl.json`` / ``en.json`` next to this module. A
catalog entry is a ``str.format`` template (``"Geboekt op {day}."``); :func:`text`
fills it. Dates, lists, parts of the day are phrased by :mod:`core.i18n.phrasing`.
"""

from __future__ import annotations

from core.i18n.catalog import LANGS, DEFAULT_LANG, Catalog, catalog, lang_of, text, words
from core.i18n.phrasing import day, days, join, part, hours

__all__ = [
    "LANGS", "DEFAULT_LANG", "Catalog", "catalog", "lang_of", "text", "words",
    "day", "days", "join", "part", "hours",
]

"""Loading the message catalogs and filling their templates."""

from __future__ import annotations

import json
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("nl", "en")
DEFAULT_LANG = "nl"

_DIR = Path(__file__).resolve().parent


class _Lenient(dict):
    """Missing placeholders render as nothing rather than raising (bad data never crashes a reply)."""

    def __missing__(self, key: str) -> str:
        return ""


class Catalog:
    """One language's messages: ``key -> template``."""

    def __init__(self, lang: str, entries: dict[str, str]) -> None:
        self.lang = lang
        self.entries = entries

    def text(self, key: str, **values: Any) -> str:
        template = self.entries.get(key)
        if template is None:
            # A missing key is a programming error caught by the catalog tests; show the key
            # rather than crash a conversation.
            return key
        return template.format_map(_Lenient(values))  # str.format semantics, in C

    def placeholders(self, key: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.entries[key]) if name}


@lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog:
    """The catalog for ``lang`` (``nl`` or ``en``; anything else gives the default)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    with open(_DIR / f"{lang}.json", encoding="utf-8") as fh:
        entries = json.load(fh)
    return Catalog(lang, entries)


def lang_of(locale: str | None, default: str = DEFAULT_LANG) -> str:
    """``nl-NL``, ``en_GB.UTF-8``, ``EN`` ... -> ``nl`` / ``en``; unknown gives ``default``."""
    if not locale:
        return default
    head = locale.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
    return head if head in LANGS else default


def text(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    return catalog(lang).text(key, **values)


@lru_cache(maxsize=1024)
def words(lang: str, key: str) -> tuple[str, ...]:
    """A ``|``-separated word list from the catalog, normalised to lower case (cached: the
    catalogs are read once per process)."""
    raw = catalog(lang).entries.get(key, "")
    return tuple(w.strip().lower() for w in raw.split("|") if w.strip())

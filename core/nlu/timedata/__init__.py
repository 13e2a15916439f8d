"""Vocabulary of the date/time recogniser, per language, as data (``nl.json``, ``en.json``).

``lexicon()`` turns both files into one phrase table: a phrase (a tuple of normalised tokens) maps to
its roles, e.g. ``("tot", "en", "met")`` -> ``{"RANGE": True, "TEND": True}``. Everything is built on
first use and cached; nothing happens at import.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Any

LANGS: tuple[str, ...] = ("nl", "en")

# Folding that keeps the length of the text, so spans stay valid: accents off, typographic quotes
# and dashes to ASCII.
_FOLD_FROM = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñ’‘`´ʼ“”–—"
_FOLD_TO = "aaaaaaeeeeiiiiooooouuuuyycn'''''\"\"--"
FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)

TOKEN_RE_SOURCE = (
    r"(?P<sp>t/m|a\.s\.|a\.m\.?|p\.m\.?|o'clock|2(?:moro|morrow|mrw|day)(?![^\W_]))"
    r"|(?P<apos>'s)(?![^\W\d_])"
    r"|(?P<num>\d+)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)"
    r"|(?P<p>[-/.,:;+&$€£%'()!?\"])"
)


@lru_cache(maxsize=1)
def url_re() -> re.Pattern[str]:
    """Links and e-mail addresses (their digits are no dates)."""
    return re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|[^\s@]+@[^\s@]+")


@lru_cache(maxsize=2)
def load(lang: str) -> dict[str, Any]:
    """The raw vocabulary of one language."""
    # a plain file next to this module (importlib.resources would pull in pathlib: start-up time)
    with open(os.path.join(os.path.dirname(__file__), f"{lang}.json"), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def token_re() -> re.Pattern[str]:
    return re.compile(TOKEN_RE_SOURCE)


def norm(text: str) -> str:
    """Lower-case and fold, keeping the length (characters whose lower case is longer stay as they are)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(FOLD)


def split_phrase(phrase: str) -> tuple[str, ...]:
    """A vocabulary phrase as the tokens the tokenizer makes of it."""
    return tuple(m.group(0) for m in token_re().finditer(norm(phrase)))


# role name -> how each vocabulary key maps to it: (key, value builder)
_LIST_ROLES = {
    "next": "NEXT", "this": "THIS", "past": "PAST", "week": "WEEK", "week_next": "WEEKNEXT",
    "week_this": "WEEKTHIS", "week_next_extra": "WEEKNEXT", "of_week": "OFWEEK", "every": "EVERY",
    "day": "DAYW", "unit_day": "UDAY", "unit_week": "UWEEK", "offset_before": "OFFB",
    "offset_after": "OFFA", "offset_before_anchor": "OFFBA", "offset_anchor_filler": "FILLER",
    "range": "RANGE", "list": "LIST", "from": "FROM", "between": "BETWEEN", "between_and": "BAND",
    "on": "ON", "the": "THE", "of": "OF", "year_lead": "YLEAD", "greetings": "GREET",
    "whole_day": "WHOLE", "time_hour_words": "HOURW", "time_half": "HALF",
    "time_quarter_past": "QPAST", "time_quarter_to": "QTO", "time_half_past": "HALFPAST",
    "time_at": "TAT", "time_start": "TSTART", "time_end": "TEND", "time_start_after": "TSTARTPOST",
    "time_range": "TRANGE", "time_between": "TBETWEEN", "time_from": "TFROM", "am_words": "AMW",
    "pm_words": "PMW", "clock_suffix_am": "SUFAM", "clock_suffix_pm": "SUFPM", "count_nouns": "COUNT",
    "move_verbs": "MOVE", "move_to": "MOVETO", "ordinal_suffixes": "ORDSUF", "this_part_of_day": "THISPOD",
    "on_day": "ONDAY", "date_prepositions": "DPREP", "week_undefined": "WEEKUNDEF",
    "offset_anchor_now": "NOW", "farewell_leads": "BYE", "time_hour_suffixes": "HOURSUF",
    "article_one": "ONE", "ordinal_nouns": "ORDNOUN", "pronouns": "PRON", "time_bound_needs_clock": "NEEDCLOCK",
    "clock_suffix_glued_am": "SUFAMG", "clock_suffix_glued_pm": "SUFPMG", "no_time_phrases": "NOTIME",
    "abbr_blockers": "ABLOCK",
}
_MAP_ROLES = {
    "weekdays": "WD", "months": "MON", "relative_days": "REL", "relative_day_parts": "RELPOD",
    "parts_of_day": "POD", "part_of_day_phrases": "POD", "numbers": "NUMW", "ordinals": "ORDW",
    "clock_words": "CLOCKW",
}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The phrase table of both languages plus derived tables (typo variants, per-language sets)."""
    phrases: dict[tuple[str, ...], dict[str, Any]] = {}

    def add(phrase: str, role: str, value: Any, lang: str) -> None:
        key = split_phrase(phrase)
        if not key:
            return
        roles = phrases.setdefault(key, {})
        roles.setdefault(role, value)
        roles.setdefault("LANGS", set()).add(lang)

    bare: dict[str, set[str]] = {}
    for lang in LANGS:
        data = load(lang)
        for section, role in _LIST_ROLES.items():
            for phrase in data.get(section, ()):
                add(phrase, role, True, lang)
        for section, role in _MAP_ROLES.items():
            for phrase, value in data.get(section, {}).items():
                add(phrase, role, tuple(value) if isinstance(value, list) else value, lang)
        for phrase, wd in data.get("weekday_abbr", {}).items():
            add(phrase, "WD", wd, lang)
            add(phrase, "ABBR", True, lang)
        for phrase in data.get("weekday_abbr_bare", ()):
            bare.setdefault(norm(phrase), set()).add(lang)
        for phrase, wd in data.get("weekday_plurals", {}).items():
            add(phrase, "WDPL", wd, lang)
        for phrase, month in data.get("month_abbr", {}).items():
            add(phrase, "MON", month, lang)
        for phrase in data.get("month_ambiguous", ()):
            add(phrase, "MONAMB", True, lang)
        for phrase in data.get("function_words", ()):
            add(phrase, "F" + lang.upper(), True, lang)
        # compounds such as "dinsdagochtend", "maandagmiddag": weekday + part-of-day suffix
        for suffix, pod in data.get("part_of_day_compound_suffixes", {}).items():
            for day, wd in data.get("weekdays", {}).items():
                add(day + suffix, "WDPOD", (wd, pod), lang)
    for word, langs in bare.items():
        roles = phrases.get((word,))
        if roles is not None:
            roles["BARE"] = langs

    index: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
    single: dict[str, dict[str, Any]] = {}
    for key, roles in phrases.items():
        if any(r in roles for r in START_ROLES):
            roles["_S"] = True
        if any(r in roles for r in STRONG_START):
            roles["_SS"] = True
        if any(r in roles for r in NEAR_DAY):
            roles["_ND"] = True
        if len(key) == 1:
            single[key[0]] = roles
        index.setdefault(key[0], []).append((key, roles))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))

    typos: dict[str, str] = {}
    for lang in LANGS:
        for wrong, right in load(lang).get("misspellings", {}).items():
            typos[norm(wrong)] = norm(right)
    return {"index": index, "single": single, "typos": typos, "typo_index": _typo_index(phrases),
            "typo_cache": {}}


# roles that can begin a date expression (the recogniser only tries items at such words)
START_ROLES = ("WD", "WDPOD", "WDPL", "ONE", "MON", "REL", "RELPOD", "WEEKNEXT", "WEEKTHIS", "EVERY", "PAST",
               "GREET", "WHOLE", "WEEKUNDEF", "NEXT", "THIS", "ON", "ONDAY", "THE", "OFFB", "FROM", "BETWEEN",
               "ORDW", "NUMW", "TAT")

# of those, the roles that start a date on their own; the others ("op", "de", "een", "the") need a
# NEAR_DAY word within three symbols
STRONG_START = ("WD", "WDPOD", "WDPL", "MON", "REL", "RELPOD", "WEEKNEXT", "WEEKTHIS", "EVERY", "PAST", "GREET",
                "WHOLE", "WEEKUNDEF", "ORDW")
NEAR_DAY = STRONG_START + ("NUMW", "UDAY", "UWEEK", "NOW")

_TYPO_ROLES = ("WD", "MON", "REL", "RELPOD", "POD", "NEXT", "WDPOD", "WDPL")
_TYPO_MIN_LEN = 7  # shorter words only get a swapped pair of letters corrected
_SUB_MIN_LEN = 8  # a wrong letter is corrected only in words this long


def _typo_index(phrases: dict[tuple[str, ...], dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Day/month words by their one-letter deletions (and themselves), to find one-edit typos fast."""
    index: dict[str, set[str]] = {}
    for key, roles in phrases.items():
        if len(key) != 1 or not any(r in roles for r in _TYPO_ROLES) or "ABBR" in roles:
            continue
        word = key[0]
        if len(word) < _TYPO_MIN_LEN - 1 or not word.isalpha():
            continue
        index.setdefault(word, set()).add(word)
        for i in range(len(word)):
            index.setdefault(word[:i] + word[i + 1:], set()).add(word)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _one_edit(typo: str, word: str) -> int:
    """How ``typo`` differs from ``word`` by one edit: 1 two neighbouring letters swapped, a letter
    dropped or added; 2 a letter replaced (long words only); 0 otherwise. Short words (6 letters)
    only count a swap."""
    lt, lw = len(typo), len(word)
    if lt == lw:
        diff = [i for i in range(lw) if typo[i] != word[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and typo[diff[0]] == word[diff[1]] \
                and typo[diff[1]] == word[diff[0]]:
            return 1
        return 2 if len(diff) == 1 and lw >= _SUB_MIN_LEN and diff[0] > 0 else 0
    if lw < _TYPO_MIN_LEN or abs(lt - lw) != 1:
        return 0
    short, long_ = (typo, word) if lt < lw else (word, typo)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            return 1
    return 0


def correct(word: str, table: dict[str, Any]) -> str | None:
    """The day/month word that ``word`` is a one-edit typo of, if exactly one fits."""
    if len(word) < _TYPO_MIN_LEN - 1 or len(word) > 16 or not word.isalpha():
        return None
    cache = table["typo_cache"]
    if word in cache:
        return cache[word]
    index = table["typo_index"]
    cands: dict[int, set[str]] = {1: set(), 2: set()}
    for key in {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}:
        for w in index.get(key, ()):
            kind = _one_edit(word, w) if w != word else 0
            if kind:
                cands[kind].add(w)
    best = cands[1] or cands[2]
    fix = best.pop() if len(best) == 1 else None
    if len(cache) > 4096:
        cache.clear()
    cache[word] = fix
    return fix

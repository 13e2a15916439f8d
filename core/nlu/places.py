"""Where: the pilot buildings and cities named in a message, typos included.

Exact aliases (``lexicon/places.py``) match as phrases. Words that are not ordinary
vocabulary and look like a building or city name with a small typo ("Turfmrkt",
"Fellenord", "griffioen laan") resolve with rapidfuzz, on those candidate words only.
A building wins over a city.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from core.nlu.text import WORD, mask


class Place(NamedTuple):
    """One place mention: its span in the text and what it resolves to."""

    start: int
    end: int
    id: str
    is_city: bool


class _Tables(NamedTuple):
    phrase: re.Pattern[str]
    by_alias: dict[str, str]
    fuzzy: dict[str, str]  # alias without spaces -> id
    known: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    from core.nlu.lexicon import places as lex
    from core.nlu.rules import rules

    by_alias: dict[str, str] = {}
    for pid, aliases in {**lex.BUILDINGS, **lex.CITIES}.items():
        for alias in aliases:
            by_alias[alias] = pid
    alts = sorted(by_alias, key=len, reverse=True)
    phrase = re.compile(
        r"(?<![a-z0-9])(" + "|".join(re.escape(a).replace(r"\ ", r"[\s-]+") for a in alts) + r")(?![a-z0-9])")
    fuzzy: dict[str, str] = {}
    for alias, pid in by_alias.items():
        # single words only: "griffioen laan" is tried as one word too, and a long name
        # ("rijksontmoetingsplein spark") must not make its common first word a place
        key = alias.replace("'", "")
        if " " not in alias and alias not in lex.EXACT_ONLY and len(key) >= 5 and key.isalpha():
            fuzzy[key] = pid
    return _Tables(phrase, by_alias, fuzzy, rules().known | _COMMON)


# Ordinary words that are one typo away from a place name.
_COMMON = {
    "spare", "speak", "stark", "sparks", "spark", "asses", "lieden", "laden", "loden", "utrechtse",
    "reiden", "leiding", "knopen", "eindje", "rotten", "parken", "parking", "market", "markt",
    "hague", "stand", "start", "smart", "sport", "spot", "spots", "sprak", "spreek", "leidde",
    "leidden", "leider", "leiders", "rijksontmoetingsplein", "ontmoetingsplein", "hubs",
}


def find_places(folded: str) -> list[Place]:
    """Every place in a folded (and date-masked) text, in order of appearance."""
    tables = _tables()
    found: list[Place] = []
    taken: list[tuple[int, int]] = []
    for m in tables.phrase.finditer(folded):
        alias = re.sub(r"[\s-]+", " ", m.group(1))
        pid = tables.by_alias.get(alias)
        if pid is None:
            continue
        found.append(Place(m.start(), m.end(), pid, pid.startswith("city:")))
        taken.append((m.start(), m.end()))
    found.extend(_fuzzy(folded, taken, tables))
    found.sort(key=lambda p: p.start)
    return found


def _fuzzy(folded: str, taken: list[tuple[int, int]], tables: _Tables) -> list[Place]:
    rest = mask(folded, taken, "@")  # what matched exactly is not looked at again
    toks = list(WORD.finditer(rest))
    known = tables.known
    out: list[Place] = []
    used_until = -1
    for i, m in enumerate(toks):
        if m.start() < used_until:
            continue
        cands: list[tuple[str, int, int]] = []
        word = m.group(0)
        if i + 1 < len(toks):  # "griffioen laan", "turf markt": two words that are one name
            nxt = toks[i + 1]
            gap = rest[m.end():nxt.start()]
            if gap.strip() in ("", "-") and len(gap) <= 2 \
                    and not (word in known and nxt.group(0) in known):
                cands.append((word + nxt.group(0), m.start(), nxt.end()))
        if word not in known:
            cands.append((word, m.start(), m.end()))
        for cand, start, end in cands:
            pid = _resolve(cand.replace("'", "").replace("-", ""))
            if pid:
                out.append(Place(start, end, pid, pid.startswith("city:")))
                used_until = end
                break
    return out


@lru_cache(maxsize=8192)
def _resolve(key: str) -> str | None:
    """The place a (possibly misspelt) word stands for, if any. Cached: words repeat."""
    if len(key) < 5 or not key.isalpha():
        return None
    tables = _tables()
    if key in tables.fuzzy:
        return tables.fuzzy[key]
    from core.nlu.text import may_be_near

    near = may_be_near(key, tables.fuzzy.keys(), _cutoff(len(key)))
    if not near:
        return None
    from rapidfuzz import fuzz, process

    hit = process.extractOne(key, near, scorer=fuzz.ratio, score_cutoff=_cutoff(len(key)))
    if hit and hit[0][0] == key[0]:
        return tables.fuzzy[hit[0]]
    return None


def _cutoff(length: int) -> float:
    return 80.0 if length <= 6 else 84.0


def pick(places: list[Place], after: int | None = None) -> Place | None:
    """The place the message is about: a building before a city; with ``after``, prefer
    a building named after that position (the destination of a move)."""
    if not places:
        return None
    if after is not None:
        later = [p for p in places if p.start >= after]
        if later:
            places = later
    buildings = [p for p in places if not p.is_city]
    return (buildings or places)[0]

"""Folding and masking of message text, keeping every character at its position.

The recogniser's spans and our own matches refer to positions in the text as written,
so folding (lower case, accents removed, quotes straightened) never changes the length.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

DATE_MARK = "§"
TIME_MARK = "¤"
PLACE_MARK = "@"
QUOTES = "\u2018\u2019\u201a\u201b\u00b4\u0060\u02bc\u2032"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in QUOTES:
        return "'"
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = unicodedata.normalize("NFD", low)[:1] or low
    return base if len(base) == 1 else low


def fold(text: str) -> str:
    """Lower case without accents, curly quotes straightened; same length as ``text``."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def mask(text: str, spans: list[tuple[int, int]], mark: str) -> str:
    """Replace each span by ``mark`` followed by spaces (same length)."""
    if not spans:
        return text
    out = list(text)
    for start, end in spans:
        if end <= start:
            continue
        out[start] = mark
        for i in range(start + 1, end):
            out[i] = " "
    return "".join(out)


WORD = re.compile(r"[a-z0-9]+(?:['\-/&][a-z0-9]+)*")
TOKEN = re.compile(r"[^\s,.;:!?()\[\]{}\"<>]+")


def words(folded: str) -> list[str]:
    """The words of a folded text."""
    return WORD.findall(folded)


def may_be_near(word: str, keys, cutoff: float) -> list[str]:
    """The ``keys`` that start with the letter ``word`` starts with and could reach
    ``cutoff`` in ``rapidfuzz.fuzz.ratio`` (an upper bound from the letters they share).

    Checked before rapidfuzz is asked (and imported at all): most unknown words are
    near nothing, and the import costs start-up time.
    """
    out: list[str] = []
    n = len(word)
    for key in keys:
        if not key or key[0] != word[0]:
            continue
        total = n + len(key)
        shared = sum(min(word.count(c), key.count(c)) for c in set(key))
        if 200.0 * shared / total >= cutoff:
            out.append(key)
    return out

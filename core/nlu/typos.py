"""Misspelt key words ("resevreer", "anuleer", "cancell", "bookng") read as meant.

Only words that are not ordinary vocabulary are looked at, only against a short list of
the words that decide an intent (``KEY_WORDS`` in each lexicon), and the result is used
for recognising the intent only: names and places are never rewritten.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]{5,}")


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[str, ...], frozenset[str]]:
    from core.nlu.lexicon import en, nl
    from core.nlu.rules import rules

    keys = tuple(sorted({w for mod in (nl, en) for w in mod.KEY_WORDS}))
    return keys, rules().known | frozenset(keys) | _REAL_WORDS


# Real words one letter away from a key word: never "corrected".
_REAL_WORDS = frozenset({
    "reverse", "reserves", "reserved", "college", "colleges", "gegeven", "gegeten", "expert",
    "experts", "quite", "deleted", "booker", "bookers", "locaties", "boeket", "bureaucratie",
    "verzetje", "annulering", "reservoir", "schermer", "collegas", "privacywet", "exporteren",
})


@lru_cache(maxsize=8192)
def _fix(word: str) -> str | None:
    from core.nlu.text import may_be_near

    keys, _ = _tables()
    cutoff = 80.0 if len(word) <= 6 else 84.0
    keys = may_be_near(word, keys, cutoff)
    if not keys:
        return None
    from rapidfuzz import fuzz, process

    hit = process.extractOne(word, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    if not hit or hit[0][0] != word[0]:
        return None
    key = hit[0]
    longer, shorter = (key, word) if len(key) > len(word) else (word, key)
    if longer.startswith(shorter) and longer[len(shorter):] in _ENDINGS:
        return None  # "screen"/"screens": another form of the word, not a typo
    return key


_ENDINGS = frozenset({"s", "es", "e", "en", "n", "d", "ed", "t", "er", "ing", "'s"})


def correct(folded: str) -> str:
    """``folded`` with misspelt key words replaced by the right spelling (length may change)."""
    _, known = _tables()
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(folded):
        word = m.group(0)
        if word in known:
            continue
        fixed = _fix(word)
        if fixed and fixed != word:
            out.append(folded[last:m.start()])
            out.append(fixed)
            last = m.end()
    if not out:
        return folded
    out.append(folded[last:])
    return "".join(out)

"""Which language a message is in: a small weighted vocabulary per language."""

from __future__ import annotations

from functools import lru_cache

LANGS = ("nl", "en")


@lru_cache(maxsize=1)
def _vocab() -> tuple[dict[str, float], dict[str, float]]:
    from core.nlu.lexicon import en, nl

    return nl.LANG_WORDS, en.LANG_WORDS


def from_locale(locale: str | None, default: str = "nl") -> str:
    """The language of a channel locale such as ``nl-NL`` or ``en_US``; ``default`` otherwise."""
    if isinstance(locale, str):
        low = locale.strip().lower()[:2]
        if low in LANGS:
            return low
    return default


def detect(tokens: list[str], locale: str | None = None) -> str:
    """``nl`` or ``en`` by the words; the locale decides when the words do not."""
    nl_words, en_words = _vocab()
    nl = en = 0.0
    for tok in tokens:
        a = nl_words.get(tok, 0.0)
        b = en_words.get(tok, 0.0)
        if not a and not b and "ij" in tok:  # a Dutch spelling, also in unknown words
            a = 0.5
        nl += a
        en += b
    if nl > en:
        return "nl"
    if en > nl:
        return "en"
    return from_locale(locale)

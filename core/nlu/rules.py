"""The lexicons compiled once, at first use (never at import)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


class Rules(NamedTuple):
    """Everything the parser matches with, for both languages together.

    Both languages' rules always run: people mix ("boek a desk"), and a rule of one
    language practically never fires on the other.
    """

    intents: tuple[tuple[str, re.Pattern[str], float, frozenset[str] | None], ...]
    out_of_scope: tuple[str, ...]
    features: tuple[tuple[str, re.Pattern[str]], ...]
    together: re.Pattern[str]
    team: re.Pattern[str]
    team_word: re.Pattern[str]
    share_everyone: re.Pattern[str]
    share_team: re.Pattern[str]
    share_name_before: re.Pattern[str]
    colleague_before: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...]
    move_to: re.Pattern[str]
    move_from: re.Pattern[str]
    desk_noun: re.Pattern[str]
    count_desks: re.Pattern[str]
    count_people: re.Pattern[str]
    count_for: re.Pattern[str]
    count_me_and: re.Pattern[str]
    count_and_me: re.Pattern[str]
    count_with: re.Pattern[str]
    count_group: re.Pattern[str]
    has_number: re.Pattern[str]
    choice: re.Pattern[str]
    choice_word: re.Pattern[str]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    group_words: dict[str, int]
    stopwords: frozenset[str]
    known: frozenset[str]
    particles: frozenset[str]
    skip_before_name: frozenset[str]


_MONTHS = (r"(?:jan|feb|mar|maa|apr|mei|may|jun|jul|aug|sep|okt|oct|nov|dec)[a-z]*\b")


def _alt(patterns: list[str] | tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _any(patterns: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    return _lazy(_alt(patterns))


def _lazy(pattern: str) -> re.Pattern[str]:
    """Compiled at first use: a message needs only some of the patterns (start-up time)."""
    from core.nlu.prefilter import LazyPattern

    return LazyPattern(pattern)  # type: ignore[return-value]


def _rule(patterns: list[str], weight: float) -> tuple[re.Pattern[str], float, frozenset[str] | None]:
    from core.nlu.prefilter import compile_rule

    rx, begins = compile_rule(_alt(patterns))
    return rx, weight, begins  # type: ignore[return-value]


def _grouped() -> dict[tuple[str, float], list[str]]:
    from core.nlu.lexicon import en, nl

    # One alternation per (intent, weight), strongest first: a few dozen searches per message.
    grouped: dict[tuple[str, float], list[str]] = {}
    for mod in (nl, en):
        for name, pats in mod.INTENTS.items():
            for rx, w in pats:
                grouped.setdefault((name, w), []).append(rx)
    return grouped


def rule_sources() -> list[str]:
    """Every pattern whose beginnings the prefilter reads (for its cache file)."""
    from core.nlu.lexicon import en, nl

    return [_alt(pats) for pats in _grouped().values()] + [rx for m in (nl, en) for rx in m.COLLEAGUE_BEFORE]


@lru_cache(maxsize=1)
def rules() -> Rules:
    from core.nlu.lexicon import en, nl
    from core.nlu.prefilter import compile_rule

    langs = (nl, en)
    grouped = _grouped()
    intents = tuple((name, *_rule(pats, w))
                    for (name, w), pats in sorted(grouped.items(), key=lambda kv: -kv[0][1]))
    out_of_scope = tuple(_alt(pats) for (name, _), pats in grouped.items() if name == "unknown")
    features = tuple((name, _any([rx for mod in langs for rx in mod.FEATURES.get(name, ())]))
                     for name in ("dual_screen", "single_screen", "sit_stand", "quiet"))
    numbers: dict[str, int] = {}
    ordinals: dict[str, int] = {}
    group_words: dict[str, int] = {}
    for mod in langs:
        numbers.update(mod.NUMBERS)
        ordinals.update(mod.ORDINALS)
        group_words.update(mod.GROUP_WORDS)
    num = r"(\d{1,4}|" + "|".join(sorted((re.escape(k) for k in numbers), key=len, reverse=True)) + r")"
    desk = "|".join(f"(?:{m.DESK_NOUNS})" for m in langs)
    people = "|".join(f"(?:{m.PEOPLE_NOUNS})" for m in langs)
    me = "|".join(m.ME for m in langs)
    and_ = "|".join(m.AND for m in langs)
    colleague = "|".join(m.COLLEAGUE_NOUN for m in langs)
    ords = "|".join(sorted((re.escape(k) for k in ordinals), key=len, reverse=True))
    choice_words = "|".join(m.CHOICE_WORDS for m in langs)
    choice_tail = "|".join(m.CHOICE_TAIL for m in langs)
    stop: set[str] = set()
    known: set[str] = set()
    particles: set[str] = set()
    for mod in langs:
        stop.update(mod.STOPWORDS)
        known.update(mod.STOPWORDS, mod.LANG_WORDS, mod.NUMBERS, mod.ORDINALS)
        particles.update(mod.NAME_PARTICLES)
    return Rules(
        intents=intents,
        features=features,
        together=_any([rx for m in langs for rx in m.TOGETHER]),
        team=_any([rx for m in langs for rx in m.TEAM]),
        team_word=_lazy(r"\bteam\w*|\bteammates?\b|\bteamleden\b|\bteamgenoten\b"),
        share_everyone=_any([m.SHARE_EVERYONE for m in langs]),
        share_team=_any([m.SHARE_TEAM for m in langs]),
        share_name_before=_any([rx for m in langs for rx in m.SHARE_NAME_BEFORE]),
        colleague_before=tuple(compile_rule(rx) for m in langs for rx in m.COLLEAGUE_BEFORE),
        out_of_scope=out_of_scope,
        move_to=_any([m.MOVE_TO for m in langs]),
        move_from=_any([m.MOVE_FROM for m in langs]),
        desk_noun=_lazy(r"\b(?:" + desk + r")\b"),
        count_desks=_lazy(r"(?<![\w§¤@/:.-])" + num + r"\s+(?:(?!" + _MONTHS + r")[a-z]+(?:[/-][a-z]+)*\s+)?(?:[a-z]+-)*(?:" + desk + r")\b"),
        count_people=_lazy(r"(?<![\w§¤@/:.-])" + num + r"\s+(?:" + people + r")\b"),
        count_for=_lazy(
            r"\b(?:" + desk + r"|room|space|ruimte)\s+(?:voor|for)\s+(?:(?:the|de)\s+)?" + num
            + r"(?![\w:.])(?!\s*(?:uur|u\b|hours?|hrs?|dagen|days?|weken|weeks?|am\b|pm\b|minut))"),
        count_me_and=_lazy(
            r"\b(?:" + me + r")\b(?:\s+(?:1|een|one)\s+(?:" + desk + r"))?\s+(?:" + and_ + r")\s+"
            r"(?:voor\s+|for\s+)?(?:" + num + r"|mijn|m'n|my|a|an|een|one|our|onze)\s+"
            r"(?:" + colleague + r")(?!\w)"),
        count_and_me=_lazy(
            r"\b(?:" + num + r"|mijn|m'n|my|a|an|een|one|our|onze)\s+(?:" + colleague + r")\s+(?:"
            + and_ + r")\s+(?:i|me|myself|ik|mij|mezelf)\b"),
        count_with=_lazy(
            r"\b(?:met|with)\s+" + num + r"\s+(?:andere\s+|other\s+)?(?:" + colleague
            + r"|anderen|others|teamleden|team members)(?!\w)"),
        has_number=_lazy(
            r"\d|\b(?:" + "|".join(sorted((re.escape(k) for k, v in numbers.items() if v > 1), key=len, reverse=True))
            + r")\b|\bme\b|\bmij\b|\bmyself\b|\bmezelf\b|\bcolle|\bco-?worker|\bteammate|\bpeople\b|\bperson|\bmensen\b|\bz(?:'|ij)?n\b|\bgroe?p|\bteam\b|\bof us\b"),
        count_group=_lazy(
            r"\b(?:team|groep|group|ploeg)\s+(?:van|of)\s+" + num + r"\b|\bmet\s+z(?:'|ij)?n\s+(\w+)\b"
            r"|\bwe\s+(?:zijn|are)\s+(?:met\s+)?" + num + r"\b|\b" + num + r"\s+of\s+us\b"),
        choice=_lazy(
            r"^(?:(?:" + choice_words + r")\s*)?(?:(\d{1,2})|(" + ords + r"))\s*[.)]?"
            r"(?:\s+(?:" + choice_tail + r"))*\s*[.!]?$"),
        choice_word=_lazy(
            r"^(?:" + "|".join(m.CHOICE_KEYWORDS for m in langs) + r")\s*("
            + "|".join(sorted((re.escape(k) for k, v in numbers.items() if v > 1 or k in ("een", "one")),
                              key=len, reverse=True))
            + r")(?:\s+(?:" + choice_tail + r"))*\s*[.!]?$"),
        numbers=numbers,
        ordinals=ordinals,
        group_words=group_words,
        stopwords=frozenset(stop),
        known=frozenset(known),
        particles=frozenset(particles),
        skip_before_name=frozenset(
            {"mijn", "m'n", "mn", "my", "our", "onze", "collega", "colleague", "teamgenoot",
             "coworker", "co-worker", "teammate", "mr", "mrs", "ms", "mevrouw", "meneer", "dhr", "mw"}),
    )

"""Find day and time-of-day expressions in a message (Dutch and English), as SCHEMA.md defines them.

``find_when(text, now, lang)`` returns every date expression (one ``DateMention`` per separate
expression; a range such as "di t/m do" is one mention) and every time-of-day expression, with spans
in the text as passed in. Vocabulary and phrase lists live per language in ``core/nlu/timedata``;
this module holds the grammar:

1. tokens: words, numbers, punctuation on a lower-cased, accent-folded copy of the text (same
   length, so spans map 1:1); day/month words with one typo (dropped, added or swapped letter) are
   corrected; numbers glued with - / . : become compound dates ("26-11", "2026-11-26",
   "1-10-2018-7-10-2018"), clock times ("9:30", "14u", "3pm", "half 10") or junk (phone numbers,
   codes, money);
2. phrases: the longest vocabulary phrase at each token gets its roles ("tot en met" = range
   connector, "'s middags" = afternoon, "volgende week" = next week ...);
3. dates: items (weekday, relative day, date, day of month, week, offset, recurrence) joined into
   lists and ranges by connectors, with shared week modifiers ("ma t/m wo volgende week");
4. times: clock ranges, open bounds and parts of the day on what the dates left.

Rules (SCHEMA.md): a bare or "volgende/next" weekday is the next such day strictly after today;
"X volgende week" the weekday of the next ISO week; "deze X" the current ISO week; a date without a
year the next such date on or after today; "volgende week" Monday-Friday of the next ISO week,
"deze week" today (if a weekday) to Friday; numeric dates day first (month first only when that is
the only valid reading); "elke X" the next 4, "elke X in <maand>" all of that month; a bare clock
hour 1-6 in a range or bound is in the afternoon. A single clock time gives no time.

Choices where SCHEMA.md is silent:
- "deze week" on a Saturday or Sunday is the coming Monday-Friday; "elke X in <maand>" in the
  current month lists the days from today on; a range is at most 92 days.
- Ranges resolve the end after the start ("vrijdag t/m dinsdag" crosses the weekend; "30 dec t/m
  2 jan" the new year); a week modifier before or after a group of weekdays applies to all of them
  ("ma t/m wo volgende week", "volgende week ma, wo en vr"), "deze" on the first one too.
- Abbreviated weekdays count when used as a day: in a list or range with another day, with a
  modifier, after "op"/"on", next to a date, as "za." followed by more text, the whole message,
  or (di, wo, do, vr, za / tue, thu, fri) standing alone in a message of that language. "zo",
  "ma", "zat", "vrij", "zon", "sat", "sun", "wed", "mon" need one of the stronger signs.
- A bare day number needs "op"/"on" ("op 15", "on the 17", "for the 27"), an ordinal ("de 5e") or
  a month; ordinal words alone ("the second") also need "op/on/for" before the article, so a dialog
  answer "de tweede" is no date. Numbers followed by a count noun, unit or clock word, ordinals of
  things ("de 3e verdieping"), fractions, versions, links and e-mail addresses are no days.
- In a message that moves a booking ("verzet", "move", ...), "naar"/"to" separates the old and the
  new day instead of making a range. A range mention keeps its two ends in ``parts``.
- Farewells ("..., tot morgen!", "see you Monday"), greetings ("goedemorgen", "Morning!") and
  past references ("vorige week", "last Monday", "gisteren", "dinsdag vorige week") give no
  days; the past days go to ``When.past``.
- "over twee weken dinsdag" / "in two weeks on Tuesday": that weekday in the ISO week two weeks
  ahead (the same day as "dinsdag over twee weken"); "the Monday after next" a week after next
  Monday; "morgen en de dag erna" / "tomorrow and the day after" two days; "2moro", "2day".
- English day abbreviations ("fri", "thu", "tue") count in Dutch text too; an abbreviation
  followed by "je", "het", "dat", "your", "it" ("do je best", "do it") is the verb.
- A bare month ("in januari", "in January") gives no days in either language. Evening words
  ("vanavond", "dinsdagavond") give the day without a time, as do "tussen de middag"/"at lunch".
  Both morning and afternoon named: the whole day (no time).
- Offsets count from today or from a named day: "over twee weken", "vandaag over een week",
  "dinsdag over een week", "3 days after tomorrow", "a week from Tuesday".
- A dotted "d.m" without a year is a date only after a preposition ("op 10.10"), else a clock
  time or nothing ("versie 2.5"). Day/month words with one typo are corrected (a swapped pair in
  6-letter words; a dropped, added or swapped letter from 7 letters; a wrong letter from 8).
- Only the first ``MAX_CHARS`` characters are searched.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from core.clock import local_today
from core.nlu import timedata

__all__ = ["DateMention", "TimeMention", "When", "find_when"]

# Only the start of a long message is searched: a booking request is short, and this bounds the time
# (at most ~5-10 ms on any input; messages over 4,000 characters are refused before parsing).
MAX_CHARS = 1000
MAX_RANGE_DAYS = 92


# Named tuples and plain classes, not dataclasses: importing ``dataclasses`` costs start-up time.
class DateMention(NamedTuple):
    """One date expression: its span in the text and the days it names (ascending, unique).

    ``parts`` (ranges only): the start and end expressions as mentions of their own, so that "from
    Tuesday to Wednesday" can still be read as two days when a message moves a booking.
    """

    start: int
    end: int
    dates: tuple[date, ...]
    kind: str
    parts: tuple["DateMention", ...] = ()


class TimeMention(NamedTuple):
    """One time-of-day expression with its SCHEMA ``time`` value."""

    start: int
    end: int
    value: dict[str, str]


class When(NamedTuple):
    """All date and time mentions of a message, in text order."""

    dates: tuple[DateMention, ...] = ()
    times: tuple[TimeMention, ...] = ()
    past: tuple[date, ...] = ()
    """Days before today that the message refers to ("gisteren", "last Monday", "vorige week
    dinsdag"): they give no ``dates`` (SCHEMA), but the dialog can say the day has passed."""

    @property
    def all_dates(self) -> list[date]:
        """Every day named, sorted, without duplicates."""
        return sorted({d for m in self.dates for d in m.dates})

    @property
    def time(self) -> dict[str, str] | None:
        """The combined SCHEMA time: explicit hours win over a part of the day; None = whole day."""
        ranges = [t.value for t in self.times if "start" in t.value and "end" in t.value]
        if ranges:
            return dict(ranges[0])
        bounds: dict[str, str] = {}
        for t in self.times:
            for k in ("start", "end"):
                if k in t.value and k not in bounds:
                    bounds[k] = t.value[k]
        if bounds:
            return bounds
        pods = {t.value["part_of_day"] for t in self.times if "part_of_day" in t.value}
        if len(pods) == 1:
            return {"part_of_day": pods.pop()}
        return None  # none, or morning and afternoon: the whole day


def find_when(text: str, now: datetime, lang: str | None = None) -> When:
    """All date and time mentions in ``text`` relative to ``now`` (Europe/Amsterdam); never raises."""
    try:
        return _find(text, now, lang)
    except Exception:  # noqa: BLE001 - bad input must never raise out of the recogniser
        return When()


def _find(text: str, now: datetime, lang: str | None = None) -> When:
    """``find_when`` without the safety net (tests and the benchmark use it to see errors)."""
    if not isinstance(text, str) or not text:
        return When()
    return _Parser(text[:MAX_CHARS], local_today(now), lang).run()


# ---------------------------------------------------------------------------------------------
# tokens


class _Sym:
    """A token or phrase: normalised key, roles from the vocabulary, span, glued to the previous."""

    __slots__ = ("key", "roles", "s", "e", "g", "typ", "val", "raw")

    def __init__(self, key: str, roles: dict[str, Any], s: int, e: int, g: bool, typ: str,
                 val: Any = None, raw: str = "") -> None:
        self.key = key
        self.roles = roles
        self.s = s
        self.e = e
        self.g = g
        self.typ = typ  # w word/phrase, p punct, n number, ord, clock, datec, dayrange, trange, junk
        self.val = val
        self.raw = raw

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.typ} {self.key!r} {sorted(self.roles)} {self.val!r}>"


_EMPTY: dict[str, Any] = {}
_NUMERIC = frozenset({"n", "ord", "datec", "dayrange"})
# after "om zeven" / "at seven" these show a clock time (not "by one of", "at one point")
_CLOCK_CONTEXT = ("POD", "AMW", "PMW", "SUFAM", "SUFPM", "HOURW", "ON", "ONDAY", "WD", "REL", "RELPOD", "MON",
                  "TRANGE")
# words that may be glued to a number with - / . ("10am-12am", "8u-12u", "Dec-31")
_GLUE_OK = ("MON", "SUFAM", "SUFPM", "HOURW", "HOURSUF", "SUFAMG", "SUFPMG")
# what after a bare number shows it is no day: a count, a unit, a clock or a part of the day
_NOT_A_DAY_AFTER = ("COUNT", "UDAY", "UWEEK", "HOURW", "SUFAM", "SUFPM", "REL", "RELPOD", "POD", "AMW", "PMW")


class _Item:
    """One date item. kind: wd, date, pday, rel, week, fixed, skip; i/j: first and one past the
    last symbol; mod: next, this, nw (next week), tw (this week), pw (previous week); strong: an
    abbreviation / bare day number used clearly as a day; anchor_month: a day number that still
    needs a month from its neighbours."""

    __slots__ = ("kind", "i", "j", "wd", "mod", "abbr", "strong", "d", "m", "y", "off", "dates", "label",
                 "anchor_month", "extra")

    def __init__(self, kind: str, i: int, j: int, wd: int = -1, mod: str | None = None, abbr: bool = False,
                 strong: bool = True, d: int = 0, m: int = 0, y: int | None = None, off: int = 0,
                 dates: tuple[date, ...] = (), label: str = "", anchor_month: bool = False,
                 extra: dict[str, Any] | None = None) -> None:
        self.kind = kind
        self.i = i
        self.j = j
        self.wd = wd
        self.mod = mod
        self.abbr = abbr
        self.strong = strong
        self.d = d
        self.m = m
        self.y = y
        self.off = off
        self.dates = dates
        self.label = label
        self.anchor_month = anchor_month
        self.extra: dict[str, Any] = {} if extra is None else extra


def _day_after() -> re.Pattern[str]:
    global _DAY_AFTER_RX
    if _DAY_AFTER_RX is None:  # built at first use, not at import
        _DAY_AFTER_RX = re.compile(
            r"(?:the day after|the following day|the next day|de dag (?:erna|daarna|erop)|daags erna)\b"
            r"(?!\s+(?:tomorrow|morgen|that))")
    return _DAY_AFTER_RX


_DAY_AFTER_RX: re.Pattern[str] | None = None

# past words that name a day on their own, and how many days back
_PAST_DAYS = {"gisteren": 1, "yesterday": 1, "eergisteren": 2}


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= _month_days(y, m)


def _month_days(y: int, m: int) -> int:
    # not calendar.monthrange: the calendar module costs start-up time
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _year2(yy: int, today: date) -> int:
    full = 2000 + yy
    return full if full <= today.year + 20 else 1900 + yy


def _next_md(m: int, d: int, start: date) -> date | None:
    """The first date with month m and day d on or after ``start``."""
    for y in range(start.year, start.year + 9):
        if _valid(y, m, d):
            c = date(y, m, d)
            if c >= start:
                return c
    return None


def _next_day_of_month(d: int, start: date) -> date | None:
    y, m = start.year, start.month
    for _ in range(14):
        if _valid(y, m, d):
            c = date(y, m, d)
            if c >= start:
                return c
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return None


class _Parser:
    def __init__(self, text: str, today: date, lang: str | None) -> None:
        self.text = text
        self.today = today
        self.lex = timedata.lexicon()
        self.single = self.lex["single"]
        self.hint = lang if lang in timedata.LANGS else None
        self.syms: list[_Sym] = []
        self.used: list[bool] = []
        self.move = False
        self._lang: str | None = None
        self._lang_known = False
        self.toks: list[tuple[str, str, int, int, bool]] = []
        self.pods: list[tuple[int, int, str]] = []
        self.past: set[date] = set()

    # -- tokenising ------------------------------------------------------------------------------

    def tokenize(self) -> list[tuple[str, str, int, int, bool]]:
        low = timedata.norm(self.text)
        index = self.lex["index"]
        typos = self.lex["typos"]
        out: list[tuple[str, str, int, int, bool]] = []
        append = out.append
        prev_end = -2
        skip = [m.span() for m in timedata.url_re().finditer(low)] if ("/" in low or "@" in low or "www." in low) \
            else []
        for m in timedata.token_re().finditer(low):
            kind = m.lastgroup or "p"
            key = m.group()
            s = m.start()
            e = s + len(key)
            if skip and any(a <= s < b for a, b in skip):  # links and e-mail addresses hold no dates
                prev_end = e
                continue
            if kind == "word":
                if key not in index:
                    if key.endswith("'s") and key[:-2] in index:
                        key = key[:-2]
                    elif key in typos:
                        key = typos[key]
                    elif 6 <= len(key) <= 16:
                        key = timedata.correct(key, self.lex) or key
            append((kind, key, s, e, s == prev_end))
            prev_end = e
        return out

    def lang(self) -> str | None:
        """The hint, unless the words clearly say otherwise; worked out only when a rule needs it."""
        if not self._lang_known:
            guess, margin = self.guess_lang(self.toks)
            lang = self.hint
            if lang is None or (guess is not None and guess != lang and margin >= 2):
                lang = guess
            self._lang, self._lang_known = lang, True
        return self._lang

    def guess_lang(self, toks: list[tuple[str, str, int, int, bool]]) -> tuple[str | None, int]:
        """The language whose function words the message uses most, and by how many more."""
        nl = en = 0
        for kind, key, *_ in toks:
            if kind != "word":
                continue
            roles = self.single.get(key)
            if roles and "WD" not in roles:
                nl += "FNL" in roles
                en += "FEN" in roles
        if nl > en:
            return "nl", nl - en
        if en > nl:
            return "en", en - nl
        return None, 0

    def roles_of(self, key: str) -> dict[str, Any]:
        return self.single.get(key, _EMPTY)

    def build(self) -> None:
        toks = self.toks = self.tokenize()
        index = self.lex["index"]
        single = self.single
        syms = self.syms
        n = len(toks)
        i = 0
        while i < n:
            kind, key, s, e, g = toks[i]
            if kind == "num" or (kind == "word" and "MON" in single.get(key, _EMPTY)):
                j = self.number(toks, i)
                if j > i:
                    i = j
                    continue
            if kind == "num":
                syms.append(_Sym(key, _EMPTY, s, e, g, "n", int(key) if len(key) <= 6 else -1))
                i += 1
                continue
            best = None
            nxt = toks[i + 1][1] if i + 1 < n else None
            for phrase, roles in index.get(key, ()):
                L = len(phrase)
                if L == 1:
                    best = (1, roles)
                    break
                if i + L > n or phrase[1] != nxt:
                    continue
                if all(toks[i + k][1] == phrase[k] and toks[i + k][0] != "num" for k in range(2, L)):
                    best = (L, roles)
                    break
            if best is None:
                if kind != "p" and syms and syms[-1].typ == "w" and syms[-1].roles is _EMPTY:
                    syms[-1].e = e  # a run of ordinary words is one separator
                else:
                    syms.append(_Sym(key, _EMPTY, s, e, g, "w" if kind != "p" else "p"))
                i += 1
            else:
                L, roles = best
                syms.append(_Sym(key if L == 1 else " ".join(t[1] for t in toks[i:i + L]), roles, s,
                                 toks[i + L - 1][3], g, "w" if kind != "p" else "p"))
                i += L
        self.used = [False] * len(syms)
        self.move = any("MOVE" in x.roles for x in syms)
        self.post_numbers()

    # -- numbers ---------------------------------------------------------------------------------

    def number(self, toks: list[tuple[str, str, int, int, bool]], i: int) -> int:
        """Glued numeric forms starting at token i; returns the next token index (i if none)."""
        n = len(toks)
        kind, key, s, e, g = toks[i]
        # junk: glued to a preceding word that is not a month ("A1", "COVID-19", "W00"), money
        if kind == "num":
            if g and i > 0:
                pk, pkey = toks[i - 1][0], toks[i - 1][1]
                if pk == "word" and "MON" not in self.roles_of(pkey):
                    return self.junk(toks, i)
                if pk == "p" and pkey in "-/." and i > 1 and toks[i - 2][0] == "word" and toks[i - 1][4] \
                        and not any(r in self.roles_of(toks[i - 2][1]) for r in _GLUE_OK):
                    return self.junk(toks, i)
                if pk == "p" and pkey in "$€£%":
                    return self.junk(toks, i)
            if i > 0 and toks[i - 1][1] in ("$", "€", "£"):
                return self.junk(toks, i)
            if len(key) > 4:
                return self.junk(toks, i)
        # a month word glued to a number after a day number: "18 nov-19 dec" is a range, not nov 19
        if kind == "word" and i > 0 and toks[i - 1][0] == "num" and not g:
            return i
        # clock h:mm[:ss]
        if kind == "num" and i + 2 < n and toks[i + 1][1] == ":" and toks[i + 1][4] and toks[i + 2][4] \
                and toks[i + 2][0] == "num":
            mm = toks[i + 2][1]
            h = int(key)
            if len(mm) == 2 and h <= 24 and int(mm) < 60:
                j = i + 3
                if j + 1 < n and toks[j][1] == ":" and toks[j][4] and toks[j + 1][0] == "num" and toks[j + 1][4]:
                    j += 2
                return self.clock_end(toks, i, j, h, int(mm))
            return self.junk(toks, i, i + 3)
        # compound: comp (sep comp)+ with sep in - / . all glued
        comps: list[tuple[str, str]] = [(kind, key)]
        seps: list[str] = []
        j = i + 1
        while j + 1 < n and toks[j][0] == "p" and toks[j][1] in "-/." and toks[j][4] and toks[j + 1][4] \
                and (toks[j + 1][0] == "num" or (toks[j + 1][0] == "word" and "MON" in self.roles_of(toks[j + 1][1]))):
            seps.append(toks[j][1])
            comps.append((toks[j + 1][0], toks[j + 1][1]))
            j += 2
        if len(comps) >= 2:
            if j < n and toks[j][0] == "num" and toks[j][4]:
                return self.junk(toks, i, j + 1)
            if j < n and "COUNT" in self.roles_of(toks[j][1]) and "HOURW" not in self.roles_of(toks[j][1]):
                return self.junk(toks, i, j)  # "4-5 times", "2-3 plekken"
            if j < n and toks[j][1] == "%" or (seps == ["/"] and i > 0 and toks[i - 1][0] == "num"
                                                and len(toks[i - 1][1]) < 4):
                return self.junk(toks, i, j)  # "6 1/4%": a fraction
            return self.compound(toks, i, j, comps, seps)
        if kind != "num":
            return i
        # number with a glued suffix: ordinal (15e, 2nd), clock (14u, 3pm)
        if i + 1 < n and toks[i + 1][4] and toks[i + 1][0] in ("word", "sp"):
            suf = toks[i + 1][1]
            r = self.roles_of(suf)
            v = int(key)
            if "ORDSUF" in r:
                if i + 2 < n and toks[i + 2][4] and toks[i + 2][1] in "-+.%" and toks[i + 2][0] == "p" \
                        and i + 3 < n and toks[i + 3][0] == "num" and toks[i + 3][4]:
                    return self.junk(toks, i, i + 4)  # "1e-4": a number, no ordinal
                self.syms.append(_Sym(key + suf, _EMPTY, s, toks[i + 1][3], toks[i][4], "ord", v))
                return i + 2
            if "SUFAM" in r or "SUFPM" in r:
                return self.clock_end(toks, i, i + 1, v, 0)
            if "MON" in r:  # "14april", "15Sep": a day glued to its month
                return i
            if ("SUFAMG" in r or "SUFPMG" in r) and 1 <= v <= 12:
                self.syms.append(_Sym(key + suf, _EMPTY, s, toks[i + 1][3], toks[i][4], "clock",
                                      (v, 0, "am" if "SUFAMG" in r else "pm", True)))
                return i + 2
            if "HOURSUF" in r and v <= 24:
                return self.clock_end(toks, i, i + 2, v, 0, explicit=True)
            return self.junk(toks, i, i + 2)
        return i

    def junk(self, toks: list[tuple[str, str, int, int, bool]], i: int, j: int | None = None) -> int:
        j = i + 1 if j is None else j
        self.syms.append(_Sym(toks[i][1], _EMPTY, toks[i][2], toks[j - 1][3], toks[i][4], "junk"))
        return j

    def clock_end(self, toks: list[tuple[str, str, int, int, bool]], i: int, j: int, h: int, mm: int,
                  explicit: bool = True) -> int:
        """A clock time from token i to j; takes a following am/pm or hour word."""
        n = len(toks)
        ap = None
        while j < n:
            r = self.roles_of(toks[j][1])
            if "SUFAM" in r:
                ap = "am"
                j += 1
            elif "SUFPM" in r:
                ap = "pm"
                j += 1
            elif "HOURSUF" in r and toks[j][4] or "HOURW" in r:
                j += 1
            else:
                break
            if j < n and toks[j][1] == "." and toks[j][4] and ap:
                j += 1
            break
        if ap is not None and h > 12:
            ap = None
        self.syms.append(_Sym(toks[i][1], _EMPTY, toks[i][2], toks[j - 1][3], toks[i][4], "clock",
                              (h, mm, ap, explicit)))
        return j

    def compound(self, toks: list[tuple[str, str, int, int, bool]], i: int, j: int,
                 comps: list[tuple[str, str]], seps: list[str]) -> int:
        s, e = toks[i][2], toks[j - 1][3]
        g = toks[i][4]
        n = len(toks)
        # "9-13u": a glued hour range
        if len(comps) == 2 and all(k == "num" for k, _ in comps) and seps == ["-"] and j < n \
                and (toks[j][4] and "HOURSUF" in self.roles_of(toks[j][1]) or "HOURW" in self.roles_of(toks[j][1])):
            a, b = int(comps[0][1]), int(comps[1][1])
            if a <= 24 and b <= 24:
                self.syms.append(_Sym("", _EMPTY, s, toks[j][3], g, "trange", ((a, 0, None), (b, 0, None))))
                return j + 1
        # "3-4pm": a glued hour range with am/pm
        if len(comps) == 2 and all(k == "num" for k, _ in comps) and seps == ["-"] and j < n:
            r = self.roles_of(toks[j][1])
            a, b = int(comps[0][1]), int(comps[1][1])
            if ("SUFAM" in r or "SUFPM" in r) and a <= 12 and b <= 12:
                ap = "am" if "SUFAM" in r else "pm"
                self.syms.append(_Sym("", _EMPTY, s, toks[j][3], g, "trange", ((a, 0, None), (b, 0, ap))))
                return j + 1
        # "19-20 november" / "november 19-20": a day range inside a month
        if len(comps) == 2 and all(k == "num" for k, _ in comps) and seps == ["-"]:
            nxt = toks[j][1] if j < n else ""
            prv = toks[i - 1][1] if i > 0 else ""
            if "MON" in self.roles_of(nxt) or ("MON" in self.roles_of(prv) and i > 0 and toks[i - 1][0] == "word"):
                a, b = int(comps[0][1]), int(comps[1][1])
                if 1 <= a <= 31 and 1 <= b <= 31:
                    self.syms.append(_Sym("", _EMPTY, s, e, g, "dayrange", (a, b)))
                    return j
        if len(comps) == 2 and all(k == "num" for k, _ in comps) and seps == ["-"] \
                and self.hours_not_date(toks, i, j, int(comps[0][1]), int(comps[1][1])):
            a, b = int(comps[0][1]), int(comps[1][1])
            self.syms.append(_Sym("", _EMPTY, s, e, g, "trange", ((a, 0, None), (b, 0, None))))
            return j
        dates = self.read_compound(comps, seps)
        if dates and set(seps) == {"."} | ({"-"} if len(comps) == 4 else set()) and len(comps) in (2, 4) \
                and all(k == "num" for k, _ in comps) and all(d[2] is None for d in dates) \
                and not (i > 0 and "DPREP" in self.roles_of(toks[i - 1][1])):
            dates = None  # "versie 2.5": a dotted day.month without a year only after a preposition
        if dates is None:
            # maybe d.mm is a clock time ("15.00", "9.30")
            if len(comps) == 2 and seps == ["."] and all(k == "num" for k, _ in comps) and len(comps[1][1]) == 2:
                h, mm = int(comps[0][1]), int(comps[1][1])
                if h <= 24 and mm < 60:
                    return self.clock_end(toks, i, j, h, mm)
            if len(comps) == 4 and all(k == "num" for k, _ in comps) and seps[1] == "-" and seps[0] == seps[2] == ".":
                a = (int(comps[0][1]), int(comps[1][1]))
                b = (int(comps[2][1]), int(comps[3][1]))
                if a[0] <= 24 and b[0] <= 24 and a[1] < 60 and b[1] < 60:
                    self.syms.append(_Sym("", _EMPTY, s, e, g, "trange", ((a[0], a[1], None), (b[0], b[1], None))))
                    return j
            return self.junk(toks, i, j)
        # d.mm that is also a clock: a clock when the words around say so
        if len(comps) == 2 and seps == ["."] and all(k == "num" for k, _ in comps) and len(comps[1][1]) == 2 \
                and int(comps[0][1]) <= 24:
            prv = self.roles_of(toks[i - 1][1]) if i > 0 else _EMPTY
            nxt = self.roles_of(toks[j][1]) if j < n else _EMPTY
            if any(r in prv for r in ("TAT", "TSTART", "TEND", "TBETWEEN")) and "ON" not in prv \
                    or any(r in nxt for r in ("HOURW", "SUFAM", "SUFPM")):
                return self.clock_end(toks, i, j, int(comps[0][1]), int(comps[1][1]))
        self.syms.append(_Sym("", _EMPTY, s, e, g, "datec", dates))
        return j

    def hours_not_date(self, toks: list[tuple[str, str, int, int, bool]], i: int, j: int, a: int, b: int) -> bool:
        """ "van 9-12", "morgen 9-12", "donderdag 8-12" (8 December is no Thursday): hours, not a day."""
        if not (0 <= a <= 23 and 1 <= b <= 24 and (a < b or (b <= 6 and 7 <= a <= 12)) and a >= 6):
            return False
        n = len(toks)
        if j + 1 < n and "RANGE" in self.roles_of(toks[j][1]) and toks[j + 1][0] == "num":
            return False  # "van 1-5 - 7-5": a range of dates
        if i == 0:
            return False
        r = self.roles_of(toks[i - 1][1])
        if any(k in r for k in ("TFROM", "TBETWEEN", "TAT", "REL", "RELPOD", "POD", "WDPOD")) \
                and "MON" not in r:
            return True
        if self.syms and self.syms[-1].typ in ("datec", "dayrange") and self.syms[-1].e == toks[i - 1][3]:
            return True
        if i >= 2 and toks[i - 1][1] == "," and any(
                k in self.roles_of(toks[i - 2][1]) for k in ("REL", "RELPOD", "WD", "WDPOD")):
            return True  # "morgen, 9-17": the hours of that day
        wd = r.get("WD")
        if isinstance(wd, int) and _valid(2024, b, a):
            c = _next_md(b, a, self.today)
            return c is None or c.weekday() != wd
        return False

    def read_compound(self, comps: list[tuple[str, str]], seps: list[str]) -> list[tuple[int, int, int | None]] | None:
        """Interpret glued date parts; a list of one date (d, m, y|None) or two (a range)."""
        k = len(comps)
        if k in (4, 6) and seps[k // 2 - 1] == "-":
            a = self.read_compound(comps[:k // 2], seps[:k // 2 - 1])
            b = self.read_compound(comps[k // 2:], seps[k // 2:])
            if a and b and len(a) == 1 and len(b) == 1:
                return [a[0], b[0]]
            return None
        if k not in (2, 3):
            return None
        month_pos = [p for p, (kind, _) in enumerate(comps) if kind == "word"]
        nums = [(p, v) for p, (kind, v) in enumerate(comps) if kind == "num"]
        dot = "." in seps
        if len(month_pos) > 1:
            return None
        if month_pos:
            mo = self.roles_of(comps[month_pos[0]][1]).get("MON")
            if not isinstance(mo, int):
                return None
            year = None
            day = None
            for _, v in nums:
                if len(v) == 4:
                    if year is not None:
                        return None
                    year = int(v)
                elif day is None:
                    day = int(v)
                elif year is None and len(v) == 2:
                    year = _year2(int(v), self.today)
                else:
                    return None
            if day is None or not (1 <= day <= 31):
                return None
            if year is not None and not _valid(year, mo, day):
                return None
            return [(day, mo, year)]
        vals = [v for _, v in nums]
        if k == 2:
            a, b = int(vals[0]), int(vals[1])
            if len(vals[0]) > 2 or len(vals[1]) > 2:
                return None
            if 1 <= a <= 31 and 1 <= b <= 12 and _valid(2024, b, a):
                return [(a, b, None)]
            if (not dot or self.lang() == "en") and 1 <= a <= 12 and 1 <= b <= 31 and _valid(2024, a, b):
                return [(b, a, None)]
            return None
        if len(vals[0]) == 4:
            y, m, d = int(vals[0]), int(vals[1]), int(vals[2])
            if len(vals[1]) <= 2 and len(vals[2]) <= 2 and _valid(y, m, d):
                return [(d, m, y)]
            return None
        if len(vals[2]) not in (2, 4) or len(vals[0]) > 2 or len(vals[1]) > 2:
            return None
        y = int(vals[2]) if len(vals[2]) == 4 else _year2(int(vals[2]), self.today)
        d, m = int(vals[0]), int(vals[1])
        if _valid(y, m, d):
            return [(d, m, y)]
        if _valid(y, d, m):
            return [(m, d, y)]
        return None

    def post_numbers(self) -> None:
        """Spaced clock forms: "8 uur", "3 pm", "half 10", "om 8", "7 in the morning"."""
        syms = self.syms
        out: list[_Sym] = []
        i = 0
        n = len(syms)
        while i < n:
            x = syms[i]
            r = x.roles
            # half 10 -> 9:30, kwart over 3, quarter to 5, half past 9
            if ("HALF" in r or "QPAST" in r or "QTO" in r or "HALFPAST" in r) and i + 1 < n:
                h = self.hour_value(syms[i + 1])
                if h is not None:
                    if "HALF" in r:
                        h, mm = (h - 1) % 24 or 12, 30
                    elif "HALFPAST" in r:
                        mm = 30
                    elif "QPAST" in r:
                        mm = 15
                    else:
                        h, mm = (h - 1) % 24 or 12, 45
                    j = i + 2
                    if j < n and "HOURW" in syms[j].roles:
                        j += 1
                    out.append(_Sym("", _EMPTY, x.s, syms[j - 1].e, x.g, "clock", (h, mm, None, True)))
                    i = j
                    continue
            cw = r.get("CLOCKW")
            if cw is not None:
                out.append(_Sym("", _EMPTY, x.s, x.e, x.g, "clock", (cw[0], cw[1], None, True)))
                i += 1
                continue
            h = self.hour_value(x)
            if h is not None and i + 1 < n:
                nx = syms[i + 1]
                prev = out[-1] if out else None
                after_month = prev is not None and "MON" in prev.roles
                if "HOURW" in nx.roles or "HOURSUF" in nx.roles and nx.g:
                    mm = 0
                    j = i + 2
                    if j < n and syms[j].typ == "n" and 0 <= syms[j].val < 60 and len(syms[j].key) == 2:
                        mm = syms[j].val
                        j += 1
                    out.append(_Sym("", _EMPTY, x.s, syms[j - 1].e, x.g, "clock", (h, mm, None, True)))
                    i = j
                    continue
                if ("SUFAM" in nx.roles or "SUFPM" in nx.roles) and not after_month and h <= 12:
                    out.append(_Sym("", _EMPTY, x.s, nx.e, x.g, "clock",
                                    (h, 0, "am" if "SUFAM" in nx.roles else "pm", True)))
                    i += 2
                    continue
                if ("AMW" in nx.roles or "PMW" in nx.roles) and "RELPOD" not in nx.roles and not after_month \
                        and h <= 12 and "SUFAM" not in nx.roles and "SUFPM" not in nx.roles:
                    out.append(_Sym("", _EMPTY, x.s, nx.e, x.g, "clock",
                                    (h, 0, "am" if "AMW" in nx.roles else "pm", True)))
                    i += 2
                    continue
            if h is not None and prev_is(out, "TAT") and h <= 24:
                nx = syms[i + 1] if i + 1 < n else None
                if nx is None or not ("MON" in nx.roles or nx.typ == "ord" or nx.key == "/"
                                      or any(r in nx.roles for r in ("COUNT", "UDAY", "UWEEK"))
                                      or (x.typ != "n" and nx.typ == "w" and not any(
                                          r in nx.roles for r in _CLOCK_CONTEXT))):
                    out.append(_Sym("", _EMPTY, x.s, x.e, x.g, "clock", (h, 0, None, True)))
                    i += 1
                    continue
            out.append(x)
            i += 1
        # a clock followed by a part-of-day phrase takes it as am/pm ("3 uur 's ochtends")
        syms = out
        out = []
        i = 0
        n = len(syms)
        while i < n:
            x = syms[i]
            if x.typ == "clock" and i + 1 < n:
                nx = syms[i + 1]
                if ("AMW" in nx.roles or "PMW" in nx.roles) and not ("SUFAM" in nx.roles or "SUFPM" in nx.roles) \
                        or (("SUFAM" in nx.roles or "SUFPM" in nx.roles) and x.val[2] is None):
                    h0, m0, ap, ex = x.val
                    if ap is None and h0 <= 12:
                        ap = "am" if ("AMW" in nx.roles or "SUFAM" in nx.roles) else "pm"
                    keep = "RELPOD" in nx.roles
                    out.append(_Sym(x.key, _EMPTY, x.s, x.e if keep else nx.e, x.g, "clock", (h0, m0, ap, ex)))
                    i += 1 if keep else 2
                    continue
            out.append(x)
            i += 1
        self.syms = out
        self.used = [False] * len(out)

    @staticmethod
    def hour_value(x: _Sym) -> int | None:
        if x.typ == "n" and 0 <= x.val <= 24 and len(x.key) <= 2:
            return x.val
        v = x.roles.get("NUMW")
        if isinstance(v, int) and v <= 24:
            return v
        return None

    # -- dates -----------------------------------------------------------------------------------

    def run(self) -> When:
        self.build()
        mentions = self.dates_pass()
        times = self.times_pass()
        return When(tuple(sorted(mentions, key=lambda m: m.start)), tuple(times), tuple(sorted(self.past)))

    def has(self, i: int, role: str) -> bool:
        return 0 <= i < len(self.syms) and role in self.syms[i].roles and not self.used[i]

    def daynum(self, i: int) -> tuple[int, int, str] | None:
        """A day-of-month number at i: (value, next index, form) with form num/ord/word/ordword."""
        syms = self.syms
        if i >= len(syms) or self.used[i]:
            return None
        x = syms[i]
        if x.typ == "n":
            if 1 <= x.val <= 31 and len(x.key) <= 2:
                j = i + 1
                return x.val, j, "num"
            return None
        if x.typ == "ord":
            if 1 <= x.val <= 31:
                return x.val, i + 1, "ord"
            return None
        v = x.roles.get("NUMW")
        o = x.roles.get("ORDW")
        if v in (20, 30) and i + 1 < len(syms):
            nx = syms[i + 1].roles
            u = nx.get("NUMW")
            uo = nx.get("ORDW")
            if isinstance(uo, int) and 1 <= uo <= 9 and v + uo <= 31:
                return v + uo, i + 2, "ordword"
            if isinstance(u, int) and 1 <= u <= 9 and v + u <= 31:
                return v + u, i + 2, "word"
        if isinstance(o, int) and 1 <= o <= 31:
            return o, i + 1, "ordword"
        if isinstance(v, int) and 1 <= v <= 31:
            return v, i + 1, "word"
        return None

    def year_at(self, i: int) -> tuple[int, int] | None:
        """An explicit year at i, after an optional comma / "van" / "of" / "in"."""
        syms = self.syms
        j = i
        if j < len(syms) and syms[j].key == ",":
            j += 1
        if j < len(syms) and "YLEAD" in syms[j].roles:
            j += 1
        if j < len(syms) and syms[j].typ == "n" and len(syms[j].key) == 4 and 1900 <= syms[j].val <= 2100:
            return syms[j].val, j + 1
        if j + 1 < len(syms) and syms[j].key == "'" and syms[j + 1].typ == "n" and len(syms[j + 1].key) == 2 \
                and syms[j + 1].g:  # "3 dec '26"
            return _year2(syms[j + 1].val, self.today), j + 2
        return None

    def month_at(self, i: int) -> tuple[int, int] | None:
        syms = self.syms
        if i < len(syms) and not self.used[i]:
            mo = syms[i].roles.get("MON")
            if isinstance(mo, int):
                j = i + 1
                if j < len(syms) and syms[j].key == "." and syms[j].g:
                    j += 1
                return mo, j
        return None

    def blocked_after(self, j: int, after_month: bool = False) -> bool:
        """Words after a bare number that show it is a count, an amount or a clock time."""
        syms = self.syms
        if j >= len(syms):
            return False
        x = syms[j]
        r = x.roles
        if x.typ == "n" and not (len(x.key) == 4 and 1900 <= x.val <= 2100) or x.typ == "junk":
            return True
        if after_month and ("SUFAM" in r or "SUFPM" in r):
            return False
        if any(k in r for k in _NOT_A_DAY_AFTER):
            return True
        if x.key in ("%", "x", ":"):
            return True
        if x.key == "." and x.g and j + 1 < len(syms) and syms[j + 1].g:
            return True  # "the 4.x branch"
        if "OF" in r and j + 1 < len(syms) and "PRON" in syms[j + 1].roles:
            return True
        return False

    def date_at(self, i: int) -> _Item | None:
        """An explicit date at i: "26 november", "nov 26th", "de 2e van augustus", "26-11", ISO."""
        syms = self.syms
        n = len(syms)
        if i >= n or self.used[i]:
            return None
        x = syms[i]
        start = i
        j = i
        if "THE" in x.roles and i + 1 < n:
            j = i + 1
        # compound
        if syms[j].typ == "datec" and not self.used[j]:
            vals = syms[j].val
            k = j + 1
            if len(vals) == 1:
                d, m, y = vals[0]
                if y is None:
                    yr = self.year_at(k)
                    if yr and _valid(yr[0], m, d):
                        y, k = yr
                return _Item("date", start, k, d=d, m=m, y=y, label="absolute")
            (d1, m1, y1), (d2, m2, y2) = vals
            return _Item("fixed", start, k, label="range",
                         extra={"range": ((d1, m1, y1), (d2, m2, y2))})
        if syms[j].typ == "dayrange" and not self.used[j]:
            a, b = syms[j].val
            mo = self.month_at(j + 1)
            if mo:
                k = mo[1]
                yr = self.year_at(k)
                y = None
                if yr:
                    y, k = yr
                return _Item("fixed", start, k, label="range", extra={"range": ((a, mo[0], y), (b, mo[0], y))})
            # "november 19-20"
            if j > 0 and "MON" in syms[j - 1].roles:
                return None
        # day [.] [of|van] [the] month [year]
        dn = self.daynum(j)
        if dn:
            d, k, form = dn
            if k < n and syms[k].key == "." and syms[k].g:
                k += 1
            if k < n and "OF" in syms[k].roles:
                k += 1
            if k < n and "THE" in syms[k].roles:
                k += 1
            mo = self.month_at(k)
            if mo and not ("MONAMB" in syms[k].roles and form == "word"):
                m, k = mo
                y = None
                yr = self.year_at(k)
                if yr and _valid(yr[0], m, d):
                    y, k = yr
                elif k + 1 < n and syms[k].typ == "clock":
                    yr = self.year_at(k + 1)
                    if yr and _valid(yr[0], m, d):
                        y = yr[0]
                        self.used[k] = True
                        k = yr[1]
                if _valid(y or 2024, m, d):
                    return _Item("date", start, k, d=d, m=m, y=y, label="absolute")
        # month [.] [the] day [,] [of|in] [year]
        mo = self.month_at(j)
        if mo:
            m, k = mo
            if k < n and syms[k].typ == "dayrange" and not self.used[k]:
                a, b = syms[k].val
                k += 1
                yr = self.year_at(k)
                y = None
                if yr:
                    y, k = yr
                return _Item("fixed", start, k, label="range", extra={"range": ((a, m, y), (b, m, y))})
            if k < n and syms[k].key == "," and k + 1 < n and syms[k + 1].typ == "ord":
                k += 1
            if k < n and "THE" in syms[k].roles:
                k += 1
            dn = self.daynum(k)
            if dn:
                d, k2, form = dn
                amb = "MONAMB" in syms[j].roles
                if form in ("num", "word") and self.blocked_after(k2, after_month=True):
                    return None
                if k2 < n and "MON" in syms[k2].roles:  # "Jan 3 december": the day belongs to december
                    return None
                if amb and form == "word" and k2 < n and syms[k2].typ == "w" and not syms[k2].roles:
                    return None
                k = k2
                y = None
                yr = self.year_at(k)
                if yr and _valid(yr[0], m, d):
                    y, k = yr
                elif k + 1 < n and syms[k].typ == "clock":
                    yr = self.year_at(k + 1)
                    if yr and _valid(yr[0], m, d):
                        y = yr[0]
                        self.used[k] = True
                        k = yr[1]
                if _valid(y or 2024, m, d):
                    return _Item("date", start, k, d=d, m=m, y=y, label="absolute")
        # ISO-like with spaces: 2016 10 16
        if syms[j].typ == "n" and len(syms[j].key) == 4 and j + 2 < n and syms[j + 1].typ == "n" \
                and syms[j + 2].typ == "n":
            y, m, d = syms[j].val, syms[j + 1].val, syms[j + 2].val
            if 1900 <= y <= 2100 and _valid(y, m, d) if 1 <= m <= 12 and 1 <= d <= 31 else False:
                return _Item("date", start, j + 3, d=d, m=m, y=y, label="absolute")
        return None

    def pday_at(self, i: int) -> _Item | None:
        """A day of the month without a month: "de 15e", "the 26th", "op 15", "op de tweede"."""
        syms = self.syms
        n = len(syms)
        start = i
        on = self.has(i, "ONDAY") or self.has(i, "ON") \
            or (self.has(i, "TAT") and i + 1 < n and syms[i + 1].typ == "ord")
        j = i + 1 if on else i
        the = self.has(j, "THE")
        if the:
            j += 1
        dn = self.daynum(j)
        if not dn:
            return None
        d, k, form = dn
        if not on and not the and form in ("num", "word", "ordword"):
            # a bare number may still be the first end of a range with a month later ("1 t/m 3 dec")
            if form == "num" or form == "word":
                if self.blocked_after(k):
                    return None
                return _Item("pday", start, k, d=d, strong=False, anchor_month=True, label="day_of_month")
            return _Item("pday", start, k, d=d, strong=False, anchor_month=True, label="day_of_month")
        if form in ("num", "word"):
            if self.blocked_after(k):
                return None
            if i > 0 and syms[i - 1].key in ("$", "€", "£"):
                return None
            # "op 15", "on the 17", "for the 27"; a bare "the two" / "the 4 fonts" is no day
            strong = (on and "ONDAY" in syms[i].roles) or (the and on)
            if form == "word" and not the:
                strong = False
            return _Item("pday", start, k, d=d, strong=strong, anchor_month=True, label="day_of_month")
        if form == "ordword":
            strong = the and (on or (start > 0 and ("ON" in syms[start - 1].roles or "ONDAY" in syms[start - 1].roles)))
            if on and not the and d > 20 and j + 1 < k:  # "on twenty second": a compound ordinal
                strong = True
            if self.ordinal_noun_after(k):  # "op de eerste verdieping", "for the second time"
                strong = False
            return _Item("pday", start, k, d=d, strong=bool(strong), anchor_month=True, label="day_of_month")
        # numeric ordinal: 15e, 4th (not "de 3e verdieping", "de 1e week", "the 25th anniversary")
        if self.ordinal_noun_after(k):
            return None
        return _Item("pday", start, k, d=d, strong=True, anchor_month=True, label="day_of_month")

    def ordinal_noun_after(self, k: int) -> bool:
        """An ordinal followed by what it counts: "3e verdieping", "25th anniversary", "1e week"."""
        syms = self.syms
        if k >= len(syms):
            return False
        x = syms[k]
        return any(r in x.roles for r in ("COUNT", "ORDNOUN", "WEEK", "UWEEK", "UDAY"))

    def wd_at(self, i: int) -> _Item | None:
        """A weekday with an optional own modifier and an optional date right after it."""
        syms = self.syms
        n = len(syms)
        start = i
        mod = None
        if self.has(i, "NEXT") and i + 1 < n and ("WD" in syms[i + 1].roles or "WDPOD" in syms[i + 1].roles):
            mod, i = "next", i + 1
        elif self.has(i, "THIS") and i + 1 < n and ("WD" in syms[i + 1].roles or "WDPOD" in syms[i + 1].roles):
            mod, i = "this", i + 1
        if i >= n or self.used[i]:
            return None
        x = syms[i]
        wd = x.roles.get("WD")
        if wd is None:
            wp = x.roles.get("WDPOD")
            if wp is None:
                return None
            wd = wp[0]
        abbr = "ABBR" in x.roles and "WDPOD" not in x.roles
        j = i + 1
        dotted = False
        if abbr and j < n and syms[j].key == "." and syms[j].g:
            dotted = True
            j += 1
        it = _Item("wd", start, j, wd=wd, mod=mod, abbr=abbr, label="weekday")
        it.extra["sym"] = i
        it.extra["dotted"] = dotted
        if j + 1 < n and syms[j].key == "after" and syms[j + 1].key == "next" and mod is None:
            it.extra["plus"] = 7  # "the Monday after next": a week after the next Monday
            it.j = j + 2
            return it
        # weekday + date: "vrijdag 4 december", "ma 30/11", "dinsdag de elfde", "Monday 21"
        k = j
        if k < n and syms[k].key == ",":
            k += 1
        dt = self.date_at(k)
        if dt and dt.kind == "date":
            c = self.resolve_date(dt)
            if c is not None and c.weekday() != wd and syms[k].typ == "datec" and dt.d <= 12 and dt.y is None:
                sw = _next_md(dt.d, dt.m, self.today) if _valid(2024, dt.d, dt.m) else None
                if sw is not None and sw.weekday() == wd:
                    dt.d, dt.m = dt.m, dt.d
            dt.i = start
            dt.label = "absolute"
            dt.extra["wd"] = wd
            return dt
        the = self.has(k, "THE")
        dn = self.daynum(k + 1 if the else k)
        if dn:
            d, k2, form = dn
            if not (form in ("num", "word") and self.blocked_after(k2)) and (the or form != "word"):
                c = self.weekday_day(wd, d, strict=not (the or form in ("ord", "ordword")))
                if c is not None:
                    return _Item("date", start, k2, d=c.day, m=c.month, y=c.year, label="absolute",
                                 extra={"wd": wd})
        return it

    def day_after_at(self, k: int, prev: _Item) -> _Item | None:
        """ "the day after" / "de dag erna" right after a one-day item: the next day."""
        syms = self.syms
        if k >= len(syms) or self.used[k] or prev.kind not in ("rel", "wd", "date"):
            return None
        m = _day_after().match(timedata.norm(self.text), syms[k].s)
        if m is None:
            return None
        end = k
        while end < len(syms) and syms[end].s < m.end():
            end += 1
        days = self.item_dates(prev, None)
        if not days or len(days) != 1:
            return None
        return _Item("fixed", k, end, dates=(days[0] + timedelta(days=1),), label="relative")

    def past_days(self, i: int, j: int) -> list[date]:
        """The days a past reference from symbol i to j names (for ``When.past``)."""
        syms = self.syms
        t = self.today
        key = syms[i].key
        if key in _PAST_DAYS:
            return [t - timedelta(days=_PAST_DAYS[key])]
        monday = t - timedelta(days=t.weekday())
        wds = [x.roles["WD"] if "WD" in x.roles else x.roles["WDPOD"][0] for x in syms[i + 1:j]
               if isinstance(x.roles.get("WD"), int) or "WDPOD" in x.roles]
        week = any("WEEK" in x.roles for x in syms[i + 1:j])
        if week and wds:  # "vorige week dinsdag"
            return [monday + timedelta(days=wd - 7) for wd in wds]
        if week:  # "vorige week": its working days
            return [monday + timedelta(days=k - 7) for k in range(5)]
        # "last Monday", "afgelopen vrijdag": the latest such day before today
        return [t - timedelta(days=(t.weekday() - wd - 1) % 7 + 1) for wd in wds]

    def weekday_day(self, wd: int, d: int, strict: bool) -> date | None:
        """The next day-of-month d (on or after today) that falls on weekday wd."""
        c = _next_day_of_month(d, self.today)
        if c is None:
            return None
        if c.weekday() == wd:
            return c
        if strict:
            return None
        for _ in range(24):
            c = _next_day_of_month(d, c + timedelta(days=1))
            if c is None:
                return None
            if c.weekday() == wd:
                return c
        return None

    def offset_at(self, i: int) -> _Item | None:
        """ "over twee weken", "in 3 days", "3 dagen na vandaag", "2 weeks from January 15"."""
        syms = self.syms
        n = len(syms)
        x = syms[i]
        if not ("OFFB" in x.roles or x.typ == "n" or "NUMW" in x.roles or "ONE" in x.roles):
            return None
        start = i
        j = i
        pre = False
        if self.has(j, "OFFB"):
            j += 1
            pre = True
        if j >= n:
            return None
        x = syms[j]
        num = None
        if x.typ == "n" and 0 < x.val <= 400:
            num = x.val
        elif isinstance(x.roles.get("NUMW"), int):
            num = x.roles["NUMW"]
        elif "ONE" in x.roles:
            num = 1
        if num is None or j + 1 >= n or ("ONE" in x.roles and not pre and not (
                j + 2 < n and "OFFA" in syms[j + 2].roles)):
            return None
        u = syms[j + 1].roles
        if "UDAY" in u:
            days = num
        elif "UWEEK" in u:
            days = 7 * num
        else:
            return None
        k = j + 2
        anchor = self.today
        sign = 1
        if k < n and ("OFFA" in syms[k].roles or "OFFBA" in syms[k].roles) and not self.used[k]:
            before = "OFFBA" in syms[k].roles and "OFFA" not in syms[k].roles
            a = self.anchor_at(k + 1)
            if a is not None:
                anchor, k = a
                if before:
                    sign = -1
                if k < n and "FILLER" in syms[k].roles:
                    k += 1
            elif not pre:
                return None
        elif not pre:
            return None
        if pre and "UWEEK" in u and k == j + 2:
            # "over twee weken dinsdag", "in two weeks on Tuesday": that weekday of that week
            w = k + 1 if k < n and ("ON" in syms[k].roles or "ONDAY" in syms[k].roles) else k
            if w < n and not self.used[w] and isinstance(syms[w].roles.get("WD"), int) \
                    and not (w + 1 < n and "OFFB" in syms[w + 1].roles):
                target = self.today + timedelta(days=days)
                day = target - timedelta(days=target.weekday() - syms[w].roles["WD"])
                return _Item("fixed", start, w + 1, dates=(day,), label="offset")
        it = _Item("fixed", start, k, dates=(anchor + timedelta(days=sign * days),), label="offset")
        it.extra["from_today"] = anchor == self.today and k == j + 2
        return it

    def anchor_at(self, i: int) -> tuple[date, int] | None:
        syms = self.syms
        if i < len(syms) and not self.used[i]:
            r = syms[i].roles
            if "NOW" in r:
                return self.today, i + 1
            if "REL" in r and isinstance(r["REL"], int):
                return self.today + timedelta(days=r["REL"]), i + 1
            if isinstance(r.get("WD"), int) and "ABBR" not in r:  # "a week from Tuesday"
                wd = r["WD"]
                return self.today + timedelta(days=(wd - self.today.weekday() - 1) % 7 + 1), i + 1
        dt = self.date_at(i)
        if dt and dt.kind == "date":
            c = self.resolve_date(dt)
            if c:
                return c, dt.j
        return None

    def resolve_date(self, it: _Item) -> date | None:
        if it.y is not None:
            return date(it.y, it.m, it.d) if _valid(it.y, it.m, it.d) else None
        return _next_md(it.m, it.d, self.today)

    def item_at(self, i: int) -> _Item | None:
        """One date item at symbol i (or None)."""
        syms = self.syms
        n = len(syms)
        if i >= n or self.used[i]:
            return None
        x = syms[i]
        r = x.roles
        if "GREET" in r or "WHOLE" in r or "WEEKUNDEF" in r:
            return _Item("skip", i, i + 1)
        if "PAST" in r:
            j = i + 1
            while j < n and any(k in syms[j].roles for k in ("WD", "WDPOD", "WEEK", "DAYW", "OFWEEK")):
                j += 1
            self.past.update(self.past_days(i, j))
            return _Item("skip", i, j)
        if "EVERY" in r or "WDPL" in r:
            it = self.every_at(i)
            if it:
                return it
        if ("WEEKNEXT" in r or "WEEKTHIS" in r) and "WD" not in r:
            return _Item("week", i, i + 1, mod="next" if "WEEKNEXT" in r else "this", label="week")
        if "RELPOD" in r:
            off, pod = r["RELPOD"]
            it = _Item("rel", i, i + 1, off=off, label="relative")
            it.extra["pod"] = pod
            return it
        if "REL" in r and isinstance(r["REL"], int):
            off = self.offset_at(i + 1) if i + 1 < n and "OFFB" in syms[i + 1].roles else None
            if off is not None and off.extra.get("from_today"):  # "vandaag over een week", "morgen over 2 weken"
                days = (off.dates[0] - self.today).days
                return _Item("fixed", i, off.j, dates=(self.today + timedelta(days=r["REL"] + days),),
                             label="offset")
            return _Item("rel", i, i + 1, off=r["REL"], label="relative")
        if "ORDW" in r or x.typ == "ord" or ("THE" in r and i + 1 < n):
            it = self.nth_at(i + 1 if "THE" in r else i)
            if it:
                it.i = i
                return it
        if ("ON" in r or "ONDAY" in r) and i + 1 < n:
            dt = self.date_at(i + 1)
            if dt is None and "THE" in syms[i + 1].roles:
                dt = self.nth_at(i + 2)
            if dt:
                dt.i = i
                return dt
        it = self.offset_at(i)
        if it:
            return it
        if "NEXT" in r and i + 1 < n:
            dt = self.date_at(i + 1)
            if dt:
                dt.i = i
                return dt
        it = self.wd_at(i)
        if it:
            if it.kind == "wd" and not it.abbr and it.j < n and "OFFB" in syms[it.j].roles:
                off = self.offset_at(it.j)
                if off is not None and off.extra.get("from_today"):  # "dinsdag over een week"
                    days = (off.dates[0] - self.today).days
                    return _Item("fixed", i, off.j, dates=(self.resolve_wd(it, None) + timedelta(days=days),),
                                 label="offset")
            return it
        it = self.date_at(i)
        if it:
            return it
        return self.pday_at(i)

    def nth_at(self, i: int) -> _Item | None:
        """ "eerste dinsdag in oktober", "derde dag in oktober", "the twenty third day of September"."""
        syms = self.syms
        n = len(syms)
        dn = self.daynum(i)
        if not dn:
            return None
        num, j, form = dn
        if form not in ("ord", "ordword") or j + 2 >= n:
            return None
        wd = syms[j].roles.get("WD")
        dayw = "DAYW" in syms[j].roles
        if (wd is None or "ABBR" in syms[j].roles) and not dayw:
            return None
        if "OF" not in syms[j + 1].roles:
            return None
        mo = self.month_at(j + 2)
        if not mo:
            return None
        m, k = mo
        yr = self.year_at(k)
        y = None
        if yr:
            y, k = yr
        if dayw:
            it = _Item("date", i, k, d=num, m=m, y=y, label="absolute")
            return it if _valid(y or 2024, m, num) else None
        ys = [y] if y is not None else [self.today.year, self.today.year + 1]
        for yy in ys:
            first = date(yy, m, 1)
            c = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (num - 1))
            if c.month != m:
                return None
            if y is not None or c >= self.today:
                return _Item("fixed", i, k, dates=(c,), label="absolute")
        return None

    def every_at(self, i: int) -> _Item | None:
        """ "elke dinsdag" (next 4), "elke donderdag in december" (all), "dinsdagen en donderdagen"."""
        syms = self.syms
        n = len(syms)
        j = i + 1 if "EVERY" in syms[i].roles else i
        if j < n and "WEEK" in syms[j].roles and "EVERY" in syms[i].roles:  # "elke week op dinsdag"
            j += 1
            if j < n and ("ON" in syms[j].roles or "ONDAY" in syms[j].roles):
                j += 1
        wds: list[int] = []
        k = j
        while k < n and not self.used[k]:
            r = syms[k].roles
            wd = r.get("WDPL", r.get("WD"))
            if wd is None or (k == j and "WD" in r and "WDPL" not in r and "EVERY" not in syms[i].roles):
                break
            wds.append(wd)
            k += 1
            if k + 1 < n and ("LIST" in syms[k].roles or syms[k].key == ",") and (
                    "WD" in syms[k + 1].roles or "WDPL" in syms[k + 1].roles):
                k += 1
                continue
            break
        if not wds:
            return None
        month_dates: list[date] = []
        if k + 1 < n and "OF" in syms[k].roles and self.month_at(k + 1):
            m, k2 = self.month_at(k + 1)
            yr = self.year_at(k2)
            if yr:
                y, k2 = yr
            else:
                y = self.today.year if m >= self.today.month else self.today.year + 1
            for wd in wds:
                first = date(y, m, 1)
                c = first + timedelta(days=(wd - first.weekday()) % 7)
                while c.month == m:
                    if c >= self.today:
                        month_dates.append(c)
                    c += timedelta(days=7)
            return _Item("fixed", i, k2, dates=tuple(sorted(month_dates)), label="recurrence")
        out = []
        for wd in wds:
            first = self.today + timedelta(days=(wd - self.today.weekday() - 1) % 7 + 1)
            out.extend(first + timedelta(days=7 * w) for w in range(4))
        return _Item("fixed", i, k, dates=tuple(sorted(out)), label="recurrence")

    # -- sequences -------------------------------------------------------------------------------

    def week_mod_at(self, i: int) -> str | None:
        x = self.syms[i] if i < len(self.syms) else None
        if x is None or self.used[i]:
            return None
        if "WEEKNEXT" in x.roles:
            return "nw"
        if "WEEKTHIS" in x.roles:
            return "tw"
        return None

    def seq_at(self, i: int) -> tuple[list[_Item], list[str], int, int, str | None] | None:
        """Items joined by range/list connectors; returns (items, connectors, start, end, week mod)."""
        syms = self.syms
        n = len(syms)
        start = i
        prefix = None
        carrier = None
        wm = self.week_mod_at(i)
        if wm and i + 1 < n:
            k = i + 1
            if self.has(k, "ON") or self.has(k, "FROM") or self.has(k, "BETWEEN") or syms[k].key == ",":
                k += 1
            probe = self.item_at(k)
            if probe and probe.kind == "wd" and probe.mod is None:
                prefix = wm
                # keep "van"/"tussen" for the range below: "volgende week tussen woensdag en vrijdag"
                i = k - 1 if k - 1 > i and (self.has(k - 1, "FROM") or self.has(k - 1, "BETWEEN")) else k
        if self.month_at(i) and i + 1 < n and (self.has(i + 1, "BETWEEN") or self.has(i + 1, "FROM")):
            carrier = self.month_at(i)[0]
            i += 1
        between = False
        if self.has(i, "BETWEEN"):
            between = True
            i += 1
        elif self.has(i, "FROM"):  # "van dinsdag tot donderdag", "from Dec 1 to Dec 4"
            nxt = self.item_at(i + 1)
            if nxt and nxt.kind not in ("skip", "week"):
                i += 1
        first = self.item_at(i)
        if first is None or first.kind == "skip":
            if first is not None:
                return [first], [], start, first.j, None
            return None
        items = [first]
        conns: list[str] = []
        j = first.j
        while j < n and not self.used[j]:
            c = syms[j]
            r = c.roles
            if self.move and "MOVETO" in r:
                break
            if between and "BAND" in r and len(items) == 1:
                kind = "range"
            elif "RANGE" in r and not ("TEND" in r and j + 1 < n and syms[j + 1].typ == "clock"):
                kind = "range"
            elif "LIST" in r or c.key == ",":
                kind = "list"
            else:
                break
            k = j + 1
            if kind == "list" and k < n and "LIST" in syms[k].roles:
                k += 1  # ", en"
            nxt = self.item_at(k)
            if nxt is None and kind == "list":
                nxt = self.day_after_at(k, items[-1])  # "morgen en de dag erna"
            if nxt is None or nxt.kind in ("skip", "week") or (items[-1].kind == "week"):
                break
            if kind == "range" and conns and conns[-1] == "range":
                break
            items.append(nxt)
            conns.append(kind)
            j = nxt.j
        # suffix week modifier: "ma t/m wo volgende week", "Sunday of next week"
        suffix = None
        k = j
        if k < n and self.has(k, "OFWEEK") and self.week_mod_at(k + 1):
            k += 1
        wm2 = self.week_mod_at(k) if k < n else None
        if wm2 is None and k + 1 < n and self.has(k, "PAST") and "WEEK" in syms[k + 1].roles \
                and syms[k].key not in _PAST_DAYS and all(it.kind == "wd" for it in items) and prefix is None:
            return items, conns, start, k + 2, "pw"  # "dinsdag vorige week": a day that has passed
        if wm2 and any(it.kind == "wd" and it.mod is None for it in items) and prefix is None:
            suffix = wm2
            j = k + 1
        if carrier is not None:
            for it in items:
                if it.kind == "pday":
                    it.kind, it.m, it.strong = "date", carrier, True
        return items, conns, start, j, prefix or suffix

    def dates_pass(self) -> list[DateMention]:
        out: list[DateMention] = []
        syms = self.syms
        n = len(syms)
        i = 0
        while i < n:
            x = syms[i]
            if self.used[i] or (x.typ not in _NUMERIC and "_S" not in x.roles) or not self.may_start(i):
                i += 1
                continue
            seq = self.seq_at(i)
            if seq is None:
                i += 1
                continue
            items, conns, start, end, wmod = seq
            if self.farewell(start, end, items):
                for k in range(start, end):
                    self.used[k] = True
                i = end
                continue
            if wmod == "pw":
                self.past.update(self.resolve_wd(it, "pw") for it in items)
                for k in range(start, end):
                    self.used[k] = True
                i = end
                continue
            mentions = self.resolve_seq(items, conns, wmod, start, end)
            if mentions is None:
                wm = self.week_mod_at(i)
                if wm:  # "volgende week vrij": the week alone
                    x = syms[i]
                    out.append(DateMention(x.s, x.e, self.week_dates("next" if wm == "nw" else "this"), "week"))
                    self.used[i] = True
                i += 1
                continue
            for k in range(start, end):
                self.used[k] = True
            out.extend(mentions)
            i = end
        return out

    def may_start(self, i: int) -> bool:
        """Cheap look-ahead: a function word ("op", "de", "een", "the") starts a date only near a day
        word or a number."""
        syms = self.syms
        x = syms[i]
        if x.typ in _NUMERIC or "_SS" in x.roles:
            return True
        for k in range(i + 1, min(i + 4, len(syms))):
            y = syms[k]
            if y.typ in _NUMERIC or "_ND" in y.roles:
                return True
        return False

    def farewell(self, start: int, end: int, items: list[_Item]) -> bool:
        """ "..., tot morgen!", "see you Monday": a goodbye, not a day (at the start or after a comma,
        with nothing after it but punctuation)."""
        syms = self.syms
        if start == 0 or len(items) != 1 or items[0].kind not in ("rel", "wd"):
            return False
        lead = start - 1
        if "BYE" not in syms[lead].roles or self.used[lead]:
            return False
        if lead > 0 and syms[lead - 1].key not in (",", ".", "!", "-", ";"):
            return False
        return all(syms[k].typ == "p" for k in range(end, len(syms)))

    def accept_wd(self, it: _Item, items: list[_Item], idx: int, wmod: str | None) -> bool:
        if not it.abbr:
            return True
        syms = self.syms
        x = syms[it.extra["sym"]]
        others = [o for k, o in enumerate(items) if k != idx and o.kind in ("wd", "date", "rel")]
        if others:
            return True
        if it.mod is not None:
            return True
        bare_langs = x.roles.get("BARE", ())
        si = it.extra["sym"]
        prev = syms[it.i - 1] if it.i > 0 else None
        if prev is not None and "ONDAY" in prev.roles:  # "op zat", "on Sat"
            return True
        if prev is not None and "ON" in prev.roles and bare_langs:  # "voor do", "for Thu"
            return True
        if it.extra.get("dotted"):
            nxt_i = si + 2
            if nxt_i >= len(syms):
                return len(syms) <= 3 or (prev is not None and "ONDAY" in prev.roles)
            ch = self.text[syms[nxt_i].s]
            return ch.islower() or ch.isdigit() or syms[nxt_i].key == ","
        if si + 1 < len(syms) and ("POD" in syms[si + 1].roles):
            return True
        if wmod is not None and bare_langs:
            return True
        raw = self.text[x.s:x.e]
        if raw.isupper() and len(raw) > 1 and not self.text.isupper():
            return False
        if si + 1 < len(syms) and "ABLOCK" in syms[si + 1].roles:
            return False  # "do je best", "do it": the verb, not Thursday
        if self.lang() in bare_langs:
            return True
        # the whole message is the day ("Thu", "do?"): an answer to "which day?"
        if bare_langs and len(syms) <= 4 and all(k == si or syms[k].typ == "p" for k in range(len(syms))):
            return True
        return False

    def resolve_wd(self, it: _Item, wmod: str | None) -> date:
        t = self.today
        mod = it.mod or wmod
        monday = t - timedelta(days=t.weekday())
        if mod == "this" or mod == "tw":
            return monday + timedelta(days=it.wd)
        if mod == "nw":
            return monday + timedelta(days=7 + it.wd)
        if mod == "pw":
            return monday + timedelta(days=it.wd - 7)
        return t + timedelta(days=(it.wd - t.weekday() - 1) % 7 + 1)

    def week_dates(self, mod: str) -> tuple[date, ...]:
        t = self.today
        monday = t - timedelta(days=t.weekday())
        if mod == "this" and t.weekday() < 5:
            return tuple(t + timedelta(days=k) for k in range(5 - t.weekday()))
        nm = monday + timedelta(days=7)
        return tuple(nm + timedelta(days=k) for k in range(5))

    def item_dates(self, it: _Item, wmod: str | None, after: date | None = None) -> tuple[date, ...] | None:
        if it.kind == "wd":
            if after is not None and it.mod is None:
                return (after + timedelta(days=(it.wd - after.weekday()) % 7),)
            return (self.resolve_wd(it, wmod) + timedelta(days=it.extra.get("plus", 0)),)
        if it.kind == "rel":
            return (self.today + timedelta(days=it.off),)
        if it.kind == "date":
            if it.y is not None:
                return (date(it.y, it.m, it.d),) if _valid(it.y, it.m, it.d) else None
            c = _next_md(it.m, it.d, after or self.today)
            return (c,) if c else None
        if it.kind == "pday":
            c = _next_day_of_month(it.d, after or self.today)
            return (c,) if c else None
        if it.kind == "week":
            return self.week_dates(it.mod or "next")
        if it.kind == "fixed":
            if "range" in it.extra:
                (d1, m1, y1), (d2, m2, y2) = it.extra["range"]
                a = _Item("date", it.i, it.j, d=d1, m=m1, y=y1 if y1 is not None else y2)
                b = _Item("date", it.i, it.j, d=d2, m=m2, y=y2)
                if a.y is not None and b.y is None:
                    b.y = a.y if (m2, d2) >= (m1, d1) else a.y + 1
                if a.y is not None and b.y is not None and (m1, d1) > (m2, d2) and y1 is None:
                    a.y = b.y - 1
                da = self.item_dates(a, None)
                if not da:
                    return None
                db = self.item_dates(b, None, after=da[0])
                if not db:
                    return None
                return self.span(da[0], db[0])
            return it.dates
        return None

    def span(self, a: date, b: date) -> tuple[date, ...] | None:
        if b < a or (b - a).days > MAX_RANGE_DAYS:
            return None
        return tuple(a + timedelta(days=k) for k in range((b - a).days + 1))

    def resolve_seq(self, items: list[_Item], conns: list[str], wmod: str | None, start: int,
                    end: int) -> list[DateMention] | None:
        syms = self.syms
        if len(items) == 1 and items[0].kind == "skip":
            return []
        if wmod is None and items[0].kind == "wd" and items[0].mod == "this" and len(items) > 1:
            wmod = "tw"  # "deze maandag en dinsdag": both in this week
        # give day numbers a month from a neighbouring date ("1 t/m 3 december", "april 9th - 17th")
        for k, it in enumerate(items):
            if it.kind == "pday":
                src = None
                for o in items[k + 1:]:
                    if o.kind == "date":
                        src = o
                        break
                if src is None:
                    for o in reversed(items[:k]):
                        if o.kind == "date":
                            src = o
                            break
                if src is not None:
                    it.kind, it.m, it.y, it.strong = "date", src.m, src.y, True
                    it.extra["inherited"] = k < items.index(src)
        # accept or drop items
        ok = []
        for k, it in enumerate(items):
            if it.kind == "wd":
                good = self.accept_wd(it, items, k, wmod)
            elif it.kind == "pday":
                good = it.strong
            else:
                good = True
            ok.append(good)
        if not any(ok):
            return None
        # ranges with a weak end are not ranges: keep the good items on their own
        groups: list[list[int]] = [[0]]
        for k, c in enumerate(conns):
            if c == "range":
                groups[-1].append(k + 1)
            else:
                groups.append([k + 1])
        mentions: list[DateMention] = []
        for gi, grp in enumerate(groups):
            if len(grp) == 2 and all(ok[k] for k in grp):
                a, b = items[grp[0]], items[grp[1]]
                da = self.item_dates(a, wmod)
                if da:
                    if a.kind == "date" and a.y is None and b.kind == "date" and b.y is not None:
                        a2 = _Item("date", a.i, a.j, d=a.d, m=a.m, y=b.y if (a.m, a.d) <= (b.m, b.d) else b.y - 1)
                        da = self.item_dates(a2, wmod) or da
                    db = self.item_dates(b, wmod, after=da[0])
                    dates = self.span(da[0], db[-1]) if db else None
                    if dates:
                        s0 = syms[start].s if gi == 0 else syms[a.i].s
                        e0 = syms[end - 1].e if gi == len(groups) - 1 else syms[b.j - 1].e
                        parts = (DateMention(syms[a.i].s, syms[a.j - 1].e, tuple(da), self.kind_of(a)),
                                 DateMention(syms[b.i].s, syms[b.j - 1].e, tuple(db), self.kind_of(b)))
                        mentions.append(DateMention(s0, e0, dates, "range", parts))
                        continue
            for k in grp:
                it = items[k]
                if not ok[k]:
                    continue
                ds = self.item_dates(it, wmod)
                if not ds:
                    continue
                s0 = syms[start].s if k == 0 else syms[it.i].s
                e0 = syms[end - 1].e if k == len(items) - 1 else syms[it.j - 1].e
                mentions.append(DateMention(s0, e0, tuple(sorted(set(ds))), self.kind_of(it)))
                if it.extra.get("pod"):
                    self.pods.append((syms[it.i].s, syms[it.j - 1].e, it.extra["pod"]))
        for it in items:
            if it.kind == "wd" and "WDPOD" in syms[it.extra["sym"]].roles:
                x = syms[it.extra["sym"]]
                if x.roles["WDPOD"][1]:
                    self.pods.append((x.s, x.e, x.roles["WDPOD"][1]))
        if not mentions and not any(it.kind == "skip" for it in items):
            return None
        return mentions

    @staticmethod
    def kind_of(it: _Item) -> str:
        return {"wd": "weekday", "rel": "relative", "date": "absolute", "pday": "day_of_month",
                "week": "week"}.get(it.kind, it.label or it.kind)

    # -- times -----------------------------------------------------------------------------------

    pods: list[tuple[int, int, str]]

    def times_pass(self) -> list[TimeMention]:
        syms = self.syms
        n = len(syms)
        out: list[TimeMention] = []
        i = 0
        while i < n:
            if self.used[i]:
                i += 1
                continue
            x = syms[i]
            r = x.roles
            if x.typ == "w" and r is _EMPTY or x.typ == "junk" or "NOTIME" in r:
                i += 1
                continue
            if x.typ == "trange":
                (a, b) = x.val
                val = self.clock_range(a, b)
                if val:
                    out.append(TimeMention(x.s, x.e, val))
                i += 1
                continue
            rng = self.time_range_at(i) if (x.typ in ("clock", "n") or "NUMW" in r or "TBETWEEN" in r
                                            or "TFROM" in r or "TAT" in r) else None
            if rng:
                j, val = rng
                out.append(TimeMention(syms[i].s, syms[j - 1].e, val))
                for k in range(i, j):
                    self.used[k] = True
                i = j
                continue
            if ("TSTART" in r or "TEND" in r) and i + 1 < n and syms[i + 1].typ == "clock" and not self.used[i + 1]:
                h, mm, ap, _ = syms[i + 1].val
                hh = self.hour24(h, ap, bound=True)
                if hh is not None:
                    key = "start" if "TSTART" in r and "TEND" not in r else "end"
                    out.append(TimeMention(x.s, syms[i + 1].e, {key: f"{hh:02d}:{mm:02d}"}))
                    self.used[i] = self.used[i + 1] = True
                    i += 2
                    continue
            if ("TSTART" in r or "TEND" in r) and "NEEDCLOCK" not in r and i + 1 < n \
                    and syms[i + 1].typ == "n" and not self.used[i + 1] and self.after_day(i) \
                    and not self.blocked_after(i + 2) and not (i + 2 < n and "MON" in syms[i + 2].roles):
                hh = self.hour24(syms[i + 1].val, None, bound=True) if syms[i + 1].val <= 24 else None
                if hh is not None:
                    key = "end" if "TEND" in r and x.key not in ("van", "vanaf", "from", "na", "after") else "start"
                    out.append(TimeMention(x.s, syms[i + 1].e, {key: f"{hh:02d}:00"}))
                    self.used[i] = self.used[i + 1] = True
                    i += 2
                    continue
            if x.typ == "clock" and i + 1 < n and "TSTARTPOST" in syms[i + 1].roles:
                h, mm, ap, _ = x.val
                hh = self.hour24(h, ap, bound=True)
                if hh is not None:
                    out.append(TimeMention(x.s, syms[i + 1].e, {"start": f"{hh:02d}:{mm:02d}"}))
                    self.used[i] = self.used[i + 1] = True
                    i += 2
                    continue
            if "POD" in r and "RELPOD" not in r and "GREET" not in r:
                if not (i == 0 and i + 1 < n and syms[i + 1].key in ("!", ",")):  # "Morning! ..." greets
                    out.append(TimeMention(x.s, x.e, {"part_of_day": r["POD"]}))
            elif ("SUFAM" in r or "SUFPM" in r) and i > 0 and self.used[i - 1] and syms[i - 1].typ != "clock":
                out.append(TimeMention(x.s, x.e, {"part_of_day": "morning" if "SUFAM" in r else "afternoon"}))
            i += 1
        for s, e, pod in self.pods:
            out.append(TimeMention(s, e, {"part_of_day": pod}))
        out.sort(key=lambda t: t.start)
        return out

    def after_day(self, i: int) -> bool:
        """Symbol i follows a day or a part of the day ("morgen 9 tot 5", "Monday morning until 11")."""
        if i <= 0:
            return False
        p = self.syms[i - 1]
        return (self.used[i - 1] and p.typ != "clock") or "POD" in p.roles or "RELPOD" in p.roles

    def time_range_at(self, i: int) -> tuple[int, dict[str, str]] | None:
        syms = self.syms
        n = len(syms)
        j = i
        pre = False
        if self.has(j, "TBETWEEN") or self.has(j, "TFROM") or self.has(j, "TAT"):
            pre = "TAT" not in syms[j].roles
            j += 1
        a = self.clock_or_hour(j)
        if a is None:
            return None
        ta, j = a
        if j >= n or self.used[j] or "TRANGE" not in syms[j].roles:
            return None
        if "BAND" in syms[j].roles and "RANGE" not in syms[j].roles and not self.has(i, "TBETWEEN"):
            return None  # "5 en 6" is a range only after "tussen"
        b = self.clock_or_hour(j + 1)
        if b is None:
            return None
        tb, k = b
        explicit = ta[3] or tb[3]
        if not explicit and not pre and not self.after_day(i):
            return None
        if not explicit:
            # bare numbers: not a count ("van 2 tot 4 personen"), not a date range
            if k < n and (syms[k].typ in ("n", "junk") or any(
                    r in syms[k].roles for r in ("COUNT", "UDAY", "UWEEK", "MON", "ORDSUF"))):
                return None
        # a part of the day right after: "tussen 5 en 6 's middags", "5 to 6 in the afternoon"
        if k < n and not self.used[k] and ("AMW" in syms[k].roles or "PMW" in syms[k].roles) and tb[2] is None:
            ap = "am" if "AMW" in syms[k].roles else "pm"
            tb = (tb[0], tb[1], ap, True)
            if "RELPOD" not in syms[k].roles:
                k += 1
        val = self.clock_range(ta[:3], tb[:3])
        if val is None:
            return None
        return k, val

    def clock_or_hour(self, i: int) -> tuple[tuple[int, int, str | None, bool], int] | None:
        syms = self.syms
        if i >= len(syms) or self.used[i]:
            return None
        x = syms[i]
        if x.typ == "clock":
            return x.val, i + 1
        h = self.hour_value(x)
        if h is not None:
            return (h, 0, None, False), i + 1
        return None

    @staticmethod
    def hour24(h: int, ap: str | None, bound: bool = False) -> int | None:
        if h > 24:
            return None
        if ap == "pm" and h < 12:
            return h + 12
        if ap == "am" and h == 12:
            return 0
        if ap is None and bound and 1 <= h <= 6:
            return h + 12
        return h % 24 if h == 24 else h

    def clock_range(self, a: tuple[int, int, str | None], b: tuple[int, int, str | None]) -> dict[str, str] | None:
        (h1, m1, p1), (h2, m2, p2) = a, b
        if h1 > 24 or h2 > 24:
            return None
        if p1 is None and p2 is not None:
            if p2 == "am":
                p1 = "am" if h1 <= h2 or h2 == 12 else None
            else:
                e = self.hour24(h2, p2)
                p1 = "pm" if e is not None and h1 < 12 and h1 + 12 <= e else None
        if p1 is not None and p2 is None and p1 == "pm":
            p2 = "pm" if h2 < 12 and h2 + 12 >= self.hour24(h1, p1) else None
        s = self.hour24(h1, p1)
        e = self.hour24(h2, p2)
        if p1 is None and p2 is None:
            s = h1 + 12 if 1 <= h1 <= 6 else h1
            e = h2 + 12 if 1 <= h2 <= 6 else h2
        if s is None or e is None:
            return None
        if p2 == "am" and h2 == 12 and e == 0:
            e = 12
        if (e, m2) <= (s, m1) and e < 12:
            e += 12
        if (e, m2) <= (s, m1):
            return None
        return {"start": f"{s:02d}:{m1:02d}", "end": f"{e:02d}:{m2:02d}"}


def prev_is(out: list[_Sym], role: str) -> bool:
    return bool(out) and role in out[-1].roles

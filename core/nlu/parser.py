"""From a chat message to a :class:`Frame` (see ``../shared/nlu/SCHEMA.md``).

Steps: fold the text (same length), find dates and times with the recogniser
(``core.nlu.when``) and mask them, find places and mask them, score every intent's
rules (``lexicon/nl.py``, ``lexicon/en.py``: both always run, people mix languages),
then fill only the slots that intent carries (SCHEMA.md conventions).

Choices where SCHEMA.md is silent:

* A bare pick ("2", "de tweede", "optie twee", "the second one") is intent ``confirm``
  with ``choice`` set (1-based); "de laatste" is no choice (the dialog asks again).
* A bare detail ("vrijdag", "Turfmarkt", "morgen Turfmarkt") is ``book``: the dialog
  reads it as the answer to its open question.
* "met 3 collega's" counts the user too (4); "voor 3 collega's" does not (3).
* "mijn collega's" / "my colleagues" as a sharing target is ``everyone``.
* "wie zit er morgen op de Turfmarkt?" is ``find_colleague`` without a colleague: the
  dialog answers only with colleagues who share with the asker.
* Dates wholly in the past are dropped when the message also names a coming day ("last
  week I sat at the window ... book Monday"); alone they stay, for the dialog to refuse.
* Past days ("gisteren", "yesterday", "vorige week dinsdag", "last Monday") give no ``dates``
  (as SCHEMA.md/dev label them); the extra fields ``past`` (only passed days are named) and
  ``past_dates`` let the dialog say the day has passed. A date without a year that passed
  less than two months ago ("3 november" on 23 November) keeps SCHEMA's next-year date in
  ``dates`` and is flagged the same way, with this year's day in ``past_dates``.
* A place that is no pilot building ("bij Hogwarts", "in Paris", "in groningen") sets the
  extra ``raw_location`` (as written) and no ``location``: a capitalised name after
  "bij/in/op/at/naar/to" (articles skipped), or one lower-case word that is no ordinary
  word right after "in/naar/te/to". "bij het raam", "at my desk", "in de ochtend" are none.
* Days in a clause that declines them ("ik werk morgen thuis, dus geen plek nodig. maar
  vrijdag ...") are not booked.
* Counts: "twee stilteplekken", "3 zit-sta-plekken", "two quiet desks" count desks; only the
  screen features ("2 monitoren") are never counts. "a desk for my team of 6" is 6.
* Questions "do you have ...", "heb je ... plek", "hebben jullie ..." ask availability, unless
  "voor mij"/"for me" makes them a request; "can I book", "kan ik ... boeken", "I'd like" book.
* Greetings, thanks and small talk ("hoe gaat het?") are ``help``; out-of-scope requests
  (meeting rooms, parking, travel, lunch, weather, SQL or HTML injection) are ``unknown``.
* Messages longer than ``core.messages.MAX_MESSAGE_CHARS`` are ``unknown`` without parsing; of shorter
  ones the first ``ANALYSED_CHARS`` characters are read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, datetime

from core.clock import local_today
from core.nlu import language
from core.nlu.frame import Frame
from core.nlu.places import Place, find_places, pick
from core.nlu.prefilter import grams
from core.nlu.rules import Rules, rules
from core.nlu.text import DATE_MARK, PLACE_MARK, TIME_MARK, TOKEN, fold, mask, words
from core.nlu.typos import correct
from core.nlu.when import When, find_when

ANALYSED_CHARS = 600
"""Longer (but not refused) messages are understood from their first this many characters."""

# Which slots each intent carries; everything else is dropped (SCHEMA.md conventions).
SLOTS: dict[str, frozenset[str]] = {
    "book": frozenset({"dates", "time", "count", "together", "team", "features", "location"}),
    "availability": frozenset({"dates", "time", "count", "together", "team", "features", "location"}),
    "cancel": frozenset({"dates", "time", "location", "team"}),
    "move": frozenset({"dates", "to_dates", "time", "location"}),
    "list": frozenset({"dates", "time", "location"}),
    "find_colleague": frozenset({"dates", "time", "location", "colleague", "team"}),
    "team_day": frozenset({"dates", "time", "location"}),
    "share_location": frozenset({"share_with"}),
    "check_in": frozenset({"location"}),
    "check_out": frozenset({"location"}),
}

# Tie-break: the more specific intent first.
PRIORITY: tuple[str, ...] = (
    "deny", "stop_sharing", "delete_data", "export_data", "privacy", "cancel", "move", "team_day",
    "share_location", "find_colleague", "check_in", "check_out", "list", "availability",
    "confirm", "book", "help", "unknown",
)
_RANK = {name: i for i, name in enumerate(PRIORITY)}

_EMOJI_CONFIRM = set("👍👌✅✔☑🆗🙆")
_EMOJI_DENY = set("👎❌✖🚫🙅⛔")
_EMOJI_HELLO = set("👋🙋")
_FOR_ME = re.compile(r"\b(?:voor (?:me|mij)|for me)\b")


def parse(text: str, now: datetime, locale: str | None = None) -> Frame:
    """Understand one message. Never raises: anything unexpected gives intent ``unknown``."""
    try:
        frame = _parse(text, now, locale)
        if isinstance(text, str) and (len(text) <= ANALYSED_CHARS or len(text) <= _max_chars()):
            _team_extras(frame, text[:ANALYSED_CHARS])
        return frame
    except Exception as exc:  # noqa: BLE001 - bad input must never escape (issue 3)
        _log().error("parse failed: %s", type(exc).__name__)  # never the text
        return Frame(lang=language.from_locale(locale), intent="unknown")


def _parse(text: str, now: datetime, locale: str | None) -> Frame:
    if not isinstance(text, str):
        return Frame(lang=language.from_locale(locale), intent="unknown")
    if len(text) > ANALYSED_CHARS and len(text) > _max_chars():
        # Refused before parsing; the language only from the start, for the reply.
        return Frame(lang=language.detect(words(fold(text[:400])), locale), intent="unknown")
    # A chat request fits in a few lines; of a pasted e-mail only the start is read, which
    # bounds the work per message whatever arrives.
    text = text[:ANALYSED_CHARS]
    folded = fold(text)
    toks = words(folded)
    lang = language.detect(toks, locale)
    if not toks:
        return _wordless(text, lang)
    r = rules()

    choice = _choice(folded.strip(), r)
    if choice is not None:
        return Frame(lang=lang, intent="confirm", choice=choice)

    when = _when(text, now, lang)
    masked = mask(folded, [(m.start, m.end) for m in when.dates], DATE_MARK)
    masked = mask(masked, [(t.start, t.end) for t in when.times], TIME_MARK)
    places = find_places(masked)
    masked_all = mask(masked, [(p.start, p.end) for p in places], PLACE_MARK)

    fixed = correct(masked)  # misspelt key words, for what needs no positions
    today = local_today(now)  # the Amsterdam day: near midnight UTC it differs from now.date()
    intent, name, features = _classify(fixed, masked_all, text, when, places, today, r)
    if places or name:
        # "Prinses Beatrixlaan", "Binnenlandse Zaken", "Jan de Vries" say nothing about the
        # language the user writes in
        spans = [(p.start, p.end) for p in places]
        if name and (at := text.find(name)) >= 0:
            spans.append((at, at + len(name)))
        lang = language.detect(words(mask(folded, spans, " ")), locale)
    frame = Frame(lang=lang, intent=intent)
    allowed = SLOTS.get(intent)
    if not allowed:
        return frame
    _fill(frame, allowed, text, masked, masked_all, fixed, when, places, today, name, features, r)
    if "dates" in allowed:
        _past(frame, when, today)
    if "location" in allowed and frame.location is None and not places:
        frame.raw_location = _raw_location(text, masked_all, r)
    return frame


def _past(frame: Frame, when: When, today: date) -> None:
    """``past``/``past_dates``: the message names days, and every one of them has passed.

    A date without a year is the next such date (SCHEMA.md), so "3 november" on 23 November
    is 3 November next year; when that day was less than ``_RECENT_DAYS`` ago this year it
    is also given in ``past_dates`` (the dialog can ask which one was meant).
    """
    passed = set(when.past) | {d for m in when.dates for d in m.dates if d < today}
    for m in when.dates:
        if m.kind == "absolute" and len(m.dates) == 1:
            d = m.dates[0]
            try:
                before = d.replace(year=d.year - 1)
            except ValueError:  # 29 February
                continue
            if d.year > today.year and 0 < (today - before).days <= _RECENT_DAYS:
                passed.add(before)
    named = set(frame.dates) | set(frame.to_dates)
    if passed and not any(d >= today for d in named if d not in passed and d.year == today.year) \
            and not any(d >= today and (d - today).days < 300 for d in named):
        frame.past = True
    frame.past_dates = sorted(passed)


_RECENT_DAYS = 62


_PLACE_PREP = re.compile(r"(?<![\w§¤@])(?:bij|in|op|at|naar|to|near|nabij|te)\s+(?:(?:de|het|'t|the)\s+)?")


def _raw_location(text: str, masked_all: str, r: Rules) -> str | None:
    """Place words after "bij/in/op/at" that name no pilot building ("bij Hogwarts", "in
    Paris"): a capitalised name, or one lower-case word that is no ordinary word."""
    from core.nlu import timedata

    lex = timedata.lexicon()["single"]
    shouting = text.isupper()  # all capitals: a capital says nothing
    for m in _PLACE_PREP.finditer(masked_all):
        # a lower-case word only right after "in/naar/te/to" ("in groningen"), never after an
        # article or "bij/op/at" ("bij het raam", "op de gang", "at the window")
        lower_ok = masked_all[m.start():m.end()].split()[0] in ("in", "naar", "te", "to") \
            and len(masked_all[m.start():m.end()].split()) == 1
        parts: list[tuple[int, int]] = []
        for tm in TOKEN.finditer(masked_all, m.end()):
            tok = tm.group(0).strip("'")
            s, e = tm.start(), tm.end()
            orig = text[s:e]
            if DATE_MARK in tok or TIME_MARK in tok or PLACE_MARK in tok or not _NAME_CHARS.match(orig):
                break
            if parts and tok in _PLACE_PARTICLES:  # "Ministerie van Financien"
                continue
            if tok in lex or tok in r.stopwords:  # a day, a month, "ochtend", "my", "kantoor"
                break
            capital = orig[:1].isupper() and not shouting
            if not capital and (parts or not lower_ok or tok in r.known or tok in _NOT_PLACES or len(tok) < 3):
                break
            parts.append((s, e))
            if not capital or len(parts) >= 4 or masked_all[e:e + 1] in (",", "?", "!", ".", ";", ":"):
                break
        if parts:
            return text[parts[0][0]:parts[-1][1]]
    return None


# Lower-case words after "in/op/at/bij" that are no place (ordinary words are already known).
_NOT_PLACES = frozenset("""
person persoon advance total principe principle between tussen overleg general algemeen
case geval time tijd voorkeur preference mind gedachten town stad city person's charge
mijnen ons onze hun their his her its someone iemand anywhere ergens somewhere nowhere
private privé prive peace silence stilte totaal practice praktijk short kort particular bijzonder
fact feite order orde progress uitvoering detail details turns beurten person persons
keuze wens choice smaak believen buiten boven beneden binnen achteren voren huis
""".split())
_PLACE_PARTICLES = frozenset({"van", "de", "der", "den", "het", "'t", "ter", "ten", "la", "le", "du", "von", "of",
                              "the", "aan", "upon", "on"})


@lru_cache(maxsize=1)
def _acts() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    from core.nlu.lexicon import en, nl
    from core.nlu.prefilter import LazyPattern

    # compiled at first use (start-up time)
    return tuple((lang, act, LazyPattern("(?i)" + p)) for lang, lex in (("nl", nl), ("en", en))  # type: ignore[misc]
                 for act, p in lex.ACTS)


@lru_cache(maxsize=1)
def _recurring() -> tuple[tuple[str, re.Pattern[str]], ...]:
    from core.nlu.lexicon import en, nl
    return (("nl", re.compile(nl.RECURRING, re.I)), ("en", re.compile(en.RECURRING, re.I)))


# Team acts a message about a seat ("plek", "open desk") may carry while it reads as a booking.
_SEAT_ACTS = frozenset({"seat_assign", "seat_accept", "seat_status"})
_BOOKING_ACTS = _SEAT_ACTS | {"waitlist", "claim"}


def _team_extras(frame: Frame, text: str) -> None:
    """The team feature's extra fields (issue 7); the SCHEMA frame is left as it is, except
    the language of a message that only a team phrase explains ("herinner me")."""
    said = " ".join(text.split())
    if frame.intent == "book" and len(frame.dates) > 1:
        frame.recurring = any(p.search(said) for _, p in _recurring())
    if frame.intent not in ("unknown", "find_colleague", "book", "availability", "help", "confirm", "list"):
        return
    for lang, act, pattern in _acts():
        if frame.intent == "book" and act not in _BOOKING_ACTS:
            continue  # "boek ... en zet me op de wachtlijst" is a booking that may wait
        if frame.intent == "availability" and act not in _SEAT_ACTS:
            continue  # "assign Jan an open desk" reads as availability; "is er plek? wachtlijst" stays a question
        if frame.intent == "find_colleague" and act != "team_list":
            continue
        if frame.intent == "list" and act != "seat_status":
            continue
        m = pattern.search(said)
        if m is None:
            continue
        frame.act = act
        name = (m.groupdict().get("name") or "").strip(" ,.!?")
        frame.member = name[:60] or None
        if frame.intent in ("unknown", "help", "confirm"):
            frame.lang = lang
        return


def _max_chars() -> int:
    # imported only for long messages: core.messages pulls in dataclasses (start-up time)
    from core.messages import MAX_MESSAGE_CHARS

    return MAX_MESSAGE_CHARS


def _log():  # logging is imported only when something went wrong: `wms-bot parse` starts fast
    import logging

    return logging.getLogger(__name__)


def _wordless(text: str, lang: str) -> Frame:
    chars = set(text)
    if chars & _EMOJI_DENY:
        return Frame(lang=lang, intent="deny")
    if chars & _EMOJI_CONFIRM:
        return Frame(lang=lang, intent="confirm")
    if chars & _EMOJI_HELLO or text.strip() in ("?", "??", "???"):
        return Frame(lang=lang, intent="help")
    return Frame(lang=lang, intent="unknown")


def _when(text: str, now: datetime, lang: str) -> When:
    try:
        return find_when(text, now, lang)
    except Exception as exc:  # noqa: BLE001 - a recogniser bug must not lose the message
        _log().error("date recogniser failed: %s", type(exc).__name__)
        return find_when("", now, lang)


_YES_FIRST = re.compile(r"^(?:ja|yes|ok|oke|okay|graag|doe maar|prima|sure|please)\b[\s,.!:]*")


def _choice(folded: str, r: Rules) -> int | None:
    if len(folded) > 40:
        return None
    folded = _YES_FIRST.sub("", folded) or folded  # "ja, de tweede"
    m = r.choice.match(folded)
    if not m:
        w = r.choice_word.match(folded)  # "optie twee", "number three"
        return r.numbers.get(w.group(1)) if w else None
    if m.group(1):
        n = int(m.group(1))
        return n if 1 <= n <= 20 else None
    return r.ordinals.get(m.group(2))


# --------------------------------------------------------------------------- intent

def _classify(masked: str, masked_all: str, text: str, when: When, places: list[Place],
              today: date, r: Rules) -> tuple[str, str | None, list[str]]:
    """The intent, the colleague named (if any) and the desk features asked for."""
    scores: dict[str, float] = {}
    present = grams(masked)
    for intent, rx, weight, begins in r.intents:
        if weight <= scores.get(intent, 0.0) or (begins is not None and begins.isdisjoint(present)):
            continue
        if rx.search(masked):
            scores[intent] = weight

    has_dates = bool(when.dates) or bool(when.past)
    has_place = bool(places)
    features = _features(masked, r)
    has_slots = has_dates or has_place or bool(features)

    # Out of scope ("vergaderzaal", "parking") only when no desk is asked for besides.
    if scores.get("unknown"):
        rest = _blank_ood(masked, r)
        if r.desk_noun.search(rest):
            scores["unknown"] = 2.0

    # A booking grows more likely with every detail it carries.
    if scores.get("book", 0.0) >= 1.0:
        scores["book"] += 0.5 * has_dates + 0.5 * has_place + 0.25 * bool(features)
    elif has_dates or has_place:
        scores["book"] = max(scores.get("book", 0.0), 0.9)
    if scores.get("availability", 0.0) >= 3.0:
        scores["availability"] += 0.5
    elif scores.get("availability") and masked.rstrip().endswith("?") and not _FOR_ME.search(masked):
        # "nog plek vrij morgen?": a question with a word of availability asks for it
        scores["availability"] = 3.2
    # "how do I book?" is a question about the bot; "how do I book at Spark on Friday" is not.
    if "help" in scores and (has_dates or has_place):
        scores["help"] -= 2.0

    # Arriving or leaving is about now, not about another day or a booking.
    future = [m for m in when.dates if any(d != today for d in m.dates)]
    for intent in ("check_in", "check_out"):
        if intent in scores and (future or scores.get("book", 0.0) >= 3.0):
            scores[intent] -= 2.0

    # "ja", "prima, boek maar": a bare answer confirms; with details it is a request.
    if scores.get("confirm", 0.0) >= 3.0:
        if has_slots or r.desk_noun.search(masked):
            scores["confirm"] -= 2.5
        else:
            scores["confirm"] = max(scores["confirm"], scores.get("book", 0.0) + 0.1)

    name = _colleague(text, masked_all, r)
    if name:
        scores["find_colleague"] = max(scores.get("find_colleague", 0.0), 4.2)

    if not scores:
        return "unknown", None, features
    best = max(scores.items(), key=lambda kv: (kv[1], -_RANK[kv[0]]))
    if best[1] < 0.5:
        return "unknown", None, features
    return best[0], name if best[0] == "find_colleague" else None, features


def _blank_ood(masked: str, r: Rules) -> str:
    out = masked
    for pattern in r.out_of_scope:
        # blank the out-of-scope word and the word after it ("parking place")
        out = re.sub(f"(?:{pattern})" + r"\s*\w*", lambda m: " " * len(m.group(0)), out)
    return out


# --------------------------------------------------------------------------- slots

def _fill(frame: Frame, allowed: frozenset[str], text: str, masked: str, masked_all: str, fixed: str,
          when: When, places: list[Place], today: date, name: str | None, features: list[str],
          r: Rules) -> None:
    mentions = sorted(when.dates, key=lambda m: m.start)
    # "last week I sat ... book me Monday": past days only count when nothing else is named.
    upcoming = [m for m in mentions if any(d >= today for d in m.dates)]
    if upcoming:
        mentions = upcoming
    if frame.intent in ("book", "availability") and len(mentions) > 1:
        mentions = _drop_declined(mentions, fixed, r)

    move_at: int | None = None
    if frame.intent == "move":
        old, new, move_at = _split_move(masked, mentions, places, r)
        frame.dates = old
        frame.to_dates = new
    elif "dates" in allowed:
        frame.dates = sorted({d for m in mentions for d in m.dates})

    if "time" in allowed:
        frame.time = when.time or None

    if "location" in allowed:
        place = pick(places, after=move_at)
        if place is not None:
            frame.location = place.id

    if "features" in allowed:
        frame.features = features

    fixed_all = correct(masked_all) if fixed is not masked else masked_all
    if "together" in allowed and r.together.search(fixed_all):
        frame.together = True

    if "count" in allowed:
        frame.count = _count(_mask_features(fixed_all, r), r)

    if "team" in allowed:
        if frame.intent == "find_colleague":
            frame.team = name is None and bool(r.team_word.search(masked))
        else:
            frame.team = bool(r.team.search(fixed))

    if "colleague" in allowed and name:
        frame.colleague = name

    if "share_with" in allowed:
        frame.share_with = _share_with(text, masked_all, r)


_CLAUSE = re.compile(r"[.;!?\n]+|,\s*|\s(?=(?:maar|but|en|and)\s)")


def _drop_declined(mentions: list, masked: str, r: Rules) -> list:
    """Days in a clause that declines them ("ik werk morgen thuis, dus geen plek nodig. maar
    vrijdag ...", "no desk tomorrow, but Friday at Spark") are not part of a booking."""
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(masked)] + [len(masked)]
    keep = []
    for m in mentions:
        start = max(b for b in bounds if b <= m.start)
        end = min((b for b in bounds if b >= m.end), default=len(masked))
        clause = masked[start:end]
        declined = any(intent == "cancel" and weight >= 2.5 and rx.search(clause)
                       for intent, rx, weight, _ in r.intents) \
            and not any(intent == "book" and weight >= 3.0 and rx.search(clause) for intent, rx, weight, _ in r.intents)
        if not declined:
            keep.append(m)
    return keep or mentions


def _features(masked: str, r: Rules) -> list[str]:
    return sorted(name for name, rx in r.features if rx.search(masked))


def _mask_features(masked: str, r: Rules) -> str:
    # only the screens: "2 monitoren" is a feature, never a count; "twee stilteplekken",
    # "3 zit-sta-plekken", "two quiet desks" count desks
    spans = [(m.start(), m.end()) for name, rx in r.features if name.endswith("_screen")
             for m in rx.finditer(masked)]
    return mask(masked, spans, "#")


def _num(word: str, r: Rules) -> int | None:
    if word.isdigit():
        return int(word)
    return r.numbers.get(word)


def _count(masked: str, r: Rules) -> int | None:
    if not r.has_number.search(masked):  # "a desk": nothing to count
        return None
    m = r.count_me_and.search(masked) or r.count_and_me.search(masked) or r.count_with.search(masked)
    if m:
        n = _num(m.group(1), r) if m.group(1) else 1
        return (n or 1) + 1
    best: int | None = None
    for rx in (r.count_desks, r.count_people, r.count_for):
        for m in rx.finditer(masked):
            n = _num(m.group(1), r)
            if n is not None and n >= 2:  # "a desk" says nothing: "a desk for my team of 6"
                best = max(best or 0, n)
    if best is not None:
        return best
    m = r.count_group.search(masked)
    if m:
        for g in m.groups():
            if g:
                n = _num(g, r) or r.group_words.get(g)
                if n:
                    return n
    return None


def _split_move(masked: str, mentions: list, places: list[Place],
                r: Rules) -> tuple[list[date], list[date], int | None]:
    """Old and new days of a move, and where the destination part starts.

    "verzet donderdag naar vrijdag": the days before the connector are the old ones, those
    after it the new ones. "verplaats naar Spark op vrijdag": the destination is a building,
    so Friday is the booking that moves.
    """
    conns = [(m.start(), m.end()) for m in r.move_to.finditer(masked)]
    if len(mentions) >= 2:
        for cs, ce in conns:
            before = [m for m in mentions if m.end <= cs]
            after = [m for m in mentions if m.start >= ce]
            if before and after:
                return _days(before), _days(after), ce
        return _days(mentions[:1]), _days(mentions[1:]), mentions[1].start
    if len(mentions) == 1:
        m = mentions[0]
        inside = [(cs, ce) for cs, ce in conns if m.start < cs and ce < m.end]
        if inside:  # one range mention "from Dec 8 to Dec 10": split it
            cs, ce = inside[0]
            return [min(m.dates)], [max(m.dates)], ce
        before = [(cs, ce) for cs, ce in conns if ce <= m.start]
        if before:
            ce = before[-1][1]
            to_place = any(ce <= p.start < m.start for p in places)
            if not to_place and not r.move_from.search(masked[ce:m.start]) \
                    and not any(cs > m.end for cs, _ in conns):
                return [], _days([m]), ce
            if to_place:
                return _days([m]), [], ce
        after = [ce for cs, ce in conns if cs >= m.end]
        return _days([m]), [], (after[0] if after else None)
    return [], [], (conns[0][1] if conns else None)


def _days(mentions: list) -> list[date]:
    return sorted({d for m in mentions for d in m.dates})


# --------------------------------------------------------------------------- names

_NAME_CHARS = re.compile(r"^[^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)*$")


_PRESENCE = frozenset({
    "er", "in", "op", "bij", "naar", "at", "on", "there", "here", "zit", "zitten", "sitting", "be",
    "working", "werken", "werkt", "volgende", "next", "this", "deze", "aanstaande", "coming", "komt",
    "around", "present", "aanwezig", "ook", "also", "still", "nog", "sitting", "seated",
})


def _colleague(text: str, masked_all: str, r: Rules) -> str | None:
    """A colleague's name right after "waar zit", "is", "where is", "zoek collega", ...

    A name written in lower case is only taken when what follows says it is about being
    somewhere ("is priya in", "is lisa er"), or nothing follows: "is goed" is no name.
    """
    present = grams(masked_all)
    ends = sorted({(m.start(), m.end()) for rx, begins in r.colleague_before
                   if begins is None or not begins.isdisjoint(present)
                   for m in rx.finditer(masked_all)})
    for _, end in ends:  # leftmost trigger first
        name = _name_at(text, masked_all, end, r)
        if name and (name[:1].isupper() or _presence_follows(masked_all, text.find(name, end) + len(name))):
            return name
    return None


def _presence_follows(masked: str, pos: int) -> bool:
    nxt = TOKEN.search(masked, pos)
    if nxt is None:
        return True
    tok = nxt.group(0)
    return tok in _PRESENCE or tok[:1] in (DATE_MARK, TIME_MARK, PLACE_MARK)


def _name_at(text: str, masked: str, pos: int, r: Rules) -> str | None:
    parts: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []
    capital: bool | None = None
    skipping = True
    for tm in TOKEN.finditer(masked, pos):
        tok = tm.group(0)
        s, e = tm.start(), tm.end()
        if tok.endswith("'s") and len(tok) > 2:  # "Jan's desk"
            tok, e = tok[:-2], e - 2
        orig = text[s:e]
        if skipping and not parts and tok in r.skip_before_name:
            continue
        skipping = False
        if DATE_MARK in tok or TIME_MARK in tok or PLACE_MARK in tok or not _NAME_CHARS.match(orig):
            break
        if tok in r.particles and (parts or orig[:1].isupper()):
            pending.append((s, e))  # "Jan de Vries"; "De Vries" when written so
            continue
        is_cap = orig[:1].isupper()
        if tok in r.stopwords or (not is_cap and tok in r.known):
            break
        if capital is None:
            capital = is_cap
        elif capital and not is_cap:
            break
        parts.extend(pending)
        pending = []
        parts.append((s, e))
        if len(parts) >= 5:
            break
        if masked[e:e + 1] in (",", "?", "!", ".", ";", ":"):
            break
    if not parts:
        return None
    return text[parts[0][0]:parts[-1][1]]


def _share_with(text: str, masked_all: str, r: Rules) -> str | None:
    for m in r.share_name_before.finditer(masked_all):
        name = _name_at(text, masked_all, m.end(), r)
        if name:
            return name
    if r.share_everyone.search(masked_all):
        return "everyone"
    if r.share_team.search(masked_all):
        return "team"
    return None

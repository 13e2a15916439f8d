"""Answering the open question: "ja"/"nee", "2"/"de tweede", or the value of the open slot.

A message that is a new request of its own (another intent, or more than the asked slot)
is not an answer: the caller then starts afresh.
"""

from __future__ import annotations

import re
from typing import Any

from core.dialog import want as wants
from core.dialog.state import Question
from core.dialog.turn import Flow, Turn
from core.i18n import LANGS, words
from core.messages import Choice, Reply

Answer = list[Reply] | None

_ACTIONS = ("book", "cancel", "move", "list", "availability")
_SLOT_KEYS = {"date": {"dates", "time"}, "to_date": {"dates", "to_dates", "time"},
              "location": {"location"}, "count": {"count"}}
_PUNCT = re.compile(r"[\s.!?,;:'\"()]+")
_NUMBER = re.compile(r"[0-9]{1,2}")
MAX_CONTEXT_CHARS = 120


def normalised(raw: str) -> str:
    return _PUNCT.sub(" ", raw.lower()).strip()


def is_undo(turn: Turn) -> bool:
    said = normalised(turn.inbound.text)
    return any(said == w for lang in LANGS for w in words(lang, "words.undo"))


def number(turn: Turn) -> int | None:
    """A picked option: the parser's ``choice``, or a bare number."""
    if turn.frame.choice is not None:
        return int(turn.frame.choice)
    said = normalised(turn.inbound.text)
    if _NUMBER.fullmatch(said):  # ASCII digits only: "¹" is a digit to str.isdigit but not to int()
        return int(said)
    return None


def reask(turn: Turn, q: Question, *prefix: str) -> list[Reply]:
    """The same question again, after a short note."""
    choices = tuple(Choice(label, utterance) for label, utterance in q.choices)
    return [turn.ask(q, *prefix, q.prompt, choices=choices, card=q.card)]


def is_new_request(turn: Turn, q: Question) -> bool:
    """Whether the message asks something new instead of answering the open question.

    The parser reads a bare "vrijdag" or "Turfmarkt" as a booking; carrying nothing but the
    asked slot, it is an answer whatever flow asked.
    """
    f = turn.frame
    if f.intent not in _ACTIONS:
        return f.intent not in ("unknown", "confirm", "deny")
    said = set(wants.from_frame(f)) - {"intent"}
    extra = said - _SLOT_KEYS.get(q.slot or "", set())
    if f.intent != q.action and f.intent != "book":
        return True
    return bool(extra)


def _value(frame, slot: str, turn: Turn) -> Any:
    if slot == "date" and frame.dates:
        return [d.isoformat() for d in frame.dates]
    if slot == "to_date" and (frame.to_dates or frame.dates):
        return [d.isoformat() for d in (frame.to_dates or frame.dates)]
    if slot == "location" and frame.location:
        return frame.location
    if slot == "count":
        if frame.count and frame.count > 1:
            return int(frame.count)
        n = number(turn)
        if n and n > 0:
            return n
    return None


def slot_value(turn: Turn, slot: str) -> Any:
    """The open slot's value in this message; a bare "vrijdag" or "Turfmarkt" is read in
    the context of the question (as if it completed a request)."""
    got = _value(turn.frame, slot, turn)
    raw = turn.inbound.text.strip()
    if got is None and turn.frame.intent in ("unknown", "book", "move", "availability") \
            and 0 < len(raw) <= MAX_CONTEXT_CHARS and slot != "count":
        got = _value(turn.reparse(turn.t(f"context.{slot}", text=raw)), slot, turn)
    return got


def _fill(q: Question, slot: str, value: Any, turn: Turn) -> None:
    if slot == "date":
        q.want["dates"] = value
        if turn.frame.time:
            q.want["time"] = dict(turn.frame.time)
    elif slot == "to_date":
        q.want["to_dates"] = value
    elif slot == "location":
        q.want["location"] = value
        q.want.pop("usual", None)
        q.want.pop("any_in_city", None)
    elif slot == "count":
        q.want["count"] = value


def answer(turn: Turn) -> Answer:
    """The replies when this message answers the open question, else None."""
    q = turn.state.question
    if q is None:
        return None
    flow = turn.flows.get(q.action) or Flow()
    f = turn.frame
    n = number(turn)
    if q.kind == "confirm":
        if flow.confirmed is None or flow.declined is None:
            return None
        # A number first: the parser may read "2" as a confirmation carrying a choice.
        if n is not None:
            if n == 1:
                return flow.confirmed(turn, q)
            if n == 2:
                return flow.declined(turn, q)
            return reask(turn, q, turn.t("pick_range", max=2))
        if f.intent == "confirm":
            return flow.confirmed(turn, q)
        if f.intent == "deny":
            return flow.declined(turn, q)
        return None
    if q.kind == "pick":
        if n is not None and flow.picked is not None:
            if 1 <= n <= len(q.options):
                return flow.picked(turn, q, q.options[n - 1])
            return reask(turn, q, turn.t("pick_range", max=len(q.options)))
        if q.action == "undo":
            return None
        if f.intent == "deny":
            turn.close_question()
            return [turn.reply(turn.t("okay_dropped"), closes=True)]
        if q.slot == "location" and flow.filled is not None and not is_new_request(turn, q):
            value = slot_value(turn, "location")
            if value is not None:
                _fill(q, "location", value, turn)
                return flow.filled(turn, q)
        return None
    if q.kind == "slot" and q.slot and flow.filled is not None:
        if f.intent == "deny":
            turn.close_question()
            return [turn.reply(turn.t("okay_dropped"), closes=True)]
        if is_new_request(turn, q):
            return None
        value = slot_value(turn, q.slot)
        if value is None:
            return None
        _fill(q, q.slot, value, turn)
        return flow.filled(turn, q)
    return None

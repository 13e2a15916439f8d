"""The dialog: one engine for every channel.

``Dialog.handle(inbound, now)`` loads the conversation's state, understands the message,
answers the open question or routes the intent to its flow, and saves the state. It never
raises: anything unexpected becomes a friendly reply in the user's language.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from core.booking.api import BookingPort
from core.dialog import answers, booking_flow, change_flow, overview, smalltalk
from core.dialog import want as wants
from core.dialog.ports import ConversationStore
from core.dialog.state import Question, State
from core.dialog.turn import Flow, Parse, Turn
from core.i18n import LANGS, lang_of, text
from core.messages import MAX_MESSAGE_CHARS, Inbound, Reply
from core.nlu.frame import Frame

log = logging.getLogger(__name__)

def _from_frame(start: Callable[[Turn, dict[str, Any]], list[Reply]]) -> Callable[[Turn], list[Reply]]:
    return lambda turn: start(turn, wants.from_frame(turn.frame))


def _availability_filled(turn: Turn, q: Question) -> list[Reply]:
    return overview.picked_building(turn, q, {"location": q.want.get("location")})


FLOWS: dict[str, Flow] = {
    "book": Flow(start=_from_frame(booking_flow.start), confirmed=booking_flow.confirmed,
                 declined=booking_flow.declined, picked=booking_flow.picked, filled=booking_flow.filled),
    "cancel": Flow(start=_from_frame(change_flow.start_cancel), confirmed=change_flow.confirmed,
                   declined=change_flow.declined, picked=change_flow.picked),
    "move": Flow(start=_from_frame(change_flow.start_move), confirmed=change_flow.confirmed,
                 declined=change_flow.declined, picked=change_flow.picked, filled=change_flow.filled),
    "list": Flow(start=_from_frame(overview.bookings)),
    "availability": Flow(start=_from_frame(overview.availability), picked=overview.picked_building,
                         filled=_availability_filled),
    "undo": Flow(picked=lambda turn, q, option: change_flow.undo(turn)),
    "help": Flow(start=smalltalk.help_reply),
    "privacy": Flow(start=smalltalk.privacy),
    "confirm": Flow(start=smalltalk.expired),
    "deny": Flow(start=smalltalk.expired),
    **{intent: Flow(start=smalltalk.later) for intent in smalltalk.LATER},
}
"""Every intent's flow; question actions share the names ("undo" is only a question)."""

Hook = Callable[[Turn], "list[Reply] | None"]
"""Runs first on every non-empty message (before the open question and the intent's flow);
replies to take the turn, None to let it go on (privacy: a paused person, rights phrases)."""

_NEUTRAL = ("unknown", "confirm", "deny")
_KEEPS_QUESTION = ("help", "privacy")  # asking for help mid-question doesn't drop the question
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}


def clean(raw: str) -> str:
    """Drop control characters and unpaired surrogates (binary garbage) before parsing."""
    raw = raw.translate(_CONTROL)
    return raw.encode("utf-8", "replace").decode("utf-8", "replace").replace("\ufffd", " ")


def choose_lang(frame: Frame, said: str, state: State | None, inbound: Inbound) -> str:
    """The message's language; one-word, language-neutral messages ("ok", "2") keep the
    conversation's language, else the channel's locale."""
    short = len(said.split()) <= 1
    if state is not None and state.lang in LANGS:
        if short:
            return state.lang  # "Spark", "vrijdag", "2" in an ongoing conversation keep its language
        if state.question and answers.normalised(said) in {
                answers.normalised(utterance) for _, utterance in state.question.choices}:
            return state.lang  # a pressed button ("Parnassusplein 5") is not a language signal
    if short and (frame.intent in _NEUTRAL or frame.choice is not None):
        return lang_of(inbound.locale, default=frame.lang if frame.lang in LANGS else "nl")
    if frame.lang in LANGS:
        return frame.lang
    return lang_of(inbound.locale)


class Dialog:
    """The conversation engine (see the module docstring)."""

    def __init__(self, booking: BookingPort, conversations: ConversationStore, parse: Parse | None = None,
                 flows: Mapping[str, Flow] | None = None, hooks: Sequence[Hook] = ()) -> None:
        if parse is None:
            from core.nlu import parse as default_parse  # imported when first built: the parser is large
            parse = default_parse
        self.booking = booking
        self.conversations = conversations
        self.parse = parse
        self.flows: dict[str, Flow] = {**FLOWS, **(flows or {})}
        self.hooks = tuple(hooks)  # see Hook

    def handle(self, inbound: Inbound, now: datetime) -> list[Reply]:
        try:
            return self._handle(inbound, now)
        except Exception as exc:  # never a stack trace to the user; log the class only (no text, no ids)
            log.error("dialog turn failed: %s", type(exc).__name__)
            lang = lang_of(inbound.locale)
            return [Reply(text=text(lang, "error"), lang=lang, meta={"error": True})]

    def welcome(self, inbound: Inbound, now: datetime | None = None) -> list[Reply]:
        """The welcome for an install / first contact; with ``now`` the conversation is
        marked as welcomed so the first message doesn't repeat it."""
        lang = lang_of(inbound.locale)
        if now is not None:
            try:
                state = State.from_dict(self.conversations.load(inbound.conversation_key, now)) or State()
                state.welcomed, state.lang = True, state.lang or lang
                self.conversations.save(inbound.conversation_key, state.to_dict(), now)
            except Exception as exc:  # the welcome is still said
                log.error("welcome state failed: %s", type(exc).__name__)
        return [smalltalk.welcome(lang)]

    # -----------------------------------------------------------------------------------------
    def _understand(self, said: str, now: datetime, inbound: Inbound) -> Frame:
        if not said.strip():
            return Frame(lang=lang_of(inbound.locale), intent="unknown")
        try:
            return self.parse(said, now, inbound.locale)
        except Exception as exc:  # a parser bug must not end the conversation
            log.error("parse failed: %s", type(exc).__name__)
            return Frame(lang=lang_of(inbound.locale), intent="unknown")

    def _handle(self, inbound: Inbound, now: datetime) -> list[Reply]:
        key = inbound.conversation_key
        raw = inbound.text or ""
        stored = State.from_dict(self.conversations.load(key, now))
        if len(raw) > MAX_MESSAGE_CHARS:
            lang = (stored.lang if stored and stored.lang else None) or lang_of(inbound.locale)
            return [Reply(text=text(lang, "too_long", max=MAX_MESSAGE_CHARS), lang=lang)]
        said = clean(raw)
        frame = self._understand(said, now, inbound)
        lang = choose_lang(frame, said, stored, inbound)
        state = stored or State()
        turn = Turn(inbound=inbound, now=now, lang=lang, frame=frame, state=state,
                    booking=self.booking, parse=self.parse, flows=self.flows)
        first_contact = (stored is None or not stored.welcomed) and self._never_seen(turn)
        if not said.strip():
            replies = smalltalk.empty(turn)
        else:
            replies = self._route(turn)
        if first_contact and replies:
            head = replies[0]
            lines = smalltalk.welcome_lines(lang)
            replies[0] = Reply(text="\n".join(lines + [head.text]), lang=head.lang, choices=head.choices,
                               card=head.card, attachments=head.attachments, kind=head.kind,
                               closes_question=head.closes_question, meta=head.meta)
        state.lang = lang
        state.welcomed = True
        self.conversations.save(key, state.to_dict(), now)
        return replies

    def _never_seen(self, turn: Turn) -> bool:
        """First contact: no state and nothing booked before (the welcome is said once)."""
        pid = turn.person_id
        if turn.person_is_new:
            return True
        return self.booking.last_building(pid) is None and not self.booking.upcoming(pid, turn.now)

    def _route(self, turn: Turn) -> list[Reply]:
        for hook in self.hooks:
            hooked = hook(turn)
            if hooked is not None:
                return hooked
        state = turn.state
        if state.undo and answers.is_undo(turn):
            return change_flow.undo(turn)
        q = state.question
        if q is not None:
            replied = answers.answer(turn)
            if replied is not None:
                return replied
            if turn.frame.intent in ("unknown", "confirm", "deny") and q.action != "undo":
                return answers.reask(turn, q, turn.t("not_understood_answer"))
            if turn.frame.intent in ("confirm", "deny") and q.action == "undo":
                # "ok", "top", "nee" right after a booking: acknowledge, keep the undo offer.
                return [turn.reply(turn.t(f"ack.{turn.frame.intent}"))]
            if turn.frame.intent not in _KEEPS_QUESTION:
                turn.close_question()
        elif answers.is_undo(turn) or (turn.frame.intent == "unknown" and answers.number(turn) is not None):
            return smalltalk.expired(turn)
        flow = self.flows.get(turn.frame.intent)
        if flow is None or flow.start is None:
            return smalltalk.fallback(turn)
        return flow.start(turn)


__all__ = ["Dialog", "FLOWS", "Flow", "Hook", "clean", "choose_lang"]

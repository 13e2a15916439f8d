"""One turn of the dialog: the message, its meaning, the state, and reply helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Mapping

from core.booking.api import BookingPort, PersonInfo
from core.booking.model import Building
from core.clock import local_today
from core.dialog.state import Question, State
from core.i18n import text
from core.messages import Choice, Inbound, Reply
from core.nlu.frame import Frame

Parse = Callable[..., Frame]


@dataclass(frozen=True)
class Flow:
    """How one intent starts and how the questions it asks are answered.

    The engine holds a ``name -> Flow`` table (intents and question actions share names);
    features of later issues plug in their own flows (``Dialog(..., flows={...})``).
    Every callable returns the replies of the turn; a missing one means "not handled".
    """

    start: Callable[["Turn"], list[Reply]] | None = None
    confirmed: Callable[["Turn", Question], list[Reply]] | None = None
    declined: Callable[["Turn", Question], list[Reply]] | None = None
    picked: Callable[["Turn", Question, dict[str, Any]], list[Reply]] | None = None
    filled: Callable[["Turn", Question], list[Reply]] | None = None


@dataclass
class Turn:
    """Everything a flow needs to answer one message."""

    inbound: Inbound
    now: datetime
    lang: str
    frame: Frame
    state: State
    booking: BookingPort
    parse: Parse
    flows: Mapping[str, Flow] = field(default_factory=dict)
    _person_id: int | None = field(default=None, repr=False)
    _person_new: bool = field(default=False, repr=False)

    # -- facts ---------------------------------------------------------------------------
    @property
    def today(self) -> date:
        return local_today(self.now)

    @property
    def source_id(self) -> str:
        """The idempotency key the booking service stores with what this message books."""
        return f"{self.inbound.channel}:{self.inbound.message_id}"

    @property
    def person_id(self) -> int:
        """The user's id in the booking service; kept in the state so a conversation asks once
        (the state dies after 30 minutes and with an erasure, so it never outlives the person)."""
        if self._person_id is None:
            if self.state.person_id is not None:
                self._person_id = self.state.person_id
            else:
                s = self.inbound.sender
                self._person_id, self._person_new = self.booking.identify(
                    PersonInfo(external_id=self.inbound.user_key, name=s.name, email=s.email,
                               phone=s.phone, department=s.department),
                    self.now,
                )
                self.state.person_id = self._person_id
        return self._person_id

    @property
    def person_is_new(self) -> bool:
        """The person was created by this turn: nothing booked, restricted or shared yet."""
        return bool(self.person_id) and self._person_new

    def t(self, key: str, **values: Any) -> str:
        return text(self.lang, key, **values)

    def building(self, building_id: str | None) -> Building | None:
        if not building_id:
            return None
        try:
            return self.booking.building(building_id)
        except Exception:  # a vanished building is shown by id rather than failing the turn
            return None

    def reparse(self, utterance: str) -> Frame:
        return self.parse(utterance, self.now, self.lang)

    # -- replies -------------------------------------------------------------------------
    def reply(self, *lines: str, choices: tuple[Choice, ...] = (), card: dict[str, Any] | None = None,
              closes: bool = False) -> Reply:
        body = "\n".join(line for line in lines if line)
        return Reply(text=body, lang=self.lang, choices=choices, card=card, closes_question=closes)

    def ask(self, question: Question, *lines: str, choices: tuple[Choice, ...] = (),
            card: dict[str, Any] | None = None) -> Reply:
        """Reply with a question and make it the conversation's one open question."""
        question.prompt = "\n".join(line for line in lines if line)
        question.choices = [[c.label, c.utterance] for c in choices]
        question.card = card
        self.state.question = question
        return self.reply(*lines, choices=choices, card=card)

    def close_question(self) -> None:
        self.state.question = None

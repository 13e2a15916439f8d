"""Dialog state per conversation: a JSON-able snapshot kept in the ConversationStore.

The store expires it after 30 minutes of silence, so an open question, a pending request
and the undo offer all die together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STATE_VERSION = 1


@dataclass
class Question:
    """The one open question of a conversation.

    ``kind``: ``slot`` (waits for a value: a date, a building, a number), ``confirm``
    (ja/nee) or ``pick`` (numbered options). ``action`` names the flow that asked it,
    ``want`` is the pending request, ``options`` the payload of each numbered choice.
    ``prompt`` and ``choices`` are the question as shown, to ask it again.
    """

    kind: str
    action: str
    slot: str | None = None
    want: dict[str, Any] = field(default_factory=dict)
    options: list[dict[str, Any]] = field(default_factory=list)
    prompt: str = ""
    choices: list[list[str]] = field(default_factory=list)
    card: dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Question":
        return cls(
            kind=str(raw.get("kind", "")),
            action=str(raw.get("action", "")),
            slot=raw.get("slot"),
            want=dict(raw.get("want") or {}),
            options=list(raw.get("options") or []),
            prompt=str(raw.get("prompt", "")),
            choices=[list(c) for c in raw.get("choices") or []],
            card=raw.get("card"),
        )

    def to_dict(self) -> dict[str, Any]:
        """A shallow, JSON-able snapshot (``dataclasses.asdict`` deep-copies every nested value,
        a cost paid on every turn for a dict the store serialises right away)."""
        return {name: getattr(self, name) for name in _QUESTION_FIELDS}


_QUESTION_FIELDS = tuple(f.name for f in fields(Question))


@dataclass
class State:
    """What the bot remembers of a conversation between two messages."""

    lang: str | None = None
    welcomed: bool = False
    question: Question | None = None
    undo: dict[str, Any] | None = None  # {"reservation_ids": [...], "building_id", "days": [...]}
    person_id: int | None = None  # the booking service's id for this user, looked up once per state

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "State | None":
        if not raw or raw.get("v") != STATE_VERSION:
            return None
        q = raw.get("question")
        return cls(
            lang=raw.get("lang"),
            welcomed=bool(raw.get("welcomed")),
            question=Question.from_dict(q) if isinstance(q, dict) else None,
            undo=raw.get("undo") if isinstance(raw.get("undo"), dict) else None,
            person_id=raw["person_id"] if isinstance(raw.get("person_id"), int) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "lang": self.lang,
            "welcomed": self.welcomed,
            "question": self.question.to_dict() if self.question else None,
            "undo": self.undo,
            "person_id": self.person_id,
        }

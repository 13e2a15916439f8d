"""The neutral message contract shared by every channel.

A channel adapter turns a platform event into an :class:`Inbound` and renders each
:class:`Reply` in its own way. Nothing here knows about Teams, Matrix or a terminal.
A :class:`Choice` is a canned utterance: pressing it sends ``utterance`` through the
same understanding as typed text, so channels without buttons show a numbered list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Channel = Literal["terminal", "matrix", "teams", "test"]
ReplyKind = Literal["answer", "proactive"]

MAX_MESSAGE_CHARS = 4000
"""Messages longer than this are refused before parsing."""


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote a message: a stable id per channel, never a display name.

    ``user_id`` is the Matrix user id or ``<tenant>:<aadObjectId>`` in Teams. Name, e-mail
    and phone are optional profile hints from the channel (used to create a profile only).
    """

    user_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, in neutral form."""

    channel: Channel
    conversation_id: str
    message_id: str
    sender: Sender
    text: str
    locale: str | None = None
    is_group: bool = False
    room_members: tuple[str, ...] = ()

    @property
    def user_key(self) -> str:
        """The stable key for this person: channel plus the channel's stable id."""
        return f"{self.channel}:{self.sender.user_id}"

    @property
    def conversation_key(self) -> str:
        """Where dialog state lives: one state per person per conversation."""
        return f"{self.channel}:{self.conversation_id}:{self.sender.user_id}"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: a short label plus the utterance it stands for."""

    label: str
    utterance: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to deliver (e.g. a data export or a chart)."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer. ``card`` is optional structured data a rich channel may render.

    ``card`` is a plain dict: ``{"type": "bookings"|"availability"|"confirm"|"choices"|...,
    "title": str, "facts": [[label, value], ...], "items": [...], "status": str}``; every
    reply is complete as ``text`` alone.
    """

    text: str
    lang: str = "nl"
    choices: tuple[Choice, ...] = ()
    card: dict[str, Any] | None = None
    attachments: tuple[Attachment, ...] = ()
    kind: ReplyKind = "answer"
    closes_question: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


class Handler:
    """What a channel adapter calls for each inbound message (implemented in ``bot.runtime``).

    Declared as a protocol-like base so adapters depend on core only.
    """

    async def handle(self, message: Inbound) -> list[Reply]:  # pragma: no cover - interface
        raise NotImplementedError

    async def welcome(self, message: Inbound) -> list[Reply]:  # pragma: no cover - interface
        """The first-contact welcome (install events), in the message's locale."""
        raise NotImplementedError

"""A small driver for dialog tests: send messages as one user, with a controllable clock."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from core.messages import Inbound, Reply, Sender

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")  # a Monday


def render(replies: list[Reply]) -> str:
    """Replies as the terminal shows them: text, then choices as a numbered list."""
    out = []
    for r in replies:
        out.append(r.text)
        out.extend(f"{i}. {c.label}" for i, c in enumerate(r.choices, 1))
    return "\n".join(out)


class Chat:
    def __init__(self, handle, user: str = "u1", locale: str | None = "nl-NL", now: datetime = NOW,
                 channel: str = "test", conversation: str = "c1") -> None:
        self.handle = handle
        self.user = user
        self.locale = locale
        self.now = now
        self.channel = channel
        self.conversation = conversation
        self._ids = itertools.count(1)
        self.last: list[Reply] = []

    def inbound(self, text: str, message_id: str | None = None) -> Inbound:
        return Inbound(channel=self.channel, conversation_id=self.conversation,
                       message_id=message_id or f"{self.user}-{next(self._ids)}",
                       sender=Sender(user_id=self.user, name="Test User"), text=text, locale=self.locale)

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)

    def say(self, text: str) -> str:
        self.last = self.handle(self.inbound(text), self.now)
        return render(self.last)

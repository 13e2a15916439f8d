"""Helpers of the sharing and rights tests: a wired dialog and people who talk to it."""

from __future__ import annotations

import itertools
from datetime import datetime

from adapters.store.sharing import SqlPrivacyStore
from bot.bootstrap import Services
from bot.privacy_chat import privacy_dialog_parts
from core.dialog.engine import Dialog
from core.messages import Inbound, Reply, Sender

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")  # a Monday


class People:
    """Several users talking to one wired dialog, each in their own private chat."""

    def __init__(self, services: Services, now: datetime = NOW) -> None:
        self.services = services
        self.dialog = Dialog(services.booking, services.conversations, **privacy_dialog_parts(services))
        self.store = SqlPrivacyStore(services.engine)
        self.now = now
        self._ids = itertools.count(1)

    def inbound(self, user: str, text: str, *, name: str | None = None, email: str | None = None,
                locale: str = "nl-NL", group: bool = False, room: tuple[str, ...] = (),
                conversation: str | None = None) -> Inbound:
        return Inbound(channel="test", conversation_id=conversation or (f"room-{user}" if group else f"dm-{user}"),
                       message_id=f"m{next(self._ids)}", sender=Sender(user_id=user, name=name, email=email),
                       text=text, locale=locale, is_group=group, room_members=room)

    def say(self, user: str, text: str, **kw) -> list[Reply]:  # type: ignore[no-untyped-def]
        return self.dialog.handle(self.inbound(user, text, **kw), self.now)

    def text(self, user: str, text: str, **kw) -> str:  # type: ignore[no-untyped-def]
        return "\n".join(r.text for r in self.say(user, text, **kw))

    def pid(self, user: str) -> int:
        pid = self.store.person_for(f"test:{user}")
        assert pid is not None
        return pid


def shape(replies: list[Reply]) -> list[tuple]:
    """Everything a reply shows or carries, for byte-for-byte comparison."""
    return [(r.text.encode("utf-8"), r.lang, r.choices, repr(r.card), r.attachments, r.kind,
             r.closes_question, repr(sorted(r.meta.items()))) for r in replies]

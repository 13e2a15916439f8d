"""Proactive delivery to a person, whatever their channel: the one door for reminders, team
notices and retention notices. ``user_key`` is ``<channel>:<stable id>`` (``Inbound.user_key``)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import Any

from core.messages import Reply

log = logging.getLogger(__name__)


class ProactiveSender:
    """Routes a person's proactive replies to the running Matrix or Teams channel."""

    def __init__(self) -> None:
        self.matrix: Any = None  # adapters.matrix.channel.MatrixChannel, set when it starts
        self.teams: Any = None   # adapters.teams endpoint with send_proactive(replies, user_key=...)

    def set_matrix(self, channel: Any) -> None:
        self.matrix = channel

    async def send(self, user_key: str, replies: list[Reply]) -> bool:
        """Deliver ``replies`` to the person's one-to-one chat; False when no channel can."""
        channel, _, ident = user_key.partition(":")
        if not ident or not replies:
            return False
        if channel == "matrix" and self.matrix is not None:
            ok = True
            for n, reply in enumerate(replies):
                # The key makes a resend idempotent at the homeserver (transaction id).
                key = hashlib.sha256(f"{user_key}|{n}|{reply.text}".encode()).hexdigest()[:32]
                ok = ok and (await self.matrix.send_to_user(ident, _as_proactive(reply), key)) is not None
            return ok
        if channel == "teams" and self.teams is not None:
            result = await self.teams.send_proactive([_as_proactive(r) for r in replies], user_key=user_key)
            return bool(result.ok)
        log.info("proactive message not deliverable on channel %s", channel or "?")
        return False

    async def notify_retention(self, notice: Any) -> bool:
        """The scheduler's notifier for inactivity notices (both languages: the person's choice
        of language is not stored)."""
        from bot.scheduler import notice_text

        text = notice_text(notice, "nl") + "\n\n" + notice_text(notice, "en")
        return await self.send(notice.external_id, [Reply(text=text, lang="nl", kind="proactive")])


def _as_proactive(reply: Reply) -> Reply:
    """The reply as a proactive message (``m.text`` in Matrix, so it notifies)."""
    return dataclasses.replace(reply, kind="proactive")

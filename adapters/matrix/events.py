"""Matrix room events -> what the bot should do with them (sans-I/O).

:func:`classify` looks at one raw event (the ``source`` dict of a nio event, decrypted when
it could be) plus a small view of the room and returns one of :class:`Request`,
:class:`ReactionAnswer`, :class:`Undecryptable`, :class:`Unreadable` or :class:`Ignore`.
It never raises on malformed input: anything it does not understand is ignored with a
fixed reason code (safe to count or log: no ids, no text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Container, Mapping

from core.messages import MAX_MESSAGE_CHARS, Inbound, Sender

#: msgtypes a person uses to ask something; ``m.notice`` is what bots send.
_TEXT_MSGTYPES = ("m.text", "m.emote")
_MEDIA_MSGTYPES = ("m.image", "m.file", "m.audio", "m.video", "m.location", "m.sticker")
#: MSC3955 "automated" flag (stable and unstable names): another bot's message.
_AUTOMATED_FLAGS = ("m.automated", "org.matrix.msc3955.automated")
_USER_ID = re.compile(r"^@[^:\s]+:[^\s]+$")


@dataclass(frozen=True, slots=True)
class RoomView:
    """What :func:`classify` needs to know about the room and the bot."""

    room_id: str
    bot_user_id: str
    bot_display_name: str | None = None
    member_ids: tuple[str, ...] = ()
    is_group: bool = False


@dataclass(frozen=True, slots=True)
class Request:
    """A message to pass to the handler; replies go to ``reply_to`` (in ``thread_root``)."""

    inbound: Inbound
    reply_to: str
    thread_root: str | None = None


@dataclass(frozen=True, slots=True)
class ReactionAnswer:
    """A reaction by ``sender`` with ``key`` on the bot's message ``target``."""

    event_id: str
    sender: str
    target: str
    key: str


@dataclass(frozen=True, slots=True)
class Undecryptable:
    """An encrypted message we could not decrypt (yet)."""

    event_id: str
    sender: str
    thread_root: str | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A message meant for the bot that it cannot read (an image, a file, ...)."""

    event_id: str
    sender: str
    thread_root: str | None = None


@dataclass(frozen=True, slots=True)
class Ignore:
    """Nothing to do; ``reason`` is a fixed code such as ``"own"`` or ``"edit"``."""

    reason: str


Decision = Request | ReactionAnswer | Undecryptable | Unreadable | Ignore


def server_of(user_id: str) -> str:
    """The server name part of a Matrix user id (``@a:b.nl`` -> ``b.nl``); '' when malformed."""
    if not isinstance(user_id, str) or not _USER_ID.match(user_id):
        return ""
    return user_id.split(":", 1)[1].lower()


def classify(
    source: Mapping[str, Any],
    room: RoomView,
    *,
    not_before_ms: int = 0,
    engaged: Container[str] = (),
) -> Decision:
    """Decide what to do with one timeline event.

    ``not_before_ms``: events older than this (server timestamp) are history and ignored.
    ``engaged``: event ids of the bot's own messages and threads it answered in; a reply to
    or a message in one of those counts as addressed to the bot in a group room.
    """
    try:
        return _classify(source, room, not_before_ms, engaged)
    except Exception:  # malformed beyond what the checks foresaw: never crash the loop
        return Ignore("malformed")


def _classify(source: Mapping[str, Any], room: RoomView, not_before_ms: int, engaged: Container[str]) -> Decision:
    if not isinstance(source, Mapping):
        return Ignore("malformed")
    etype = source.get("type")
    sender = source.get("sender")
    event_id = source.get("event_id")
    content = source.get("content")
    if not isinstance(etype, str) or not isinstance(sender, str) or not isinstance(event_id, str):
        return Ignore("malformed")
    if sender == room.bot_user_id:
        return Ignore("own")
    if "state_key" in source:
        return Ignore("state")
    if etype == "m.room.redaction":
        return Ignore("redaction")
    if not isinstance(content, Mapping):
        return Ignore("malformed")
    if not content:
        return Ignore("redacted")
    ts = source.get("origin_server_ts")
    if isinstance(ts, int) and not isinstance(ts, bool) and ts < not_before_ms:
        return Ignore("history")
    if any(content.get(flag) is True for flag in _AUTOMATED_FLAGS):
        return Ignore("bot")
    relates = content.get("m.relates_to")
    relates = relates if isinstance(relates, Mapping) else {}
    rel_type = relates.get("rel_type")
    if rel_type == "m.replace":
        return Ignore("edit")
    thread_root = relates.get("event_id") if rel_type == "m.thread" else None
    thread_root = thread_root if isinstance(thread_root, str) else None

    if etype == "m.reaction":
        target, key = relates.get("event_id"), relates.get("key")
        if rel_type != "m.annotation" or not isinstance(target, str) or not isinstance(key, str):
            return Ignore("malformed")
        return ReactionAnswer(event_id=event_id, sender=sender, target=target, key=key[:32])
    if etype == "m.room.encrypted":
        if room.is_group and thread_root not in engaged and not _mentions_bot(content, room):
            # Undecryptable group chatter is not our business; only DMs get the notice.
            return Ignore("undecryptable-group")
        return Undecryptable(event_id=event_id, sender=sender, thread_root=thread_root)
    if etype != "m.room.message":
        return Ignore("type")

    msgtype = content.get("msgtype")
    if msgtype == "m.notice":
        return Ignore("notice")
    addressed = not room.is_group or _addressed(content, relates, thread_root, room, engaged)
    if msgtype in _MEDIA_MSGTYPES or (isinstance(msgtype, str) and msgtype not in _TEXT_MSGTYPES):
        return Unreadable(event_id=event_id, sender=sender, thread_root=thread_root) if addressed else Ignore("media")
    body = content.get("body")
    if msgtype not in _TEXT_MSGTYPES or not isinstance(body, str):
        return Ignore("malformed")
    if not addressed:
        return Ignore("not-addressed")
    text = clean_text(body, has_reply=_reply_target(relates) is not None, room=room)
    if not text:
        return Ignore("empty")
    members = tuple(m for m in room.member_ids if m != room.bot_user_id) if room.is_group else ()
    inbound = Inbound(
        channel="matrix",
        conversation_id=room.room_id,
        message_id=event_id,
        sender=Sender(user_id=sender),
        text=text,
        locale=None,
        is_group=room.is_group,
        room_members=members,
    )
    return Request(inbound=inbound, reply_to=event_id, thread_root=thread_root)


def _reply_target(relates: Mapping[str, Any]) -> str | None:
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, Mapping) and isinstance(reply.get("event_id"), str):
        return reply["event_id"]
    return None


def _addressed(
    content: Mapping[str, Any],
    relates: Mapping[str, Any],
    thread_root: str | None,
    room: RoomView,
    engaged: Container[str],
) -> bool:
    if _mentions_bot(content, room):
        return True
    target = _reply_target(relates)
    # In a thread, m.in_reply_to is only a fallback pointer unless is_falling_back is false.
    if target is not None and target in engaged:
        return True
    return thread_root is not None and thread_root in engaged


def _mentions_bot(content: Mapping[str, Any], room: RoomView) -> bool:
    mentions = content.get("m.mentions")
    if isinstance(mentions, Mapping):
        ids = mentions.get("user_ids")
        # Intentional mentions present: they alone decide (spec: no body matching then).
        return isinstance(ids, list) and room.bot_user_id in ids
    formatted = content.get("formatted_body")
    if isinstance(formatted, str):
        low = formatted.lower()
        uid = room.bot_user_id.lower()
        if f"matrix.to/#/{uid}" in low or f"matrix.to/#/{uid.replace('@', '%40').replace(':', '%3a')}" in low:
            return True
    body = content.get("body")
    if isinstance(body, str):
        body = _strip_fallback(body[:4000])  # a quoted bot message is no mention
        return _leading_name(body[:300], room) is not None or room.bot_user_id in body
    return False


def _strip_fallback(text: str) -> str:
    if not text.startswith(">"):
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    return "\n".join(lines[i:])


def _names(room: RoomView) -> list[str]:
    localpart = room.bot_user_id[1:].split(":", 1)[0]
    names = [room.bot_user_id, localpart]
    if room.bot_display_name:
        names.insert(0, room.bot_display_name)
    return [n for n in names if n]


def _leading_name(body: str, room: RoomView) -> int | None:
    """Length of a leading "Name:"/"@name," address, or None when the body does not start with one."""
    stripped = body.lstrip()
    offset = len(body) - len(stripped)
    for name in _names(room):
        m = re.match(r"@?" + re.escape(name) + r"(?=$|[\s:,!?.])[:,]?", stripped, flags=re.IGNORECASE)
        if m:
            return offset + m.end()
    return None


def clean_text(body: str, *, has_reply: bool, room: RoomView) -> str:
    """The user's words: reply fallback and the address to the bot removed, size bounded.

    Texts over :data:`MAX_MESSAGE_CHARS` are cut to one character more, so the handler still
    refuses them as too long without us carrying megabytes around.
    """
    text = body[: MAX_MESSAGE_CHARS * 4]
    if has_reply:
        text = _strip_fallback(text)
    cut = _leading_name(text, room)
    if cut is not None:
        text = text[cut:]
    text = text.replace(room.bot_user_id, " ")
    text = text.strip()
    return text[: MAX_MESSAGE_CHARS + 1]


def inviter_of(invite_state: list[Any], bot_user_id: str) -> str | None:
    """Who invited the bot, from the stripped state of an invite; None when unknown."""
    for ev in invite_state or []:
        if not isinstance(ev, Mapping):
            continue
        content = ev.get("content")
        if (
            ev.get("type") == "m.room.member"
            and ev.get("state_key") == bot_user_id
            and isinstance(content, Mapping)
            and content.get("membership") == "invite"
            and isinstance(ev.get("sender"), str)
        ):
            return ev["sender"]
    return None


def invite_allowed(inviter: str | None, allowed_servers: Container[str]) -> bool:
    """Accept an invite only from a user on one of the allowed servers."""
    return inviter is not None and server_of(inviter) in allowed_servers

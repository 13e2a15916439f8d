"""Sans-I/O reading of Bot Framework activities (plain JSON dicts) sent by Microsoft Teams.

Nothing here does I/O or imports the SDK: the functions take the decoded request body and
return typed values, so recorded payloads can be tested directly. :func:`check_shape`
decides whether a body is a well-formed activity (else HTTP 400); :func:`classify`
decides what the bot does with it (a message for the dialog, a welcome, a card action or
nothing) and builds the neutral :class:`~core.messages.Inbound`.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from core.messages import Inbound, Sender

MAX_BODY_BYTES = 1024 * 1024
"""Request bodies over 1 MiB are refused with 413 before parsing."""

CARD_ACTION_INVOKE = "adaptiveCard/action"
FILE_CONSENT_INVOKE = "fileConsent/invoke"
GROUP_TYPES = frozenset({"groupChat", "channel"})

_STR_FIELDS = ("type", "id", "serviceUrl", "channelId", "text", "locale", "replyToId", "name", "textFormat")
_ACCOUNT_FIELDS = ("from", "recipient", "conversation")


@dataclass(frozen=True, slots=True)
class ShapeError:
    """The body is not a usable activity; ``reason`` is safe to return (no user data)."""

    reason: str


def check_shape(body: Any) -> ShapeError | None:
    """None when ``body`` has the fields and types we rely on, else why not.

    Only the structure is checked (types of the fields we read); values stay opaque.
    """
    if not isinstance(body, dict):
        return ShapeError("activity must be a JSON object")
    for name in _STR_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            return ShapeError(f"{name} must be a string")
    if not body.get("type"):
        return ShapeError("type is required")
    for name in _ACCOUNT_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, dict):
            return ShapeError(f"{name} must be an object")
        for key in ("id", "aadObjectId", "name", "tenantId", "conversationType"):
            if isinstance(value, dict) and value.get(key) is not None and not isinstance(value[key], str):
                return ShapeError(f"{name}.{key} must be a string")
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not conversation.get("id"):
        return ShapeError("conversation.id is required")
    if not body.get("serviceUrl"):
        return ShapeError("serviceUrl is required")
    if not isinstance(body.get("from"), dict) or not body["from"].get("id"):
        return ShapeError("from.id is required")
    if conversation.get("isGroup") is not None and not isinstance(conversation.get("isGroup"), bool):
        return ShapeError("conversation.isGroup must be a boolean")
    for name in ("entities", "attachments", "membersAdded", "membersRemoved"):
        value = body.get(name)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, dict) for v in value)):
            return ShapeError(f"{name} must be a list of objects")
    channel_data = body.get("channelData")
    if channel_data is not None and not isinstance(channel_data, dict):
        return ShapeError("channelData must be an object")
    if isinstance(channel_data, dict):
        for key in ("tenant", "team", "channel"):
            value = channel_data.get(key)
            if value is not None and (not isinstance(value, dict) or not isinstance(value.get("id", ""), str)):
                return ShapeError(f"channelData.{key} must be an object with a string id")
    return None


def tenant_of(body: Mapping[str, Any]) -> str | None:
    """The Entra tenant of an activity: channelData.tenant.id, else conversation.tenantId."""
    channel_data = body.get("channelData") or {}
    tenant = (channel_data.get("tenant") or {}).get("id") if isinstance(channel_data, dict) else None
    if not tenant:
        tenant = (body.get("conversation") or {}).get("tenantId")
    return tenant or None


def identity_of(body: Mapping[str, Any], *, allow_channel_id: bool = False) -> str | None:
    """``<tenantId>:<aadObjectId>`` of the sender; never a display name.

    ``allow_channel_id`` (anonymous local development only: the Agents Playground may
    omit the object id) falls back to the Teams channel account id.
    """
    sender = body.get("from") or {}
    tenant = tenant_of(body)
    aad = sender.get("aadObjectId")
    if tenant and aad:
        return f"{tenant}:{aad.lower()}"
    if allow_channel_id and sender.get("id"):
        return f"{tenant or 'local'}:{sender['id']}"
    return None


def is_group(body: Mapping[str, Any]) -> bool:
    conversation = body.get("conversation") or {}
    return conversation.get("conversationType") in GROUP_TYPES or conversation.get("isGroup") is True


def bot_mentioned(body: Mapping[str, Any]) -> bool:
    """True when the recipient (our bot) is in the activity's mention entities."""
    bot_id = (body.get("recipient") or {}).get("id")
    return any(_mentioned_id(e) == bot_id for e in body.get("entities") or () if bot_id)


def _mentioned_id(entity: Mapping[str, Any]) -> str | None:
    if entity.get("type") != "mention":
        return None
    mentioned = entity.get("mentioned")
    return mentioned.get("id") if isinstance(mentioned, dict) else None


_AT_TAG = re.compile(r"<at(?:\s[^>]*)?>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"[ \t\u00a0]+")


def clean_text(body: Mapping[str, Any]) -> str:
    """The user's text with the bot's mention removed and Teams' HTML reduced to plain text."""
    text = body.get("text") or ""
    bot_id = (body.get("recipient") or {}).get("id")
    for entity in body.get("entities") or ():
        mention_text = entity.get("text")
        if _mentioned_id(entity) == bot_id and isinstance(mention_text, str) and mention_text:
            text = text.replace(mention_text, " ")
    # Mentions of the bot that came without an entity, and Teams' HTML formatting.
    text = _AT_TAG.sub(lambda m: " " if _is_bot_tag(m.group(0), body) else _TAG.sub("", m.group(0)), text)
    if "<" in text:
        text = _TAG.sub(" ", text.replace("<br>", "\n").replace("<br/>", "\n").replace("</p>", "\n"))
    text = html.unescape(text)
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _is_bot_tag(tag: str, body: Mapping[str, Any]) -> bool:
    name = (body.get("recipient") or {}).get("name")
    inner = _TAG.sub("", tag).strip()
    return bool(name) and inner.lower() == str(name).lower()


def members_added_bot(body: Mapping[str, Any]) -> bool:
    bot_id = (body.get("recipient") or {}).get("id")
    return bool(bot_id) and any(m.get("id") == bot_id for m in body.get("membersAdded") or ())


TurnKind = Literal["message", "welcome", "card_action", "file_consent", "invoke_other", "ignore"]


@dataclass(frozen=True, slots=True)
class Turn:
    """What to do with one activity.

    ``inbound`` is set for ``message``, ``welcome`` and ``card_action`` (for a card action
    its text is filled in after the card data is verified). ``reason`` says why an
    activity is ignored (for tests and counters, never logged with content).
    """

    kind: TurnKind
    inbound: Inbound | None = None
    action_data: Any = None
    reason: str = ""


def classify(body: Mapping[str, Any], *, allow_channel_id: bool = False) -> Turn:
    """Decide what the bot does with a well-formed activity (see :func:`check_shape`)."""
    kind = body.get("type")
    if kind == "message":
        group = is_group(body)
        if group and not bot_mentioned(body):
            return Turn("ignore", reason="group message without mention")
        inbound = _inbound(body, clean_text(body), allow_channel_id)
        if inbound is None:
            return Turn("ignore", reason="no stable identity")
        return Turn("message", inbound)
    if kind == "conversationUpdate":
        if not members_added_bot(body):
            return Turn("ignore", reason="conversation update without the bot added")
        inbound = _inbound(body, "", True)
        return Turn("welcome", inbound) if inbound else Turn("ignore", reason="no sender")
    if kind == "invoke":
        if body.get("name") == FILE_CONSENT_INVOKE:
            inbound = _inbound(body, "", allow_channel_id)
            if inbound is None:
                return Turn("invoke_other", reason="no stable identity")
            return Turn("file_consent", inbound, action_data=body.get("value"))
        if body.get("name") != CARD_ACTION_INVOKE:
            return Turn("invoke_other", reason="invoke not handled")
        inbound = _inbound(body, "", allow_channel_id)
        if inbound is None:
            return Turn("invoke_other", reason="no stable identity")
        value = body.get("value")
        action = value.get("action") if isinstance(value, dict) else None
        return Turn("card_action", inbound, action_data=action)
    return Turn("ignore", reason="activity type not handled")


def _inbound(body: Mapping[str, Any], text: str, allow_channel_id: bool) -> Inbound | None:
    user_id = identity_of(body, allow_channel_id=allow_channel_id)
    if user_id is None:
        return None
    locale = body.get("locale") or None
    return Inbound(
        channel="teams",
        conversation_id=body["conversation"]["id"],
        message_id=message_id_of(body),
        sender=Sender(user_id=user_id),
        text=text,
        locale=locale,
        is_group=is_group(body),
    )


def message_id_of(body: Mapping[str, Any]) -> str:
    """A globally unique id for an activity: ``<activity id>@<conversation digest>``.

    Teams message ids are millisecond timestamps, unique only within a conversation, so
    the conversation is folded in (as a short digest: the id stays compact and opaque).
    Empty when the activity has no id (it cannot be deduplicated then).
    """
    activity_id = body.get("id")
    if not activity_id:
        return ""
    digest = hashlib.sha256(str(body["conversation"]["id"]).encode("utf-8")).hexdigest()[:20]
    return f"{activity_id}@{digest}"

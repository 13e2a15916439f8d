"""Neutral replies -> Teams message payloads with Adaptive Cards 1.5 (sans-I/O).

A reply with choices or card data becomes an Adaptive Card whose buttons are
``Action.Execute`` actions; the action's data carries the choice's utterance plus a MAC
binding it to the conversation, so a pressed button goes through the same dialog as typed
text and tampered data is recognised. Every card has ``fallbackText`` (the complete
reply as plain text with the choices numbered), so nothing is lost where cards don't render.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from core.messages import MAX_MESSAGE_CHARS, Reply

from .texts import text

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
CHOOSE_VERB = "wms.choose"
MAX_ACTIONS_PER_SET = 5  # Teams shows at most 6 actions per set; 5 keeps a row readable on mobile
MAX_CARD_CHOICES = 20
_TEXT_LIMIT = 4000
_NO_STATUS = frozenset({"choices", "bookings", "availability"})  # a status adds nothing to a question or a list


class CardSigner:
    """MACs for button data: the utterance is valid only in the conversation it was sent to."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("card key must be at least 16 bytes")
        self._key = key

    def sign(self, conversation_id: str, utterance: str) -> str:
        mac = hmac.new(self._key, f"{conversation_id}\x1f{utterance}".encode("utf-8"), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()[:18]).decode("ascii")

    def verify(self, conversation_id: str, action: Any) -> str | None:
        """The utterance of a genuine ``Action.Execute`` of ours, or None (tampered/foreign)."""
        if not isinstance(action, Mapping) or action.get("type") != "Action.Execute":
            return None
        if action.get("verb") != CHOOSE_VERB:
            return None
        data = action.get("data")
        if not isinstance(data, Mapping):
            return None
        utterance, mac = data.get("u"), data.get("m")
        if not isinstance(utterance, str) or not isinstance(mac, str) or len(utterance) > MAX_MESSAGE_CHARS:
            return None
        if not hmac.compare_digest(self.sign(conversation_id, utterance), mac):
            return None
        return utterance


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: plain ``text`` or a card (with its fallback in ``summary``)."""

    text: str | None
    card: dict[str, Any] | None
    summary: str
    attachments: tuple[dict[str, Any], ...] = ()
    text_format: str = "plain"
    file: Any = None  # an Attachment to offer through the file-consent flow
    lang: str = "nl"

    def to_activity_dict(self) -> dict[str, Any]:
        """A Bot Framework ``message`` activity body (camelCase, as on the wire)."""
        activity: dict[str, Any] = {"type": "message"}
        attachments = list(self.attachments)
        if self.card is not None:
            attachments.insert(0, {"contentType": CARD_CONTENT_TYPE, "content": self.card})
            activity["summary"] = self.summary[:200]
        if self.text:
            activity["text"] = self.text
            activity["textFormat"] = self.text_format
        if attachments:
            activity["attachments"] = attachments
        return activity


def fallback_text(reply: Reply) -> str:
    """The whole reply as plain text: the text, card facts and items, numbered choices."""
    parts = [reply.text.strip()]
    card = reply.card or {}
    facts = [f"{_s(f[0])}: {_s(f[1])}" for f in card.get("facts") or () if _is_pair(f)]
    items = [] if facts or (reply.choices and card.get("type") == "choices") else [_item_text(i) for i in card.get("items") or ()]
    extra = [line for line in (*facts, *items) if line and line not in parts[0]]
    if extra:
        parts.append("\n".join(extra))
    if reply.choices:
        numbered = "\n".join(f"{n}. {c.label}" for n, c in enumerate(reply.choices, 1))
        parts.append(numbered + "\n" + text(reply.lang, "choose_hint"))
    return "\n\n".join(p for p in parts if p)[:_TEXT_LIMIT]


def needs_card(reply: Reply) -> bool:
    return bool(reply.choices) or reply.card is not None


def render(reply: Reply, conversation_id: str, signer: CardSigner, *, personal: bool = False) -> list[Outgoing]:
    """One reply -> the messages to send: the text or a card (when it has choices or card
    data), images inline, small text files (a data export) as a message of their own, and
    larger files, in a personal chat, as a file offer (Teams' file-consent flow)."""
    images = tuple(_image_attachment(a) for a in reply.attachments if a.media_type.startswith("image/"))
    if needs_card(reply):
        out = [Outgoing(text=None, card=build_card([reply], conversation_id, signer), summary=reply.text, attachments=images)]
    else:
        out = [Outgoing(text=reply.text[:_TEXT_LIMIT], card=None, summary=reply.text[:200], attachments=images)]
    for attachment in reply.attachments:
        if not attachment.media_type.startswith("image/"):
            out.append(_file_message(attachment, reply.lang, personal))
    return out


FILE_CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"


def file_consent_attachment(name: str, size: int, token: str, lang: str) -> dict[str, Any]:
    """The card asking the user to accept a file into their OneDrive (personal chats only)."""
    context = {"t": token}
    return {
        "contentType": FILE_CONSENT_TYPE,
        "name": name,
        "content": {
            "description": text(lang, "file_offer").format(name=name),
            "sizeInBytes": size,
            "acceptContext": context,
            "declineContext": context,
        },
    }


def file_info_attachment(upload_info: Mapping[str, Any]) -> dict[str, Any]:
    """The message attachment showing an uploaded file (after the user accepted it)."""
    return {
        "contentType": FILE_INFO_TYPE,
        "contentUrl": upload_info.get("contentUrl"),
        "name": upload_info.get("name"),
        "content": {"uniqueId": upload_info.get("uniqueId"), "fileType": upload_info.get("fileType")},
    }


def build_card(replies: Iterable[Reply], conversation_id: str, signer: CardSigner) -> dict[str, Any]:
    """An Adaptive Card 1.5 showing ``replies`` in order; the last reply's choices are its buttons."""
    replies = list(replies)
    body: list[dict[str, Any]] = []
    for reply in replies:
        body.extend(_reply_blocks(reply))
    choices = replies[-1].choices[:MAX_CARD_CHOICES] if replies else ()
    for start in range(0, len(choices), MAX_ACTIONS_PER_SET):
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    {
                        "type": "Action.Execute",
                        "title": c.label[:80],
                        "verb": CHOOSE_VERB,
                        "data": {"u": c.utterance, "m": signer.sign(conversation_id, c.utterance)},
                    }
                    for c in choices[start : start + MAX_ACTIONS_PER_SET]
                ],
            }
        )
    lang = replies[-1].lang if replies else "nl"
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "lang": lang,
        "fallbackText": "\n\n".join(fallback_text(r) for r in replies)[:_TEXT_LIMIT],
        "body": body or [{"type": "TextBlock", "text": " ", "wrap": True}],
    }


def notice_card(message: str, lang: str) -> dict[str, Any]:
    """A plain card with one message and no buttons (e.g. for a tampered button)."""
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "lang": lang,
        "fallbackText": message,
        "body": [{"type": "TextBlock", "text": message, "wrap": True}],
    }


def invoke_response_body(card: dict[str, Any]) -> dict[str, Any]:
    """The body Teams expects for ``adaptiveCard/action``: the card that replaces the old one."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def _reply_blocks(reply: Reply) -> list[dict[str, Any]]:
    card = reply.card or {}
    blocks: list[dict[str, Any]] = []
    title = card.get("title")
    if isinstance(title, str) and title.strip():
        blocks.append({"type": "TextBlock", "text": _md_safe(title), "weight": "Bolder", "size": "Medium", "wrap": True})
    if reply.text.strip():
        blocks.append({"type": "TextBlock", "text": _md_safe(reply.text[:_TEXT_LIMIT]), "wrap": True})
    facts = [{"title": _md_safe(_s(f[0])), "value": _md_safe(_s(f[1]))} for f in card.get("facts") or () if _is_pair(f)]
    if facts:
        blocks.append({"type": "FactSet", "facts": facts[:30]})
    # Choice cards list their options as buttons already; facts already say what one item would.
    items = [] if facts or (reply.choices and card.get("type") == "choices") else [_item_text(i) for i in card.get("items") or ()]
    items = [i for i in items if i and i not in reply.text]
    if items:
        blocks.append(
            {"type": "Container", "items": [{"type": "TextBlock", "text": "• " + _md_safe(i), "wrap": True, "spacing": "Small"} for i in items[:30]]}
        )
    status = card.get("status")
    if isinstance(status, str) and status.strip() and card.get("type") not in _NO_STATUS:
        blocks.append({"type": "TextBlock", "text": _md_safe(status), "weight": "Bolder", "color": "Good", "wrap": True})
    return blocks


INLINE_FILE_LIMIT = 24 * 1024


def _file_message(attachment: Any, lang: str, personal: bool) -> Outgoing:
    """A text file (e.g. the JSON data export): inline in a message when it is small;
    otherwise offered for upload in a personal chat, or announced elsewhere."""
    try:
        content = attachment.data.decode("utf-8")
    except UnicodeDecodeError:
        content = None
    if content is not None and len(attachment.data) <= INLINE_FILE_LIMIT:
        body = f"{attachment.filename}\n```\n{content}\n```"
        return Outgoing(text=body, card=None, summary=attachment.filename, text_format="markdown")
    if personal:
        return Outgoing(text=None, card=None, summary=attachment.filename, file=attachment, lang=lang)
    return Outgoing(text=text(lang, "file_too_large").format(name=attachment.filename), card=None, summary=attachment.filename)


def _image_attachment(attachment: Any) -> dict[str, Any]:
    """Small images (e.g. a chart) inline as a data URI, which Teams renders in the message."""
    data = base64.b64encode(attachment.data).decode("ascii")
    return {"contentType": attachment.media_type, "contentUrl": f"data:{attachment.media_type};base64,{data}", "name": attachment.filename}


def _is_pair(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2


def _s(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _item_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for key in ("text", "label", "title"):
            if isinstance(item.get(key), str):
                return item[key]
        if isinstance(item.get("day_text"), str):  # a booking or availability line
            rest = [item[k] for k in ("desk", "building", "part_text") if isinstance(item.get(k), str) and item[k]]
            return f"{item['day_text']}: " + " · ".join(rest) if rest else item["day_text"]
        return " · ".join(v for v in item.values() if isinstance(v, str))
    return _s(item)


def _md_safe(value: str) -> str:
    """TextBlocks render a Markdown subset: keep user-derived text from turning into links."""
    return value.replace("[", "\\[").replace("]", "\\]")

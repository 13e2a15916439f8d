"""Replies as JSON-able dicts, for the message log (a retried message gets the same answer)."""

from __future__ import annotations

import base64
from typing import Any

from core.messages import Attachment, Choice, Reply


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "lang": reply.lang,
        "choices": [[c.label, c.utterance] for c in reply.choices],
        "card": reply.card,
        "attachments": [[a.filename, a.media_type, base64.b64encode(a.data).decode("ascii")]
                        for a in reply.attachments],
        "kind": reply.kind,
        "closes_question": reply.closes_question,
        "meta": reply.meta,
    }


def reply_from_dict(raw: dict[str, Any]) -> Reply:
    return Reply(
        text=str(raw.get("text", "")),
        lang=str(raw.get("lang", "nl")),
        choices=tuple(Choice(str(label), str(utterance)) for label, utterance in raw.get("choices") or ()),
        card=raw.get("card"),
        attachments=tuple(Attachment(name, media, base64.b64decode(data))
                          for name, media, data in raw.get("attachments") or ()),
        kind=raw.get("kind", "answer"),
        closes_question=bool(raw.get("closes_question")),
        meta=dict(raw.get("meta") or {}),
    )

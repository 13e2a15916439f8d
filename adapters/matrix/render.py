"""Neutral replies -> Matrix event contents (sans-I/O).

An answer is an ``m.notice`` rich reply to the user's message (in the user's thread when
there is one); a proactive message is an ``m.text`` so it notifies. ``body`` is plain text,
``formatted_body`` the same text as escaped HTML. Choices become a numbered list plus
reactions the bot puts on its own message: 1️⃣ 2️⃣ 3️⃣ ... or ✅ ❌ for a yes/no question.
Transaction ids derive from the user's event id, so a resend after a crash or a dropped
connection is deduplicated by the homeserver.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import Any, Sequence

from core.messages import Attachment, Choice, Reply

KEYCAPS = tuple(f"{d}\ufe0f\u20e3" for d in "123456789") + ("\U0001f51f",)
YES_KEY = "\u2705"  # ✅
NO_KEY = "\u274c"  # ❌
_YES_ALIASES = {"\u2705", "\u2714", "\U0001f44d", "\u2611"}  # ✅ ✔ 👍 ☑
_NO_ALIASES = {"\u274c", "\u2716", "\U0001f44e", "\u274e"}  # ❌ ✖ 👎 ❎
_YES_WORDS = {"ja", "yes", "ja graag", "yes please", "bevestig", "confirm", "ok", "oké", "akkoord", "doe maar"}
_NO_WORDS = {"nee", "no", "annuleer", "cancel", "nee dank je", "no thanks", "stop", "laat maar"}


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One event to send: type, content and a transaction id stable across resends."""

    event_type: str
    content: dict[str, Any]
    txn_id: str


def txn_id(source_event_id: str, part: str) -> str:
    """A transaction id derived from the event we answer and the part of the answer."""
    digest = hashlib.sha256(f"{source_event_id}\x00{part}".encode()).hexdigest()[:40]
    return f"wms{digest}"


def to_html(text: str) -> str:
    """Plain text as safe HTML: everything escaped, line breaks kept."""
    return html.escape(text, quote=True).replace("\n", "<br/>")


def _yes_no(choices: Sequence[Choice]) -> tuple[int, int] | None:
    """Indexes of the yes and the no choice when the choices are exactly a yes/no question."""
    if len(choices) != 2:
        return None
    kinds = []
    for c in choices:
        words = {c.utterance.strip().lower(), c.label.strip().lower()}
        kinds.append("yes" if words & _YES_WORDS else "no" if words & _NO_WORDS else None)
    if kinds == ["yes", "no"]:
        return (0, 1)
    if kinds == ["no", "yes"]:
        return (1, 0)
    return None


def reaction_keys(choices: Sequence[Choice]) -> list[tuple[str, str]]:
    """(reaction key, utterance) for each choice that gets a reaction, in display order."""
    yn = _yes_no(choices)
    if yn is not None:
        return [(YES_KEY, choices[yn[0]].utterance), (NO_KEY, choices[yn[1]].utterance)]
    return [(KEYCAPS[i], c.utterance) for i, c in enumerate(choices[: len(KEYCAPS)])]


def _normalise_key(key: str) -> str:
    return key.replace("\ufe0f", "").strip()


def utterance_for_reaction(key: str, keys: Sequence[tuple[str, str]]) -> str | None:
    """The utterance a reaction ``key`` stands for on a message with these ``keys``; None if none."""
    norm = _normalise_key(key)
    for k, utterance in keys:
        if _normalise_key(k) == norm:
            return utterance
    keyset = {_normalise_key(k) for k, _ in keys}
    yes, no = _normalise_key(YES_KEY), _normalise_key(NO_KEY)
    if yes in keyset and norm in {_normalise_key(a) for a in _YES_ALIASES}:
        return utterance_for_reaction(YES_KEY, keys)
    if no in keyset and norm in {_normalise_key(a) for a in _NO_ALIASES}:
        return utterance_for_reaction(NO_KEY, keys)
    return None


def _relation(reply_to: str | None, thread_root: str | None) -> dict[str, Any] | None:
    if thread_root:
        rel: dict[str, Any] = {"rel_type": "m.thread", "event_id": thread_root, "is_falling_back": False}
        if reply_to:
            rel["m.in_reply_to"] = {"event_id": reply_to}
        return rel
    if reply_to:
        return {"m.in_reply_to": {"event_id": reply_to}}
    return None


def message_content(
    reply: Reply,
    *,
    reply_to: str | None = None,
    thread_root: str | None = None,
    mention: str | None = None,
) -> dict[str, Any]:
    """The ``m.room.message`` content for a reply (text plus numbered choices)."""
    body = reply.text.strip()
    html_body = to_html(body)
    if reply.choices:
        lines = [f"{i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
        body = f"{body}\n\n" + "\n".join(lines)
        items = "".join(f"<li>{to_html(c.label)}</li>" for c in reply.choices)
        html_body = f"{html_body}<ol>{items}</ol>"
    content: dict[str, Any] = {
        "msgtype": "m.text" if reply.kind == "proactive" else "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html_body,
        "m.mentions": {"user_ids": [mention]} if mention else {},
    }
    rel = _relation(reply_to if reply.kind != "proactive" else None, thread_root)
    if rel:
        content["m.relates_to"] = rel
    return content


def reaction_content(target_event_id: str, key: str) -> dict[str, Any]:
    """An ``m.reaction`` annotating ``target_event_id`` with ``key``."""
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": target_event_id, "key": key}}


def file_content(
    attachment: Attachment,
    *,
    url: str | None,
    encrypted_file: dict[str, Any] | None = None,
    reply_to: str | None = None,
    thread_root: str | None = None,
) -> dict[str, Any]:
    """An ``m.file`` (or ``m.image``) content for an uploaded attachment.

    In an encrypted room the ``file`` object (key, iv, hashes, url) replaces ``url``.
    """
    msgtype = "m.image" if attachment.media_type.startswith("image/") else "m.file"
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": attachment.filename,
        "filename": attachment.filename,
        "info": {"mimetype": attachment.media_type, "size": len(attachment.data)},
        "m.mentions": {},
    }
    if encrypted_file is not None:
        content["file"] = encrypted_file
    else:
        content["url"] = url
    rel = _relation(reply_to, thread_root)
    if rel:
        content["m.relates_to"] = rel
    return content


def plan_replies(
    replies: Sequence[Reply],
    *,
    source_event_id: str,
    reply_to: str | None,
    thread_root: str | None,
    mention: str | None,
) -> list[tuple[Outgoing, list[tuple[str, str]]]]:
    """The text events for ``replies`` (each with its reaction keys), transaction ids included.

    Attachments are sent separately (they need an upload first); see :func:`attachment_txn`.
    """
    planned = []
    for i, reply in enumerate(replies):
        content = message_content(reply, reply_to=reply_to, thread_root=thread_root, mention=mention)
        planned.append((Outgoing("m.room.message", content, txn_id(source_event_id, f"r{i}")), reaction_keys(reply.choices)))
    return planned


def reaction_txn(source_event_id: str, reply_index: int, key_index: int) -> str:
    """Transaction id of the bot's ``key_index``-th reaction on its ``reply_index``-th reply."""
    return txn_id(source_event_id, f"r{reply_index}k{key_index}")


def attachment_txn(source_event_id: str, reply_index: int, attachment_index: int) -> str:
    """Transaction id of an attachment message."""
    return txn_id(source_event_id, f"r{reply_index}a{attachment_index}")

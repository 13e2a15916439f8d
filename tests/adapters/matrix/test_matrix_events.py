"""Sans-I/O classification of Matrix events (constructed payloads shaped like Synapse's)."""

from __future__ import annotations

import pytest

from adapters.matrix.events import (
    Ignore,
    ReactionAnswer,
    Request,
    RoomView,
    Undecryptable,
    Unreadable,
    classify,
    clean_text,
    invite_allowed,
    inviter_of,
    server_of,
)
from core.messages import MAX_MESSAGE_CHARS

BOT = "@wms:gov.example"
DM = RoomView(room_id="!dm:gov.example", bot_user_id=BOT, bot_display_name="Werkplekbot",
              member_ids=(BOT, "@anna:gov.example"))
GROUP = RoomView(room_id="!team:gov.example", bot_user_id=BOT, bot_display_name="Werkplekbot",
                 member_ids=(BOT, "@anna:gov.example", "@bob:gov.example"), is_group=True)


def msg(body="boek morgen een plek", *, sender="@anna:gov.example", event_id="$e1", ts=2_000, **content):
    c = {"msgtype": "m.text", "body": body}
    c.update(content)
    return {"type": "m.room.message", "sender": sender, "event_id": event_id, "origin_server_ts": ts, "content": c}


def test_dm_text_becomes_request_with_stable_ids():
    d = classify(msg(), DM)
    assert isinstance(d, Request)
    assert d.inbound.channel == "matrix"
    assert d.inbound.message_id == "$e1"
    assert d.inbound.sender.user_id == "@anna:gov.example"
    assert d.inbound.sender.name is None  # never the display name
    assert d.inbound.conversation_id == DM.room_id
    assert d.inbound.is_group is False and d.inbound.room_members == ()
    assert d.reply_to == "$e1" and d.thread_root is None


@pytest.mark.parametrize(
    "event, reason",
    [
        (msg(sender=BOT), "own"),
        (msg(msgtype="m.notice"), "notice"),
        (msg(**{"org.matrix.msc3955.automated": True}), "bot"),
        (msg(**{"m.new_content": {"body": "x"}, "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}}), "edit"),
        ({"type": "m.room.redaction", "sender": "@anna:gov.example", "event_id": "$r", "redacts": "$e1", "content": {}}, "redaction"),
        ({"type": "m.room.message", "sender": "@anna:gov.example", "event_id": "$x", "content": {}}, "redacted"),
        ({"type": "org.example.custom", "sender": "@anna:gov.example", "event_id": "$x", "content": {"a": 1}}, "type"),
        (msg(ts=999), "history"),
        ({"type": "m.room.member", "state_key": "@anna:gov.example", "sender": "@anna:gov.example", "event_id": "$m", "content": {"membership": "join"}}, "state"),
    ],
)
def test_ignored_events(event, reason):
    assert classify(event, DM, not_before_ms=1_000) == Ignore(reason)


@pytest.mark.parametrize(
    "event",
    [
        None, 42, "text", {}, {"type": 1}, {"type": "m.room.message", "sender": "@a:b", "event_id": "$1", "content": "x"},
        {"type": "m.room.message", "sender": "@a:b", "event_id": "$1", "content": {"msgtype": "m.text", "body": 5}},
        {"type": "m.room.message", "sender": "@a:b", "event_id": "$1", "content": {"msgtype": "m.text", "body": "x", "m.relates_to": "bad"}, "origin_server_ts": "x"},
        {"type": "m.reaction", "sender": "@a:b", "event_id": "$1", "content": {"m.relates_to": {"rel_type": "m.annotation"}}},
        {"type": "m.room.message", "sender": "@a:b", "event_id": "$1", "content": {"msgtype": "m.text", "body": "x", "m.mentions": "everyone"}},
    ],
)
def test_malformed_never_raises(event):
    d = classify(event, GROUP)
    assert isinstance(d, (Ignore, Request))


def test_group_needs_mention_or_reply():
    assert classify(msg(), GROUP) == Ignore("not-addressed")
    by_mentions = classify(msg("Werkplekbot: boek morgen", **{"m.mentions": {"user_ids": [BOT]}}), GROUP)
    assert isinstance(by_mentions, Request) and by_mentions.inbound.text == "boek morgen"
    assert by_mentions.inbound.is_group and "@bob:gov.example" in by_mentions.inbound.room_members
    assert BOT not in by_mentions.inbound.room_members
    # Intentional mentions present but not us: not addressed even if the name appears.
    assert classify(msg("Werkplekbot is handig", **{"m.mentions": {"user_ids": ["@bob:gov.example"]}}), GROUP) == Ignore("not-addressed")
    pill = f'<a href="https://matrix.to/#/{BOT}">Werkplekbot</a>: boek morgen'
    d = classify(msg("Werkplekbot: boek morgen", format="org.matrix.custom.html", formatted_body=pill), GROUP)
    assert isinstance(d, Request) and d.inbound.text == "boek morgen"
    reply = msg("> <@wms:gov.example> Welke dag?\n\ndonderdag", **{"m.relates_to": {"m.in_reply_to": {"event_id": "$bot1"}}})
    d = classify(reply, GROUP, engaged={"$bot1"})
    assert isinstance(d, Request) and d.inbound.text == "donderdag"
    assert classify(reply, GROUP, engaged=set()) == Ignore("not-addressed")


def test_thread_kept_and_engaged_thread_counts_as_addressed():
    ev = msg("en vrijdag?", **{"m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True,
                                                "m.in_reply_to": {"event_id": "$prev"}}})
    d = classify(ev, GROUP, engaged={"$root"})
    assert isinstance(d, Request) and d.thread_root == "$root" and d.reply_to == "$e1"
    assert classify(ev, GROUP) == Ignore("not-addressed")


def test_reaction_and_undecryptable_and_media():
    r = {"type": "m.reaction", "sender": "@anna:gov.example", "event_id": "$r1",
         "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$bot", "key": "2\ufe0f\u20e3"}}}
    assert classify(r, DM) == ReactionAnswer("$r1", "@anna:gov.example", "$bot", "2\ufe0f\u20e3")
    enc = {"type": "m.room.encrypted", "sender": "@anna:gov.example", "event_id": "$c",
           "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AAAA", "session_id": "s", "sender_key": "k", "device_id": "D"}}
    assert classify(enc, DM) == Undecryptable("$c", "@anna:gov.example")
    assert classify(enc, GROUP) == Ignore("undecryptable-group")
    img = msg("foto.png", msgtype="m.image", url="mxc://x/y")
    assert classify(img, DM) == Unreadable("$e1", "@anna:gov.example")
    assert classify(img, GROUP) == Ignore("media")


def test_huge_and_html_text_kept_bounded_and_verbatim():
    d = classify(msg("x" * 1_000_000), DM)
    assert isinstance(d, Request) and len(d.inbound.text) == MAX_MESSAGE_CHARS + 1
    d = classify(msg("<script>alert(1)</script> boek"), DM)
    assert isinstance(d, Request) and d.inbound.text == "<script>alert(1)</script> boek"


def test_clean_text_strips_address_forms():
    for body in ("@Werkplekbot, boek", "werkplekbot: boek", f"{BOT} boek", "wms: boek", "  Werkplekbot boek"):
        assert clean_text(body, has_reply=False, room=GROUP) == "boek"
    assert clean_text("Werkplekbotje boek", has_reply=False, room=GROUP) == "Werkplekbotje boek"


def test_invites():
    state = [
        {"type": "m.room.create", "sender": "@eve:evil.example", "state_key": "", "content": {}},
        {"type": "m.room.member", "sender": "@eve:evil.example", "state_key": BOT, "content": {"membership": "invite"}},
    ]
    assert inviter_of(state, BOT) == "@eve:evil.example"
    assert not invite_allowed("@eve:evil.example", {"gov.example"})
    assert invite_allowed("@anna:gov.example", {"gov.example"})
    assert not invite_allowed(None, {"gov.example"})
    assert inviter_of([None, 3, {"type": "m.room.member"}], BOT) is None
    assert server_of("@a:Gov.Example:8448") == "gov.example:8448"
    assert server_of("nonsense") == ""

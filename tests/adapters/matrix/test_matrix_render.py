"""Replies rendered as Matrix contents: notice/rich reply/thread, escaped HTML, choices."""

from __future__ import annotations

from adapters.matrix.render import (
    KEYCAPS,
    NO_KEY,
    YES_KEY,
    file_content,
    message_content,
    plan_replies,
    reaction_keys,
    to_html,
    txn_id,
    utterance_for_reaction,
)
from core.messages import Attachment, Choice, Reply


def test_answer_is_notice_rich_reply_with_escaped_html():
    c = message_content(Reply(text="Geboekt: <b>RWS</b> & \"co\"\nregel 2"), reply_to="$u1")
    assert c["msgtype"] == "m.notice"
    assert c["body"] == "Geboekt: <b>RWS</b> & \"co\"\nregel 2"
    assert c["format"] == "org.matrix.custom.html"
    assert c["formatted_body"] == "Geboekt: &lt;b&gt;RWS&lt;/b&gt; &amp; &quot;co&quot;<br/>regel 2"
    assert c["m.relates_to"] == {"m.in_reply_to": {"event_id": "$u1"}}
    assert c["m.mentions"] == {}


def test_thread_and_group_mention():
    c = message_content(Reply(text="ok"), reply_to="$u2", thread_root="$root", mention="@anna:gov.example")
    assert c["m.relates_to"] == {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": False,
                                 "m.in_reply_to": {"event_id": "$u2"}}
    assert c["m.mentions"] == {"user_ids": ["@anna:gov.example"]}


def test_proactive_is_text_and_not_a_reply():
    c = message_content(Reply(text="Herinnering", kind="proactive"), reply_to="$u")
    assert c["msgtype"] == "m.text" and "m.relates_to" not in c


def test_choices_numbered_and_reactions():
    r = Reply(text="Welke?", choices=(Choice("Turfmarkt", "turfmarkt"), Choice("RWS <x>", "rws")))
    c = message_content(r)
    assert c["body"].endswith("1. Turfmarkt\n2. RWS <x>")
    assert "<ol><li>Turfmarkt</li><li>RWS &lt;x&gt;</li></ol>" in c["formatted_body"]
    keys = reaction_keys(r.choices)
    assert keys == [(KEYCAPS[0], "turfmarkt"), (KEYCAPS[1], "rws")]
    assert utterance_for_reaction("2\u20e3", keys) == "rws"  # without the variation selector
    assert utterance_for_reaction(YES_KEY, keys) is None


def test_yes_no_gets_check_and_cross():
    keys = reaction_keys((Choice("Ja, boek", "ja"), Choice("Nee", "nee")))
    assert keys == [(YES_KEY, "ja"), (NO_KEY, "nee")]
    assert utterance_for_reaction("\U0001f44d", keys) == "ja"
    assert utterance_for_reaction("\u274c", keys) == "nee"
    assert utterance_for_reaction("1\ufe0f\u20e3", keys) is None
    assert reaction_keys(tuple(Choice(str(i), str(i)) for i in range(12)))[-1][0] == KEYCAPS[-1]


def test_transaction_ids_stable_and_distinct():
    assert txn_id("$a", "r0") == txn_id("$a", "r0")
    assert len({txn_id("$a", "r0"), txn_id("$a", "r1"), txn_id("$b", "r0")}) == 3
    plans = plan_replies([Reply(text="a"), Reply(text="b")], source_event_id="$a", reply_to="$a", thread_root=None, mention=None)
    assert [p[0].txn_id for p in plans] == [txn_id("$a", "r0"), txn_id("$a", "r1")]


def test_file_content():
    att = Attachment("export.json", "application/json", b"{}")
    c = file_content(att, url="mxc://s/id", reply_to="$u")
    assert c["msgtype"] == "m.file" and c["url"] == "mxc://s/id" and c["info"]["size"] == 2
    enc = file_content(Attachment("c.png", "image/png", b"x"), url=None, encrypted_file={"url": "mxc://s/e", "key": {}})
    assert enc["msgtype"] == "m.image" and "url" not in enc and enc["file"]["url"] == "mxc://s/e"
    assert to_html("a\nb") == "a<br/>b"

"""Replies -> Adaptive Cards 1.5 with signed Action.Execute buttons and text fallbacks."""

from __future__ import annotations

from adapters.teams.cards import CHOOSE_VERB, CardSigner, build_card, fallback_text, invoke_response_body, render
from adapters.teams.texts import TEXTS
from core.messages import Attachment, Choice, Reply

SIGNER = CardSigner(b"k" * 32)
CONV = "a:conversation-1"


def _actions(card: dict) -> list[dict]:
    return [a for block in card["body"] if block["type"] == "ActionSet" for a in block["actions"]]


def test_plain_reply_is_plain_text() -> None:
    [out] = render(Reply(text="Hallo"), CONV, SIGNER)
    activity = out.to_activity_dict()
    assert activity == {"type": "message", "text": "Hallo", "textFormat": "plain"}


def test_choices_become_signed_execute_actions_with_fallback() -> None:
    reply = Reply(text="Welk gebouw?", lang="nl", choices=(Choice("Turfmarkt 147", "de Turfmarkt"), Choice("Spark", "Spark")))
    [out] = render(reply, CONV, SIGNER)
    activity = out.to_activity_dict()
    assert "text" not in activity  # the card carries the text; no duplicate bubble
    [attachment] = activity["attachments"]
    card = attachment["content"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    actions = _actions(card)
    assert [a["title"] for a in actions] == ["Turfmarkt 147", "Spark"]
    assert all(a["type"] == "Action.Execute" and a["verb"] == CHOOSE_VERB for a in actions)
    assert card["fallbackText"].startswith("Welk gebouw?")
    assert "1. Turfmarkt 147" in card["fallbackText"] and "2. Spark" in card["fallbackText"]
    assert SIGNER.verify(CONV, actions[0]) == "de Turfmarkt"


def test_tampered_or_foreign_button_data_is_refused() -> None:
    card = build_card([Reply(text="?", choices=(Choice("Ja", "ja"),))], CONV, SIGNER)
    action = _actions(card)[0]
    forged = dict(action, data={"u": "annuleer alles", "m": action["data"]["m"]})
    assert SIGNER.verify(CONV, forged) is None
    assert SIGNER.verify("a:other-conversation", action) is None
    assert SIGNER.verify(CONV, dict(action, verb="other")) is None
    assert SIGNER.verify(CONV, dict(action, data="x")) is None
    assert SIGNER.verify(CONV, dict(action, data={"u": 1, "m": 2})) is None
    assert SIGNER.verify(CONV, None) is None
    assert CardSigner(b"q" * 32).verify(CONV, action) is None


def test_card_data_facts_items_status() -> None:
    reply = Reply(
        text="Je reserveringen:",
        lang="nl",
        card={"type": "booked", "title": "Reserveringen", "facts": [["Do 26 nov", "Turfmarkt, 4.12"]], "items": ["Vr 27 nov: Spark"], "status": "Gereserveerd"},
    )
    [out] = render(reply, CONV, SIGNER)
    card = out.card
    assert card is not None
    kinds = [b["type"] for b in card["body"]]
    assert kinds == ["TextBlock", "TextBlock", "FactSet", "TextBlock"]  # items add nothing to facts
    assert card["body"][-1]["text"] == "Gereserveerd"
    assert "Do 26 nov: Turfmarkt, 4.12" in card["fallbackText"]
    assert not _actions(card)  # no choices, no buttons


def test_many_choices_are_split_in_rows() -> None:
    choices = tuple(Choice(f"Optie {i}", str(i)) for i in range(1, 13))
    card = build_card([Reply(text="Kies", choices=choices)], CONV, SIGNER)
    sets = [b for b in card["body"] if b["type"] == "ActionSet"]
    assert [len(s["actions"]) for s in sets] == [5, 5, 2]


def test_updated_card_replaces_buttons() -> None:
    body = invoke_response_body(build_card([Reply(text="Gereserveerd: donderdag 26 november")], CONV, SIGNER))
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert isinstance(body["value"], dict)
    assert not _actions(body["value"])


def test_user_text_cannot_become_markdown_links() -> None:
    card = build_card([Reply(text="[klik](https://evil.example)")], CONV, SIGNER)
    assert card["body"][0]["text"].startswith("\\[klik\\]")


def test_attachments_images_inline_and_small_files_as_text() -> None:
    reply = Reply(
        text="Export",
        lang="en",
        attachments=(Attachment("chart.png", "image/png", b"\x89PNG"), Attachment("export.json", "application/json", b'{"a": 1}')),
    )
    outs = render(reply, CONV, SIGNER)
    assert outs[0].attachments[0]["contentUrl"].startswith("data:image/png;base64,")
    assert outs[1].text is not None and '{"a": 1}' in outs[1].text
    big = Reply(text="x", lang="en", attachments=(Attachment("export.json", "application/json", b"x" * 100_000),))
    assert "too large" in render(big, CONV, SIGNER)[1].text


def test_fallback_text_without_card() -> None:
    assert fallback_text(Reply(text="Hoi")) == "Hoi"


def test_catalog_keys_identical() -> None:
    assert set(TEXTS["nl"]) == set(TEXTS["en"])


def test_booking_list_items_render_as_lines() -> None:
    items = [{"day_text": "dinsdag 24 november", "building": "Turfmarkt 147", "desk": "TM-02.01", "part_text": "hele dag", "floor": 2}]
    card = build_card([Reply(text="Je komende reserveringen:", card={"type": "bookings", "items": items, "status": "Klaar"})], CONV, SIGNER)
    [container] = [b for b in card["body"] if b["type"] == "Container"]
    assert container["items"][0]["text"] == "• dinsdag 24 november: TM-02.01 · Turfmarkt 147 · hele dag"
    assert all(b.get("text") != "Klaar" for b in card["body"])  # a list needs no status line

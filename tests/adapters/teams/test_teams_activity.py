"""Sans-I/O reading of recorded and constructed Teams activities."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from adapters.teams import activity as act

PAYLOADS = Path(__file__).parent / "payloads"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def load(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def test_personal_message_becomes_inbound_with_stable_identity() -> None:
    body = load("personal_message_nl")
    assert act.check_shape(body) is None
    turn = act.classify(body)
    assert turn.kind == "message"
    inbound = turn.inbound
    assert inbound is not None
    assert inbound.channel == "teams"
    assert inbound.sender.user_id == f"{TENANT}:6a4d8b1e-2f3c-4a5b-9c8d-7e6f5a4b3c2d"
    assert "Sanne" not in inbound.sender.user_id and inbound.sender.name is None
    assert inbound.text == "boek morgen een plek op de Turfmarkt"
    assert inbound.locale == "nl-NL"
    assert inbound.is_group is False
    assert inbound.message_id.startswith("1763889243701@")
    assert inbound.user_key == f"teams:{TENANT}:6a4d8b1e-2f3c-4a5b-9c8d-7e6f5a4b3c2d"


def test_same_person_same_identity_across_activity_kinds() -> None:
    # The object id arrives upper case in one activity and lower case in another.
    message = act.classify(load("personal_message_nl")).inbound
    welcome = act.classify(load("install_personal")).inbound
    assert message is not None and welcome is not None
    assert message.sender.user_id == welcome.sender.user_id


def test_channel_mention_removed_other_mentions_kept_as_names() -> None:
    turn = act.classify(load("channel_mention_en"))
    assert turn.kind == "message" and turn.inbound is not None
    assert turn.inbound.text == "book 5 desks for Jan Jansen and me at Spark on Thursday"
    assert turn.inbound.is_group is True
    assert turn.inbound.locale == "en-US"


def test_group_chat_without_mention_is_ignored() -> None:
    turn = act.classify(load("group_chat_no_mention"))
    assert turn.kind == "ignore"


def test_install_gives_welcome_in_users_locale() -> None:
    turn = act.classify(load("install_personal"))
    assert turn.kind == "welcome"
    assert turn.inbound is not None and turn.inbound.locale == "en-GB"


def test_conversation_update_without_bot_is_ignored() -> None:
    body = load("install_personal")
    body["membersAdded"] = [{"id": "29:someone-else"}]
    assert act.classify(body).kind == "ignore"


def test_card_action_carries_action_data() -> None:
    turn = act.classify(load("card_action"))
    assert turn.kind == "card_action"
    assert turn.action_data["verb"] == "wms.choose"
    assert turn.inbound is not None and turn.inbound.text == ""


def test_other_invokes_and_unknown_types() -> None:
    body = load("card_action")
    body["name"] = "task/fetch"
    assert act.classify(body).kind == "invoke_other"
    body = load("personal_message_nl")
    body["type"] = "messageReaction"
    assert act.classify(body).kind == "ignore"
    body["type"] = "somethingNew"
    assert act.classify(body).kind == "ignore"


def test_missing_object_id_is_not_an_identity_in_production() -> None:
    body = load("personal_message_nl")
    del body["from"]["aadObjectId"]
    assert act.classify(body).kind == "ignore"
    dev = act.classify(body, allow_channel_id=True)
    assert dev.kind == "message" and dev.inbound is not None
    assert dev.inbound.sender.user_id.startswith(TENANT + ":29:")


def test_tenant_from_channel_data_or_conversation() -> None:
    body = load("personal_message_nl")
    assert act.tenant_of(body) == TENANT
    del body["channelData"]
    assert act.tenant_of(body) == TENANT
    del body["conversation"]["tenantId"]
    assert act.tenant_of(body) is None


def test_message_ids_differ_per_conversation() -> None:
    a = load("personal_message_nl")
    b = copy.deepcopy(a)
    b["conversation"]["id"] = "a:other"
    assert act.message_id_of(a) != act.message_id_of(b)
    assert act.message_id_of(a) == act.message_id_of(copy.deepcopy(a))


def test_html_text_is_reduced_to_plain_text() -> None:
    body = load("personal_message_nl")
    body["text"] = "<p>boek &amp; <b>morgen</b></p><p>Turfmarkt</p>"
    assert act.clean_text(body) == "boek & morgen\nTurfmarkt"


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda b: b.update(type=5), "type must be a string"),
        (lambda b: b.pop("type"), "type is required"),
        (lambda b: b.update(conversation="x"), "conversation must be an object"),
        (lambda b: b["conversation"].pop("id"), "conversation.id is required"),
        (lambda b: b.pop("serviceUrl"), "serviceUrl is required"),
        (lambda b: b.update(text=["a"]), "text must be a string"),
        (lambda b: b.update(entities="x"), "entities must be a list of objects"),
        (lambda b: b.update(channelData=[]), "channelData must be an object"),
        (lambda b: b["from"].update(aadObjectId=12), "from.aadObjectId must be a string"),
        (lambda b: b.pop("from"), "from.id is required"),
        (lambda b: b["conversation"].update(isGroup="yes"), "conversation.isGroup must be a boolean"),
    ],
)
def test_bad_shapes_are_named(mutate, reason) -> None:
    body = load("personal_message_nl")
    mutate(body)
    problem = act.check_shape(body)
    assert problem is not None and problem.reason == reason


@pytest.mark.parametrize("body", [None, [], "text", 3, {"type": "message"}])
def test_non_activities(body) -> None:
    assert act.check_shape(body) is not None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
_FIELDS = ["type", "id", "text", "from", "recipient", "conversation", "entities", "channelData", "membersAdded", "value", "name", "locale", "serviceUrl"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["personal_message_nl", "channel_mention_en", "install_personal", "card_action"]), st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=4))
def test_any_mutation_is_classified_or_refused_never_raises(name, changes) -> None:
    body = load(name)
    body.update(changes)
    if act.check_shape(body) is None:
        turn = act.classify(body)
        assert turn.kind in ("message", "welcome", "card_action", "file_consent", "invoke_other", "ignore")
        act.message_id_of(body)
        act.tenant_of(body)


@settings(max_examples=100, deadline=None)
@given(_JSON)
def test_any_json_is_refused_or_classified(body) -> None:
    if act.check_shape(body) is None:
        act.classify(body)

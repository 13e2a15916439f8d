"""The Bot Framework protocol, end to end on loopback.

Our real aiohttp endpoint (``wms-bot serve``'s web server) with the real Runtime, dialog and
SQLite store, and a stand-in Bot Connector that serves OpenID metadata + JWKS from a local
RSA key, issues the bot's outbound tokens and receives the replies. Replies are awaited on
the stand-in's queue (with timeouts), never polled.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Iterator

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import text as sql

from adapters.teams.activity import message_id_of
from adapters.teams.standin import ActivityFactory, Failure, StandInConnector
from bot.commands.serve import WebServer, start_web
from bot.settings import Settings
from core.messages import Reply

APP_ID = "00000000-1111-2222-3333-444444444444"
TENANT = "tenant-a"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from bot.bootstrap import bootstrap

    data_dir = tmp_path_factory.mktemp("teams-e2e")
    services = bootstrap(Settings.from_env({"WMS_DATA_DIR": str(data_dir)}))
    yield services
    services.dispose()


def _runtime(services: Any) -> Any:
    from bot.runtime import Runtime
    from core.dialog.engine import Dialog

    return Runtime(Dialog(services.booking, services.conversations), services.messages, clock=lambda: NOW)


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[StandInConnector]:
    standin = await StandInConnector(tenant_id=TENANT).start()
    yield standin
    await standin.close()


def _settings(connector: StandInConnector, **extra: str) -> Settings:
    env = {
        "WMS_TEAMS_APP_ID": APP_ID,
        "WMS_TEAMS_APP_PASSWORD": "a-test-secret-of-some-length",
        "WMS_TEAMS_TENANT_ID": TENANT,
        "WMS_TEAMS_HOST": "127.0.0.1",
        "WMS_TEAMS_PORT": "0",
        "WMS_TEAMS_OPENID_URL": connector.openid_url,
        "WMS_TEAMS_AUTHORITY": connector.url,
    }
    env.update(extra)
    return Settings.from_env(env)


@pytest_asyncio.fixture
async def bot(connector: StandInConnector, services: Any) -> AsyncIterator[WebServer]:
    server = await start_web(_settings(connector), _runtime(services), services.engine)
    yield server
    await server.close()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make(connector: StandInConnector) -> ActivityFactory:
    return ActivityFactory(connector.service_url, tenant_id=TENANT)


async def post(http: aiohttp.ClientSession, bot: WebServer, body: Any, token: str | None, raw: bytes | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else json.dumps(body).encode()
    async with http.post(f"{bot.url}/api/messages", data=data, headers=headers) as resp:
        payload = await resp.text()
        return resp.status, (json.loads(payload) if payload else None)


def reservations_for(services: Any, body: dict[str, Any]) -> int:
    """Reservations caused by this activity (the dialog keys them by the channel message id)."""
    key = f"teams:{message_id_of(body)}"
    with services.engine.connect() as conn:
        return conn.execute(sql("SELECT count(*) FROM reservations WHERE source_message_id = :k"), {"k": key}).scalar_one()


def table_counts(services: Any) -> tuple[int, int, int]:
    with services.engine.connect() as conn:
        return (
            conn.execute(sql("SELECT count(*) FROM reservations")).scalar_one(),
            conn.execute(sql("SELECT count(*) FROM people")).scalar_one(),
            conn.execute(sql("SELECT count(*) FROM handled_messages")).scalar_one(),
        )


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    [attachment] = [a for a in activity["attachments"] if a["contentType"] == "application/vnd.microsoft.card.adaptive"]
    return attachment["content"]


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]


# --- conversations ----------------------------------------------------------------------


async def test_personal_dutch_message_books_and_replies_in_dutch(bot, connector, http, make, services, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    body = make.personal("boek morgen een plek op de Turfmarkt", user="aad-nl-1", locale="nl-NL")
    status, _ = await post(http, bot, body, connector.token(APP_ID))
    assert status == 200
    reply = await connector.next()
    assert reply.reply_to_id == body["id"]
    assert reply.conversation_id == body["conversation"]["id"]
    assert connector.authorized(reply), "the reply must carry the bot's own token"
    card = card_of(reply.activity)
    assert card["version"] == "1.5"
    assert "Geboekt" in card["fallbackText"] and "dinsdag 24 november" in card["fallbackText"]
    assert [b["title"] for b in buttons(card)] == ["Ongedaan maken"]
    assert reservations_for(services, body) == 2  # morning and afternoon
    logged = caplog.text
    for secret in ("aad-nl-1", "Turfmarkt", "Display Name", body["conversation"]["id"]):
        assert secret not in logged


async def test_channel_mention_answered_in_the_thread_in_english(bot, connector, http, make, services) -> None:
    body = make.channel("book a desk at Turfmarkt on Friday", user="aad-en-1", locale="en-US", thread="1700000000777")
    status, _ = await post(http, bot, body, connector.token(APP_ID))
    assert status == 200
    reply = await connector.next()
    assert reply.conversation_id == body["conversation"]["id"]
    assert reply.conversation_id.endswith(";messageid=1700000000777")
    assert reply.reply_to_id == body["id"]
    assert "Booked" in card_of(reply.activity)["fallbackText"]
    assert reservations_for(services, body) == 2


async def test_channel_message_without_mention_is_not_answered(bot, connector, http, make) -> None:
    body = make.channel("book a desk at Turfmarkt on Friday", mention=False)
    assert (await post(http, bot, body, connector.token(APP_ID)))[0] == 200
    assert connector.all_received == []


async def test_card_button_updates_the_card_through_the_dialog(bot, connector, http, make, services) -> None:
    user = "aad-card-1"
    body = make.personal("book a desk in Den Haag on Thursday", user=user, locale="en-US")
    await post(http, bot, body, connector.token(APP_ID))
    question = card_of((await connector.next()).activity)
    choice = next(b for b in buttons(question) if b["title"] == "Parnassusplein 5")
    invoke = make.card_action(choice["data"], user=user, locale="en-US")
    status, response = await post(http, bot, invoke, connector.token(APP_ID))
    assert status == 200
    assert response["statusCode"] == 200
    assert response["type"] == "application/vnd.microsoft.card.adaptive"
    updated = response["value"]
    assert isinstance(updated, dict) and updated["type"] == "AdaptiveCard"
    assert "Parnassusplein 5" in updated["fallbackText"] and "Booked" in updated["fallbackText"]
    assert "Parnassusplein 5" not in [b["title"] for b in buttons(updated)]  # the question's buttons are gone
    assert reservations_for(services, invoke) == 2
    assert connector.all_received[1:] == []  # the card update is the answer; no extra message

    # The same invoke delivered again gets the same card and books nothing more.
    status, again = await post(http, bot, invoke, connector.token(APP_ID))
    assert (status, again) == (200, response)
    assert reservations_for(services, invoke) == 2


async def test_tampered_card_data_gets_a_clear_card(bot, connector, http, make, services) -> None:
    before = table_counts(services)
    for data in ({"u": "book a desk on Friday", "m": "forged"}, "junk", None, {"u": ["x"]}):
        invoke = make.card_action(data, user="aad-tamper")
        status, response = await post(http, bot, invoke, connector.token(APP_ID))
        assert status == 200
        assert response["type"] == "application/vnd.microsoft.card.adaptive"
        assert "knop" in response["value"]["fallbackText"]
    wrong_verb = make.card_action({"u": "x", "m": "y"}, verb="other.verb")
    status, response = await post(http, bot, wrong_verb, connector.token(APP_ID))
    assert status == 200 and "knop" in response["value"]["fallbackText"]
    assert table_counts(services)[:2] == before[:2]
    assert connector.all_received == []


async def test_install_gives_the_welcome_with_privacy_line_in_the_users_locale(bot, connector, http, make) -> None:
    status, _ = await post(http, bot, make.install(user="aad-new-1", locale="en-GB"), connector.token(APP_ID))
    assert status == 200
    reply = await connector.next()
    assert "Privacy" in reply.activity["text"] and "wms-bot" in reply.activity["text"]
    status, _ = await post(http, bot, make.install(user="aad-new-2", locale="nl-NL"), connector.token(APP_ID))
    assert "bewaar" in (await connector.next()).activity["text"]


async def test_duplicate_activity_books_once_and_answers_once(bot, connector, http, make, services) -> None:
    body = make.personal("boek donderdag een plek op de Turfmarkt", user="aad-dup-1")
    token = connector.token(APP_ID)
    results = await asyncio.gather(*(post(http, bot, body, token) for _ in range(3)))
    assert [status for status, _ in results] == [200, 200, 200]
    first = await connector.next()
    assert "Geboekt" in card_of(first.activity)["fallbackText"]
    assert reservations_for(services, body) == 2
    # Later re-delivery (Teams retries after ~15 s): still one booking, no second answer.
    assert (await post(http, bot, body, token))[0] == 200
    assert reservations_for(services, body) == 2
    assert len(connector.all_received) == 1


async def test_redelivery_after_restart_books_once_and_answers_consistently(connector, http, make, services) -> None:
    body = make.personal("boek woensdag een plek op de Turfmarkt", user="aad-dup-2")
    token = connector.token(APP_ID)
    texts = []
    for _ in range(2):  # two server lifetimes: no in-process memory survives
        server = await start_web(_settings(connector), _runtime(services), services.engine)
        try:
            assert (await post(http, server, body, token))[0] == 200
            # Replies are sent before the HTTP answer, so whatever was sent is queued now.
            texts.extend(card_of(r.activity)["fallbackText"] for r in connector.drain())
        finally:
            await server.close()
    # The first delivery is answered; a re-delivery after a restart is answered the same
    # way, or not again when the runtime marks its replies as replayed.
    assert 1 <= len(texts) <= 2 and len(set(texts)) == 1 and "Geboekt" in texts[0]
    assert reservations_for(services, body) == 2


# --- authentication ---------------------------------------------------------------------

FORGERIES = {
    "alg none": lambda c, s: c.token(APP_ID, alg="none"),
    "wrong audience": lambda c, s: c.token(APP_ID, audience="some-other-bot"),
    "wrong issuer": lambda c, s: c.token(APP_ID, issuer="https://evil.example"),
    "expired": lambda c, s: c.token(APP_ID, expires_in=-3600),
    "unknown key id": lambda c, s: c.token(APP_ID, kid="unknown-kid"),
    "signed by another key": lambda c, s: c.token(APP_ID, other_key=True),
    "flipped signature bit": lambda c, s: c.flip_signature_bit(c.token(APP_ID)),
    "HS256 signed with the public key": lambda c, s: c.token_hs256_with_public_key(APP_ID),
    "mismatching serviceUrl": lambda c, s: c.token(APP_ID, service_url="https://smba.trafficmanager.net/emea/"),
    "garbage": lambda c, s: "not-a-jwt",
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
async def test_forged_tokens_are_refused_without_effect(forgery, bot, connector, http, make, services) -> None:
    before = table_counts(services)
    body = make.personal("boek vrijdag een plek op de Turfmarkt", user="aad-forged")
    status, response = await post(http, bot, body, FORGERIES[forgery](connector, services))
    assert status == 401
    assert response == {"error": "unauthorized"}
    assert connector.all_received == []
    assert table_counts(services) == before


async def test_other_tenant_and_missing_authorization(bot, connector, http, make, services) -> None:
    before = table_counts(services)
    other = ActivityFactory(connector.service_url, tenant_id="tenant-b")
    assert (await post(http, bot, other.personal("boek vrijdag een plek op de Turfmarkt"), connector.token(APP_ID)))[0] == 401
    body = make.personal("boek vrijdag een plek op de Turfmarkt")
    assert (await post(http, bot, body, None))[0] == 401
    async with http.post(f"{bot.url}/api/messages", json=body, headers={"Authorization": "Basic abc"}) as resp:
        assert resp.status == 401
    assert connector.all_received == [] and table_counts(services) == before


# --- bad input --------------------------------------------------------------------------


async def test_bad_requests_get_proper_statuses(bot, connector, http, make, services, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    token = connector.token(APP_ID)
    before = table_counts(services)
    big = b'{"type": "message", "text": "' + b"a" * (1024 * 1024) + b'"}'
    assert (await post(http, bot, None, token, raw=big))[0] == 413
    assert (await post(http, bot, None, token, raw=b"{not json"))[0] == 400
    assert (await post(http, bot, None, token, raw=b"\xff\xfe"))[0] == 400
    assert (await post(http, bot, None, token, raw=b"[" * 100_000))[0] == 400
    status, response = await post(http, bot, {"type": "message"}, token)
    assert status == 400 and "conversation.id" in response["error"]
    wrong = make.personal("hoi")
    wrong["text"] = {"nested": True}
    assert (await post(http, bot, wrong, token))[0] == 400
    wrong = make.personal("hoi")
    wrong["recipient"] = {"id": "28:bot-app-id", "role": {"x": 1}}  # a type only the SDK's schema checks
    assert (await post(http, bot, wrong, token))[0] == 400
    unknown = make.personal("hoi")
    unknown["type"] = "somethingNew"
    assert (await post(http, bot, unknown, token))[0] == 200
    typing = make.personal("")
    typing["type"] = "typing"
    assert (await post(http, bot, typing, token))[0] == 200
    assert connector.all_received == []
    assert table_counts(services)[:2] == before[:2]
    assert "hoi" not in caplog.text and "aad-user" not in caplog.text and "Traceback" not in caplog.text


async def test_huge_text_gets_a_short_reply(bot, connector, http, make) -> None:
    status, _ = await post(http, bot, make.personal("boek " * 5000, user="aad-long"), connector.token(APP_ID))
    assert status == 200
    reply = await connector.next()
    assert len(reply.activity.get("text") or card_of(reply.activity)["fallbackText"]) < 1000


async def test_health_and_readiness(bot, http) -> None:
    async with http.get(f"{bot.url}/healthz") as resp:
        assert resp.status == 200
    async with http.get(f"{bot.url}/readyz") as resp:
        assert resp.status == 200 and (await resp.json())["status"] == "ready"


# --- proactive --------------------------------------------------------------------------


async def test_proactive_message_to_a_stored_conversation_with_429(bot, connector, http, make) -> None:
    body = make.personal("mijn reserveringen", user="aad-pro-1")
    await post(http, bot, body, connector.token(APP_ID))
    await connector.next()
    connector.failures.append(Failure(429, retry_after="0"))
    result = await bot.teams.send_proactive([Reply(text="Herinnering: morgen heb je een plek.")], user_key=f"teams:{TENANT}:aad-pro-1")
    assert result.ok and result.sent == 1
    received = await connector.next()
    assert received.reply_to_id is None and received.conversation_id == body["conversation"]["id"]
    assert received.activity["text"] == "Herinnering: morgen heb je een plek."
    assert connector.authorized(received)
    assert len(connector.all_received) == 3  # reply, throttled attempt, delivered retry
    unknown = await bot.teams.send_proactive([Reply(text="x")], user_key="teams:tenant-a:nobody")
    assert not unknown.ok and unknown.last_status == 404


async def test_anonymous_development_mode_only_on_loopback(connector, services, make, http) -> None:
    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="WMS_TEAMS_ANONYMOUS"):
        await start_web(_settings(connector, WMS_TEAMS_ANONYMOUS="1", WMS_TEAMS_HOST="0.0.0.0"), _runtime(services))
    server = await start_web(_settings(connector, WMS_TEAMS_ANONYMOUS="1"), _runtime(services))
    try:
        status, _ = await post(http, server, make.personal("hallo", user="aad-anon"), None)
        assert status == 200
        reply = await connector.next()
        assert reply.authorization is None  # no credentials in anonymous mode
    finally:
        await server.close()


async def test_channel_roster_reaches_the_dialog_as_stable_ids(connector, http, make, services) -> None:
    seen: list[Any] = []
    runtime = _runtime(services)

    class Recording(type(runtime)):  # type: ignore[misc]
        async def handle(self, message):  # type: ignore[no-untyped-def]
            seen.append(message)
            return await super().handle(message)

    recording = Recording(runtime.dialog, runtime.messages, clock=lambda: NOW)
    connector.members["19:channel-general@thread.tacv2"] = ["AAD-M1", "aad-m2"]
    server = await start_web(_settings(connector), recording, services.engine)
    try:
        for thread in ("1700000000901", "1700000000902"):
            body = make.channel("wie van mijn team is er donderdag?", user="aad-m1", thread=thread)
            assert (await post(http, server, body, connector.token(APP_ID)))[0] == 200
            await connector.next()
    finally:
        await server.close()
    assert [m.room_members for m in seen] == [(f"{TENANT}:aad-m1", f"{TENANT}:aad-m2")] * 2
    assert connector.member_requests == 1  # cached per conversation


async def test_replayed_replies_are_not_sent_twice(connector, http, make, services) -> None:
    from core.messages import Handler

    class Replaying(Handler):
        async def handle(self, message):  # type: ignore[no-untyped-def]
            return [Reply(text="Geboekt", meta={"replayed": True})]

    server = await start_web(_settings(connector), Replaying(), services.engine)
    try:
        assert (await post(http, server, make.personal("boek", user="aad-replay"), connector.token(APP_ID)))[0] == 200
    finally:
        await server.close()
    assert connector.all_received == []


async def test_large_export_is_offered_as_a_file_and_uploaded_on_accept(connector, http, make, services) -> None:
    from core.messages import Attachment, Handler

    export = b'{"reservations": [' + b'{"day": "2026-11-24"},' * 5000 + b"{}]}"

    class Exporting(Handler):
        async def handle(self, message):  # type: ignore[no-untyped-def]
            return [Reply(text="Hier zijn je gegevens.", attachments=(Attachment("export.json", "application/json", export),))]

    server = await start_web(_settings(connector), Exporting(), services.engine)
    try:
        token = connector.token(APP_ID)
        await post(http, server, make.personal("exporteer mijn gegevens", user="aad-exp"), token)
        assert (await connector.next()).activity["text"] == "Hier zijn je gegevens."
        offer = (await connector.next()).activity["attachments"][0]
        assert offer["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
        assert offer["content"]["sizeInBytes"] == len(export)
        consent_token = offer["content"]["acceptContext"]["t"]

        # Someone else cannot take it.
        status, _ = await post(http, server, make.file_consent(consent_token, True, f"{connector.url}/upload/x", user="aad-other"), token)
        assert status == 200 and "niet meer beschikbaar" in (await connector.next()).activity["text"]

        status, _ = await post(http, server, make.file_consent(consent_token, True, f"{connector.url}/upload/export.json", user="aad-exp"), token)
        assert status == 200
        data, content_range = connector.uploads["export.json"]
        assert data == export and content_range == f"bytes 0-{len(export) - 1}/{len(export)}"
        info = (await connector.next()).activity["attachments"][0]
        assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"

        # Accepted once: the bot kept nothing, a second accept finds nothing.
        await post(http, server, make.file_consent(consent_token, True, f"{connector.url}/upload/again", user="aad-exp"), token)
        assert "niet meer beschikbaar" in (await connector.next()).activity["text"]
        assert "again" not in connector.uploads
    finally:
        await server.close()


async def test_throttled_reply_is_retried_after_retry_after(bot, connector, http, make) -> None:
    connector.failures.append(Failure(429, retry_after="0"))
    assert (await post(http, bot, make.personal("mijn reserveringen", user="aad-429"), connector.token(APP_ID)))[0] == 200
    reply = await connector.next()
    assert reply.reply_to_id is not None
    assert len(connector.all_received) == 2  # the throttled attempt and the delivered retry


async def test_same_activity_at_two_instances_books_once(connector, http, make, services) -> None:
    first = await start_web(_settings(connector), _runtime(services), services.engine)
    second = await start_web(_settings(connector), _runtime(services), services.engine)
    try:
        body = make.personal("boek vrijdag een plek op de Turfmarkt", user="aad-two")
        token = connector.token(APP_ID)
        statuses = await asyncio.gather(post(http, first, body, token), post(http, second, body, token))
        assert [s for s, _ in statuses] == [200, 200]
        texts = {card_of(r.activity)["fallbackText"] for r in connector.drain()}
        assert len(texts) == 1 and "Geboekt" in texts.pop()  # one answer, maybe delivered by both
        assert reservations_for(services, body) == 2
    finally:
        await first.close()
        await second.close()


async def test_erasure_also_drops_the_conversation_reference(connector, http, make, services) -> None:
    """After "verwijder al mijn gegevens" + "ja" nothing channel-side keeps the user's key:
    the stored conversation reference is gone, so no proactive message can reach them."""
    from bot.assembly import build_runtime

    server = await start_web(_settings(connector), build_runtime(services, clock=lambda: NOW), services.engine)
    user, key = "aad-erase-1", f"teams:{TENANT}:aad-erase-1"
    try:
        token = connector.token(APP_ID)
        await post(http, server, make.personal("boek morgen een plek op de Turfmarkt", user=user, locale="nl-NL"), token)
        await connector.next()
        assert server.teams.references.for_user(key) is not None
        await post(http, server, make.personal("verwijder al mijn gegevens", user=user, locale="nl-NL"), token)
        await connector.next()
        status, _ = await post(http, server, make.personal("ja", user=user, locale="nl-NL"), token)
        assert status == 200
        done = await connector.next()
        assert "verwijderd" in json.dumps(done.activity, ensure_ascii=False)
        assert server.teams.references.for_user(key) is None
        result = await server.teams.send_proactive([Reply(text="x")], user_key=key)
        assert not result.ok and result.last_status == 404
    finally:
        await server.close()

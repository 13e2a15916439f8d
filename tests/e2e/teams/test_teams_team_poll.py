"""The team-day poll in a Teams channel, through the Bot Framework protocol on loopback.

Real aiohttp endpoint, real Runtime + dialog with the team parts, SQLite store, and the local
stand-in Bot Connector (tokens, roster, replies). The lead asks for a team day in the channel
(the roster is the team), starts a poll (an Adaptive Card with one Action.Execute button per
day), members vote with a button and by typing, a vote after the deadline is refused, the
poll is closed by the team job, the cluster is booked and every member is told proactively.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Iterator

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import text as sql

from adapters.store.teams import SqlTeamStore
from adapters.teams.standin import ActivityFactory, StandInConnector
from bot.commands.serve import WebServer, start_web
from bot.settings import Settings
from bot.team_chat import TeamSettings, team_dialog_parts
from bot.team_jobs import deliver, team_tick

APP_ID = "00000000-1111-2222-3333-444444444444"
TENANT = "tenant-a"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday
CHANNEL = "19:channel-general@thread.tacv2"
PEOPLE = ("aad-lead", "aad-sanne", "aad-jan")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from bot.bootstrap import bootstrap

    services = bootstrap(Settings.from_env({"WMS_DATA_DIR": str(tmp_path_factory.mktemp("teams-poll"))}))
    yield services
    services.dispose()


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[StandInConnector]:
    standin = await StandInConnector(tenant_id=TENANT).start()
    standin.members[CHANNEL] = list(PEOPLE)
    yield standin
    await standin.close()


@pytest_asyncio.fixture
async def bot(connector: StandInConnector, services: Any) -> AsyncIterator[WebServer]:
    from bot.runtime import Runtime
    from core.dialog.engine import Dialog

    settings = Settings.from_env({
        "WMS_TEAMS_APP_ID": APP_ID, "WMS_TEAMS_APP_PASSWORD": "a-test-secret-of-some-length",
        "WMS_TEAMS_TENANT_ID": TENANT, "WMS_TEAMS_HOST": "127.0.0.1", "WMS_TEAMS_PORT": "0",
        "WMS_TEAMS_OPENID_URL": connector.openid_url, "WMS_TEAMS_AUTHORITY": connector.url,
    })
    runtime = Runtime(Dialog(services.booking, services.conversations, **team_dialog_parts(services)),
                      services.messages, clock=lambda: NOW)
    server = await start_web(settings, runtime, services.engine)
    yield server
    await server.close()


async def post(http: aiohttp.ClientSession, bot: WebServer, body: Any, token: str) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    async with http.post(f"{bot.url}/api/messages", data=json.dumps(body).encode(), headers=headers) as resp:
        payload = await resp.text()
        return resp.status, (json.loads(payload) if payload else None)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    [a] = [a for a in activity["attachments"] if a["contentType"] == "application/vnd.microsoft.card.adaptive"]
    return a["content"]


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]


async def test_team_day_poll_in_a_channel(bot, connector, services) -> None:
    make = ActivityFactory(connector.service_url, tenant_id=TENANT)
    token = connector.token(APP_ID)
    async with aiohttp.ClientSession() as http:
        for user in PEOPLE:  # everyone has talked to the bot once (personal chat: the proactive reference)
            assert (await post(http, bot, make.personal("hello", user=user, locale="en-GB"), token))[0] == 200
            await connector.next()
        ask = make.channel("plan a team day next week at Turfmarkt", user="aad-lead", locale="en-GB")
        assert (await post(http, bot, ask, token))[0] == 200
        days = card_of((await connector.next()).activity)
        assert "Days for your team (3 people) at Turfmarkt 147" in days["fallbackText"]
        poll_button = next(b for b in buttons(days) if b["title"] == "Poll the team")
        status, response = await post(http, bot, make.card_action(poll_button["data"], user="aad-lead",
                                                                   locale="en-GB", conversation=ask["conversation"]["id"]),
                                      token)
        assert status == 200
        poll = response["value"]
        assert "Poll: which day do we sit together at Turfmarkt 147?" in poll["fallbackText"]
        votes = buttons(poll)
        assert [b["data"]["u"] for b in votes] == [f"vote {i}" for i in range(1, len(votes) + 1)]
        # sanne votes with the card's second button in the channel, jan types his vote
        status, voted = await post(http, bot, make.card_action(votes[1]["data"], user="aad-sanne", locale="en-GB",
                                                               conversation=ask["conversation"]["id"]), token)
        assert status == 200 and "Your vote for" in voted["value"]["fallbackText"]
        jan = make.channel("vote 2", user="aad-jan", locale="en-GB")
        assert (await post(http, bot, jan, token))[0] == 200
        answer = (await connector.next()).activity
        assert "Your vote for" in (card_of(answer)["fallbackText"] if answer.get("attachments") else answer["text"])

    store = SqlTeamStore(services.engine)
    later = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)
    report = team_tick(store, services.booking, TeamSettings(), later, lang="en")
    assert report.polls_closed == 1
    people = store.person_ids(f"teams:{TENANT}:{p}" for p in PEOPLE)
    sanne = people[f"teams:{TENANT}:aad-sanne"]
    closed = store.poll_for(sanne)
    assert closed is not None and closed.status == "booked" and closed.votes[sanne] == 1
    assert not store.vote(closed.id, sanne, 0, later)  # closed: a late vote changes nothing

    async def send(user_key: str, replies: list) -> bool:
        result = await bot.teams.send_proactive(replies, user_key=user_key)
        return result.ok

    connector.drain()
    sent = await deliver(store, report, send, later)
    assert sent == 5  # 2 poll invitations + 3 outcomes (lead, sanne, jan), all in personal chats
    told = [card_of(r.activity)["fallbackText"] if r.activity.get("attachments") else r.activity.get("text", "")
            for r in connector.drain()]
    assert sum("The poll is closed: the team sits together at Turfmarkt 147" in t for t in told) == 3
    assert sum("asks which day the team sits together" in t for t in told) == 2
    with services.engine.connect() as conn:
        booked = conn.execute(sql("SELECT count(DISTINCT desk_id) FROM reservations WHERE building_id = 'turfmarkt-147' "
                                  "AND status = 'active'")).scalar_one()
    assert booked == 3

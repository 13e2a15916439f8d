"""The team-day poll in a Matrix room on the real Synapse (issue 7).

A bot with the team parts wired (as ``wms-bot serve`` will) runs next to the suite's bot.
Three people talk to it once in a direct room; in their team room the lead asks for a team
day (the room's members are the team), picks "poll the team" with a reaction, one member votes
with a keycap reaction on the poll and another by typing "vote 2" (numbered options); the team job closes the
poll, books the cluster and tells everyone in their direct room. Every wait is on an event
seen by a test user's client; nothing sleeps.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

import pytest
import pytest_asyncio
from matrix_support import BotRunner, bot_settings
from sqlalchemy import text as sql

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def teambot(world, tmp_path):
    from bot.bootstrap import bootstrap
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.team_chat import team_dialog_parts
    from core.dialog.engine import Dialog

    password = secrets.token_hex(8)
    localpart = f"teambot{secrets.token_hex(2)}"
    reg = await world.synapse.register(localpart, password)
    await world.synapse.exempt_from_rate_limits(world.admin_token, reg["user_id"])
    work = tmp_path / "teambot"
    work.mkdir()
    services = bootstrap(Settings.from_env({"WMS_DATA_DIR": str(work),
                                            "WMS_DATABASE_URL": f"sqlite:///{work / 'wms.sqlite3'}"}))
    runtime = Runtime(Dialog(services.booking, services.conversations, **team_dialog_parts(services)),
                      services.messages)
    runner = BotRunner(bot_settings(world.synapse, work, localpart, password), runtime, services.engine)
    await runner.start()
    try:
        yield runner, services
    finally:
        await runner.stop()
        services.dispose()


async def _say(user, room: str, bot: str, text: str) -> str:
    """A message that mentions the bot (its name as a pill, as Element sends it)."""
    name = bot.split(":")[0].lstrip("@")
    pill = f'<a href="https://matrix.to/#/{bot}">{name}</a>: {text}'
    return await user.say(room, f"{name}: {text}", format="org.matrix.custom.html", formatted_body=pill,
                          **{"m.mentions": {"user_ids": [bot]}})


async def test_team_day_poll_in_a_matrix_room(world, teambot):
    from adapters.matrix.render import KEYCAPS
    from adapters.store.teams import SqlTeamStore
    from bot.team_chat import TeamSettings
    from bot.team_jobs import deliver, team_tick

    runner, services = teambot
    bot = runner.user_id
    lead, sanne, jan = await world.user("lead"), await world.user("sanne"), await world.user("jan")
    dms = {}
    for u in (lead, sanne, jan):  # everyone has talked to the bot once
        dms[u.user_id] = await u.dm(bot)
        await u.reply_to(await u.say(dms[u.user_id], "hello"))
    room = (await lead.client.room_create(invite=[bot, sanne.user_id, jan.user_id], name="Team")).room_id
    await lead.joined(room, bot)
    for u in (sanne, jan):
        await u.client.join(room)
        await lead.joined(room, u.user_id)

    ask = await _say(lead, room, bot, "plan a team day next week at Turfmarkt")
    days = await lead.reply_to(ask)
    body = days.content["body"]
    assert "Days for your team (3 people) at Turfmarkt 147" in body, body
    (index,) = [int(line.split(".")[0]) for line in body.splitlines() if line.endswith("Poll the team")]
    await lead.react(room, days.source["event_id"], KEYCAPS[index - 1])
    poll = await lead.wait_for(lambda s: s.source.get("type") == "m.room.message"
                               and s.source.get("sender") == bot and "Poll: which day" in s.content.get("body", ""))
    poll_id = poll.source["event_id"]
    options = [line for line in poll.content["body"].splitlines() if line[:1].isdigit()]
    assert len(options) >= 2

    # Sanne votes by reaction on the poll (any room member may: the poll reply is marked
    # answerable_by=room), Jan by typing "vote 2".
    await sanne.react(room, poll_id, KEYCAPS[1])
    voted = await sanne.wait_for(lambda s: s.room_id == room and s.source.get("type") == "m.room.message"
                                 and s.source.get("sender") == bot
                                 and sanne.user_id in s.content.get("m.mentions", {}).get("user_ids", [])
                                 and "Your vote for" in s.content.get("body", ""))
    assert "Your vote for" in voted.content["body"]
    typed = await _say(jan, room, bot, "vote 2")
    assert "Your vote for" in (await jan.reply_to(typed)).content["body"]

    store = SqlTeamStore(services.engine)
    with services.engine.connect() as conn:
        assert conn.execute(sql("SELECT count(*) FROM team_poll_votes WHERE option = 1")).scalar_one() == 2
    later = datetime.now(timezone.utc) + timedelta(days=2)
    late = await _say(jan, room, bot, "vote 1")
    assert "Your vote for" in (await jan.reply_to(late)).content["body"]  # still open: a vote may change
    report = team_tick(store, services.booking, TeamSettings(), later, lang="en")
    assert report.polls_closed == 1

    async def send(user_key: str, replies: list) -> bool:
        ok = True
        for i, r in enumerate(replies):
            ok = await runner.channel.send_to_user(user_key.split(":", 1)[1], r, f"t{secrets.token_hex(4)}{i}") is not None and ok
        return ok

    assert await deliver(store, report, send, later) == len(report.outgoing)
    for u in (lead, sanne, jan):
        told = await u.wait_for(lambda s: s.room_id == dms[u.user_id]
                                and "The poll is closed: the team sits together at Turfmarkt 147" in s.content.get("body", ""))
        assert "Your desk:" in told.content["body"]
    with services.engine.connect() as conn:
        booked = conn.execute(sql("SELECT count(DISTINCT desk_id) FROM reservations WHERE building_id = 'turfmarkt-147' "
                                  "AND status = 'active'")).scalar_one()
    assert booked == 3
    after = await _say(jan, room, bot, "vote 1")
    assert "This poll is closed" in (await jan.reply_to(after)).content["body"]

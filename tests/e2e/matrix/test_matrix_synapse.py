"""The Matrix bot against a real Synapse (started by the suite), with the real Runtime.

Every wait is on an event seen by a test user's client (asyncio condition with a timeout);
nothing sleeps and polls.
"""

from __future__ import annotations

import asyncio

import pytest

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


def _is_notice_reply(s, event_id):
    return s.source.get("type") == "m.room.message" and s.in_reply_to == event_id


@pytest.mark.parametrize(
    "encrypted, text, booked",
    [
        (False, "boek dinsdag een bureau op de Turfmarkt", "Geboekt"),
        (False, "book a desk at Turfmarkt on Wednesday", "Booked"),
        (True, "boek donderdag een bureau op de Turfmarkt", "Geboekt"),
        (True, "book a desk at Turfmarkt on Thursday", "Booked"),
    ],
    ids=["plain-nl", "plain-en", "encrypted-nl", "encrypted-en"],
)
async def test_dm_booking(world, encrypted, text, booked):
    user = await world.user("anna")
    room = await user.dm(world.bot.user_id, encrypted=encrypted)
    event_id = await user.say(room, text)
    reply = await user.reply_to(event_id)
    assert reply.content["msgtype"] == "m.notice"
    assert booked in reply.content["body"], reply.content["body"]
    assert reply.content["format"] == "org.matrix.custom.html" and reply.content["formatted_body"]
    assert reply.source["sender"] == world.bot.user_id
    if encrypted:
        assert reply.source.get("type") == "m.room.message"  # it was decrypted by the user's client


def _distinct(replies):
    """Replies by event id (a client may see an event twice); their bodies."""
    by_id = {s.source["event_id"]: s.content.get("body") for s in replies}
    return list(by_id.values())


async def test_group_room_answers_only_when_mentioned_and_in_thread(world):
    anna = await world.user("anna")
    bob = await world.user("bob")
    bot = world.bot.user_id
    resp = await anna.client.room_create(invite=[bot, bob.user_id], name="Team")
    room = resp.room_id
    await anna.joined(room, bot)
    await bob.client.join(room)
    await anna.joined(room, bob.user_id)
    quiet = await anna.say(room, "boek dinsdag een bureau op de Turfmarkt")
    pill = f'<a href="https://matrix.to/#/{bot}">wmsbot</a>: boek dinsdag een bureau op de Turfmarkt'
    loud = await anna.say(
        room, "wmsbot: boek dinsdag een bureau op de Turfmarkt",
        format="org.matrix.custom.html", formatted_body=pill, **{"m.mentions": {"user_ids": [bot]}},
    )
    reply = await anna.reply_to(loud)
    assert reply.content["msgtype"] == "m.notice"
    assert reply.content["m.mentions"] == {"user_ids": [anna.user_id]}
    assert anna.replies_to(quiet) == []  # same room, handled in order: the quiet one was skipped
    # A mention inside a thread is answered in that thread; a follow-up there needs no mention.
    thread = {"rel_type": "m.thread", "event_id": quiet, "is_falling_back": True, "m.in_reply_to": {"event_id": quiet}}
    in_thread = await anna.say(room, "wmsbot: toon mijn reserveringen", **{"m.relates_to": thread, "m.mentions": {"user_ids": [bot]}})
    t_reply = await anna.reply_to(in_thread)
    assert t_reply.content["m.relates_to"]["rel_type"] == "m.thread"
    assert t_reply.content["m.relates_to"]["event_id"] == quiet
    follow = await anna.say(room, "help", **{"m.relates_to": thread})
    f_reply = await anna.reply_to(follow)
    assert f_reply.content["m.relates_to"]["event_id"] == quiet
    # Bob talking to Anna outside the thread: not for the bot.
    chatter = await bob.say(room, "koffie?")
    barrier = await anna.say(room, "wmsbot: help", **{"m.mentions": {"user_ids": [bot]}})
    await anna.reply_to(barrier)
    assert anna.replies_to(chatter) == []


async def test_answer_by_reaction(world):
    from adapters.matrix.render import KEYCAPS

    user = await world.user("rea")
    room = await user.dm(world.bot.user_id)
    ask = await user.say(room, "reserveer vrijdag een bureau")
    prompt = await user.reply_to(ask)
    lines = prompt.content["body"].splitlines()
    (index,) = [int(line.split(".")[0]) for line in lines if line[:2].rstrip(".").isdigit() and "Turfmarkt" in line]
    key = KEYCAPS[index - 1]
    prompt_id = prompt.source["event_id"]
    await user.wait_for(
        lambda s: s.source.get("type") == "m.reaction" and s.source.get("sender") == world.bot.user_id
        and s.content.get("m.relates_to", {}).get("event_id") == prompt_id and s.content["m.relates_to"].get("key") == key
    )
    await user.react(room, prompt_id, key)
    done = await user.wait_for(
        lambda s: s.source.get("type") == "m.room.message" and s.in_reply_to == ask and s.source["event_id"] != prompt_id
    )
    assert "Geboekt" in done.content["body"], done.content["body"]


async def test_undecryptable_message_gets_a_clear_answer(world):
    user = await world.user("enc")
    room = await user.dm(world.bot.user_id, encrypted=True)
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgAEnB0aGlzIGlzIG5vdCBhIHJlYWwgbWVnb2xtIG1lc3NhZ2U",
        "device_id": user.client.device_id,
        "sender_key": user.client.olm.account.identity_keys["curve25519"],
        "session_id": "c2Vzc2lvbi10aGF0LW5ldmVyLXdhcy1zaGFyZWQtd2l0aC1ib3Q",
    }
    status, data = await world.synapse.request(
        "PUT", f"/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/undecryptable1", user.client.access_token, content
    )
    assert status == 200
    reply = await user.reply_to(data["event_id"])
    assert "kon je bericht niet lezen" in reply.content["body"] or "could not read" in reply.content["body"]


async def test_bad_input_never_stops_the_loop(world):
    user = await world.user("bad")
    room = await user.dm(world.bot.user_id)
    token = user.client.access_token
    weird = [
        ("org.example.unknown", {"x": 1}),
        ("m.room.message", {"msgtype": "m.text", "body": 12345}),
        ("m.room.message", {"msgtype": "m.text"}),
        ("m.reaction", {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$nope", "key": "1"}}),
    ]
    weird_ids = []
    for i, (etype, content) in enumerate(weird):
        status, data = await world.synapse.request("PUT", f"/_matrix/client/v3/rooms/{room}/send/{etype}/bad{i}", token, content)
        if status == 200:  # Synapse refuses some shapes itself; the rest reach the bot
            weird_ids.append(data["event_id"])
    assert weird_ids
    huge = await user.say(room, "boek " + "x" * 20_000)
    html = await user.say(room, "<script>alert(1)</script><b>boek</b> dinsdag")
    barrier = await user.say(room, "help")
    await user.reply_to(barrier)
    huge_reply = await user.reply_to(huge)
    assert huge_reply.content["body"]
    html_reply = await user.reply_to(html)
    assert "<script" not in html_reply.content["formatted_body"]
    assert all(user.replies_to(e) == [] for e in weird_ids)


async def test_bot_publishes_cross_signing_and_signs_its_device(world):
    from adapters.matrix.crosssign import device_is_cross_signed

    user = await world.user("xs")
    bot = world.bot.user_id
    status, data = await world.synapse.request("POST", "/_matrix/client/v3/keys/query", user.client.access_token, {"device_keys": {bot: []}})
    assert status == 200
    assert device_is_cross_signed(data, bot, world.bot.channel.client.device_id)


async def test_invite_from_a_server_not_allowed_is_ignored(world, tmp_path):
    from matrix_support import BotRunner, bot_settings

    from core.messages import Handler

    class Silent(Handler):
        async def handle(self, message):
            raise AssertionError("must not be called")

    password = "strict-password-1"
    await world.synapse.register("strictbot", password)
    settings = bot_settings(world.synapse, tmp_path, "strictbot", password, WMS_MATRIX_ALLOWED_SERVERS="elsewhere.example")
    from sqlalchemy import create_engine

    runner = BotRunner(settings, Silent(), create_engine(f"sqlite:///{tmp_path / 'strict.sqlite3'}"))
    await runner.start()
    try:
        invited: set[str] = set()
        changed = asyncio.Condition()

        def observe(sync):
            # Registered before the invite is sent, so the sync carrying it cannot be missed.
            if sync.rooms.invite:
                invited.update(sync.rooms.invite)
                asyncio.ensure_future(_notify(changed))

        runner.channel.observers.append(observe)
        anna = await world.user("inv")
        resp = await anna.client.room_create(invite=[runner.user_id], is_direct=True)
        room = resp.room_id
        async with changed:
            await asyncio.wait_for(changed.wait_for(lambda: room in invited), 30)
        assert room not in runner.channel._workers  # nothing queued for it: no join
        assert room not in runner.channel.client.rooms
    finally:
        await runner.stop()


async def test_bot_restart_answers_new_messages_once_and_old_ones_never(world):
    user = await world.user("rst")
    room = await user.dm(world.bot.user_id)
    first = await user.say(room, "boek dinsdag een bureau op de Turfmarkt")
    await user.reply_to(first)
    await world.bot.stop()
    while_down = await user.say(room, "toon mijn reserveringen")
    await world.bot.start()
    await user.reply_to(while_down)  # never lost
    barrier = await user.say(room, "help")
    await user.reply_to(barrier)
    for event_id in (first, while_down, barrier):
        bodies = _distinct(user.replies_to(event_id))
        assert len(bodies) == len(set(bodies)) >= 1, "answered more than once"


async def test_synapse_restart_mid_conversation(world):
    user = await world.user("hsr")
    room = await user.dm(world.bot.user_id)
    first = await user.say(room, "boek dinsdag een bureau op de Turfmarkt")
    await world.synapse.restart()  # the bot may be handling or sending right now
    second = await user.say(room, "toon mijn reserveringen")
    third = await user.say(room, "help")
    for event_id in (first, second, third):
        await user.reply_to(event_id, timeout=60)
    barrier = await user.say(room, "help")
    await user.reply_to(barrier)
    for event_id in (first, second, third):
        bodies = _distinct(user.replies_to(event_id))
        assert len(bodies) == len(set(bodies)) >= 1, "answered more than once"


async def test_file_and_proactive_message_in_encrypted_dm(world, tmp_path):
    """An export arrives as an encrypted m.file the user can decrypt; a reminder arrives as m.text."""
    from matrix_support import BotRunner, bot_settings
    from nio.crypto import decrypt_attachment
    from sqlalchemy import create_engine

    from core.messages import Attachment, Handler, Reply

    payload = b'{"bookings": [], "export": "\xc3\xa9"}'

    class Exporter(Handler):
        async def handle(self, message):
            return [Reply(text="Hier is je export.", attachments=(Attachment("export.json", "application/json", payload),))]

    password = "file-password-123"
    await world.synapse.register("filebot", password)
    runner = BotRunner(bot_settings(world.synapse, tmp_path, "filebot", password), Exporter(),
                       create_engine(f"sqlite:///{tmp_path / 'file.sqlite3'}"))
    await runner.start()
    try:
        user = await world.user("exp")
        room = await user.dm(runner.user_id, encrypted=True)
        ask = await user.say(room, "exporteer mijn gegevens")
        await user.reply_to(ask)
        file_event = await user.wait_for(lambda s: s.room_id == room and s.content.get("msgtype") == "m.file")
        info = file_event.content["file"]
        assert "url" not in file_event.content and file_event.content["body"] == "export.json"
        download = await user.client.download(info["url"])
        plain = decrypt_attachment(download.body, info["key"]["k"], info["hashes"]["sha256"], info["iv"])
        assert plain == payload
        sent = await runner.channel.send_to_user(user.user_id, Reply(text="Herinnering: morgen Turfmarkt", kind="proactive"), "reminder-1")
        note = await user.wait_for(lambda s: s.source.get("event_id") == sent)
        assert note.content["msgtype"] == "m.text" and note.room_id == room
    finally:
        await runner.stop()


async def test_wms_bot_serve_runs_the_matrix_channel(world, tmp_path):
    """`wms-bot serve` with WMS_MATRIX_* set: the whole product answers a DM on Synapse."""
    import asyncio as _asyncio

    from synapse_harness import free_port

    from bot.commands.serve import serve
    from bot.settings import Settings

    password = "serve-password-12"
    await world.synapse.register("servebot", password)
    settings = Settings.from_env({
        "WMS_DATA_DIR": str(tmp_path),
        "WMS_TEAMS_HOST": "127.0.0.1",
        "WMS_TEAMS_PORT": str(free_port()),
        "WMS_MATRIX_HOMESERVER": world.synapse.url,
        "WMS_MATRIX_USER_ID": f"@servebot:{world.synapse.server_name}",
        "WMS_MATRIX_PASSWORD": password,
        "WMS_MATRIX_PICKLE_KEY": "serve-pickle-key-0123456789",
    })
    stop = _asyncio.Event()
    task = _asyncio.create_task(serve(settings, stop_event=stop))
    try:
        user = await world.user("srv")
        room = await user.dm(f"@servebot:{world.synapse.server_name}", timeout=60)
        ask = await user.say(room, "book a desk at Turfmarkt on Friday")
        reply = await user.reply_to(ask, timeout=60)
        assert "Booked" in reply.content["body"], reply.content["body"]
    finally:
        stop.set()
        assert await _asyncio.wait_for(task, 30) == 0


async def test_bot_leaves_a_room_everyone_else_left(world):
    user = await world.user("lv")
    room = await user.dm(world.bot.user_id)
    left = asyncio.get_running_loop().create_future()

    def observe(sync):
        if room in sync.rooms.leave and not left.done():
            left.set_result(True)

    world.bot.channel.observers.append(observe)
    try:
        await user.client.room_leave(room)
        await asyncio.wait_for(left, 30)
    finally:
        world.bot.channel.observers.remove(observe)


async def test_first_start_swallows_history(world, tmp_path):
    """Messages from before the bot's very first start are never answered."""
    from matrix_support import BotRunner, bot_settings
    from sqlalchemy import create_engine

    from core.messages import Handler, Reply

    class Echo(Handler):
        async def handle(self, message):
            return [Reply(text=f"echo {message.text}", lang="en")]

    password = "hist-password-123"
    reg = await world.synapse.register("histbot", password)
    user = await world.user("hist")
    resp = await user.client.room_create(invite=[reg["user_id"]], is_direct=True)
    room = resp.room_id
    status, _ = await world.synapse.request("POST", f"/_matrix/client/v3/join/{room}", reg["access_token"], {})
    assert status == 200
    await user.joined(room, reg["user_id"])
    old = [await user.say(room, f"old {i}") for i in range(3)]
    runner = BotRunner(bot_settings(world.synapse, tmp_path, "histbot", password), Echo(),
                       create_engine(f"sqlite:///{tmp_path / 'hist.sqlite3'}"))
    await runner.start()
    try:
        new = await user.say(room, "new")
        reply = await user.reply_to(new)
        assert reply.content["body"] == "echo new"
        assert all(user.replies_to(e) == [] for e in old)
    finally:
        await runner.stop()


async def _notify(cond: asyncio.Condition) -> None:
    async with cond:
        cond.notify_all()

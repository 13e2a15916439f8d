"""Poll votes by reaction, without a homeserver: a reply marked ``answerable_by="room"`` (a team
poll) is answered by any member of the room with a keycap reaction, sent to the handler as that
member; an ordinary prompt still answers only the person asked. Events are fed to the channel's
dispatch; a fake nio client records sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nio import RoomSendResponse, SyncResponse
from sqlalchemy import create_engine

from adapters.matrix.channel import MatrixChannel, MatrixConfig
from adapters.matrix.render import KEYCAPS
from adapters.matrix.state import MatrixState
from core.messages import Choice, Handler, Reply

BOT = "@wms:gov.example"
ANNA, BOB, CAROL, EVE = "@anna:gov.example", "@bob:gov.example", "@carol:gov.example", "@eve:gov.example"
ROOM = "!team:gov.example"


class FakeRoom:
    def __init__(self, *users: str) -> None:
        self.users = {u: None for u in users}
        self.member_count = len(users)
        self.encrypted = False


class FakeClient:
    user_id = BOT

    def __init__(self) -> None:
        self.rooms = {ROOM: FakeRoom(BOT, ANNA, BOB, CAROL)}
        self.sent: list[tuple[str, str, dict, str]] = []

    async def room_send(self, room_id, event_type, content, tx_id=None, ignore_unverified_devices=False):
        self.sent.append((room_id, event_type, content, tx_id))
        return RoomSendResponse(event_id=f"$bot{len(self.sent)}", room_id=room_id)


class Recorder(Handler):
    """Answers "poll" with a room poll, "ask" with an ordinary question, anything else with ok."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def handle(self, message):
        self.seen.append((message.sender.user_id, message.text))
        choices = (Choice("maandag", "stem 1"), Choice("dinsdag", "stem 2"))
        if message.text == "poll":
            return [Reply(text="Welke dag?", choices=choices, meta={"answerable_by": "room", "poll": 7})]
        if message.text == "ask":
            return [Reply(text="Welke dag?", choices=choices)]
        return [Reply(text=f"ok {message.text}")]


def _sync(token: str, events: list[dict[str, Any]]) -> SyncResponse:
    return SyncResponse.from_dict({
        "next_batch": token,
        "rooms": {"join": {ROOM: {"timeline": {"events": events, "limited": False, "prev_batch": "p"},
                                  "state": {"events": []}, "ephemeral": {"events": []},
                                  "account_data": {"events": []}, "summary": {}, "unread_notifications": {}}},
                  "invite": {}, "leave": {}},
        "to_device": {"events": []}, "presence": {"events": []}, "account_data": {"events": []},
        "device_lists": {"changed": [], "left": []}, "device_one_time_keys_count": {},
    })


def _message(event_id: str, sender: str, body: str) -> dict[str, Any]:
    return {"type": "m.room.message", "sender": sender, "event_id": event_id, "origin_server_ts": 10_000,
            "content": {"msgtype": "m.text", "body": body, "m.mentions": {"user_ids": [BOT]}}}


def _reaction(event_id: str, sender: str, target: str, key: str) -> dict[str, Any]:
    return {"type": "m.reaction", "sender": sender, "event_id": event_id, "origin_server_ts": 10_000,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}}


async def _drain(channel: MatrixChannel) -> None:
    worker = channel._workers[ROOM]
    worker.queue.put_nowait(None)
    await worker.task


def _channel(tmp_path: Path) -> tuple[MatrixChannel, Recorder, MatrixState]:
    state = MatrixState(create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"), BOT)
    state.ensure_tables()
    cfg = MatrixConfig(homeserver="http://hs", user_id=BOT, store_path=tmp_path, pickle_key="k" * 16,
                       allowed_servers=frozenset({"gov.example"}))
    handler = Recorder()
    channel = MatrixChannel(cfg, handler, state)
    channel.client = FakeClient()  # type: ignore[assignment]
    return channel, handler, state


def _question_id(channel: MatrixChannel, body: str) -> str:
    sent = channel.client.sent  # type: ignore[attr-defined]
    index = next(i for i, (_, t, c, _) in enumerate(sent) if t == "m.room.message" and c.get("body", "").startswith(body))
    return f"$bot{index + 1}"


async def test_any_member_votes_on_a_room_poll_by_reaction(tmp_path: Path):
    channel, handler, state = _channel(tmp_path)
    channel._dispatch(_sync("t1", [_message("$m1", ANNA, "poll")]))
    await _drain(channel)
    poll = _question_id(channel, "Welke dag?")
    assert state.load_prompt(poll).answerable_by == "room"
    # The bot put its keycaps on the poll.
    assert [c["m.relates_to"]["key"] for _, t, c, _ in channel.client.sent if t == "m.reaction"] == list(KEYCAPS[:2])  # type: ignore[attr-defined]

    channel._dispatch(_sync("t2", [
        _reaction("$r1", BOB, poll, KEYCAPS[1]),      # Bob votes for day 2
        _reaction("$r2", CAROL, poll, KEYCAPS[0]),    # Carol for day 1
        _reaction("$r3", ANNA, poll, KEYCAPS[1]),     # the organiser too
        _reaction("$r4", EVE, poll, KEYCAPS[0]),      # not in the room: ignored
        _reaction("$r5", BOB, poll, "\U0001f44d"),    # not a choice: ignored
        _reaction("$r1", BOB, poll, KEYCAPS[1]),      # delivered twice: handled once
    ]))
    await _drain(channel)
    assert handler.seen[1:] == [(BOB, "stem 2"), (CAROL, "stem 1"), (ANNA, "stem 2")]


async def test_an_ordinary_prompt_still_answers_only_the_person_asked(tmp_path: Path):
    channel, handler, state = _channel(tmp_path)
    channel._dispatch(_sync("t1", [_message("$m1", ANNA, "ask")]))
    await _drain(channel)
    question = _question_id(channel, "Welke dag?")
    assert state.load_prompt(question).answerable_by == "asker"
    channel._dispatch(_sync("t2", [_reaction("$r1", BOB, question, KEYCAPS[0]),
                                   _reaction("$r2", ANNA, question, KEYCAPS[1])]))
    await _drain(channel)
    assert handler.seen == [(ANNA, "ask"), (ANNA, "stem 2")]


def test_prompt_scope_is_stored(tmp_path: Path):
    st = MatrixState(create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"), BOT)
    st.ensure_tables()
    st.save_prompt("$poll", ANNA, [(KEYCAPS[0], "stem 1")], "$u", None, 5, "room")
    st.save_prompt("$ask", ANNA, [(KEYCAPS[0], "stem 1")], "$u", None, 5)
    poll, ask = st.load_prompt("$poll"), st.load_prompt("$ask")
    assert poll.answers(st.user_hash(BOB)) and poll.answers(st.user_hash(ANNA))
    assert ask.answers(st.user_hash(ANNA)) and not ask.answers(st.user_hash(BOB))

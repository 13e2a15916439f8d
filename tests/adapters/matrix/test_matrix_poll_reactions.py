"""Poll votes by reaction, without a homeserver: a reply marked ``answerable_by="room"`` (a team
poll) is answered by any member of the room with a keycap reaction, sent to the handler as that
member; an ordinary prompt still answers only the person asked. Events are fed to the channel's
dispatch; a fake nio client records sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matrix_fakes import BOT, fake_channel, sync_answer, text_event
from sqlalchemy import create_engine

from adapters.matrix.channel import MatrixChannel
from adapters.matrix.render import KEYCAPS
from adapters.matrix.state import MatrixState
from core.messages import Choice, Handler, Reply

ANNA, BOB, CAROL, EVE = "@anna:gov.example", "@bob:gov.example", "@carol:gov.example", "@eve:gov.example"
ROOM = "!team:gov.example"


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


def _sync(token: str, events: list[dict[str, Any]]):
    return sync_answer(token, {ROOM: events})


def _message(event_id: str, sender: str, body: str) -> dict[str, Any]:
    return text_event(event_id, sender, body, mention=True)


def _reaction(event_id: str, sender: str, target: str, key: str) -> dict[str, Any]:
    return {"type": "m.reaction", "sender": sender, "event_id": event_id, "origin_server_ts": 10_000,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}}


async def _drain(channel: MatrixChannel) -> None:
    worker = channel._workers[ROOM]
    worker.queue.put_nowait(None)
    await worker.task


def _channel(tmp_path: Path) -> tuple[MatrixChannel, Recorder, MatrixState]:
    handler = Recorder()
    channel, state = fake_channel(tmp_path, handler, {ROOM: (ANNA, BOB, CAROL)})
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

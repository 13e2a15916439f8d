"""Proactive delivery routes by the person's channel and reports what it could not deliver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.proactive import ProactiveSender
from core.messages import Reply


class FakeMatrix:
    def __init__(self):
        self.sent = []

    async def send_to_user(self, user_id, reply, key):
        self.sent.append((user_id, reply.kind, reply.text, key))
        return "$event"


@dataclass
class Result:
    ok: bool


class FakeTeams:
    def __init__(self):
        self.sent = []

    async def send_proactive(self, replies, *, user_key=None, conversation_id=None):
        self.sent.append((user_key, [r.kind for r in replies]))
        return Result(ok=True)


@dataclass
class Notice:
    person_id: int
    external_id: str
    deadline: date


async def test_routes_to_matrix_and_teams_as_proactive_messages():
    p = ProactiveSender()
    p.set_matrix(FakeMatrix())
    p.teams = FakeTeams()
    assert await p.send("matrix:@a:example.org", [Reply(text="hoi")])
    assert await p.send("teams:tenant:oid", [Reply(text="hoi")])
    assert p.matrix.sent[0][:2] == ("@a:example.org", "proactive")
    assert p.teams.sent == [("teams:tenant:oid", ["proactive"])]


async def test_undeliverable_channels_say_so():
    p = ProactiveSender()
    assert not await p.send("matrix:@a:example.org", [Reply(text="x")])
    assert not await p.send("terminal:local", [Reply(text="x")])
    assert not await p.send("garbage", [Reply(text="x")])


async def test_retention_notice_is_bilingual_and_names_the_date():
    p = ProactiveSender()
    p.set_matrix(FakeMatrix())
    assert await p.notify_retention(Notice(1, "matrix:@a:example.org", date(2026, 12, 23)))
    text = p.matrix.sent[0][2]
    assert "23" in text and "december" in text.lower()

"""Fakes for feeding sync answers to a MatrixChannel without a homeserver (sans-I/O style)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nio import RoomSendResponse, SyncResponse
from sqlalchemy import create_engine

from adapters.matrix.channel import MatrixChannel, MatrixConfig
from adapters.matrix.state import MatrixState
from core.messages import Handler

BOT = "@wms:gov.example"


class FakeRoom:
    def __init__(self, *users: str) -> None:
        self.users = {u: None for u in users}
        self.member_count = len(users)
        self.encrypted = False


class FakeClient:
    """Stands in for nio's AsyncClient: knows some rooms and records what is sent."""

    user_id = BOT

    def __init__(self, rooms: dict[str, tuple[str, ...]]) -> None:
        self.rooms = {room_id: FakeRoom(BOT, *members) for room_id, members in rooms.items()}
        self.sent: list[tuple[str, str, dict, str]] = []

    async def room_send(self, room_id, event_type, content, tx_id=None, ignore_unverified_devices=False):
        self.sent.append((room_id, event_type, content, tx_id))
        return RoomSendResponse(event_id=f"$bot{len(self.sent)}", room_id=room_id)


def sync_answer(token: str, timelines: dict[str, list[dict[str, Any]]]) -> SyncResponse:
    """A /sync answer with the given timeline events per joined room."""
    join = {
        room: {"timeline": {"events": events, "limited": False, "prev_batch": "p"},
               "state": {"events": []}, "ephemeral": {"events": []},
               "account_data": {"events": []}, "summary": {}, "unread_notifications": {}}
        for room, events in timelines.items()
    }
    return SyncResponse.from_dict({
        "next_batch": token,
        "rooms": {"join": join, "invite": {}, "leave": {}},
        "to_device": {"events": []}, "presence": {"events": []}, "account_data": {"events": []},
        "device_lists": {"changed": [], "left": []}, "device_one_time_keys_count": {},
    })


def text_event(event_id: str, sender: str, body: str, *, mention: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"msgtype": "m.text", "body": body}
    if mention:
        content["m.mentions"] = {"user_ids": [BOT]}
    return {"type": "m.room.message", "sender": sender, "event_id": event_id, "origin_server_ts": 10_000,
            "content": content}


def fake_channel(tmp_path: Path, handler: Handler, rooms: dict[str, tuple[str, ...]]) -> tuple[MatrixChannel, MatrixState]:
    """A channel on a fresh SQLite state whose client is a :class:`FakeClient`."""
    state = MatrixState(create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"), BOT)
    state.ensure_tables()
    cfg = MatrixConfig(homeserver="http://hs", user_id=BOT, store_path=tmp_path, pickle_key="k" * 16,
                       allowed_servers=frozenset({"gov.example"}))
    channel = MatrixChannel(cfg, handler, state)
    channel.client = FakeClient(rooms)  # type: ignore[assignment]
    return channel, state

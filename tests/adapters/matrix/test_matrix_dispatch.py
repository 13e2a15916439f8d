"""The channel's dispatch without a homeserver: per-room order, rooms in parallel, and the
sync token saved only once every event before it was handled. A fake nio client records sends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nio import RoomSendResponse, SyncResponse
from sqlalchemy import create_engine

from adapters.matrix.channel import MatrixChannel, MatrixConfig
from adapters.matrix.state import MatrixState
from core.messages import Handler, Reply

BOT = "@wms:gov.example"


class FakeRoom:
    def __init__(self, *users: str) -> None:
        self.users = {u: None for u in users}
        self.member_count = len(users)
        self.encrypted = False


class FakeClient:
    user_id = BOT

    def __init__(self) -> None:
        self.rooms = {"!a:gov.example": FakeRoom(BOT, "@anna:gov.example"), "!b:gov.example": FakeRoom(BOT, "@bob:gov.example")}
        self.sent: list[tuple[str, str, dict, str]] = []

    async def room_send(self, room_id, event_type, content, tx_id=None, ignore_unverified_devices=False):
        self.sent.append((room_id, event_type, content, tx_id))
        return RoomSendResponse(event_id=f"$bot{len(self.sent)}", room_id=room_id)


class Gate(Handler):
    """Holds messages whose text starts with 'slow' until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.handled = asyncio.Event()
        self.order: list[str] = []

    async def handle(self, message):
        if message.text.startswith("slow"):
            await self.release.wait()
        self.order.append(message.text)
        self.handled.set()
        return [Reply(text=f"ok {message.text}")]


def sync(token: str, room: str, *bodies: tuple[str, str]) -> SyncResponse:
    events = [
        {"type": "m.room.message", "sender": sender, "event_id": f"${token}{i}", "origin_server_ts": 10_000,
         "content": {"msgtype": "m.text", "body": body}}
        for i, (sender, body) in enumerate(bodies)
    ]
    return SyncResponse.from_dict({
        "next_batch": token,
        "rooms": {"join": {room: {"timeline": {"events": events, "limited": False, "prev_batch": "p"},
                                  "state": {"events": []}, "ephemeral": {"events": []},
                                  "account_data": {"events": []}, "summary": {}, "unread_notifications": {}}},
                  "invite": {}, "leave": {}},
        "to_device": {"events": []}, "presence": {"events": []}, "account_data": {"events": []},
        "device_lists": {"changed": [], "left": []}, "device_one_time_keys_count": {},
    })


async def test_order_per_room_parallel_rooms_and_token_after_handling(tmp_path: Path):
    state = MatrixState(create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"), BOT)
    state.ensure_tables()
    cfg = MatrixConfig(homeserver="http://hs", user_id=BOT, store_path=tmp_path, pickle_key="k" * 16,
                       allowed_servers=frozenset({"gov.example"}))
    gate = Gate()
    channel = MatrixChannel(cfg, gate, state)
    channel.client = FakeClient()  # type: ignore[assignment]

    channel._dispatch(sync("t1", "!a:gov.example", ("@anna:gov.example", "slow one"), ("@anna:gov.example", "two")))
    channel._dispatch(sync("t2", "!b:gov.example", ("@bob:gov.example", "other room")))
    # Room b is not held up by room a's slow message ...
    await asyncio.wait_for(gate.handled.wait(), 5)
    assert gate.order == ["other room"]
    # ... but the token waits for everything before it.
    assert state.get("sync_token") is None
    gate.release.set()
    workers = [w.task for w in channel._workers.values()]
    for w in channel._workers.values():
        w.queue.put_nowait(None)
    await asyncio.gather(*workers)
    await asyncio.gather(channel._token_saver)  # the token is written in the background, in order
    assert gate.order == ["other room", "slow one", "two"]  # room a in order
    assert state.get("sync_token") == "t2"
    sent = channel.client.sent  # type: ignore[attr-defined]
    assert [c["body"] for _, _, c, _ in sent] == ["ok other room", "ok slow one", "ok two"]
    assert all(c["msgtype"] == "m.notice" for _, _, c, _ in sent)
    # Delivered again (a resend, a cached /sync): nothing is handled twice.
    channel._dispatch(sync("t1", "!a:gov.example", ("@anna:gov.example", "slow one")))
    worker = channel._workers["!a:gov.example"]
    worker.queue.put_nowait(None)
    await worker.task
    assert len(channel.client.sent) == 3  # type: ignore[attr-defined]

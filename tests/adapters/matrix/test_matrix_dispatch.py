"""The channel's dispatch without a homeserver: per-room order, rooms in parallel, and the
sync token saved only once every event before it was handled. A fake nio client records sends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from matrix_fakes import fake_channel, sync_answer, text_event

from core.messages import Handler, Reply


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


def sync(token: str, room: str, *bodies: tuple[str, str]):
    return sync_answer(token, {room: [text_event(f"${token}{i}", sender, body) for i, (sender, body) in enumerate(bodies)]})


async def test_order_per_room_parallel_rooms_and_token_after_handling(tmp_path: Path):
    gate = Gate()
    channel, state = fake_channel(tmp_path, gate, {"!a:gov.example": ("@anna:gov.example",),
                                                   "!b:gov.example": ("@bob:gov.example",)})

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


async def test_an_erasure_answer_drops_the_persons_prompts(tmp_path: Path):
    from core.messages import Choice

    class Eraser(Handler):
        async def handle(self, message):
            if message.text == "vraag":
                return [Reply(text="Zeker?", choices=(Choice("ja", "ja"), Choice("nee", "nee")))]
            return [Reply(text="Alles verwijderd.", meta={"erased": True})]

    anna = "@anna:gov.example"
    channel, state = fake_channel(tmp_path, Eraser(), {"!a:gov.example": (anna,)})
    channel._dispatch(sync("t1", "!a:gov.example", (anna, "vraag")))
    channel._dispatch(sync("t2", "!a:gov.example", (anna, "verwijder alles")))
    worker = channel._workers["!a:gov.example"]
    worker.queue.put_nowait(None)
    await worker.task
    assert state.load_prompt("$bot1") is None  # the question to Anna is forgotten with her data
    assert state.user_hash(anna) not in channel._lang

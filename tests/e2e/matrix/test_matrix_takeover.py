"""Two bot instances on one database: one syncs; the other takes over when the first stalls.

The first instance's clock is frozen mid-run (as if the process hung): its lease stops
advancing, the second instance takes the lease within the lease time, the first notices
at its next renewal and stops. Every message is answered exactly once. Real Synapse.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine

from bot.matrix_channel import run_matrix
from core.messages import Handler, Reply

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


class Echo(Handler):
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.who: dict[str, str] = {}

    def for_instance(self, name: str) -> "Handler":
        outer = self

        class Named(Handler):
            async def handle(self, message):
                outer.calls[message.message_id] += 1
                outer.who[message.message_id] = name
                return [Reply(text=f"echo: {message.text}", lang="en")]

        return Named()


async def test_second_instance_takes_over_when_the_first_stalls(world, tmp_path):
    from matrix_support import bot_settings

    password = "twin-password-123"
    await world.synapse.register("twinbot", password)
    settings = bot_settings(world.synapse, tmp_path, "twinbot", password)
    engine = create_engine(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    echo = Echo()
    frozen: list[float] = []

    def clock_a() -> float:
        return frozen[0] if frozen else time.time()

    loop = asyncio.get_running_loop()
    chan_a, chan_b = loop.create_future(), loop.create_future()
    stop_a, stop_b = asyncio.Event(), asyncio.Event()
    common = dict(lease_ttl=2.0, renew_every=0.25)
    task_a = asyncio.create_task(run_matrix(settings, echo.for_instance("a"), engine, stop_a, clock=clock_a,
                                            on_channel=lambda c: chan_a.done() or chan_a.set_result(c), **common))
    a = await asyncio.wait_for(chan_a, 30)
    await asyncio.wait_for(a.ready.wait(), 30)
    task_b = asyncio.create_task(run_matrix(settings, echo.for_instance("b"), engine, stop_b,
                                            on_channel=lambda c: chan_b.done() or chan_b.set_result(c), **common))
    try:
        user = await world.user("twin")
        room = await user.dm(a.config.user_id)
        m1 = await user.say(room, "one")
        await user.reply_to(m1)
        assert echo.who[m1] == "a" and not chan_b.done()

        frozen.append(time.time())  # instance a hangs: its lease is no longer extended
        started = time.monotonic()
        b = await asyncio.wait_for(chan_b, 30)
        await asyncio.wait_for(b.ready.wait(), 30)
        assert time.monotonic() - started < 30
        m2 = await user.say(room, "two")
        await user.reply_to(m2)
        m3 = await user.say(room, "three")
        await user.reply_to(m3)
        assert echo.who[m2] == "b" and echo.who[m3] == "b"
        counts = [echo.calls[m] for m in (m1, m2, m3)]
        assert counts == [1, 1, 1], (counts, [echo.who.get(m) for m in (m1, m2, m3)])
        assert task_a.done() is False or task_a.exception() is None
    finally:
        stop_a.set()
        stop_b.set()
        await asyncio.gather(task_a, task_b, return_exceptions=True)
        engine.dispose()

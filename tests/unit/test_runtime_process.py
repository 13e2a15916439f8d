"""The serving process: the heap frozen out of full GC passes (bot.heap) and the runtime's own turn threads."""

from __future__ import annotations

import gc

import pytest

from bot.heap import Heap


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process must not keep a frozen heap


def test_settle_freezes_what_exists(unfrozen: None) -> None:
    Heap().settle()
    assert gc.get_freeze_count() > 0


def test_a_second_freeze_comes_once_after_the_warm_turns(unfrozen: None) -> None:
    heap = Heap(warm_turns=3)
    heap.settle()
    frozen = gc.get_freeze_count()
    kept = [["lazily built", i] for i in range(500)]  # tracked objects made while serving
    heap.turn_handled()
    heap.turn_handled()
    assert gc.get_freeze_count() == frozen
    heap.turn_handled()
    after = gc.get_freeze_count()
    assert after >= frozen + len(kept)
    more = [["later", i] for i in range(500)]
    for _ in range(10):
        heap.turn_handled()
    assert gc.get_freeze_count() == after  # never again: later objects stay collectable
    del kept, more


async def test_the_runtime_calls_after_turn_for_every_message() -> None:
    from bot.runtime import Runtime
    from core.messages import Inbound, Reply, Sender

    class Dialog:
        conversations = None

        def handle(self, inbound: Inbound, now: object) -> list[Reply]:
            return [Reply(text="ok")]

    class Log:
        def replies_for(self, key: str) -> None:
            return None

        def record(self, key: str, replies: object, now: object) -> bool:
            return True

    class States:
        def load(self, key: str, now: object) -> None:
            return None

        def save(self, key: str, state: object, now: object) -> None:
            pass

    dialog = Dialog()
    dialog.conversations = States()  # type: ignore[assignment]
    runtime = Runtime(dialog, Log())  # type: ignore[arg-type]
    calls: list[int] = []
    runtime.after_turn = lambda: calls.append(1)
    for i in range(3):
        await runtime.handle(Inbound(channel="t", conversation_id="c", message_id=f"m{i}",
                                     sender=Sender(user_id="u"), text="hallo", locale="nl-NL"))
    assert len(calls) == 3


async def test_turns_run_on_the_runtimes_own_few_threads() -> None:
    import threading

    from bot.runtime import Runtime
    from core.messages import Inbound, Reply, Sender

    seen: list[str] = []

    class Dialog:
        conversations = None

        def handle(self, inbound: Inbound, now: object) -> list[Reply]:
            seen.append(threading.current_thread().name)
            return [Reply(text="ok")]

    class Log:
        def replies_for(self, key: str) -> None:
            return None

        def record(self, key: str, replies: object, now: object) -> bool:
            return True

    class States:
        def load(self, key: str, now: object) -> None:
            return None

        def save(self, key: str, state: object, now: object) -> None:
            pass

    dialog = Dialog()
    dialog.conversations = States()  # type: ignore[assignment]
    runtime = Runtime(dialog, Log(), threads=2)  # type: ignore[arg-type]
    import asyncio

    await asyncio.gather(*(runtime.handle(Inbound(channel="t", conversation_id=f"c{i}", message_id=f"m{i}",
                                                  sender=Sender(user_id=f"u{i}"), text="hallo", locale="nl-NL"))
                           for i in range(6)))
    assert len(seen) == 6 and all(name.startswith("wms-turn") for name in seen)
    assert len(set(seen)) <= 2


def test_turn_threads_setting() -> None:
    from bot.settings import Settings, SettingsError

    assert Settings.from_env({}).turn_threads == 4
    assert Settings.from_env({"WMS_TURN_THREADS": "4"}).turn_threads == 4
    with pytest.raises(SettingsError):
        Settings.from_env({"WMS_TURN_THREADS": "0"})

"""The serving process: the heap frozen out of full GC passes (bot.heap) and the runtime's own turn threads."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest

from bot.heap import Heap
from bot.runtime import Runtime
from bot.settings import Settings, SettingsError
from core.messages import Inbound, Reply, Sender


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


class _Dialog:
    """A dialog that answers "ok" and notes the thread each turn ran on."""

    def __init__(self) -> None:
        self.conversations = _States()
        self.threads: list[str] = []

    def handle(self, inbound: Inbound, now: object) -> list[Reply]:
        self.threads.append(threading.current_thread().name)
        return [Reply(text="ok")]


class _Log:
    def replies_for(self, key: str) -> None:
        return None

    def record(self, key: str, replies: object, now: object) -> bool:
        return True


class _States:
    def load(self, key: str, now: object) -> None:
        return None

    def save(self, key: str, state: object, now: object) -> None:
        pass


def _message(i: int) -> Inbound:
    return Inbound(channel="t", conversation_id=f"c{i}", message_id=f"m{i}", sender=Sender(user_id=f"u{i}"),
                   text="hallo", locale="nl-NL")


async def test_the_runtime_calls_after_turn_for_every_message() -> None:
    runtime = Runtime(_Dialog(), _Log())  # type: ignore[arg-type]
    calls: list[int] = []
    runtime.after_turn = lambda: calls.append(1)
    for i in range(3):
        await runtime.handle(_message(i))
    assert len(calls) == 3


async def test_turns_run_on_the_runtimes_own_few_threads() -> None:
    dialog = _Dialog()
    runtime = Runtime(dialog, _Log(), threads=2)  # type: ignore[arg-type]
    await asyncio.gather(*(runtime.handle(_message(i)) for i in range(6)))
    seen = dialog.threads
    assert len(seen) == 6 and all(name.startswith("wms-turn") for name in seen)
    assert len(set(seen)) <= 2


def test_turn_threads_setting() -> None:
    assert Settings.from_env({}).turn_threads == 8
    assert Settings.from_env({"WMS_TURN_THREADS": "4"}).turn_threads == 4
    with pytest.raises(SettingsError):
        Settings.from_env({"WMS_TURN_THREADS": "0"})


def test_serving_settles_and_counts_the_runtimes_turns(unfrozen: None) -> None:
    runtime = Runtime(_Dialog(), _Log())  # type: ignore[arg-type]
    heap = Heap.serving(runtime)
    assert gc.get_freeze_count() > 0
    assert runtime.after_turn == heap.turn_handled

"""Once-only handling of re-delivered activities inside one process.

Teams re-sends an activity when the bot has not answered within about 15 seconds. The
dialog's message log (keyed by the activity's message id) makes the booking happen once
across processes; this guard makes a duplicate that arrives *while* the first delivery is
being handled, or shortly after, wait for and reuse the first result instead of running
the dialog again (which would also send the answer twice).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Runs ``work`` once per key; concurrent and recent repeats get the first result.

    ``duplicate`` is True for every caller but the first. Results are kept for
    ``ttl`` seconds (bounded to ``max_entries``) so a late re-delivery is answered the same.
    A failed first run is not cached: a retry may succeed.
    """

    def __init__(self, ttl: float = 600.0, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._running: dict[str, asyncio.Future[T]] = {}
        self._done: OrderedDict[str, tuple[float, T]] = OrderedDict()

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        self._expire()
        if key in self._done:
            return self._done[key][1], True
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running), True
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await work()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiting duplicates re-raise it themselves
            raise
        finally:
            self._running.pop(key, None)
        future.set_result(result)
        self._done[key] = (self._clock(), result)
        while len(self._done) > self._max:
            self._done.popitem(last=False)
        return result, False

    def _expire(self) -> None:
        now = self._clock()
        while self._done:
            key, (at, _) = next(iter(self._done.items()))
            if now - at <= self._ttl:
                break
            self._done.popitem(last=False)

    def __len__(self) -> int:  # for tests
        return len(self._done) + len(self._running)



"""What every periodic job of ``wms-bot serve`` shares (night jobs, team jobs, auto-release):
one instance at a time works (a database lease), a failed round is logged and tried again,
the wait gives way when the server stops, and the lease is given up at the end so another
instance can take over at once."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Awaitable, Callable

from adapters.store.leases import Lease, ensure_table

log = logging.getLogger(__name__)


async def run_leased(lease: Lease, stop: asyncio.Event, clock: Callable[[], datetime],
                     work: Callable[[datetime], Awaitable[None]], pause: Callable[[datetime], float],
                     what: str) -> None:
    """Until ``stop`` is set: while holding ``lease``, one round of ``work(now)``, then wait
    ``pause(now)`` seconds. Never raises (a failure is logged by class name as "<what> failed")."""
    table_ready = False
    while not stop.is_set():
        now = clock()
        try:
            if not table_ready:
                await asyncio.to_thread(ensure_table, lease.engine)
                table_ready = True
            if await asyncio.to_thread(lease.acquire):
                await work(now)
        except Exception as exc:  # noqa: BLE001 - the loop must survive a database hiccup
            log.error("%s failed: %s", what, type(exc).__name__)
        await wait_or_stop(stop, pause(now))
    await release_quietly(lease)


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less when ``stop`` is set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass


async def release_quietly(lease: Any) -> None:
    """Give the lease up; a failure while shutting down changes nothing (it expires anyway)."""
    try:
        await asyncio.to_thread(lease.release)
    except Exception:  # noqa: BLE001 - shutting down
        pass

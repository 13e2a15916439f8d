"""What every periodic job of ``wms-bot serve`` shares: waiting for its next round unless the
server stops, and giving its lease up at the end so another instance can take over at once."""

from __future__ import annotations

import asyncio
from typing import Any


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

"""Wire the Matrix channel: ``WMS_MATRIX_*`` settings, the leader lease, and the sync run.

``wms-bot serve`` calls :func:`run_matrix` when ``WMS_MATRIX_HOMESERVER`` is set. With
several instances on one database exactly one of them syncs (the ``matrix-sync:<user>``
lease); the others wait and take over within 30 s when the holder dies.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

from adapters.matrix.channel import MatrixChannel, MatrixConfig
from adapters.matrix.events import server_of
from adapters.matrix.logs import quiet_third_party_loggers
from adapters.matrix.state import MatrixState
from adapters.store.leases import Lease, ensure_table
from bot.settings import Settings, SettingsError
from core.messages import Handler

log = logging.getLogger(__name__)

LEASE_TTL = 20.0
"""Seconds a lease lasts without renewal; with RENEW_EVERY a dead holder is replaced within 30 s."""
RENEW_EVERY = 5.0


def matrix_config(settings: Settings) -> MatrixConfig:
    """Parse the ``WMS_MATRIX_*`` settings; :class:`SettingsError` names a bad one."""
    env = settings.extra

    def get(name: str) -> str | None:
        raw = env.get(name)
        return raw.strip() if raw and raw.strip() else None

    homeserver = get("WMS_MATRIX_HOMESERVER")
    if not homeserver:
        raise SettingsError("WMS_MATRIX_HOMESERVER is not set")
    parsed = urlparse(homeserver)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"WMS_MATRIX_HOMESERVER must be an http(s) URL, not {homeserver!r}")
    user_id = get("WMS_MATRIX_USER_ID")
    if not user_id or not server_of(user_id):
        raise SettingsError("WMS_MATRIX_USER_ID must be a Matrix user id like @wms-bot:example.org")
    password, token = get("WMS_MATRIX_PASSWORD"), get("WMS_MATRIX_ACCESS_TOKEN")
    if not password and not token:
        raise SettingsError("set WMS_MATRIX_PASSWORD or WMS_MATRIX_ACCESS_TOKEN")
    pickle_key = get("WMS_MATRIX_PICKLE_KEY")
    if not pickle_key or len(pickle_key) < 16:
        raise SettingsError("WMS_MATRIX_PICKLE_KEY must be a secret of at least 16 characters")
    store = get("WMS_MATRIX_STORE_PATH")
    store_path = Path(store) if store else settings.data_dir / "matrix"
    allowed_raw = get("WMS_MATRIX_ALLOWED_SERVERS")
    if allowed_raw:
        allowed = frozenset(s.strip().lower() for s in allowed_raw.split(",") if s.strip())
        if not allowed:
            raise SettingsError("WMS_MATRIX_ALLOWED_SERVERS must list server names, comma-separated")
    else:
        allowed = frozenset({server_of(user_id)})
    device_id = get("WMS_MATRIX_DEVICE_ID")
    grace_raw = get("WMS_MATRIX_DECRYPT_GRACE_SECONDS") or "5"
    try:
        grace = float(grace_raw)
    except ValueError:
        raise SettingsError(f"WMS_MATRIX_DECRYPT_GRACE_SECONDS must be a number of seconds, not {grace_raw!r}") from None
    if not 0 <= grace <= 120:
        raise SettingsError("WMS_MATRIX_DECRYPT_GRACE_SECONDS must be between 0 and 120")
    return MatrixConfig(
        homeserver=homeserver.rstrip("/"),
        user_id=user_id,
        store_path=store_path,
        pickle_key=pickle_key,
        allowed_servers=allowed,
        password=password,
        access_token=token,
        device_id=device_id,
        undecryptable_grace=grace,
    )


def _engine_for(settings: Settings, engine: Any) -> Any:
    if engine is not None:
        return engine
    from sqlalchemy import create_engine

    return create_engine(settings.database_url)


async def run_matrix(
    settings: Settings,
    handler: Handler,
    engine: Any,
    stop: asyncio.Event,
    *,
    clock: Callable[[], float] = time.time,
    lease_ttl: float = LEASE_TTL,
    renew_every: float = RENEW_EVERY,
    on_channel: Callable[[MatrixChannel], None] | None = None,
) -> None:
    """Run the Matrix channel until ``stop`` is set, syncing only while holding the lease."""
    config = matrix_config(settings)
    quiet_third_party_loggers()
    engine = _engine_for(settings, engine)
    await asyncio.to_thread(ensure_table, engine)
    holder = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
    lease = Lease(engine, f"matrix-sync:{config.user_id}"[:64], holder, ttl=lease_ttl, clock=clock)
    while not stop.is_set():
        if not await asyncio.to_thread(lease.acquire):
            await _wait(stop, renew_every)
            continue
        log.info("matrix: this instance runs the sync")
        state = MatrixState(engine, config.user_id, secret=config.pickle_key)
        lost = asyncio.Event()

        async def still_leader(lease: Lease = lease, lost: asyncio.Event = lost) -> bool:
            if lost.is_set():
                return False
            if await asyncio.to_thread(lease.held_by_me):
                return True
            lost.set()
            return False

        channel = MatrixChannel(config, handler, state, clock=clock, leader=still_leader)
        if on_channel is not None:
            on_channel(channel)
        either = asyncio.Event()
        keeper = asyncio.create_task(_keep(lease, stop, lost, either, renew_every))
        runner = asyncio.create_task(channel.run(either))
        try:
            done, _ = await asyncio.wait({runner, keeper}, return_when=asyncio.FIRST_COMPLETED)
            either.set()
            await asyncio.gather(runner, return_exceptions=False)
        except Exception as exc:
            log.error("matrix channel stopped: %s", type(exc).__name__)
            await _wait(stop, renew_every)
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
            if not lost.is_set():
                await asyncio.to_thread(lease.release)
        if lost.is_set():
            log.warning("matrix: lease lost, another instance took over")
        elif not stop.is_set():
            await _wait(stop, renew_every)  # the channel ended by itself: don't spin


async def _keep(lease: Lease, stop: asyncio.Event, lost: asyncio.Event, either: asyncio.Event, every: float) -> None:
    """Renew the lease until stop; on loss set ``lost`` and stop the channel."""
    while not stop.is_set():
        await _wait(stop, every)
        if stop.is_set():
            break
        try:
            ok = await asyncio.to_thread(lease.renew)
        except Exception as exc:
            log.warning("lease renewal failed: %s", type(exc).__name__)
            ok = False
        if not ok:
            lost.set()
            break
    either.set()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass

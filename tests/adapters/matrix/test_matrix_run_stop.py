"""run_matrix with the homeserver away: it keeps retrying (no crash) and stops promptly when asked."""

from __future__ import annotations

import asyncio
import socket

from sqlalchemy import create_engine

from adapters.store.leases import Lease
from bot.matrix_channel import run_matrix
from bot.settings import Settings
from core.messages import Handler


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_homeserver_away_then_stop(tmp_path):
    settings = Settings.from_env({
        "WMS_DATA_DIR": str(tmp_path),
        "WMS_MATRIX_HOMESERVER": f"http://127.0.0.1:{_closed_port()}",
        "WMS_MATRIX_USER_ID": "@wms:gov.example",
        "WMS_MATRIX_PASSWORD": "pw",
        "WMS_MATRIX_PICKLE_KEY": "0123456789abcdef",
    })
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    stop = asyncio.Event()
    created = asyncio.Event()
    task = asyncio.create_task(run_matrix(settings, Handler(), engine, stop, on_channel=lambda c: created.set()))
    await asyncio.wait_for(created.wait(), 10)  # it holds the lease and is trying to log in
    assert Lease(engine, "matrix-sync:@wms:gov.example", "someone-else").acquire() is False
    stop.set()
    await asyncio.wait_for(task, 15)
    assert Lease(engine, "matrix-sync:@wms:gov.example", "someone-else").acquire() is True  # released on stop
    engine.dispose()

"""The aiohttp application of ``wms-bot serve``: health and readiness, plus channel routes.

``GET /healthz`` answers 200 while the process runs; ``GET /readyz`` answers 200 when the
database is reachable (``SELECT 1``) and 503 otherwise. Neither says anything else.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

ReadyCheck = Callable[[], Awaitable[bool]]

# Teams sends at most a few kB per activity; bigger bodies are answered 413 by the endpoint,
# which reads with its own limit. aiohttp's own limit sits just above it.
CLIENT_MAX_SIZE = 1024 * 1024 + 1


def database_ready_check(engine: Any) -> ReadyCheck:
    """A readiness check running ``SELECT 1`` on a SQLAlchemy engine (in a thread)."""

    def probe() -> bool:
        from sqlalchemy import text

        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:  # any failure means "not ready"; never raise out of a probe
            log.warning("readiness: database not reachable (%s)", type(exc).__name__)
            return False

    async def check() -> bool:
        return await asyncio.to_thread(probe)

    return check


def create_app(ready: ReadyCheck | None = None) -> web.Application:
    """A fresh aiohttp app with ``/healthz`` and ``/readyz``; channels add their routes."""
    app = web.Application(client_max_size=CLIENT_MAX_SIZE)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        ok = True if ready is None else await ready()
        return web.json_response({"status": "ready" if ok else "not ready"}, status=200 if ok else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app

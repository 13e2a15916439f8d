"""``wms-bot serve``: every configured channel in one aiohttp process until SIGTERM/SIGINT.

Teams (``POST /api/messages``) when ``WMS_TEAMS_APP_ID`` is set, Matrix when
``WMS_MATRIX_HOMESERVER`` is set, and always ``GET /healthz`` and ``GET /readyz`` on
``WMS_TEAMS_HOST:WMS_TEAMS_PORT`` (default 0.0.0.0:3978).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.settings import Settings, SettingsError
from bot.teams_channel import DEFAULT_HOST, DEFAULT_PORT, build_teams, teams_enabled
from bot.web import create_app, database_ready_check
from core.messages import Handler

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="check the settings and exit")


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        from bot.logging_setup import configure_logging  # redacting handler, third-party loggers capped

        configure_logging(settings.log_level)
        if getattr(args, "check", False):
            from bot.privacy_settings import load_privacy

            load_privacy(settings)  # retention and key settings are checked too
            from bot.usage_settings import UsageSettings

            UsageSettings.from_settings(settings)  # report and auto-release settings too
            if teams_enabled(settings):
                build_teams(settings, _NoHandler())
            print("settings ok")
            return 0
        return asyncio.run(serve(settings, settle_heap=True))
    except SettingsError as exc:
        print(f"wms-bot serve: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


class _NoHandler(Handler):
    """Placeholder for ``--check``: nothing is handled."""


@dataclass
class WebServer:
    """A started web server (health, readiness and channel routes)."""

    runner: web.AppRunner
    url: str
    teams: Any = None

    async def close(self) -> None:
        await self.runner.cleanup()
        if self.teams is not None:
            await self.teams.close()


async def start_web(settings: Settings, handler: Handler, engine: Any = None, references: Any = None) -> WebServer:
    """Start the aiohttp server with the configured channels' routes (Teams when set)."""
    app = create_app(ready=database_ready_check(engine) if engine is not None else None)
    endpoint = None
    host = settings.extra.get("WMS_TEAMS_HOST") or DEFAULT_HOST
    port = int(settings.extra.get("WMS_TEAMS_PORT") or DEFAULT_PORT)
    if teams_enabled(settings):
        serve_cfg, endpoint = build_teams(settings, handler, references, engine)
        endpoint.add_routes(app)
        host, port = serve_cfg.host, serve_cfg.port
    # access_log=None: the access log would record client addresses and paths per request.
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        if endpoint is not None:
            await endpoint.close()
        raise SettingsError(f"cannot listen on {host}:{port} (WMS_TEAMS_HOST/WMS_TEAMS_PORT): address in use or not available") from None
    bound = runner.addresses[0] if runner.addresses else (host, port)
    url_host = f"[{bound[0]}]" if ":" in str(bound[0]) else bound[0]
    return WebServer(runner=runner, url=f"http://{url_host}:{bound[1]}", teams=endpoint)


def _bootstrap(settings: Settings) -> tuple[Handler, Any]:
    """The real Runtime over the dialog and the store, and the services (engine, stores)."""
    # Imported lazily: `wms-bot serve --check` and the tests need none of it.
    from bot.bootstrap import bootstrap

    services = bootstrap(settings)
    from bot.assembly import build_runtime

    runtime = build_runtime(services)
    return runtime, services


async def serve(
    settings: Settings,
    *,
    handler: Handler | None = None,
    engine: Any = None,
    stop_event: asyncio.Event | None = None,
    started: "asyncio.Future[WebServer] | None" = None,
    settle_heap: bool = False,
) -> int:
    """Run until ``stop_event`` is set (SIGTERM/SIGINT set it); 0 on a clean stop.

    ``settle_heap`` (the ``wms-bot serve`` process): freeze the start-up heap out of full GC
    passes (:mod:`bot.heap`); never in a process that does other things too (tests)."""
    matrix_on = bool((settings.extra.get("WMS_MATRIX_HOMESERVER") or "").strip())
    if not teams_enabled(settings) and not matrix_on:
        raise SettingsError("nothing to serve: set WMS_TEAMS_APP_ID (Teams) and/or WMS_MATRIX_HOMESERVER (Matrix)")
    owned_engine = None
    if handler is None:
        handler, services = _bootstrap(settings)
        engine = owned_engine = services.engine
    stop = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    usage = None
    try:
        if owned_engine is not None:
            from bot.scheduler import auto_release_usage

            usage = auto_release_usage(services)  # a bad WMS_AUTO_RELEASE stops the start, with its message
        server = await start_web(settings, handler, engine)
    except BaseException:
        if owned_engine is not None:
            owned_engine.dispose()
        raise
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    # One line for the operator (no personal data): where health and Teams listen.
    print(f"wms-bot serving on {server.url} (teams: {'on' if teams_enabled(settings) else 'off'}, "
          f"matrix: {'on' if matrix_on else 'off'})", file=sys.stderr, flush=True)
    tasks: list[asyncio.Task[Any]] = []
    from bot.proactive import ProactiveSender

    proactive = ProactiveSender()  # reminders and notices reach people through whichever channel runs
    proactive.teams = server.teams
    if matrix_on:
        from bot.matrix_channel import run_matrix  # imported lazily: only when Matrix is configured

        tasks.append(asyncio.create_task(
            run_matrix(settings, handler, engine, stop, on_channel=proactive.set_matrix), name="matrix"))
    if owned_engine is not None:
        # Night jobs (anonymisation, retention, re-encryption); one instance runs them (a lease).
        from bot.scheduler import run_night_jobs_for

        tasks.append(asyncio.create_task(
            run_night_jobs_for(settings, engine, stop, notify=proactive.notify_retention), name="night-jobs"))
        # Team jobs: release unclaimed seats, close polls, serve waitlists, send reminders and notices.
        from bot.team_jobs import run_team_jobs

        tasks.append(asyncio.create_task(
            run_team_jobs(services, proactive.send, stop), name="team-jobs"))
    if usage is not None:
        # Auto-release (WMS_AUTO_RELEASE): every minute, the released person told in their language.
        from bot.scheduler import run_usage_jobs

        tasks.append(asyncio.create_task(run_usage_jobs(usage, engine, proactive.send, stop), name="usage-jobs"))
    if owned_engine is not None and settle_heap:
        # A long-running process: keep start-up and warm-up objects out of full GC passes.
        from bot.heap import Heap

        Heap.serving(handler)
    if started is not None and not started.done():
        started.set_result(server)
    status = 0
    try:
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not waiter and task.exception() is not None:
                log.error("channel %s stopped with %s", task.get_name(), type(task.exception()).__name__)
                status = 1
        stop.set()
        waiter.cancel()
    finally:
        log.info("wms-bot stopping")
        await server.close()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=20)
            for task in pending:
                task.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
        if owned_engine is not None:
            owned_engine.dispose()
    return status

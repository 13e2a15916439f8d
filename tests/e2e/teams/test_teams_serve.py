"""``wms-bot serve`` as operators run it: a real process, health checks, SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp
import pytest

from bot.commands import serve as serve_command
from bot.settings import Settings, SettingsError


async def _read_url(stream: asyncio.StreamReader) -> str:
    while True:
        line = (await stream.readline()).decode()
        if not line:
            raise AssertionError("serve exited before it was listening")
        if line.startswith("wms-bot serving on "):
            return line.split()[3]


async def test_serve_process_health_and_sigterm(tmp_path) -> None:
    env = dict(os.environ)
    env.update(
        {
            "WMS_DATA_DIR": str(tmp_path),
            "WMS_TEAMS_APP_ID": "00000000-1111-2222-3333-444444444444",
            "WMS_TEAMS_ANONYMOUS": "1",
            "WMS_TEAMS_HOST": "127.0.0.1",
            "WMS_TEAMS_PORT": "0",
        }
    )
    env.pop("WMS_MATRIX_HOMESERVER", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        assert proc.stderr is not None
        url = await asyncio.wait_for(_read_url(proc.stderr), 120)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as resp:
                assert resp.status == 200
            async with http.get(f"{url}/readyz") as resp:
                assert resp.status == 200
            async with http.post(f"{url}/api/messages", data=b"{") as resp:
                assert resp.status == 400
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_anonymous_refused_on_a_public_address(capsys) -> None:
    settings = Settings.from_env({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_ANONYMOUS": "1", "WMS_TEAMS_HOST": "0.0.0.0"})
    with pytest.raises(SettingsError, match="loopback"):
        asyncio.run(serve_command.serve(settings, handler=object()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "env, name",
    [
        ({"WMS_TEAMS_APP_ID": "x"}, "WMS_TEAMS_TENANT_ID"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_TENANT_ID": "t"}, "WMS_TEAMS_APP_PASSWORD"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_TENANT_ID": "t", "WMS_TEAMS_APP_PASSWORD": "p", "WMS_TEAMS_PORT": "http"}, "WMS_TEAMS_PORT"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_TENANT_ID": "t", "WMS_TEAMS_CERT_PATH": "/nonexistent.pem", "WMS_TEAMS_CERT_THUMBPRINT": "ab"}, "WMS_TEAMS_CERT_PATH"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_TENANT_ID": "t", "WMS_TEAMS_CERT_PATH": "/x.pem"}, "WMS_TEAMS_CERT_THUMBPRINT"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_ANONYMOUS": "maybe", "WMS_TEAMS_HOST": "127.0.0.1"}, "WMS_TEAMS_ANONYMOUS"),
        ({"WMS_TEAMS_APP_ID": "x", "WMS_TEAMS_ANONYMOUS": "1", "WMS_TEAMS_HOST": "127.0.0.1", "WMS_TEAMS_CARD_KEY": "short"}, "WMS_TEAMS_CARD_KEY"),
    ],
)
def test_bad_settings_name_the_variable(env, name) -> None:
    from bot.teams_channel import teams_settings

    with pytest.raises(SettingsError, match=name):
        teams_settings(Settings.from_env(env))


def test_nothing_to_serve() -> None:
    with pytest.raises(SettingsError, match="nothing to serve"):
        asyncio.run(serve_command.serve(Settings.from_env({}), handler=object()))  # type: ignore[arg-type]


async def test_serve_runs_matrix_and_teams_in_one_process_and_stops_both(monkeypatch) -> None:
    import types

    from core.messages import Handler

    calls: list[tuple] = []

    async def run_matrix(settings, handler, engine, stop, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((settings, handler, engine))
        await stop.wait()  # a channel runs until serve stops

    monkeypatch.setitem(sys.modules, "bot.matrix_channel", types.SimpleNamespace(run_matrix=run_matrix))
    settings = Settings.from_env(
        {
            "WMS_TEAMS_APP_ID": "00000000-1111-2222-3333-444444444444",
            "WMS_TEAMS_ANONYMOUS": "1",
            "WMS_TEAMS_HOST": "127.0.0.1",
            "WMS_TEAMS_PORT": "0",
            "WMS_MATRIX_HOMESERVER": "http://127.0.0.1:1",
        }
    )
    handler, stop = Handler(), asyncio.Event()
    started: asyncio.Future = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve_command.serve(settings, handler=handler, engine=None, stop_event=stop, started=started))
    server = await asyncio.wait_for(started, 30)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/healthz") as resp:
            assert resp.status == 200
    stop.set()
    assert await asyncio.wait_for(task, 30) == 0
    assert len(calls) == 1 and calls[0][0] is settings and calls[0][1] is handler

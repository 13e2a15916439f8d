"""Helpers for the Matrix end-to-end tests and the benchmark: the bot under test, its settings."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synapse_harness import Synapse

from bot.matrix_channel import run_matrix
from bot.settings import Settings


def real_handler(data_dir: Path):
    """The complete runtime (bot.assembly) on a fresh SQLite database (bootstrap migrates and seeds it)."""
    from bot.assembly import build_runtime
    from bot.bootstrap import bootstrap

    settings = Settings.from_env({"WMS_DATA_DIR": str(data_dir), "WMS_DATABASE_URL": f"sqlite:///{data_dir / 'wms.sqlite3'}"})
    services = bootstrap(settings)
    return build_runtime(services), services.engine


@dataclass
class BotRunner:
    """The bot under test: ``run_matrix`` in a task, started and stopped at will."""

    settings: Settings
    handler: Any
    engine: Any
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    channel: Any = None

    @property
    def user_id(self) -> str:
        return self.settings.extra["WMS_MATRIX_USER_ID"]

    async def start(self, timeout: float = 60) -> None:
        self.stop_event = asyncio.Event()
        got = asyncio.get_running_loop().create_future()

        def on_channel(ch: Any) -> None:
            self.channel = ch
            if not got.done():
                got.set_result(ch)

        self.task = asyncio.create_task(run_matrix(self.settings, self.handler, self.engine, self.stop_event, on_channel=on_channel))
        channel = await asyncio.wait_for(got, timeout)
        await asyncio.wait_for(channel.ready.wait(), timeout)

    async def stop(self) -> None:
        self.stop_event.set()
        if self.task:
            await asyncio.wait_for(self.task, 30)
            self.task = None


def bot_settings(synapse: Synapse, work: Path, localpart: str, password: str, **extra: str) -> Settings:
    env = {
        "WMS_DATA_DIR": str(work),
        "WMS_MATRIX_HOMESERVER": synapse.url,
        "WMS_MATRIX_USER_ID": f"@{localpart}:{synapse.server_name}",
        "WMS_MATRIX_PASSWORD": password,
        "WMS_MATRIX_STORE_PATH": str(work / "matrix-store"),
        "WMS_MATRIX_PICKLE_KEY": secrets.token_hex(16),
        "WMS_MATRIX_DECRYPT_GRACE_SECONDS": "1",
        **extra,
    }
    return Settings.from_env(env)

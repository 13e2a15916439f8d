"""Fixtures for the Matrix end-to-end tests: one real Synapse per session, the bot, test users."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synapse_harness import Synapse, TestUser  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matrix_support import BotRunner, bot_settings, real_handler  # noqa: E402



@dataclass
class World:
    synapse: Synapse
    bot: BotRunner
    admin_token: str
    tmp: Path
    users: list[TestUser] = field(default_factory=list)

    async def user(self, name: str) -> TestUser:
        localpart = f"{name}{secrets.token_hex(3)}"
        password = secrets.token_hex(8)
        await self.synapse.register(localpart, password)
        store = self.tmp / "users" / localpart
        store.mkdir(parents=True)
        u = await TestUser.login(self.synapse, localpart, password, store)
        self.users.append(u)
        return u


@pytest.fixture(scope="session")
def synapse_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("synapse")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def world(synapse_tmp: Path):
    try:
        synapse = Synapse(synapse_tmp / "hs")
    except Exception as exc:  # no PyPI to install Synapse from: only tolerated outside CI
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Synapse not available: {type(exc).__name__}")
    await synapse.start()
    bot = None
    users: list[TestUser] = []
    try:
        admin = await synapse.register("admin", "admin-pass", admin=True)
        bot_password = secrets.token_hex(8)
        bot_reg = await synapse.register("wmsbot", bot_password)
        await synapse.exempt_from_rate_limits(admin["access_token"], bot_reg["user_id"])
        work = synapse_tmp / "bot"
        work.mkdir()
        settings = bot_settings(synapse, work, "wmsbot", bot_password)
        handler, engine = real_handler(work)
        bot = BotRunner(settings, handler, engine)
        await bot.start()
        w = World(synapse, bot, admin["access_token"], synapse_tmp, users)
        yield w
    finally:  # always stop what we started, also when the set-up failed half-way
        for u in users:
            await u.close()
        if bot is not None:
            await bot.stop()
        await synapse.stop()


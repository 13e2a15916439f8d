"""A real Synapse homeserver for tests and benchmarks, plus matrix-nio test users.

``matrix-synapse`` is installed once into its own cached virtual environment
(``~/.cache/wms-bot/synapse-venv``, or ``WMS_SYNAPSE_VENV``), guarded by a file lock so
parallel runs don't clash. Each :class:`Synapse` gets a generated config: SQLite, loopback
on a free port, a registration shared secret, no federation, relaxed rate limits, no stats,
no URL previews, media in the work directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import hmac
import os
import secrets
import socket
import subprocess
import time
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import aiohttp
from nio import AsyncClient, AsyncClientConfig, Event, LoginResponse, RoomCreateResponse
from nio.store import SqliteMemoryStore

VENV = Path(os.environ.get("WMS_SYNAPSE_VENV") or Path.home() / ".cache" / "wms-bot" / "synapse-venv")


def synapse_python() -> Path:
    """The cached venv's python with matrix-synapse installed (installed on first use)."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    python = VENV / "bin" / "python"
    marker = VENV / ".wms-installed"
    if marker.exists():
        return python
    with open(VENV.parent / (VENV.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
            done = subprocess.run([str(python), "-m", "pip", "install", "-q", "matrix-synapse"], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"installing matrix-synapse failed:\n{done.stderr[-3000:]}")
            marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
    return python


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_RATE = "{per_second: 1000, burst_count: 1000}"

CONFIG = """\
server_name: "{server_name}"
pid_file: "{work}/homeserver.pid"
public_baseurl: "http://127.0.0.1:{port}/"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{work}/homeserver.db"
log_config: "{work}/log.yaml"
media_store_path: "{work}/media"
signing_key_path: "{work}/signing.key"
registration_shared_secret: "{secret}"
macaroon_secret_key: "{macaroon}"
form_secret: "{form}"
report_stats: false
enable_metrics: false
enable_registration: false
url_preview_enabled: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
presence:
  enabled: false
rc_message: {{per_second: 50, burst_count: 200}}
rc_registration: {rate}
rc_login:
  address: {rate}
  account: {rate}
  failed_attempts: {rate}
rc_joins:
  local: {rate}
  remote: {rate}
rc_joins_per_room: {rate}
rc_invites:
  per_room: {rate}
  per_user: {rate}
  per_issuer: {rate}
rc_key_requests: {rate}
rc_3pid_validation: {rate}
rc_admin_redaction: {rate}
"""

LOG_CONFIG = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s %(name)s %(levelname)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    filename: "{work}/homeserver.log"
    formatter: precise
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class Synapse:
    """One Synapse process on loopback; ``await start()``, ``await stop()``, ``await restart()``."""

    def __init__(self, work: Path, server_name: str = "localhost") -> None:
        self.work = work
        self.server_name = server_name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(16)
        self.proc: subprocess.Popen[bytes] | None = None
        self.python = synapse_python()
        work.mkdir(parents=True, exist_ok=True)
        (work / "media").mkdir(exist_ok=True)
        self.config = work / "homeserver.yaml"
        self.config.write_text(
            CONFIG.format(
                server_name=server_name, work=work, port=self.port, secret=self.secret,
                macaroon=secrets.token_hex(16), form=secrets.token_hex(16), rate=_RATE,
            )
        )
        (work / "log.yaml").write_text(LOG_CONFIG.format(work=work))
        subprocess.run(
            [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config), "--generate-keys"],
            check=True, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    async def start(self, timeout: float = 90) -> None:
        self.proc = subprocess.Popen(
            [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config)],
            cwd=self.work, stdout=subprocess.DEVNULL, stderr=open(self.work / "stderr.log", "ab"),
        )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"synapse exited with {self.proc.returncode}; see {self.work}/stderr.log")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/health") as resp:
                        if resp.status == 200:
                            return
                if time.monotonic() > deadline:
                    await self.stop()
                    raise TimeoutError("synapse did not become healthy")
                await asyncio.sleep(0.1)  # waiting for a process to listen: nothing to subscribe to

    async def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            await asyncio.to_thread(self.proc.wait, 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            await asyncio.to_thread(self.proc.wait)
        self.proc = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def register(self, localpart: str, password: str, *, admin: bool = False) -> dict[str, Any]:
        """Register a user through the shared-secret admin API; returns user_id and access_token."""
        url = f"{self.url}/_synapse/admin/v1/register"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as resp:
                nonce = (await resp.json())["nonce"]
            mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
            mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(), b"admin" if admin else b"notadmin"]))
            body = {"nonce": nonce, "username": localpart, "password": password, "admin": admin, "mac": mac.hexdigest()}
            async with http.post(url, json=body) as resp:
                data = await resp.json()
                if resp.status != 200:
                    raise RuntimeError(f"registration failed: {resp.status} {data.get('errcode')}")
                return data

    async def exempt_from_rate_limits(self, admin_token: str, user_id: str) -> None:
        """``POST /_synapse/admin/v1/users/<user_id>/override_ratelimit`` with zeros (= no limit)."""
        url = f"{self.url}/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json={"messages_per_second": 0, "burst_count": 0},
                                 headers={"Authorization": f"Bearer {admin_token}"}) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"override_ratelimit failed: {resp.status}")

    async def request(self, method: str, path: str, token: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as http:
            async with http.request(method, self.url + path, json=body, headers={"Authorization": f"Bearer {token}"}) as resp:
                return resp.status, await resp.json(content_type=None)


@dataclass
class Seen:
    room_id: str
    source: dict[str, Any]

    @property
    def content(self) -> dict[str, Any]:
        return self.source.get("content") or {}

    @property
    def in_reply_to(self) -> str | None:
        rel = self.content.get("m.relates_to") or {}
        return (rel.get("m.in_reply_to") or {}).get("event_id")


@dataclass
class TestUser:
    """A person in the tests: a matrix-nio client (with encryption) that records what it sees."""

    client: AsyncClient
    seen: list[Seen] = field(default_factory=list)
    _cond: asyncio.Condition = field(default_factory=asyncio.Condition)
    _task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    @classmethod
    async def login(cls, synapse: Synapse, localpart: str, password: str, store_dir: Path) -> "TestUser":
        cfg = AsyncClientConfig(store=SqliteMemoryStore, encryption_enabled=True, max_timeout_retry_wait_time=2, backoff_factor=0.1)
        client = AsyncClient(synapse.url, f"@{localpart}:{synapse.server_name}", store_path=str(store_dir), config=cfg)
        resp = await client.login(password, device_name="test")
        assert isinstance(resp, LoginResponse), resp
        user = cls(client)
        client.add_event_callback(user._on_event, Event)
        await client.sync(timeout=0, full_state=True)
        if client.should_upload_keys:
            await client.keys_upload()
        user._task = asyncio.create_task(client.sync_forever(timeout=10_000))
        return user

    async def _on_event(self, room: Any, event: Any) -> None:
        source = getattr(event, "source", None)
        if isinstance(source, dict):
            async with self._cond:
                self.seen.append(Seen(room.room_id, source))
                self._cond.notify_all()

    async def wait_for(self, pred: Callable[[Seen], bool], timeout: float = 30) -> Seen:
        """The first event seen (before or after the call) matching ``pred``."""
        found: list[Seen] = []

        def check() -> bool:
            for s in self.seen:
                if pred(s):
                    found.append(s)
                    return True
            return False

        async with self._cond:
            await asyncio.wait_for(self._cond.wait_for(check), timeout)
        return found[0]

    async def reply_to(self, event_id: str, timeout: float = 30) -> Seen:
        return await self.wait_for(lambda s: s.source.get("type") == "m.room.message" and s.in_reply_to == event_id, timeout)

    def replies_to(self, event_id: str) -> list[Seen]:
        return [s for s in self.seen if s.source.get("type") == "m.room.message" and s.in_reply_to == event_id]

    async def dm(self, bot_user_id: str, *, encrypted: bool = False, timeout: float = 30) -> str:
        """Create a direct room with the bot and wait until it joined."""
        initial = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}] if encrypted else []
        resp = await self.client.room_create(invite=[bot_user_id], is_direct=True, initial_state=initial)
        assert isinstance(resp, RoomCreateResponse), resp
        await self.joined(resp.room_id, bot_user_id, timeout)
        return resp.room_id

    async def joined(self, room_id: str, user_id: str, timeout: float = 30) -> None:
        await self.wait_for(
            lambda s: s.room_id == room_id and s.source.get("type") == "m.room.member"
            and s.source.get("state_key") == user_id and s.content.get("membership") == "join",
            timeout,
        )

    async def say(self, room_id: str, body: str, **extra: Any) -> str:
        content = {"msgtype": "m.text", "body": body, **extra}
        resp = await self.client.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True)
        return resp.event_id

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        resp = await self.client.room_send(room_id, "m.reaction", content, ignore_unverified_devices=True)
        return resp.event_id

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()

"""The Matrix channel: a matrix-nio client that syncs, hands messages to the handler and answers.

The decisions (what an event means, how a reply looks) are sans-I/O in :mod:`.events` and
:mod:`.render`; this module only moves bytes:

- login once, keep the access token and the device id under the store path, so the device
  (and its crypto store, sealed with the pickle key) stays the same across restarts;
- the first start swallows history with a one-off filter (Synapse caches identical /sync
  requests, so the nonce makes it fresh); afterwards the sync token in the database is the
  point to continue from, saved only when every event before it has been handled;
- each room has its own queue and worker task: messages of one room in order, rooms in
  parallel, the sync loop never waits for the handler;
- each event id is handled once (database), and reply transaction ids derive from it;
- nio honours 429 ``retry_after_ms`` and retries lost connections with capped back-off.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    MegolmEvent,
    RoomSendResponse,
    SyncError,
    SyncResponse,
    UploadFilterResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError

from core.messages import Handler, Inbound, Reply, Sender

from . import catalog
from .crosssign import CrossSigningKeys, device_is_cross_signed
from .events import (
    Ignore,
    ReactionAnswer,
    Request,
    RoomView,
    Undecryptable,
    Unreadable,
    classify,
    invite_allowed,
    inviter_of,
)
from .render import (
    attachment_txn,
    file_content,
    plan_replies,
    reaction_content,
    reaction_txn,
    txn_id,
    utterance_for_reaction,
)
from .state import MatrixState

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0
"""Seconds between pruning handled event ids and prompts past their retention."""

SYNC_FILTER = {
    "room": {
        "timeline": {"limit": 100},
        "state": {"lazy_load_members": False},
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
    },
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
}


@dataclass(frozen=True)
class MatrixConfig:
    """Everything the channel needs; parsed from ``WMS_MATRIX_*`` by ``bot.matrix_channel``."""

    homeserver: str
    user_id: str
    store_path: Path
    pickle_key: str
    allowed_servers: frozenset[str]
    password: str | None = None
    access_token: str | None = None
    device_id: str | None = None
    device_name: str = "wms-bot"
    undecryptable_grace: float = 5.0
    sync_timeout_ms: int = 30_000
    max_retry_wait: float = 30.0
    cross_signing: bool = True


class SessionExpired(RuntimeError):
    """The access token was revoked; a new run logs in again (password) or stops (token)."""


def nio_config(cfg: MatrixConfig) -> AsyncClientConfig:
    """matrix-nio settings: encrypted store with our pickle key, 429s honoured without limit
    (``retry_after_ms``), lost connections retried with exponential back-off capped at
    ``max_retry_wait`` seconds."""
    return AsyncClientConfig(
        encryption_enabled=True,
        pickle_key=cfg.pickle_key,
        store_sync_tokens=False,  # our token lives in the database, saved after handling
        max_limit_exceeded=None,
        max_timeouts=None,
        max_timeout_retry_wait_time=cfg.max_retry_wait,
        backoff_factor=0.25,
        request_timeout=cfg.sync_timeout_ms / 1000 + 30,
    )


@dataclass
class _Batch:
    token: str
    pending: int


@dataclass
class _RoomWorker:
    queue: asyncio.Queue[Callable[[], Awaitable[None]] | None] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None


class MatrixChannel:
    """One bot account on one homeserver. ``await channel.run(stop)`` until ``stop`` is set."""

    def __init__(
        self,
        config: MatrixConfig,
        handler: Handler,
        state: MatrixState,
        *,
        clock: Callable[[], float] = time.time,
        leader: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.config = config
        self.leader = leader
        """Asked before each sync answer is handled; False means another instance took over."""
        self.handler = handler
        self.state = state
        self.clock = clock
        self.client: AsyncClient | None = None
        self.display_name: str | None = None
        self._workers: dict[str, _RoomWorker] = {}
        self._batches: deque[_Batch] = deque()
        self._engaged: OrderedDict[str, None] = OrderedDict()  # bot event ids + threads it answers in
        self._lang: OrderedDict[str, str] = OrderedDict()  # user hash -> last reply language
        self._keys_arrived = asyncio.Event()
        self._token_to_save: str | None = None
        self._token_saver: asyncio.Task[None] | None = None
        self._not_before_ms = 0
        self.ready = asyncio.Event()
        """Set once the first sync is done (tests and the benchmark wait for it)."""
        self.observers: list[Callable[[SyncResponse], None]] = []
        """Called with each sync answer after it was dispatched (tests use it to know an event was seen)."""

    # -- life cycle ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Log in, then sync and answer until ``stop`` is set; always closes the client."""
        self.state.ensure_tables()
        self.state.release_unfinished()  # a previous holder died mid-message: answer it again
        try:
            # Login waits (with back-off) while the homeserver is away: let stop interrupt it.
            if not await _until_stop(stop, self._login()):
                return
            if not await _until_stop(stop, self._prepare_crypto()):
                return
            await self._sync_loop(stop)
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        for worker in self._workers.values():
            worker.queue.put_nowait(None)
        tasks = [w.task for w in self._workers.values() if w.task]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=10)
            for t in pending:
                t.cancel()
        self._workers.clear()
        if self._token_saver is not None:
            await asyncio.gather(self._token_saver, return_exceptions=True)
        if self.client is not None:
            await self.client.close()

    def _session_file(self) -> Path:
        return self.config.store_path / "session.json"

    async def _login(self) -> None:
        cfg = self.config
        cfg.store_path.mkdir(parents=True, exist_ok=True)
        os.chmod(cfg.store_path, 0o700)
        client_config = nio_config(cfg)
        client = AsyncClient(cfg.homeserver, cfg.user_id, store_path=str(cfg.store_path), config=client_config)
        self.client = client
        session = self._read_session()
        if cfg.access_token:
            client.access_token = cfg.access_token
            who = await client.whoami()
            if not isinstance(who, WhoamiResponse):
                raise RuntimeError("WMS_MATRIX_ACCESS_TOKEN was refused by the homeserver")
            device_id = who.device_id or cfg.device_id
            if not device_id:
                raise RuntimeError("the access token has no device; set WMS_MATRIX_DEVICE_ID")
            client.restore_login(who.user_id, device_id, cfg.access_token)
            return
        if session and session.get("user_id") == cfg.user_id and (not cfg.device_id or session.get("device_id") == cfg.device_id):
            client.access_token = session["access_token"]
            who = await client.whoami()
            if isinstance(who, WhoamiResponse):
                client.restore_login(session["user_id"], session["device_id"], session["access_token"])
                return
            client.access_token = ""
        device_id = cfg.device_id or (session or {}).get("device_id")
        if device_id:
            client.device_id = device_id  # nio logs in with this device (same crypto identity)
        resp = await client.login(cfg.password or "", device_name=cfg.device_name)
        if not isinstance(resp, LoginResponse):
            raise RuntimeError("Matrix login failed (check WMS_MATRIX_USER_ID and WMS_MATRIX_PASSWORD)")
        self._write_session({"user_id": resp.user_id, "device_id": resp.device_id, "access_token": resp.access_token})

    def _read_session(self) -> dict[str, str] | None:
        try:
            data = json.loads(self._session_file().read_text())
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def _write_session(self, data: dict[str, str]) -> None:
        path = self._session_file()
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)

    async def _prepare_crypto(self) -> None:
        client = self._client()
        if client.should_upload_keys:
            await client.keys_upload()
        name = await client.get_displayname()
        self.display_name = getattr(name, "displayname", None)
        if self.config.cross_signing:
            try:
                await self.ensure_cross_signed()
            except Exception as exc:  # cross-signing is a courtesy; the bot works without it
                log.warning("cross-signing skipped: %s", type(exc).__name__)

    def _client(self) -> AsyncClient:
        assert self.client is not None, "not logged in"
        return self.client

    # -- cross-signing -----------------------------------------------------------------------

    async def _raw(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        client = self._client()
        url = self.config.homeserver.rstrip("/") + path
        headers = {"Authorization": f"Bearer {client.access_token}"}
        async with aiohttp.ClientSession() as session:
            async with session.request(method, url, json=body, headers=headers) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = {}
                return resp.status, data if isinstance(data, dict) else {}

    async def query_own_keys(self) -> dict[str, Any]:
        client = self._client()
        _, data = await self._raw("POST", "/_matrix/client/v3/keys/query", {"device_keys": {client.user_id: []}})
        return data

    async def ensure_cross_signed(self) -> bool:
        """Publish master + self-signing keys (once) and sign this device; True when done."""
        client = self._client()
        user_id, device_id = client.user_id, client.device_id
        key_file = self.config.store_path / "cross_signing.sealed"
        keys = None
        if key_file.exists():
            keys = CrossSigningKeys.unseal(key_file.read_bytes(), self.config.pickle_key)
        query = await self.query_own_keys()
        if device_is_cross_signed(query, user_id, device_id):
            return True
        published = (query.get("master_keys") or {}).get(user_id)
        if keys is None or (published and keys.master_key(user_id)["keys"] != published.get("keys")):
            if published and keys is None:
                log.warning("cross-signing: a master key exists that this store does not hold")
            keys = keys or CrossSigningKeys.generate()
            key_file.write_bytes(keys.seal(self.config.pickle_key))
            os.chmod(key_file, 0o600)
        if not published or keys.master_key(user_id)["keys"] != published.get("keys"):
            body = keys.upload_body(user_id)
            status, data = await self._raw("POST", "/_matrix/client/v3/keys/device_signing/upload", body)
            if status == 401 and self.config.password and "session" in data:
                body["auth"] = {
                    "type": "m.login.password",
                    "session": data["session"],
                    "identifier": {"type": "m.id.user", "user": user_id},
                    "password": self.config.password,
                }
                status, data = await self._raw("POST", "/_matrix/client/v3/keys/device_signing/upload", body)
            if status != 200:
                log.warning("cross-signing: key upload refused (HTTP %s)", status)
                return False
        device = ((query.get("device_keys") or {}).get(user_id) or {}).get(device_id)
        if device is None:
            query = await self.query_own_keys()
            device = ((query.get("device_keys") or {}).get(user_id) or {}).get(device_id)
        if device is None:
            return False
        status, data = await self._raw("POST", "/_matrix/client/v3/keys/signatures/upload", keys.device_signature_body(device))
        if status != 200 or data.get("failures"):
            log.warning("cross-signing: device signature refused (HTTP %s)", status)
            return False
        return True

    # -- sync ------------------------------------------------------------------------------

    async def _sync(self, stop: asyncio.Event, **kwargs: Any) -> SyncResponse | None:
        """One /sync that gives way at once when ``stop`` is set."""
        client = self._client()
        sync_task = asyncio.ensure_future(client.sync(**kwargs))
        stop_task = asyncio.ensure_future(stop.wait())
        try:
            done, _ = await asyncio.wait({sync_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop_task.cancel()
        if sync_task not in done:
            sync_task.cancel()
            await asyncio.gather(sync_task, return_exceptions=True)
            return None
        resp = sync_task.result()
        if isinstance(resp, SyncError) and resp.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
            # Logged out or token revoked: end this run; the caller starts again and logs in anew.
            session = self._read_session()
            if session:  # keep the device (and so the crypto identity), drop the token
                self._write_session({**session, "access_token": ""})
            raise SessionExpired("the homeserver no longer accepts the access token")
        return resp if isinstance(resp, SyncResponse) else None

    async def _sync_loop(self, stop: asyncio.Event) -> None:
        client = self._client()
        token = self.state.get("sync_token")
        first_ms = self.state.get("first_start_ms")
        if token is None:
            # First start: take the current position and swallow everything before it.
            nonce = secrets.token_hex(8)
            first_filter = json.loads(json.dumps(SYNC_FILTER))
            first_filter["room"]["timeline"] = {"limit": 1, "not_types": [f"nl.wms-bot.nonce.{nonce}"]}
            resp = await self._sync(stop, timeout=0, sync_filter=first_filter, full_state=True)
            if resp is None:
                if stop.is_set():
                    return
                raise RuntimeError("the first sync failed")
            now_ms = int(self.clock() * 1000)
            self.state.put("first_start_ms", str(now_ms))
            self.state.put("sync_token", resp.next_batch)
            self._not_before_ms = now_ms
            self._accept_invites(resp)
            await self._after_sync()
        else:
            self._not_before_ms = int(first_ms or 0)
            # Full state once, so the room list (and who is in encrypted rooms) is complete again.
            resp = await self._sync(stop, timeout=0, sync_filter=SYNC_FILTER, since=token, full_state=True)
            if resp is None:
                if stop.is_set():
                    return
                raise RuntimeError("the first sync failed")
            if not await self._still_leader():
                return
            self._dispatch(resp)
            await self._after_sync()
        self.ready.set()
        self.state.prune(int(self.clock() * 1000))
        last_prune = time.monotonic()
        sync_filter: str | dict[str, Any] = SYNC_FILTER
        uploaded = await client.upload_filter(
            presence=SYNC_FILTER["presence"], account_data=SYNC_FILTER["account_data"], room=SYNC_FILTER["room"]
        )
        if isinstance(uploaded, UploadFilterResponse):
            sync_filter = uploaded.filter_id  # the server parses it once, not on every /sync
        backoff = 1.0
        while not stop.is_set():
            resp = await self._sync(
                stop, timeout=self.config.sync_timeout_ms, sync_filter=sync_filter, since=client.next_batch
            )
            if stop.is_set():
                break
            if resp is None:
                # An error answer (not a lost connection: nio retries those): back off, capped.
                await _wait_or_stop(stop, backoff)
                backoff = min(backoff * 2, self.config.max_retry_wait)
                continue
            backoff = 1.0
            if not await self._still_leader():
                return
            self._dispatch(resp)
            await self._after_sync()
            if time.monotonic() - last_prune > PRUNE_EVERY:
                last_prune = time.monotonic()
                try:
                    self.state.prune(self._now_ms())  # retention: 7 days for event ids, 1 day for prompts
                except Exception as exc:
                    log.warning("pruning failed: %s", type(exc).__name__)

    async def _still_leader(self) -> bool:
        """Fence: handle a sync answer only while this instance still holds the lease.

        The lease keeper notices a take-over only at its next renewal; without this check a
        sync answer that arrives in between would be handled here and by the new holder.
        """
        if self.leader is None:
            return True
        try:
            return await self.leader()
        except Exception as exc:
            log.warning("leader check failed: %s", type(exc).__name__)
            return False

    async def _after_sync(self) -> None:
        """The chores matrix-nio's sync_forever does between syncs (keys, to-device)."""
        client = self._client()
        jobs: list[Awaitable[Any]] = [client.send_to_device_messages()]
        if client.should_upload_keys:
            jobs.append(client.keys_upload())
        if client.should_query_keys:
            jobs.append(client.keys_query())
        if client.should_claim_keys:
            jobs.append(client.keys_claim(client.get_users_for_key_claiming()))
        for result in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(result, BaseException):
                log.warning("key maintenance failed: %s", type(result).__name__)
        # Room keys may have come in: let waiting undecryptable messages try again.
        self._keys_arrived.set()
        self._keys_arrived = asyncio.Event()

    def _accept_invites(self, resp: SyncResponse) -> None:
        client = self._client()
        for room_id, info in resp.rooms.invite.items():
            # nio strips ``content`` from the stripped-state sources; rebuild the member events.
            states = [
                {"type": "m.room.member", "sender": ev.sender, "state_key": ev.state_key, "content": {"membership": ev.membership}}
                for ev in info.invite_state
                if isinstance(ev, InviteMemberEvent)
            ]
            inviter = inviter_of(states, client.user_id)
            if invite_allowed(inviter, self.config.allowed_servers):
                self._enqueue(room_id, lambda r=room_id: self._join(r), None)
            else:
                log.info("invite ignored: server not allowed")

    async def _leave(self, room_id: str) -> None:
        client = self._client()
        await client.room_leave(room_id)
        await client.room_forget(room_id)

    async def _join(self, room_id: str) -> None:
        resp = await self._client().join(room_id)
        if isinstance(resp, JoinError):
            log.warning("join failed: %s", resp.status_code)

    def _room_view(self, room_id: str) -> RoomView:
        client = self._client()
        room = client.rooms.get(room_id)
        members = tuple(room.users) if room else ()
        count = room.member_count if room else len(members)
        return RoomView(
            room_id=room_id,
            bot_user_id=client.user_id,
            bot_display_name=self.display_name,
            member_ids=members,
            is_group=count > 2,
        )

    def _dispatch(self, resp: SyncResponse) -> None:
        """Turn one sync answer into work on the room queues; never raises."""
        batch = _Batch(resp.next_batch, 0)
        self._batches.append(batch)
        try:
            self._accept_invites(resp)
        except Exception as exc:
            log.warning("invite handling failed: %s", type(exc).__name__)
        for room_id, info in resp.rooms.join.items():
            view = self._room_view(room_id)
            if view.member_ids == (view.bot_user_id,):
                # Everyone else left: nothing to answer here any more.
                self._enqueue(room_id, lambda r=room_id: self._leave(r), None)
                continue
            for event in info.timeline.events:
                try:
                    self._dispatch_event(room_id, view, event, batch)
                except Exception as exc:  # one bad event must not stop the others
                    log.warning("event skipped: %s", type(exc).__name__)
        self._commit_tokens()
        for observer in self.observers:
            observer(resp)

    def _dispatch_event(self, room_id: str, view: RoomView, event: Any, batch: _Batch) -> None:
        source = getattr(event, "source", None)
        if not isinstance(source, dict):
            return
        if isinstance(event, MegolmEvent):
            source = {**source, "type": "m.room.encrypted"}
        decision = classify(source, view, not_before_ms=self._not_before_ms, engaged=self._engaged)
        if isinstance(decision, Ignore):
            return
        if isinstance(decision, Request):
            work = lambda: self._answer(room_id, decision)  # noqa: E731
        elif isinstance(decision, ReactionAnswer):
            work = lambda: self._answer_reaction(room_id, view, decision)  # noqa: E731
        elif isinstance(decision, Undecryptable):
            work = lambda: self._answer_undecryptable(room_id, view, event, decision)  # noqa: E731
        elif isinstance(decision, Unreadable):
            work = lambda: self._answer_unreadable(room_id, view, decision)  # noqa: E731
        else:  # pragma: no cover - exhaustive
            return
        self._enqueue(room_id, work, batch)

    def _enqueue(self, room_id: str, work: Callable[[], Awaitable[None]], batch: _Batch | None) -> None:
        worker = self._workers.get(room_id)
        if worker is None or worker.task is None or worker.task.done():
            worker = _RoomWorker()
            worker.task = asyncio.ensure_future(self._work(worker))
            self._workers[room_id] = worker
        if batch is not None:
            batch.pending += 1

        async def tracked() -> None:
            try:
                await work()
            finally:
                if batch is not None:
                    batch.pending -= 1
                    self._commit_tokens()

        worker.queue.put_nowait(tracked)

    async def _work(self, worker: _RoomWorker) -> None:
        while True:
            item = await worker.queue.get()
            if item is None:
                return
            try:
                await item()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let one message end the room's worker
                log.error("message handling failed: %s", type(exc).__name__)

    def _commit_tokens(self) -> None:
        """Save (in the background, in order) the newest sync token whose events are all handled."""
        token = None
        while self._batches and self._batches[0].pending == 0:
            token = self._batches.popleft().token
        if token is not None:
            self._token_to_save = token
            if self._token_saver is None or self._token_saver.done():
                self._token_saver = asyncio.ensure_future(self._save_tokens())

    async def _save_tokens(self) -> None:
        while self._token_to_save is not None:
            token, self._token_to_save = self._token_to_save, None
            try:
                await self._db(self.state.put, "sync_token", token)
            except Exception as exc:
                log.error("saving the sync token failed: %s", type(exc).__name__)

    # -- answering -------------------------------------------------------------------------

    def _remember(self, event_id: str) -> None:
        self._engaged[event_id] = None
        while len(self._engaged) > 10_000:
            self._engaged.popitem(last=False)

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a state call in a worker thread: a commit (fsync) must not stall every room."""
        return await asyncio.to_thread(fn, *args)

    async def _answer(self, room_id: str, req: Request, *, claimed: bool = False) -> None:
        event_id = req.inbound.message_id
        if not claimed and not await self._db(self.state.claim, event_id, self._now_ms()):
            return
        replies = await self.handler.handle(req.inbound)
        mention = req.inbound.sender.user_id if req.inbound.is_group else None
        await self._send_replies(room_id, replies, event_id, req.reply_to, req.thread_root, mention, req.inbound.sender.user_id)
        await self._db(self.state.finish, event_id, self._now_ms())

    async def _answer_reaction(self, room_id: str, view: RoomView, ans: ReactionAnswer, *, claimed: bool = False) -> None:
        prompt = await self._db(self.state.load_prompt, ans.target)
        if prompt is None or not prompt.answers(self.state.user_hash(ans.sender)):
            return
        if prompt.answerable_by == "room" and ans.sender not in view.member_ids:
            return  # a room prompt (a poll) is answered by the room's current members only
        utterance = utterance_for_reaction(ans.key, prompt.keys)
        if utterance is None:
            return
        if not claimed and not await self._db(self.state.claim, ans.event_id, self._now_ms()):
            return
        inbound = Inbound(
            channel="matrix",
            conversation_id=room_id,
            message_id=ans.event_id,
            sender=Sender(user_id=ans.sender),
            text=utterance,
            is_group=view.is_group,
            room_members=tuple(m for m in view.member_ids if m != view.bot_user_id) if view.is_group else (),
        )
        replies = await self.handler.handle(inbound)
        mention = ans.sender if view.is_group else None
        await self._send_replies(room_id, replies, ans.event_id, prompt.reply_to, prompt.thread_root, mention, ans.sender)
        await self._db(self.state.finish, ans.event_id, self._now_ms())

    async def _answer_undecryptable(self, room_id: str, view: RoomView, event: MegolmEvent, und: Undecryptable) -> None:
        if not await self._db(self.state.claim, und.event_id, self._now_ms()):
            return
        client = self._client()
        event.room_id = room_id
        try:
            await client.request_room_key(event)
        except (LocalProtocolError, EncryptionError, AttributeError):
            pass  # already requested, or not possible: wait anyway
        deadline = time.monotonic() + self.config.undecryptable_grace
        decrypted = None
        while decrypted is None:
            try:
                decrypted = client.decrypt_event(event)
            except (EncryptionError, ValueError, AssertionError):
                decrypted = None
            if decrypted is not None or time.monotonic() >= deadline:
                break
            try:
                await asyncio.wait_for(self._keys_arrived.wait(), timeout=max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass
        source = getattr(decrypted, "source", None)
        if isinstance(source, dict) and source.get("type") != "m.room.encrypted":
            decision = classify(source, view, not_before_ms=self._not_before_ms, engaged=self._engaged)
            if isinstance(decision, Request):
                await self._answer(room_id, decision, claimed=True)
            elif isinstance(decision, ReactionAnswer):
                await self._answer_reaction(room_id, view, decision, claimed=True)
            await self._db(self.state.finish, und.event_id, self._now_ms())
            return
        lang = self._lang.get(self.state.user_hash(und.sender))
        reply = Reply(text=catalog.text("matrix.undecryptable", lang), lang=lang or "nl")
        mention = und.sender if view.is_group else None
        await self._send_replies(room_id, [reply], und.event_id, und.event_id, und.thread_root, mention, und.sender)
        await self._db(self.state.finish, und.event_id, self._now_ms())

    async def _answer_unreadable(self, room_id: str, view: RoomView, unr: Unreadable) -> None:
        if not await self._db(self.state.claim, unr.event_id, self._now_ms()):
            return
        lang = self._lang.get(self.state.user_hash(unr.sender))
        reply = Reply(text=catalog.text("matrix.unreadable", lang), lang=lang or "nl")
        mention = unr.sender if view.is_group else None
        await self._send_replies(room_id, [reply], unr.event_id, unr.event_id, unr.thread_root, mention, unr.sender)
        await self._db(self.state.finish, unr.event_id, self._now_ms())

    async def _send(self, room_id: str, event_type: str, content: dict[str, Any], tx: str) -> str | None:
        try:
            resp = await self._client().room_send(room_id, event_type, content, tx_id=tx, ignore_unverified_devices=True)
        except (LocalProtocolError, EncryptionError) as exc:
            log.error("send failed: %s", type(exc).__name__)
            return None
        if isinstance(resp, RoomSendResponse):
            return resp.event_id
        log.error("send refused: %s", getattr(resp, "status_code", "?"))
        return None

    async def _send_replies(
        self,
        room_id: str,
        replies: list[Reply],
        source_event_id: str,
        reply_to: str | None,
        thread_root: str | None,
        mention: str | None,
        user_id: str,
    ) -> None:
        if thread_root:
            self._remember(thread_root)
        if replies:
            key = self.state.user_hash(user_id)
            self._lang[key] = replies[-1].lang
            self._lang.move_to_end(key)
            while len(self._lang) > 10_000:
                self._lang.popitem(last=False)
        planned = plan_replies(replies, source_event_id=source_event_id, reply_to=reply_to, thread_root=thread_root, mention=mention)
        for i, ((out, keys), reply) in enumerate(zip(planned, replies)):
            sent = await self._send(room_id, out.event_type, out.content, out.txn_id)
            if sent is None:
                continue
            self._remember(sent)
            if keys:
                # A reply marked answerable_by "room" (a team poll): every member votes by reaction.
                scope = "room" if (reply.meta or {}).get("answerable_by") == "room" else "asker"
                await self._db(self.state.save_prompt, sent, user_id, keys, reply_to, thread_root,
                               int(self.clock() * 1000), scope)
                for k, (key, _) in enumerate(keys):
                    await self._send(room_id, "m.reaction", reaction_content(sent, key), reaction_txn(source_event_id, i, k))
            for a, attachment in enumerate(reply.attachments):
                await self._send_attachment(room_id, attachment, attachment_txn(source_event_id, i, a), reply_to, thread_root)
        if any((r.meta or {}).get("erased") for r in replies):
            # The person erased their data: keep nothing channel-side about them either.
            self._lang.pop(self.state.user_hash(user_id), None)
            await self._db(self.state.forget_user, user_id)

    async def _send_attachment(self, room_id: str, attachment: Any, tx: str, reply_to: str | None, thread_root: str | None) -> None:
        client = self._client()
        room = client.rooms.get(room_id)
        encrypt = bool(room and room.encrypted)
        resp, keys = await client.upload(
            io.BytesIO(attachment.data), content_type=attachment.media_type, filename=attachment.filename,
            encrypt=encrypt, filesize=len(attachment.data),
        )
        if not isinstance(resp, UploadResponse):
            log.error("upload refused: %s", getattr(resp, "status_code", "?"))
            return
        encrypted_file = None
        if encrypt and keys:
            encrypted_file = {**keys, "url": resp.content_uri}
        content = file_content(attachment, url=resp.content_uri, encrypted_file=encrypted_file, reply_to=reply_to, thread_root=thread_root)
        await self._send(room_id, "m.room.message", content, tx)

    async def direct_room(self, user_id: str) -> str | None:
        """The bot's direct room with ``user_id``; created (encrypted, the user invited) when none."""
        client = self._client()
        for room in client.rooms.values():
            if set(room.users) == {client.user_id, user_id}:
                return room.room_id
        resp = await client.room_create(
            invite=[user_id],
            is_direct=True,
            initial_state=[{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}],
        )
        room_id = getattr(resp, "room_id", None)
        if room_id is None:
            log.error("creating a direct room failed: %s", getattr(resp, "status_code", "?"))
        return room_id

    async def send_to_user(self, user_id: str, reply: Reply, key: str) -> str | None:
        """A proactive message (reminder, invitation) in the user's direct room; ``key`` makes it idempotent."""
        room_id = await self.direct_room(user_id)
        return None if room_id is None else await self.send_proactive(room_id, reply, key)

    async def send_proactive(self, room_id: str, reply: Reply, key: str) -> str | None:
        """Send a proactive ``m.text`` (reminder, invitation); ``key`` makes the send idempotent."""
        planned = plan_replies([reply], source_event_id=f"proactive:{key}", reply_to=None, thread_root=None, mention=None)
        out, _ = planned[0]
        return await self._send(room_id, out.event_type, out.content, txn_id(f"proactive:{key}", "p"))


async def _until_stop(stop: asyncio.Event, work: Awaitable[Any]) -> bool:
    """Run ``work`` unless ``stop`` is set first (then cancel it); True when it finished."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return False
    task.result()  # re-raise its error
    return True


async def _wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass

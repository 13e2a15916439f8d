"""The runtime every channel calls: idempotent, ordered per conversation, never failing.

``Runtime.handle`` refuses over-long messages before parsing, answers a message id it has
seen before with the replies it gave then, runs one message per conversation at a time,
runs the (blocking) dialog on a few worker threads of its own, reads the clock, and turns any exception
into a friendly reply in the user's language. Logs carry exception classes only.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from bot.settings import TURN_THREADS
from core.dialog.engine import Dialog
from core.dialog.ports import ConversationStore, MessageLog
from core.dialog.replies import reply_from_dict, reply_to_dict
from core.i18n import lang_of, text
from core.messages import MAX_MESSAGE_CHARS, Handler, Inbound, Reply

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class _Locks:
    """One asyncio lock per conversation key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def acquire(self, key: str) -> asyncio.Lock:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        return lock

    def release(self, key: str) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class _TurnStates:
    """The dialog's conversation store, with the saves of a runtime turn held back so the
    runtime writes them in the same transaction as the turn's message-log record.

    Outside a turn (welcome, other callers) every call goes straight to the store."""

    def __init__(self, inner: ConversationStore) -> None:
        self.inner = inner
        self._turn = threading.local()

    def begin(self, loaded: dict[str, dict[str, Any] | None] | None = None) -> None:
        """Start holding saves back; ``loaded``: states already read for this turn (key -> state)."""
        self._turn.saves = {}
        self._turn.loaded = loaded or {}

    def end(self) -> dict[str, tuple[dict[str, Any], datetime]]:
        saves, self._turn.saves = getattr(self._turn, "saves", None) or {}, None
        self._turn.loaded = None
        return saves

    def load(self, key: str, now: datetime) -> dict[str, Any] | None:
        saves = getattr(self._turn, "saves", None)
        if saves and key in saves:
            return saves[key][0]
        loaded = getattr(self._turn, "loaded", None)
        if loaded and key in loaded:
            return loaded.pop(key)  # read with the turn's message-log look-up; once
        return self.inner.load(key, now)

    def save(self, key: str, state: dict[str, Any], now: datetime) -> None:
        saves = getattr(self._turn, "saves", None)
        if saves is None:
            self.inner.save(key, state, now)
        else:
            saves[key] = (state, now)

    def clear(self, key: str) -> None:
        saves = getattr(self._turn, "saves", None)
        if saves:
            saves.pop(key, None)
        self.inner.clear(key)

    def flush(self, saves: dict[str, tuple[dict[str, Any], datetime]]) -> None:
        for key, (state, at) in saves.items():
            self.inner.save(key, state, at)

    def __getattr__(self, name: str) -> Any:  # the store's other methods (retention, erasure)
        return getattr(self.inner, name)


class Runtime(Handler):
    """The :class:`~core.messages.Handler` behind every channel adapter."""

    def __init__(self, dialog: Dialog, messages: MessageLog, clock: Clock = system_clock,
                 threads: int = TURN_THREADS) -> None:
        # The turn's dialog state is saved with its message-log record, in one transaction.
        self._states = _TurnStates(dialog.conversations)
        dialog.conversations = self._states
        self.dialog = dialog
        self.messages = messages
        self.clock = clock
        self._locks = _Locks()
        # The turns' own threads, not the event loop's default pool: that pool also runs the
        # small blocking calls on the way to an answer (storing a conversation reference; the
        # HTTP client resolves host names there), which waited behind the turns when they shared it.
        # Measured with 8 concurrent Teams conversations: p95 87-106 ms with the turns in the
        # default pool (6 threads here), 67-80 ms on a pool of their own of 2, 4 or 8 threads.
        # Eight by default (four until group commit): on SQLite the bookings of turns running at
        # once share one COMMIT (adapters/store/engine.py, WriteGate), so more turns in flight
        # book faster (python -m bench store: 4 threads 3.9 bookings per COMMIT, 8 threads 7.9);
        # a slow turn (a national report asked in chat) leaves seven.
        self._executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="wms-turn")
        self.after_turn: Callable[[], None] | None = None
        """Called on the event loop after each handled message (``wms-bot serve``: :class:`bot.heap.Heap`)."""

    async def handle(self, message: Inbound) -> list[Reply]:
        lang = lang_of(message.locale)
        try:
            if len(message.text or "") > MAX_MESSAGE_CHARS:
                return [Reply(text=text(lang, "too_long", max=MAX_MESSAGE_CHARS), lang=lang)]
            key = message.conversation_key
            lock = self._locks.acquire(key)
            try:
                async with lock:
                    return await self._handle_once(message)
            finally:
                self._locks.release(key)
                if self.after_turn is not None:
                    self.after_turn()
        except Exception as exc:  # the last safety net: a friendly reply, the class name in the log
            log.error("message handling failed: %s", type(exc).__name__)
            return [Reply(text=text(lang, "error"), lang=lang)]

    async def _handle_once(self, message: Inbound) -> list[Reply]:
        # One hop to a worker thread for the whole turn: log look-up, dialog, log record.
        work = asyncio.ensure_future(self._in_thread(self._turn, message))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            # The caller gave up (e.g. a web request timed out) but the thread runs on: keep
            # holding the conversation's lock until it is done, so order is kept and a retry
            # of this message finds the recorded answer.
            await asyncio.wait([work])
            raise

    def _turn(self, message: Inbound) -> list[Reply]:
        message_key = f"{message.channel}:{message.message_id}"
        now = self.clock()
        seen, loaded = self._look_up(message_key, message, now)
        if seen is not None:
            return _replayed(seen)
        self._states.begin(loaded)
        try:
            replies = self.dialog.handle(message, now)
        finally:
            saves = self._states.end()
        if any(r.meta.get("error") or r.meta.get("ephemeral") for r in replies):
            self._states.flush(saves)
            # Not recorded: a retry may succeed (error), or the reply must not be kept (an export).
            return replies
        if not self._record(message_key, [reply_to_dict(r) for r in replies], now, saves):
            # Another instance handled the same message first: answer as it did.
            earlier = self.messages.replies_for(message_key)
            if earlier is not None:
                return _replayed(earlier)
        return replies

    def _look_up(self, message_key: str, message: Inbound, now: datetime
                 ) -> tuple[list[dict[str, Any]] | None, dict[str, dict[str, Any] | None]]:
        """The replies recorded for this message, and the conversation's state when the store
        can read both at once (else the dialog loads the state itself)."""
        lookup_turn = getattr(self.messages, "lookup_turn", None)
        store = self._states.inner
        if lookup_turn is not None and getattr(store, "save_in", None) is not None:
            key = message.conversation_key
            try:
                seen, state = lookup_turn(message_key, store, key, now)
                return seen, {key: state}
            except ValueError:  # the states live elsewhere
                pass
        return self.messages.replies_for(message_key), {}

    def _record(self, message_key: str, replies: list[dict[str, Any]], now: datetime,
                saves: dict[str, tuple[dict[str, Any], datetime]]) -> bool:
        record_turn = getattr(self.messages, "record_turn", None)
        store = self._states.inner
        if record_turn is not None and getattr(store, "save_in", None) is not None:
            try:
                return bool(record_turn(message_key, replies, now, states=store, saves=saves))
            except ValueError:  # the states live elsewhere: save them apart
                pass
        self._states.flush(saves)
        return self.messages.record(message_key, replies, now)

    def _in_thread(self, fn: Callable[..., Any], *args: Any) -> "asyncio.Future[Any]":
        """``fn(*args)`` on one of the turn threads, in a copy of the caller's context (as
        ``asyncio.to_thread``)."""
        context = contextvars.copy_context()
        return asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(context.run, fn, *args))

    async def welcome(self, message: Inbound) -> list[Reply]:
        try:
            return await self._in_thread(self.dialog.welcome, message, self.clock())
        except Exception as exc:
            log.error("welcome failed: %s", type(exc).__name__)
            lang = lang_of(message.locale)
            return [Reply(text=text(lang, "welcome"), lang=lang)]


def _replayed(recorded: list[dict[str, Any]]) -> list[Reply]:
    """Recorded replies of a message handled before, marked so a channel need not send them again."""
    out = []
    for r in recorded:
        reply = reply_from_dict(r)
        out.append(dataclasses.replace(reply, meta={**reply.meta, "replayed": True}))
    return out

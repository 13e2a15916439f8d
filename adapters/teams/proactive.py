"""Proactive messages (reminders, team invitations) from stored conversation references.

A conversation reference is what the bot needs to write into a conversation later
without being asked: the connector's service URL, the conversation id and the tenant.
References are saved on every inbound activity; personal chats are also findable by the
person's user key. Sending honours Teams' limits: at most 7 messages per second per
conversation, ``429`` answers wait for ``Retry-After``, and retries are bounded.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Awaitable, Callable, Protocol

PER_CONVERSATION_PER_SECOND = 7
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where to write: enough to continue a conversation, nothing about its content."""

    conversation_id: str
    service_url: str
    tenant_id: str
    bot_id: str
    user_key: str | None = None  # "teams:<tenant>:<aadObjectId>" for a personal chat
    is_group: bool = False
    channel_id: str = "msteams"

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> "ConversationRef":
        return cls(**json.loads(raw))


def reference_from(body: dict[str, Any], user_key: str | None, tenant_id: str) -> ConversationRef:
    conversation = body["conversation"]
    conversation_id = conversation["id"]
    group = conversation.get("conversationType") in ("groupChat", "channel") or conversation.get("isGroup") is True
    if ";messageid=" in conversation_id:
        # A channel thread: proactive posts go to the channel itself, not into the thread.
        conversation_id = conversation_id.split(";messageid=", 1)[0]
    return ConversationRef(
        conversation_id=conversation_id,
        service_url=body["serviceUrl"],
        tenant_id=tenant_id,
        bot_id=(body.get("recipient") or {}).get("id", ""),
        user_key=None if group else user_key,
        is_group=group,
        channel_id=body.get("channelId") or "msteams",
    )


class ReferenceStore(Protocol):
    """Persistence for conversation references (a small keyed store)."""

    def save(self, ref: ConversationRef) -> None: ...

    def for_user(self, user_key: str) -> ConversationRef | None: ...

    def for_conversation(self, conversation_id: str) -> ConversationRef | None: ...

    def forget_user(self, user_key: str) -> int: ...


class MemoryReferenceStore:
    """References in memory (tests, single-process development)."""

    def __init__(self) -> None:
        self._by_conversation: dict[str, ConversationRef] = {}
        self._by_user: dict[str, str] = {}

    def save(self, ref: ConversationRef) -> None:
        self._by_conversation[ref.conversation_id] = ref
        if ref.user_key:
            self._by_user[ref.user_key] = ref.conversation_id

    def for_user(self, user_key: str) -> ConversationRef | None:
        conversation_id = self._by_user.get(user_key)
        return self._by_conversation.get(conversation_id) if conversation_id else None

    def for_conversation(self, conversation_id: str) -> ConversationRef | None:
        return self._by_conversation.get(conversation_id)

    def forget_user(self, user_key: str) -> int:
        conversation_id = self._by_user.pop(user_key, None)
        if conversation_id is None:
            return 0
        self._by_conversation.pop(conversation_id, None)
        return 1


class RateLimiter:
    """At most ``rate`` sends per ``window`` seconds per key (a sliding window)."""

    def __init__(
        self,
        rate: int = PER_CONVERSATION_PER_SECOND,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._rate = rate
        self._window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, key: str) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            sent = self._sent.setdefault(key, deque())
            while True:
                now = self._clock()
                while sent and now - sent[0] >= self._window:
                    sent.popleft()
                if len(sent) < self._rate:
                    sent.append(now)
                    return
                await self._sleep(self._window - (now - sent[0]))

    def forget_idle(self) -> None:
        """Drop bookkeeping of conversations without recent sends (bounded memory)."""
        now = self._clock()
        for key in [k for k, d in self._sent.items() if not d or now - d[-1] >= self._window]:
            if not self._locks.get(key, asyncio.Lock()).locked():
                self._sent.pop(key, None)
                self._locks.pop(key, None)


class SendFailed(Exception):
    """The connector refused a message. ``status`` is the HTTP status (0 for no answer)."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"connector answered HTTP {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SendResult:
    sent: int
    failed: int
    last_status: int | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0


Transport = Callable[[ConversationRef, dict[str, Any]], Awaitable[None]]


class ProactiveSender:
    """Sends activities into stored conversations with rate limiting and bounded retries."""

    def __init__(
        self,
        transport: Transport,
        limiter: RateLimiter | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        max_retry_after: float = MAX_RETRY_AFTER_SECONDS,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._transport = transport
        self._limiter = limiter or RateLimiter(sleep=sleep)
        self._max_attempts = max_attempts
        self._max_retry_after = max_retry_after
        self._sleep = sleep

    async def send(self, ref: ConversationRef, activities: list[dict[str, Any]]) -> SendResult:
        sent = failed = 0
        status: int | None = None
        for activity in activities:
            ok, status = await self._send_one(ref, activity)
            if ok:
                sent += 1
            else:
                failed += 1
                if status in (401, 403, 404):
                    # Removed from the conversation or blocked: the rest would fail the same way.
                    failed += len(activities) - sent - failed
                    break
        return SendResult(sent, failed, status)

    async def _send_one(self, ref: ConversationRef, activity: dict[str, Any]) -> tuple[bool, int | None]:
        status: int | None = None
        for attempt in range(self._max_attempts):
            await self._limiter.acquire(ref.conversation_id)
            try:
                await self._transport(ref, activity)
                return True, 200
            except SendFailed as exc:
                status = exc.status
                if exc.status == 429:
                    wait = exc.retry_after if exc.retry_after is not None else 2.0**attempt
                elif exc.status == 0 or exc.status >= 500:
                    wait = 2.0**attempt
                else:
                    return False, status  # 4xx other than 429: retrying cannot help
                if attempt + 1 < self._max_attempts:
                    await self._sleep(min(max(wait, 0.0), self._max_retry_after))
        return False, status


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (delta-seconds form; an HTTP date counts as 1 s)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return 1.0

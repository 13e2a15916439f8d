"""Rate limiting, 429/Retry-After, bounded retries and once-only handling, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from adapters.teams.flight import SingleFlight
from adapters.teams.proactive import (
    ConversationRef,
    MemoryReferenceStore,
    ProactiveSender,
    RateLimiter,
    SendFailed,
    parse_retry_after,
    reference_from,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


REF = ConversationRef("a:conv", "https://smba.example/", "tenant", "28:bot")


async def test_rate_limit_seven_per_second_per_conversation() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(15):
        await limiter.acquire("a")
        stamps.append(clock.now)
    for i in range(len(stamps) - 7):
        assert stamps[i + 7] - stamps[i] >= 1.0
    assert stamps[6] == stamps[0]  # the first seven go at once
    await limiter.acquire("b")  # another conversation is not held up
    assert clock.now == stamps[-1]


async def test_retry_after_is_honoured_and_retries_bounded() -> None:
    clock = FakeClock()
    calls: list[float] = []
    answers = [SendFailed(429, 3.0), SendFailed(429, 1.5), None]

    async def transport(_ref, _activity) -> None:
        calls.append(clock.now)
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    sender = ProactiveSender(transport, RateLimiter(clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    result = await sender.send(REF, [{"type": "message", "text": "x"}])
    assert result.ok and result.sent == 1
    assert calls[1] - calls[0] >= 3.0 and calls[2] - calls[1] >= 1.5

    always: list[int] = []

    async def throttled(_ref, _activity) -> None:
        always.append(1)
        raise SendFailed(429, 1000.0)

    sender = ProactiveSender(throttled, RateLimiter(clock=clock, sleep=clock.sleep), max_attempts=4, max_retry_after=60, sleep=clock.sleep)
    result = await sender.send(REF, [{"type": "message"}])
    assert not result.ok and result.last_status == 429
    assert len(always) == 4
    assert max(clock.sleeps) <= 60


async def test_client_errors_are_not_retried_and_stop_the_batch() -> None:
    clock = FakeClock()
    calls = []

    async def forbidden(_ref, _activity) -> None:
        calls.append(1)
        raise SendFailed(403)

    sender = ProactiveSender(forbidden, RateLimiter(clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    result = await sender.send(REF, [{"type": "message"}] * 3)
    assert len(calls) == 1 and result.failed == 3 and result.sent == 0


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT") == 1.0
    assert parse_retry_after("-5") == 0.0


def test_references_by_user_and_conversation() -> None:
    store = MemoryReferenceStore()
    personal = {"serviceUrl": "https://smba/", "conversation": {"id": "a:1", "conversationType": "personal"}, "recipient": {"id": "28:b"}}
    channel = {"serviceUrl": "https://smba/", "conversation": {"id": "19:c@thread.tacv2;messageid=17", "conversationType": "channel"}, "recipient": {"id": "28:b"}}
    store.save(reference_from(personal, "teams:t:u", "t"))
    store.save(reference_from(channel, "teams:t:u", "t"))
    ref = store.for_user("teams:t:u")
    assert ref is not None and ref.conversation_id == "a:1"
    chan = store.for_conversation("19:c@thread.tacv2")
    assert chan is not None and chan.is_group and chan.user_key is None
    assert ConversationRef.from_json(chan.to_json()) == chan
    assert store.forget_user("teams:t:u") == 1 and store.for_user("teams:t:u") is None


async def test_single_flight_concurrent_and_late_duplicates() -> None:
    flight: SingleFlight[int] = SingleFlight()
    release = asyncio.Event()
    runs = []

    async def work() -> int:
        runs.append(1)
        await release.wait()
        return 42

    first = asyncio.create_task(flight.run("k", work))
    second = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    release.set()
    assert await first == (42, False)
    assert await second == (42, True)
    assert await flight.run("k", work) == (42, True)
    assert len(runs) == 1


async def test_single_flight_does_not_cache_failures_and_expires() -> None:
    clock = FakeClock()
    flight: SingleFlight[int] = SingleFlight(ttl=10, clock=clock)

    async def boom() -> int:
        raise ValueError

    with pytest.raises(ValueError):
        await flight.run("k", boom)

    async def ok() -> int:
        return 1

    assert await flight.run("k", ok) == (1, False)
    clock.now += 11
    assert await flight.run("k", ok) == (1, False)

"""bot.runtime.Runtime: size limit, idempotency, per-conversation order, the safety net."""

from __future__ import annotations

import asyncio
import logging
import threading

from bot.runtime import Runtime
from core.dialog.engine import Dialog
from core.messages import Inbound, Reply, Sender

from . import standin_parser
from .fakes import FakeBooking, MemoryConversations, MemoryMessages
from .harness import NOW


def _inbound(text: str, mid: str, user: str = "u1", locale: str = "nl-NL", conv: str = "c1") -> Inbound:
    return Inbound(channel="test", conversation_id=conv, message_id=mid, sender=Sender(user_id=user),
                   text=text, locale=locale)


def _runtime(booking=None, messages=None) -> Runtime:
    dialog = Dialog(booking or FakeBooking(), MemoryConversations(), parse=standin_parser.parse)
    return Runtime(dialog, messages or MemoryMessages(), clock=lambda: NOW)


async def test_too_long_is_refused_before_parsing():
    calls = []

    def parse(text, now, locale=None):
        calls.append(text)
        return standin_parser.parse(text, now, locale)

    rt = Runtime(Dialog(FakeBooking(), MemoryConversations(), parse=parse), MemoryMessages(), clock=lambda: NOW)
    replies = await rt.handle(_inbound("boek " * 1000, "m1", locale="en-GB"))
    assert "too long" in replies[0].text and calls == []


async def test_duplicate_message_id_returns_recorded_replies_and_books_once():
    booking = FakeBooking()
    rt = _runtime(booking)
    first = await rt.handle(_inbound("boek donderdag een plek op de Turfmarkt", "m1"))
    again = await rt.handle(_inbound("boek donderdag een plek op de Turfmarkt", "m1"))
    assert [r.text for r in first] == [r.text for r in again]
    assert again[0].choices == first[0].choices and again[0].card == first[0].card
    assert len([r for r in booking.reservations if r.active]) == 2


async def test_concurrent_duplicates_book_once():
    booking = FakeBooking()
    rt = _runtime(booking)
    msg = _inbound("boek donderdag een plek op de Turfmarkt", "m1")
    results = await asyncio.gather(*(rt.handle(msg) for _ in range(5)))
    assert len({r[0].text for r in results}) == 1
    assert len([r for r in booking.reservations if r.active]) == 2


async def test_messages_of_one_conversation_run_in_order():
    order: list[str] = []
    gate = threading.Event()

    class Slow(Dialog):
        def handle(self, inbound, now):
            if inbound.text == "first":
                gate.wait(5)
            order.append(inbound.text)
            return [Reply(text=inbound.text)]

    rt = Runtime(Slow(FakeBooking(), MemoryConversations(), parse=standin_parser.parse), MemoryMessages(),
                 clock=lambda: NOW)
    first = asyncio.create_task(rt.handle(_inbound("first", "m1")))
    await asyncio.sleep(0)
    second = asyncio.create_task(rt.handle(_inbound("second", "m2")))
    other = await rt.handle(_inbound("other", "m3", conv="c2"))  # another conversation is not blocked
    assert other[0].text == "other"
    gate.set()
    await asyncio.gather(first, second)
    assert order == ["other", "first", "second"]
    assert len(rt._locks) == 0


async def test_an_exception_becomes_a_friendly_reply_without_text_in_the_log(caplog):
    class Broken(MemoryMessages):
        def replies_for(self, key):
            raise ValueError("secret-user-text")

    rt = _runtime(messages=Broken())
    with caplog.at_level(logging.DEBUG):
        replies = await rt.handle(_inbound("boek morgen", "m1", locale="en-US"))
    assert "something went wrong" in replies[0].text.lower()
    assert "ValueError" in caplog.text and "secret" not in caplog.text


async def test_welcome_says_privacy_and_is_not_repeated():
    rt = _runtime()
    welcome = await rt.welcome(_inbound("", "w1", locale="en-US"))
    assert "Privacy" in welcome[0].text and welcome[0].lang == "en"
    replies = await rt.handle(_inbound("hi", "m1", locale="en-US"))
    assert "Privacy:" not in replies[0].text


async def test_a_failed_turn_is_not_recorded_so_a_retry_can_succeed():
    class Flaky(FakeBooking):
        fail = True

        def book(self, request, now):
            if self.fail:
                self.fail = False
                raise OSError("disk hiccup")
            return super().book(request, now)

    booking = Flaky()
    rt = _runtime(booking)
    first = await rt.handle(_inbound("boek donderdag een plek op de Turfmarkt", "m1"))
    assert "ging iets mis" in first[0].text
    again = await rt.handle(_inbound("boek donderdag een plek op de Turfmarkt", "m1"))
    assert "Geboekt" in again[0].text


async def test_a_cancelled_caller_keeps_the_turn_and_the_order():
    gate = threading.Event()
    order: list[str] = []

    class Slow(Dialog):
        def handle(self, inbound, now):
            if inbound.message_id == "m1":
                gate.wait(5)
            order.append(inbound.message_id)
            return [Reply(text=inbound.text)]

    rt = Runtime(Slow(FakeBooking(), MemoryConversations(), parse=standin_parser.parse), MemoryMessages(),
                 clock=lambda: NOW)
    first = asyncio.create_task(rt.handle(_inbound("one", "m1")))
    await asyncio.sleep(0)
    first.cancel()
    retry = asyncio.create_task(rt.handle(_inbound("one", "m1")))
    nxt = asyncio.create_task(rt.handle(_inbound("two", "m2")))
    await asyncio.sleep(0)
    gate.set()
    assert (await retry)[0].text == "one" and (await nxt)[0].text == "two"
    assert order == ["m1", "m2"]  # m1 handled once, before m2


def test_turn_record_and_look_up_in_the_store(store_url: str) -> None:
    """The turn's record and state in one transaction (SQLite: driver SQL, not synced at once);
    a message recorded before is not recorded again but its state is saved; afterwards every
    connection syncs its commits again (bookings stay durable)."""
    from adapters.store.dialog_state import SqlConversationStore, SqlMessageLog
    from adapters.store.engine import make_engine
    from adapters.store.tables import conversation_state, handled_messages, metadata

    engine = make_engine(store_url, pool_size=2)
    try:
        metadata.create_all(engine, tables=[conversation_state, handled_messages])
        states, log = SqlConversationStore(engine), SqlMessageLog(engine)
        assert log.lookup_turn("t:m1", states, "conv", NOW) == (None, None)
        assert log.record_turn("t:m1", [{"text": "eerst"}], NOW, states=states, saves={"conv": ({"lang": "nl"}, NOW)})
        assert log.lookup_turn("t:m1", states, "conv", NOW) == ([{"text": "eerst"}], {"lang": "nl"})
        assert not log.record_turn("t:m1", [{"text": "later"}], NOW, states=states,
                                   saves={"conv": ({"lang": "en"}, NOW)})
        assert log.lookup_turn("t:m1", states, "conv", NOW) == ([{"text": "eerst"}], {"lang": "en"})
        assert log.lookup_turn("t:m2", states, "other", NOW) == (None, None)
        if engine.dialect.name == "sqlite":
            connections = [engine.raw_connection() for _ in range(2)]  # the pool's connections
            try:
                assert [c.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0] for c in connections] == [2, 2]
            finally:
                for c in connections:
                    c.close()
    finally:
        engine.dispose()

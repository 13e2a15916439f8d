"""Group commit on SQLite: bookings of several threads share one COMMIT, and each stays its own.

The threads are lined up at the write gate deterministically: the test holds the gate, a lock
wrapper tells it when each thread has queued, and only then lets them in.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.store import engine as store_engine
from adapters.store.engine import WriteGate, gate_of, write_gate
from adapters.store.tables import conversation_state, reservations
from bot.bootstrap import Services, bootstrap
from core.booking.api import BookingRequest, PersonInfo, Refusal, Where
from core.booking.ports import StoreBusy

from .conftest import NOW, make_settings

THU = date(2026, 11, 26)


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    # A slow CI machine must not close a group by its age in the middle of a test.
    monkeypatch.setattr(store_engine, "GROUP_AGE_S", 60.0)
    svc = bootstrap(make_settings(f"sqlite:///{(tmp_path / 'wms.sqlite3').as_posix()}", tmp_path))
    # The catalogue's version is re-checked now and then through SQLAlchemy, which commits a
    # group at once (see DriverConnection): loaded here and kept, so the counts below are exact.
    cache = svc.uow_factory.cache
    monkeypatch.setattr(cache, "_max_age", 3600.0)
    with svc.uow_factory(write=False) as uow:
        uow.catalogue()
    try:
        yield svc
    finally:
        svc.dispose()


class Queued:
    """Wraps the gate's lock: a thread about to wait for it is counted (``arrived``)."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self.arrived = threading.Semaphore(0)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking:
            self.arrived.release()
        return bool(self._lock.acquire(blocking, timeout))

    def release(self) -> None:
        self._lock.release()


def line_up(gate: WriteGate, jobs: list[Any]) -> list[Any]:
    """Run ``jobs`` (callables) on threads that all queue at ``gate`` before any goes in."""
    queued = Queued(gate._lock)
    gate._lock = queued  # type: ignore[assignment]
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    try:
        with gate:
            queued.arrived.acquire(timeout=10)  # the test's own entry
            for t in threads:
                t.start()
            for _ in jobs:
                assert queued.arrived.acquire(timeout=30), "a thread never reached the gate"
        for t in threads:
            t.join(timeout=60)
    finally:
        gate._lock = queued._lock
    assert not any(t.is_alive() for t in threads)
    return results


def people(svc: Services, n: int) -> list[int]:
    return [svc.booking.ensure_person(PersonInfo(f"test:g{i}", department="X"), NOW) for i in range(n)]


def active(svc: Services) -> list[tuple[int, str, str]]:
    with svc.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(reservations.c.person_id, reservations.c.day, reservations.c.part)
            .where(reservations.c.status == "active").order_by(reservations.c.person_id, reservations.c.part))]


def test_queued_bookings_share_one_commit_and_each_is_on_disk(services: Services) -> None:
    gate = gate_of(services.engine)
    assert gate is not None
    who = people(services, 6)
    before = (gate.commits, gate.committed)
    results = line_up(gate, [lambda p=p: services.booking.book(
        BookingRequest(p, (THU,), Where("alpha"), source_message_id=f"m{p}"), NOW) for p in who])
    assert all(r.ok for r in results), results
    assert (gate.commits - before[0], gate.committed - before[1]) == (1, 6)  # six bookings, one COMMIT
    assert gate.group is None
    # Each one is committed: read back through a connection of its own.
    rows = active(services)
    assert sorted({r[0] for r in rows}) == sorted(who) and len(rows) == 12  # whole days: two rows each
    desks = {b.desk_code for r in results for b in r.bookings}
    assert len(desks) == 6  # nobody got a desk another member of the group had


def test_a_lone_booking_commits_at_once(services: Services) -> None:
    gate = gate_of(services.engine)
    assert gate is not None
    (p,) = people(services, 1)
    before = gate.commits
    assert services.booking.book(BookingRequest(p, (THU,), Where("alpha")), NOW).ok
    assert gate.commits - before == 1 and gate.group is None


def test_a_refused_member_undoes_only_its_own_work(services: Services) -> None:
    gate = gate_of(services.engine)
    assert gate is not None
    who = people(services, 5)
    twice = who[2]
    assert services.booking.book(BookingRequest(twice, (THU,), Where("beta")), NOW).ok  # holds Thursday already
    jobs = [lambda p=p: services.booking.book(BookingRequest(p, (THU,), Where("alpha")), NOW) for p in who]
    results = line_up(gate, jobs)
    assert [r.ok for r in results] == [p != twice for p in who]
    assert results[2].refusal is Refusal.ALREADY_BOOKED  # the unique person index refused its insert
    rows = active(services)
    assert sorted({r[0] for r in rows}) == sorted(who)
    assert len(rows) == 10  # four new whole days and the earlier one, nothing of the refused try


def test_another_writer_commits_the_open_group_first(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write outside the unit of work (dialog state) queued behind a booking: the booking's
    work is committed before the other transaction begins, so neither waits for the other."""
    gate = gate_of(services.engine)
    assert gate is not None
    (p,) = people(services, 1)
    queued = Queued(gate._lock)
    other_done: list[Any] = []

    def other() -> None:
        try:
            with write_gate(services.engine), services.engine.begin() as conn:
                conn.execute(conversation_state.insert().values(key="k", state="{}", updated_at=NOW, expires_at=NOW))
            other_done.append(True)
        except BaseException as exc:  # noqa: BLE001
            other_done.append(exc)

    original = WriteGate.may_enlist
    started: list[threading.Thread] = []

    def may_enlist(self: WriteGate) -> bool:
        if not started:  # the booking is about to commit: the other writer queues now
            t = threading.Thread(target=other)
            started.append(t)
            t.start()
            assert queued.arrived.acquire(timeout=30)
        return original(self)

    monkeypatch.setattr(WriteGate, "may_enlist", may_enlist)
    gate._lock = queued  # type: ignore[assignment]
    try:
        before = gate.commits
        result = services.booking.book(BookingRequest(p, (THU,), Where("alpha")), NOW)
        started[0].join(timeout=60)
    finally:
        gate._lock = queued._lock
    assert result.ok and other_done == [True]
    assert gate.commits - before == 1  # the booking's group, committed by the other writer on entry
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(conversation_state)).scalar() == 1
    assert len(active(services)) == 2


class _FailingWriter:
    """A writer connection whose COMMIT fails (a full disk, say)."""

    def __init__(self) -> None:
        self.rolled_back = False
        self.dbapi_connection = self

    @property
    def in_transaction(self) -> bool:
        return not self.rolled_back

    def commit(self) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def rollback(self) -> None:
        self.rolled_back = True


def test_a_failed_group_commit_fails_every_member() -> None:
    gate = WriteGate(timeout_s=5)
    gate._writer = _FailingWriter()
    with gate:  # a holder leaves three members' work to the group
        group = gate.enlist()
        group.size = 3
    # Leaving with nobody queued committed the group: it failed, and each member is told.
    assert gate.group is None and group.done.is_set()
    for _ in range(3):
        with pytest.raises(StoreBusy):
            group.wait(gate)
    assert gate._writer.rolled_back
    assert (gate.commits, gate.committed) == (0, 0)


def test_a_group_left_by_a_thread_that_gave_up_is_committed_by_its_members() -> None:
    """The safety net: queued threads that vanish leave the group to its waiting members."""
    gate = WriteGate(timeout_s=5)
    writer = SimpleNamespace(dbapi_connection=SimpleNamespace(in_transaction=True, commit=lambda: None))
    gate._writer = writer
    with gate:
        gate._waiting += 1  # someone queued (and will give up)
        group = gate.enlist()
    gate._waiting -= 1
    assert gate.group is group and not group.done.is_set()
    group.wait(gate)  # commits it itself, the gate being free
    assert gate.group is None and gate.commits == 1


class _FailOnce:
    """The writer's DB-API connection whose next ``COMMIT`` fails (then it works again)."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.failed = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def commit(self) -> None:
        if not self.failed:
            self.failed += 1
            raise sqlite3.OperationalError("disk I/O error")
        self._real.commit()


class _Fairy:
    """The pool's connection wrapper, with the DB-API connection above."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.dbapi_connection = _FailOnce(real.dbapi_connection)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_members_told_their_commit_failed_are_not_committed_later(services: Services) -> None:
    """The group's COMMIT fails once: every member is told (the service tries again), and the
    failed transaction is rolled back at once, so nobody ends up booked twice."""
    gate = gate_of(services.engine)
    assert gate is not None
    who = people(services, 4)
    assert services.booking.book(BookingRequest(who[0], (date(2026, 11, 27),), Where("gamma")), NOW).ok  # the writer exists
    real = gate._writer
    fairy = gate._writer = _Fairy(real)
    try:
        results = line_up(gate, [lambda p=p: services.booking.book(
            BookingRequest(p, (THU,), Where("alpha"), source_message_id=f"f{p}"), NOW) for p in who])
    finally:
        if gate._writer is fairy:
            gate._writer = real
    assert fairy.dbapi_connection.failed == 1
    assert all(r.ok for r in results), results
    thursday = [r for r in active(services) if str(r[1]) == THU.isoformat()]
    assert sorted(r[0] for r in thursday) == sorted(p for p in who for _ in range(2))  # one whole day each

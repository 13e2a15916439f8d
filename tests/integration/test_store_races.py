"""Races for the last desk: threads and processes, on SQLite and PostgreSQL.

Exactly one contender wins; every other one gets a clean refusal (TAKEN or NOTHING_FREE),
no exception reaches a caller, and the database holds no double booking.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from adapters.store.tables import reservations
from bot.bootstrap import Services, bootstrap
from core.booking.api import BookingRequest, BookingResult, PersonInfo, Refusal, Where

from .conftest import NOW, make_settings

THU, FRI = date(2026, 11, 26), date(2026, 11, 27)
N = 50
LOSING = {Refusal.TAKEN.value, Refusal.NOTHING_FREE.value}


def people(svc: Services, n: int, prefix: str = "race") -> list[int]:
    return [svc.booking.ensure_person(PersonInfo(f"test:{prefix}{i}", department="X"), NOW) for i in range(n)]


def fill_all_but_one(svc: Services) -> None:
    """Leave exactly one free desk in beta on Thursday (B-03: the 'last free desk')."""
    owner = svc.booking.ensure_person(PersonInfo("test:owner"), NOW)
    done = svc.booking.book(BookingRequest(owner, (THU,), Where("beta"), count=2, for_person_ids=(owner, None),
                                           together=True), NOW)
    assert done.ok and sorted(b.desk_code for b in done.bookings) == ["B-01", "B-02"]


def outcome(result: BookingResult) -> str:
    return "ok" if result.ok else (result.refusal.value if result.refusal else "?")


def active_rows(svc: Services, **where: object) -> list:  # type: ignore[type-arg]
    with svc.engine.connect() as conn:
        q = select(reservations).where(reservations.c.status == "active")
        for k, v in where.items():
            q = q.where(reservations.c[k] == v)
        return list(conn.execute(q).all())


def assert_no_double_booking(svc: Services) -> None:
    with svc.engine.connect() as conn:
        dup = conn.execute(select(reservations.c.desk_id, reservations.c.day, reservations.c.part, func.count())
                           .where(reservations.c.status == "active")
                           .group_by(reservations.c.desk_id, reservations.c.day, reservations.c.part)
                           .having(func.count() > 1)).all()
    assert dup == []


def run_threads(fn, args: list) -> list[str]:  # type: ignore[no-untyped-def, type-arg]
    barrier = threading.Barrier(len(args))

    def go(a):  # type: ignore[no-untyped-def]
        barrier.wait(timeout=60)
        return fn(a)

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return [f.result() for f in [pool.submit(go, a) for a in args]]  # .result() re-raises any exception


def test_threads_race_for_the_last_desk(services: Services) -> None:
    fill_all_but_one(services)
    contenders = people(services, N)
    results = run_threads(lambda pid: outcome(services.booking.book(
        BookingRequest(pid, (THU,), Where("beta")), NOW)), contenders)
    counts = Counter(results)
    print("race outcomes:", dict(counts))
    assert counts["ok"] == 1, counts
    assert set(counts) - {"ok"} <= LOSING, counts
    assert len(active_rows(services, building_id="beta", day=THU)) == 6  # 3 desks x 2 parts
    assert_no_double_booking(services)


# ----------------------------------------------------------------------------------- processes
def _contender(url: str, pilot: str, data_dir: str, pid: int, barrier, queue,  # type: ignore[no-untyped-def]
               message: str | None = None) -> None:
    """One process: its own engine and service, then book at the barrier's signal."""
    try:
        settings = make_settings(url, Path(data_dir), Path(pilot), WMS_DB_POOL_SIZE="1")
        svc = bootstrap(settings, migrate_schema=False, seed=False)
        try:
            barrier.wait(timeout=120)
            done = svc.booking.book(BookingRequest(pid, (THU,), Where("beta"), source_message_id=message), NOW)
            queue.put(outcome(done) + (":replayed" if done.replayed else ""))
        finally:
            svc.dispose()
    except BaseException as exc:  # reported, so the test fails with the reason
        queue.put(f"exception:{type(exc).__name__}:{exc}")


def test_processes_race_for_the_last_desk(services: Services, store_url: str, tmp_path: Path) -> None:
    fill_all_but_one(services)
    contenders = people(services, N)
    services.engine.dispose()  # no inherited connections in the children
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(N), ctx.Queue()
    procs = [ctx.Process(target=_contender, args=(store_url, str(tmp_path / "small.json"), str(tmp_path), pid,
                                                  barrier, queue)) for pid in contenders]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    counts = Counter(results)
    print("race outcomes:", dict(counts))
    assert counts["ok"] == 1, counts
    assert set(counts) - {"ok"} <= LOSING, counts
    assert len(active_rows(services, building_id="beta", day=THU)) == 6
    assert_no_double_booking(services)


def test_processes_retrying_one_message_book_once(services: Services, store_url: str, tmp_path: Path) -> None:
    """The same chat message handled by several processes at once (SQLite recognises it by the
    reservations under its write lock, PostgreSQL by the key row): one booking, the rest replay it."""
    pid = people(services, 1, "twin")[0]
    services.engine.dispose()
    n = 16
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_contender, args=(store_url, str(tmp_path / "small.json"), str(tmp_path), pid,
                                                  barrier, queue, "matrix:$twin")) for _ in range(n)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert Counter(results) == {"ok": 1, "ok:replayed": n - 1}, Counter(results)
    assert len(active_rows(services, source_message_id="matrix:$twin")) == 2  # one desk, whole day
    assert_no_double_booking(services)


# ----------------------------------------------------------------------------------- groups, retries
def test_group_bookings_under_contention_are_all_or_nothing(services: Services) -> None:
    contenders = people(services, 12, "group")
    # Each wants 2 desks together in beta (3 desks) on Thursday and Friday: only one can have them.
    results = run_threads(lambda pid: services.booking.book(BookingRequest(
        pid, (THU, FRI), Where("beta"), count=2, together=True, for_person_ids=(pid, None)), NOW), contenders)
    winners = [r for r in results if r.ok]
    assert len(winners) == 1 and all(r.refusal and r.refusal.value in LOSING for r in results if not r.ok)
    rows = active_rows(services, building_id="beta")
    assert len(rows) == 2 * 2 * 2  # 2 desks x 2 days x 2 parts, all of the winner's group
    assert {r.group_id for r in rows} == {winners[0].group_id}
    assert_no_double_booking(services)


def test_a_retried_message_books_once_under_contention(services: Services) -> None:
    pid = people(services, 1, "retry")[0]
    request = BookingRequest(pid, (THU,), Where("alpha"), count=2, source_message_id="matrix:$same-event")
    results = run_threads(lambda _: services.booking.book(request, NOW), list(range(20)))
    assert all(r.ok for r in results), Counter(outcome(r) for r in results)
    assert sum(not r.replayed for r in results) == 1
    assert len({r.bookings for r in results}) == 1
    assert len(active_rows(services, source_message_id="matrix:$same-event")) == 4


# ----------------------------------------------------------------------------------- a hot spot
def test_a_hot_spot_refuses_only_when_nothing_is_free(store_url: str, tmp_path: Path) -> None:
    """32 bookers for one building and day with 20 free desks: they all rank the same desk
    first, yet exactly 20 succeed and only the 12 who came when it was full are refused."""
    from .conftest import small_buildings, write_buildings

    data = small_buildings()
    hours = data["buildings"][0]["opening_hours"]
    codes = [f"W-{i:02d}" for i in range(1, 21)]
    data["buildings"].append({
        "id": "wide", "name": "Wide", "address": "Wijdeweg 4, Den Haag", "city": "Den Haag",
        "organisations": ["BZK"], "aliases": [], "opening_hours": hours,
        "floors": [{"level": 0, "zones": [{"code": "WO", "name": "open", "quiet": False, "desks": [
            desk_spec for desk_spec in ({"code": c, "sit_stand": False, "screens": 2, "accessible": False,
                                         "neighbours": []} for c in codes)]}]}]})
    svc = bootstrap(make_settings(store_url, tmp_path, write_buildings(tmp_path / "wide.json", data),
                                  WMS_DB_POOL_SIZE="16"))
    try:
        contenders = people(svc, 32, "hot")
        results = run_threads(lambda pid: outcome(svc.booking.book(
            BookingRequest(pid, (THU,), Where("wide")), NOW)), contenders)
        counts = Counter(results)
        print("hot spot outcomes:", dict(counts))
        assert counts["ok"] == 20, counts
        assert set(counts) - {"ok"} <= LOSING and sum(counts.values()) == 32, counts
        assert len(active_rows(svc, building_id="wide", day=THU)) == 40  # 20 desks x 2 parts
        assert_no_double_booking(svc)
    finally:
        svc.dispose()

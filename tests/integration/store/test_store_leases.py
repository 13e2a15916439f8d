"""The database lease: one holder at a time; a dead holder is replaced once its lease expires.

Time is injected (a fake clock), so nothing here sleeps. Runs on SQLite always and on
PostgreSQL (a private database per run) when reachable; with CI=true PostgreSQL must be there.
"""

from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import create_engine, text

from adapters.store.leases import Lease, ensure_table


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _postgres():
    admin_url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    name = f"wms_matrix_lease_{secrets.token_hex(4)}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    return engine, lambda: (engine.dispose(), _drop(admin, name))


def _drop(admin, name):
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path / 'lease.sqlite3'}")
        ensure_table(eng)
        yield eng
        eng.dispose()
    else:
        eng, cleanup = _postgres()
        ensure_table(eng)
        yield eng
        cleanup()


def test_one_holder_and_takeover_after_expiry(engine):
    clock = Clock()
    a = Lease(engine, "matrix-sync", "instance-a", ttl=20, clock=clock)
    b = Lease(engine, "matrix-sync", "instance-b", ttl=20, clock=clock)
    assert a.acquire()
    assert not b.acquire()
    assert a.held() and not b.held()
    clock.now += 15
    assert a.renew()  # a alive: keeps it
    clock.now += 15
    assert not b.acquire()  # renewed 15 s ago, still valid
    # a dies (stops renewing); b polls every 5 s and has it within ttl + 5 s <= 30 s
    waited = 0
    while not b.acquire():
        clock.now += 5
        waited += 5
    assert waited <= 25
    assert b.held() and not a.held()
    assert not a.renew()  # the old holder notices it lost the lease
    assert not a.acquire()


def test_release_lets_the_other_take_over_at_once(engine):
    clock = Clock()
    a = Lease(engine, "n", "a", ttl=20, clock=clock)
    b = Lease(engine, "n", "b", ttl=20, clock=clock)
    assert a.acquire()
    a.release()
    assert b.acquire()
    a.release()  # releasing a lease one does not hold changes nothing
    assert b.held()


def test_names_are_independent_and_reacquire_is_renewal(engine):
    clock = Clock()
    assert Lease(engine, "x", "a", clock=clock).acquire()
    assert Lease(engine, "y", "b", clock=clock).acquire()
    assert Lease(engine, "x", "a", clock=clock).acquire()
    ensure_table(engine)  # idempotent


def test_fence_sees_a_take_over_even_with_a_stalled_clock(engine):
    """An instance whose clock stalled still learns at once that the row names someone else."""
    stalled, real = Clock(), Clock()
    a = Lease(engine, "fence", "a", ttl=2, clock=stalled)
    b = Lease(engine, "fence", "b", ttl=2, clock=real)
    assert a.acquire() and a.held_by_me()
    real.now += 3  # a's clock no longer moves, so a would think its lease is still valid
    assert a.held()
    assert b.acquire()
    assert not a.held_by_me()  # the fence the Matrix channel asks before handling a sync answer
    assert b.held_by_me()


def test_many_starters_create_the_lease_table_at_once(tmp_path):
    """`wms-bot serve` starts several jobs that each make sure the table exists; on a new
    database they race to create it, and none of them may fail."""
    import threading

    engine = create_engine(f"sqlite:///{tmp_path / 'race.sqlite3'}", connect_args={"timeout": 30})
    barrier, errors = threading.Barrier(8), []

    def start() -> None:
        barrier.wait()
        try:
            ensure_table(engine)
        except Exception as exc:  # pragma: no cover - the failure this test is about
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Lease(engine, "n", "a").acquire()
    engine.dispose()


def test_tables_are_created_while_others_write(tmp_path):
    """On a new database serve's jobs and channels create their tables while others already
    write: a creator must wait its turn, never fail with "database is locked" (a deferred
    transaction that read the schema cannot become a writer after another commit)."""
    import threading

    from sqlalchemy import Column, Integer, MetaData, Table

    from adapters.store.engine import create_missing, make_engine, write_gate

    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite3'}")
    busy = MetaData()
    Table("busy", busy, Column("id", Integer, primary_key=True))
    create_missing(engine, busy)
    stop, errors = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            try:
                with write_gate(engine), engine.begin() as conn:
                    conn.execute(text("INSERT INTO busy DEFAULT VALUES"))
            except Exception as exc:  # pragma: no cover - not what this test is about
                errors.append(exc)

    def create(n: int) -> None:
        for k in range(15):
            meta = MetaData()
            Table(f"t_{n}_{k}", meta, Column("id", Integer, primary_key=True))
            try:
                create_missing(engine, meta)
            except Exception as exc:  # pragma: no cover - the failure this test is about
                errors.append(exc)

    writers = [threading.Thread(target=write) for _ in range(3)]
    creators = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for t in writers + creators:
        t.start()
    for t in creators:
        t.join()
    stop.set()
    for t in writers:
        t.join()
    assert errors == []
    engine.dispose()

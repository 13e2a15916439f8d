"""The auto-release job of ``wms-bot serve`` (issue 8): every minute ``usage.auto_release(now)``
runs and each released person is told once, proactively, in their language (SQLite and
PostgreSQL). A fixed clock drives the loop: no sleeping, no polling."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from adapters.store.leases import leases
from adapters.store.tables import desks, reservations
from adapters.store.teams import SqlTeamStore
from adapters.store.usage import SqlUsage
from bot.bootstrap import Services, bootstrap
from bot.scheduler import auto_release_usage, auto_release_tick, run_usage_jobs
from bot.settings import SettingsError
from core.booking.api import PersonInfo
from core.clock import AMSTERDAM
from core.messages import Reply

from .conftest import make_settings

TODAY = date(2026, 11, 23)  # a Monday
EARLY = datetime(2026, 11, 23, 9, 59, tzinfo=AMSTERDAM)
LATE = datetime(2026, 11, 23, 10, 1, tzinfo=AMSTERDAM)
EN, NL, NONE = ("matrix:@release-en:example.test", "teams:tenant:release-nl", "matrix:@release-none:example.test")


class Outbox:
    """A fake :class:`bot.proactive.ProactiveSender`: records, and fails for chosen people."""

    def __init__(self, failing: tuple[str, ...] = ()) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []
        self.failing = failing

    async def send(self, user_key: str, replies: list[Reply]) -> bool:
        if user_key in self.failing:
            raise ConnectionError("channel down")
        self.sent.append((user_key, replies))
        return True


def clock_of(stop: asyncio.Event, *moments: datetime):  # type: ignore[no-untyped-def]
    """A clock giving ``moments`` one per pass of the loop; the last one stops the loop."""
    left = list(moments)

    def clock() -> datetime:
        now = left.pop(0)
        if not left:
            stop.set()
        return now
    return clock


def _seed(svc: Services) -> dict[str, int]:
    """Today in alpha: EN (A-01 morning and afternoon, reminders opted in in English), NL (A-02
    morning, reminders in Dutch), NONE (A-03 morning, language unknown), and a checked-in
    booking (A-04) that is never released."""
    made = datetime(2026, 11, 20, 9, 0, tzinfo=AMSTERDAM)
    ids = {key: svc.booking.ensure_person(PersonInfo(key, name=f"Release {i}"), made)
           for i, key in enumerate((EN, NL, NONE, "matrix:@in:example.test"))}
    teams = SqlTeamStore(svc.engine)
    teams.set_reminders(ids[EN], True, made, lang="en")
    teams.set_reminders(ids[NL], True, made, lang="nl")
    with svc.engine.begin() as conn:
        desk = {code: i for code, i in conn.execute(select(desks.c.code, desks.c.id))}
        rows = []
        for code, key, part in (("A-01", EN, "morning"), ("A-01", EN, "afternoon"), ("A-02", NL, "morning"),
                                ("A-03", NONE, "morning"), ("A-04", "matrix:@in:example.test", "morning")):
            rows.append(dict(desk_id=desk[code], building_id="alpha", day=TODAY, part=part, person_id=ids[key],
                             booked_by_id=ids[key], status="active", created_at=made,
                             checked_in_at=EARLY if code == "A-04" else None))
        conn.execute(insert(reservations), rows)
    return ids


@pytest.fixture
def seeded(services: Services) -> Services:
    _seed(services)
    return services


def usage(svc: Services) -> SqlUsage:
    return SqlUsage(svc.engine, release_times={"alpha": time(10, 0)}, cache=svc.uow_factory.cache)


def _statuses(svc: Services) -> list[str]:
    with svc.engine.connect() as conn:
        return sorted(conn.execute(select(reservations.c.status).where(reservations.c.day == TODAY)).scalars())


async def test_the_job_releases_and_tells_each_person_once_in_their_language(seeded: Services) -> None:
    out = Outbox()
    stop = asyncio.Event()
    # Three passes (one a minute): before the time nothing happens; after it, one release and
    # one notice per person; the next minute nothing again.
    await run_usage_jobs(usage(seeded), seeded.engine, out.send, stop, holder="one",
                         clock=clock_of(stop, EARLY, LATE, LATE + timedelta(minutes=1)), every=0.01)
    assert _statuses(seeded) == ["active", "released", "released", "released", "released"]
    got = {key: replies for key, replies in out.sent}
    assert len(out.sent) == 3 and set(got) == {EN, NL, NONE}
    (en,) = got[EN]
    assert en.lang == "en" and en.kind == "proactive"
    assert "A-01" in en.text and "Alpha" in en.text and "released" in en.text and "vrijgegeven" not in en.text
    (nl,) = got[NL]
    assert nl.lang == "nl" and "A-02" in nl.text and "vrijgegeven" in nl.text and "released" not in nl.text
    (both,) = got[NONE]  # language unknown: Dutch and English
    assert "A-03" in both.text and "vrijgegeven" in both.text and "released" in both.text
    with seeded.engine.connect() as conn:  # the lease was given up at the stop
        assert conn.execute(select(leases.c.expires_ms).where(leases.c.name == "usage-jobs")).scalar() == 0


async def test_a_failed_delivery_does_not_stop_the_others(seeded: Services) -> None:
    out = Outbox(failing=(EN,))
    assert await auto_release_tick(usage(seeded), LATE, out.send) == (3, 2)
    assert sorted(key for key, _ in out.sent) == sorted([NL, NONE])
    assert await auto_release_tick(usage(seeded), LATE + timedelta(minutes=1), out.send) == (0, 0)


async def test_two_instances_release_and_tell_once(seeded: Services) -> None:
    outs = [Outbox(), Outbox()]
    stops = [asyncio.Event(), asyncio.Event()]
    await asyncio.gather(*(run_usage_jobs(usage(seeded), seeded.engine, o.send, s, holder=f"i{i}",
                                          clock=clock_of(s, LATE), every=0.01)
                           for i, (o, s) in enumerate(zip(outs, stops))))
    assert sorted(key for o in outs for key, _ in o.sent) == sorted([EN, NL, NONE])


async def test_the_job_survives_a_broken_database(tmp_path: Path) -> None:
    svc = bootstrap(make_settings(f"sqlite:///{tmp_path / 'w.sqlite3'}", tmp_path))
    store = usage(svc)
    svc.engine.dispose()
    (tmp_path / "w.sqlite3").write_bytes(b"not a database" * 100)
    stop = asyncio.Event()
    try:
        await run_usage_jobs(store, svc.engine, Outbox().send, stop, clock=clock_of(stop, LATE), every=0.01)
    finally:
        svc.dispose()


def test_serve_runs_the_job_only_when_configured(tmp_path: Path, sqlite_url: str) -> None:
    for extra, expected in (({}, None), ({"WMS_AUTO_RELEASE": "off"}, None), ({"WMS_AUTO_RELEASE": "alpha=10:00"}, 1)):
        svc = bootstrap(make_settings(sqlite_url, tmp_path, **extra))
        try:
            found = auto_release_usage(svc)
            assert (found if expected is None else len(found._release_times)) == expected
        finally:
            svc.dispose()
    svc = bootstrap(make_settings(sqlite_url, tmp_path, WMS_AUTO_RELEASE="alpha=10:00,nowhere=09:00"))
    try:
        with pytest.raises(SettingsError, match="WMS_AUTO_RELEASE.*nowhere"):
            auto_release_usage(svc)
    finally:
        svc.dispose()

"""The nightly usage roll-up (issue 8): reports read it for rolled-up days and ``reservations``
for the rest, and give exactly the figures of the direct computation on the same data (SQLite
and PostgreSQL). The roll-up holds counts only: no person-level column."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, insert, select

from adapters.reports import FORMATS, render
from adapters.store.anonymise import anonymise
from adapters.store.tables import desks, reservations, usage_rollup, usage_rollup_days
from adapters.store.usage import SqlUsage, roll_up
from bot.bootstrap import Services
from core.clock import AMSTERDAM
from core.usage.request import ReportRequest

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)  # Monday; the night of Sunday 22 is done at 02:00
TODAY = NOW.date()
FIRST = date(2026, 10, 26)  # four weeks of history
LAST = TODAY + timedelta(days=3)
ROLLED = TODAY - timedelta(days=1)  # the newest anonymised day


def _seed(svc: Services, seed: int = 8) -> int:
    """Random but fixed reservations in alpha, beta and gamma: every outcome, stays with and
    without a check-out, cancelled rows, closed days (weekends, alpha's 1 December), today and later."""
    rng = random.Random(seed)
    with svc.engine.begin() as conn:
        all_desks = [(r.id, r.building_id) for r in conn.execute(select(desks.c.id, desks.c.building_id))]
        rows = []
        day = FIRST
        while day <= LAST:
            for desk_id, building in all_desks:
                for part in ("morning", "afternoon"):
                    if rng.random() > (0.25 if day.weekday() >= 5 else 0.7):
                        continue
                    outcome = rng.choice(["in", "in", "in", "in-open", "ns", "rel", "cancel"])
                    if day >= TODAY and outcome != "cancel":
                        outcome = "in" if day == TODAY and part == "morning" and rng.random() < 0.5 else "pending"
                    cin = cout = None
                    if outcome.startswith("in"):
                        start = time(8, rng.randint(0, 59)) if part == "morning" else time(13, rng.randint(0, 59))
                        cin = datetime.combine(day, start, AMSTERDAM)
                        if outcome == "in" and day < TODAY:
                            cout = cin + timedelta(minutes=rng.randint(20, 300))
                    status = {"rel": "released", "cancel": "cancelled"}.get(outcome, "active")
                    rows.append(dict(desk_id=desk_id, building_id=building, day=day, part=part, status=status,
                                     department="BZK", created_at=NOW - timedelta(days=40),
                                     checked_in_at=cin, checked_out_at=cout))
            day += timedelta(days=1)
        conn.execute(insert(reservations), rows)
    return len(rows)


REQUESTS = [
    ReportRequest(FIRST, LAST, "alpha", 1, cells=True),        # across the roll-up's edge
    ReportRequest(FIRST, LAST, "alpha", 5, cells=True),
    ReportRequest(FIRST, LAST, None, 5, cells=True),           # all buildings
    ReportRequest(FIRST, LAST, None, 3),
    ReportRequest(FIRST, ROLLED, None, 5),                     # only rolled-up days
    ReportRequest(date(2026, 11, 2), date(2026, 11, 8), "beta", 1, cells=True),
    ReportRequest(ROLLED, TODAY, "gamma", 1, cells=True),      # one rolled day, today
    ReportRequest(TODAY, LAST, None, 1, cells=True),           # nothing rolled up
    ReportRequest(date(2026, 11, 30), date(2026, 12, 2), "alpha", 1),  # future, a closure
]


def _reports(store: SqlUsage) -> list:
    return [store.report(r, NOW) for r in REQUESTS]


@pytest.fixture
def seeded(services: Services) -> Services:
    assert _seed(services) > 400
    return services


def test_reports_from_the_rollup_equal_the_direct_computation(seeded: Services) -> None:
    cache = seeded.uow_factory.cache
    direct = _reports(SqlUsage(seeded.engine, cache=cache, rollup=False))
    assert _reports(SqlUsage(seeded.engine, cache=cache)) == direct  # nothing rolled up yet

    done = anonymise(seeded.engine, NOW)  # the night job: anonymisation, then the roll-up
    assert done.rolled_up == 28  # 26 October .. 22 November: every day with reservations
    with seeded.engine.connect() as conn:
        assert conn.execute(select(func.max(usage_rollup_days.c.day))).scalar() in (ROLLED, ROLLED.isoformat())
        counted = conn.execute(select(func.count()).select_from(reservations).where(
            reservations.c.day <= ROLLED, reservations.c.status != "cancelled")).scalar()
        assert conn.execute(select(func.sum(usage_rollup.c.reserved))).scalar() == counted
    store = SqlUsage(seeded.engine, cache=cache)
    rolled = _reports(store)
    for request, a, b in zip(REQUESTS, rolled, direct):
        assert a == b, request
        for fmt in ("json", "csv", "table"):
            assert render(a, fmt, "en") == render(b, fmt, "en"), (request, fmt)

    # The roll-up is really what is read: without the rolled-up reservations the figures stay.
    with seeded.engine.begin() as conn:
        conn.execute(delete(reservations).where(reservations.c.day <= ROLLED))
    assert _reports(store) == direct
    assert _reports(SqlUsage(seeded.engine, cache=cache, rollup=False))[4] != direct[4]


def test_the_rollup_is_done_once_and_only_for_past_anonymised_days(seeded: Services) -> None:
    assert anonymise(seeded.engine, NOW).rolled_up == 28
    assert anonymise(seeded.engine, NOW).rolled_up == 0  # a repeated run adds nothing
    assert roll_up(seeded.engine, LAST, NOW).days == 0  # today and later are never rolled up
    with seeded.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(usage_rollup)).scalar()
        assert conn.execute(select(func.count()).select_from(usage_rollup).where(
            usage_rollup.c.day >= TODAY)).scalar() == 0
    # the next night rolls up Monday only
    assert anonymise(seeded.engine, NOW + timedelta(days=1)).rolled_up == 1
    with seeded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(usage_rollup)).scalar() > rows


def test_the_rollup_holds_counts_only(services: Services) -> None:
    assert {c.name for c in usage_rollup.columns} == {
        "building_id", "day", "part", "zone_id", "screens", "sit_stand",
        "reserved", "checked_in", "released", "no_shows", "stay_minutes", "stays"}
    assert {c.name for c in usage_rollup_days.columns} == {"day", "rolled_at", "reservations"}
    assert set(FORMATS) >= {"json", "csv", "table"}


def test_one_building_without_the_catalogue_gives_the_same_report(seeded: Services) -> None:
    # A command has no catalogue at hand: one building is then read directly (its hours,
    # closures, zones and desks), and the report is the same as from the cached catalogue.
    from adapters.store.catalogue import CatalogueCache

    warm = CatalogueCache(max_age=3600.0)
    with seeded.engine.connect() as conn:
        warm.get(conn)
    anonymise(seeded.engine, NOW)
    for request in (r for r in REQUESTS if r.building_id is not None):
        assert SqlUsage(seeded.engine).report(request, NOW) == SqlUsage(seeded.engine, cache=warm).report(
            request, NOW), request
    assert SqlUsage(seeded.engine).building_ids() == ("alpha", "beta", "gamma")

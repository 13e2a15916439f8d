"""The night-job runner (lease, catch-up on start, stop) and the operator commands."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.store.leases import leases
from adapters.store.migrate import alembic_config
from adapters.store.tables import conversation_state, privacy_runs, reservations
from bot.bootstrap import Services, bootstrap
from bot.cli import main
from bot.scheduler import run_night_jobs
from core.booking.api import PersonInfo
from core.clock import AMSTERDAM

from privacy_helpers import privacy_settings, add_reservation, desk_ids

SUNDAY = datetime(2026, 11, 22, 12, 0, tzinfo=AMSTERDAM)
NIGHT = datetime(2026, 11, 24, 2, 30, tzinfo=AMSTERDAM)
MON = date(2026, 11, 23)


def _one_pass_clock(stop: asyncio.Event, now: datetime):  # type: ignore[no-untyped-def]
    def clock() -> datetime:
        stop.set()  # one pass of the loop, then it stops
        return now
    return clock


def _seed(svc: Services) -> int:
    pid = svc.booking.ensure_person(PersonInfo("matrix:@sched:example.org", name="S"), SUNDAY)
    return add_reservation(svc.engine, desk_ids(svc.engine)[0], MON, person_id=pid, source="matrix:$s1")


async def test_the_runner_catches_up_on_start(services: Services) -> None:
    rid = _seed(services)
    services.conversations.save("matrix:!r:example.org:@sched:example.org", {"x": 1}, SUNDAY)
    stop = asyncio.Event()
    await run_night_jobs(services, stop, clock=_one_pass_clock(stop, NIGHT), holder="one")
    with services.engine.connect() as conn:
        assert conn.execute(select(reservations.c.person_id).where(reservations.c.id == rid)).scalar() is None
        assert [r.night for r in conn.execute(select(privacy_runs).where(privacy_runs.c.job == "anonymise"))] == [MON]
        assert conn.execute(select(conversation_state)).all() == []
        # The lease was given up at the stop, so another instance need not wait.
        assert conn.execute(select(leases.c.expires_ms).where(leases.c.name == "night-jobs")).scalar() == 0


async def test_two_instances_one_night(services: Services) -> None:
    _seed(services)
    stops = [asyncio.Event(), asyncio.Event()]
    await asyncio.gather(*(run_night_jobs(services, s, clock=_one_pass_clock(s, NIGHT), holder=f"i{i}")
                           for i, s in enumerate(stops)))
    with services.engine.connect() as conn:
        runs = conn.execute(select(privacy_runs).where(privacy_runs.c.job == "anonymise")).all()
    assert [r.night for r in runs] == [MON] and '"reservations": 1' in runs[0].counts


async def test_the_runner_survives_a_broken_database(tmp_path: Path) -> None:
    svc = bootstrap(privacy_settings(f"sqlite:///{tmp_path / 'w.sqlite3'}", tmp_path))
    svc.engine.dispose()
    (tmp_path / "w.sqlite3").write_bytes(b"not a database" * 100)
    stop = asyncio.Event()
    try:
        await run_night_jobs(svc, stop, clock=_one_pass_clock(stop, NIGHT))  # returns, never raises
    finally:
        svc.dispose()


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Services:
    settings = privacy_settings(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path)
    for k, v in settings.extra.items():
        monkeypatch.setenv(k, v)
    return bootstrap(settings)


def test_anonymise_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    svc = _env(monkeypatch, tmp_path)
    rid = _seed(svc)
    svc.dispose()
    assert main(["anonymise", "--now", "2026-11-24T02:30"]) == 0
    out = capsys.readouterr().out
    assert "night after 2026-11-23: 1 reservation(s) anonymised" in out
    assert main(["anonymise", "--now", "2026-11-24T02:30"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["anonymise", "--now", "tomorrow"]) == 2
    assert "--now" in capsys.readouterr().err
    svc = bootstrap(privacy_settings(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path))
    with svc.engine.connect() as conn:
        assert conn.execute(select(reservations.c.person_id).where(reservations.c.id == rid)).scalar() is None
    svc.dispose()


def _table(out: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.strip() and not line.startswith(("inact", "kind", " "))}


def test_retention_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    svc = _env(monkeypatch, tmp_path)
    svc.messages.record("test:old", [], SUNDAY)
    svc.conversations.save("k", {}, SUNDAY)
    svc.booking.ensure_person(PersonInfo("matrix:@idle:example.org"), SUNDAY)
    svc.dispose()
    assert main(["retention", "--dry-run", "--now", "2026-12-01T12:00"]) == 0
    out = capsys.readouterr().out
    lines = _table(out)
    assert lines["handled_messages"] == ["1", "1"] and lines["conversation_state"] == ["1", "1"]
    assert lines["profiles"] == ["0", "0"] and "would remove" in out
    assert main(["retention", "--now", "2026-12-01T12:00"]) == 0
    assert main(["retention", "--dry-run", "--now", "2026-12-01T12:00"]) == 0
    out = capsys.readouterr().out
    assert _table(out.split("kind", 2)[-1])["handled_messages"] == ["0", "0"]  # the second dry run
    # A year and a bit later the idle profile is due; the notice is reported as due before that.
    assert main(["retention", "--dry-run", "--now", "2027-11-01T12:00"]) == 0
    assert "inactivity notices due: 1" in capsys.readouterr().out
    assert main(["retention", "--now", "2027-12-01T12:00"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("profiles")][0].split()[1:] == ["1", "1"]


def test_exactly_one_migration_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}; set down_revision to the current head"

"""Usage reports and check-in/out on SQLite and PostgreSQL, against hand-computed figures.

Data: the small buildings of conftest.py; in alpha (8 desks) the week of Monday 16 November
2026 follows the pattern of tests/unit/usage/fixture.py (d1..d8 = A-01..A-08), in beta two
checked-in mornings, plus a cancelled booking and bookings for today and tomorrow. Every
person carries unique canary data; no canary may appear in any report format.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from adapters.reports import FORMATS, render
from adapters.store.tables import desks, reservations
from adapters.store.usage import SqlUsage
from bot.bootstrap import Services
from core.booking.api import PersonInfo
from core.clock import AMSTERDAM
from core.usage.model import METRICS
from core.usage.presence import CheckInOutcome, CheckOutOutcome
from core.usage.request import ReportProblem, ReportRequest
from core.usage.wording import summary_lines

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)  # Monday
MON = date(2026, 11, 16)
M, A = "morning", "afternoon"


def canary(i: int) -> PersonInfo:
    return PersonInfo(external_id=f"matrix:@kanarie{i}zq:example.test", name=f"Kanarie{i}Zwaluwstaart",
                      email=f"kanarie{i}.zq@example.test", phone=f"+31 6 9876 54{i:02d}",
                      department=f"KanarieDienst{i}")


CANARIES = [canary(i) for i in range(1, 12)]


def canary_strings() -> list[str]:
    out = []
    for p in CANARIES:
        out += [p.external_id, p.external_id.split(":", 1)[1], p.name, p.email, p.phone, p.department,
                p.phone.replace(" ", "")]
    out += ["kanarie", "Kanarie", "zwaluw", "msg-kanarie", "grp-kanarie"]
    return out


def d(offset: int) -> date:
    return MON + timedelta(days=offset)


# (desk index 1..8 in alpha, day offset, part, outcome) as in the unit fixture
ALPHA = (
    [(k, 0, M, "in") for k in (1, 2, 3, 4, 5, 6)] + [(7, 0, M, "ns"), (8, 0, M, "rel")]
    + [(k, 0, A, "in") for k in (1, 2, 3, 4, 5)] + [(6, 0, A, "ns")]
    + [(k, 1, M, "in") for k in (1, 2, 3, 4)]
    + [(k, 3, M, "in") for k in range(1, 9)]
    + [(k, 3, A, "in") for k in (1, 2, 3, 4, 6, 7, 8)] + [(5, 3, A, "rel")]
    + [(6, 4, M, "ns")]
)


def _seed(svc: Services) -> dict:
    people = [svc.booking.ensure_person(p, NOW - timedelta(days=30)) for p in CANARIES]
    with svc.engine.begin() as conn:
        ids = {code: i for code, i in conn.execute(select(desks.c.code, desks.c.id))}
        rows = []
        n = 0

        def add(code: str, building: str, day: date, part: str, outcome: str, person: int) -> None:
            nonlocal n
            n += 1
            cin = cout = None
            if outcome == "in":
                start = time(8, 30) if part == M else time(13, 0)
                cin = datetime.combine(day, start, AMSTERDAM)
                cout = cin + timedelta(hours=3)
            rows.append(dict(desk_id=ids[code], building_id=building, day=day, part=part, person_id=person,
                             booked_by_id=person, department=f"KanarieDienst{n % 11 + 1}",
                             group_id=f"grp-kanarie-{n}", source_message_id=f"msg-kanarie-{n}",
                             status={"in": "active", "ns": "active", "rel": "released",
                                     "cancel": "cancelled", "pending": "active"}[outcome],
                             created_at=NOW - timedelta(days=20), checked_in_at=cin, checked_out_at=cout))

        for k, off, part, outcome in ALPHA:
            add(f"A-0{k}", "alpha", d(off), part, outcome, people[k - 1])
        add("B-01", "beta", d(0), M, "in", people[8])
        add("B-02", "beta", d(0), M, "in", people[9])
        add("A-01", "alpha", d(2), M, "cancel", people[0])      # cancelled: counted nowhere
        # today and tomorrow: pending bookings (people 1 and 2 today, whole day and morning)
        add("A-03", "alpha", NOW.date(), M, "pending", people[0])
        add("A-03", "alpha", NOW.date(), A, "pending", people[0])
        add("A-04", "alpha", NOW.date(), M, "pending", people[1])
        add("A-05", "alpha", NOW.date() + timedelta(days=1), M, "pending", people[2])
        conn.execute(insert(reservations), rows)
    return {"people": people}


@pytest.fixture
def seeded(services: Services) -> Services:
    _seed(services)
    return services


def usage(svc: Services, **kw) -> SqlUsage:  # type: ignore[no-untyped-def]
    return SqlUsage(svc.engine, cache=svc.uow_factory.cache, **kw)


def counts(f) -> tuple:  # type: ignore[no-untyped-def]
    return (f.capacity,) + tuple(f.count(m) for m in METRICS)


def test_figures_match_hand_computation(seeded: Services) -> None:
    rep = usage(seeded, min_cell=1).report(ReportRequest(d(0), d(6), "alpha", 1, cells=True), NOW)
    (b,) = rep.buildings
    assert (b.desks, b.open_days) == (8, 5)
    assert counts(b.totals) == (80, 35, 30, 2, 3, 0)
    assert b.average_stay_minutes == 180.0
    days = {x.day: x for x in b.days}
    assert counts(days[d(0)].figures) == (16, 14, 11, 1, 2, 0)
    assert counts(days[d(0)].morning) == (8, 8, 6, 1, 1, 0)
    assert counts(days[d(2)].figures) == (16, 0, 0, 0, 0, 0)  # only a cancelled booking
    assert counts(days[d(3)].figures) == (16, 16, 15, 1, 0, 0)
    assert [p.day for p in b.peak_days] == [d(3), d(0), d(1)]
    types = {x.desk_type: counts(x.figures) for x in b.desk_types}
    assert types == {"dual_screen+quiet+sit_stand": (20, 10, 10, 0, 0, 0),
                     "dual_screen+quiet": (20, 10, 10, 0, 0, 0),
                     "single_screen": (20, 9, 6, 1, 2, 0),
                     "dual_screen": (20, 6, 4, 1, 1, 0)}
    zones = {z.zone: counts(z.figures) for z in b.zones}
    assert zones == {"stil": (40, 20, 20, 0, 0, 0), "open": (40, 15, 10, 2, 3, 0)}
    assert sum(c.figures.reserved for c in b.cells) == 35


def test_all_buildings_and_pending(seeded: Services) -> None:
    rep = usage(seeded, min_cell=1).report(ReportRequest(d(0), d(8), None, 1), NOW)
    by_id = {b.building_id: b for b in rep.buildings}
    assert set(by_id) == {"alpha", "beta", "gamma"}
    assert counts(by_id["beta"].totals) == (3 * 2 * 7, 2, 2, 0, 0, 0)  # 7 open days: 16-20 and 23-24 November
    # today (Monday 23rd) and tomorrow: 4 pending desk-parts, not no-shows
    assert counts(by_id["alpha"].totals) == (8 * 2 * 7, 39, 30, 2, 3, 4)
    assert rep.total.reserved == 41 and rep.total.capacity == (8 + 3 + 2) * 2 * 7


def test_small_counts_suppressed_in_the_store_report(seeded: Services) -> None:
    rep = usage(seeded).report(ReportRequest(d(0), d(6), None, 5, cells=True), NOW)
    alpha = next(b for b in rep.buildings if b.building_id == "alpha")
    beta = next(b for b in rep.buildings if b.building_id == "beta")
    assert alpha.totals.reserved == 35 and alpha.totals.checked_in == 30
    assert alpha.totals.released is None and alpha.totals.no_shows is None
    assert beta.totals.reserved is None                      # 2
    assert rep.total.reserved is None                        # else 37 - 35 would reveal beta's 2
    for b in rep.buildings:
        figs = [b.totals] + [x.figures for x in b.days] + [x.figures for x in b.desk_types] \
            + [x.figures for x in b.zones] + [x.figures for x in b.zone_types] + [c.figures for c in b.cells]
        for f in figs:
            for m in METRICS:
                v = f.count(m)
                assert v is None or v == 0 or v >= 5


def test_no_personal_data_in_any_format(seeded: Services, tmp_path: Path) -> None:
    store = usage(seeded, min_cell=1, managers=["matrix:@fm:example.test"])
    outputs: list[bytes] = []
    for cells in (False, True):
        for building in (None, "alpha"):
            rep = store.report(ReportRequest(d(0), d(8), building, 1, cells=cells), NOW)
            for fmt in FORMATS:
                for lang in ("nl", "en"):
                    outputs.append(render(rep, fmt, lang))
            outputs += [line.encode() for line in summary_lines(rep, "nl") + summary_lines(rep, "en")]
    summary = store.summary("matrix:@fm:example.test", "alpha", d(0), d(6), NOW, "nl")
    assert summary.ok and summary.chart is not None
    outputs += [summary.text.encode(), summary.chart.data]
    blob = b"\n".join(outputs)
    # HTML embeds the chart as base64: decode those too
    for m in re.finditer(rb"base64,([A-Za-z0-9+/=]+)", blob):
        blob += base64.b64decode(m.group(1))
    lowered = blob.lower()
    for s in canary_strings():
        assert s.encode().lower() not in lowered, s
    assert b"@example.test" not in lowered and b"+31" not in lowered


def test_check_in_and_out(seeded: Services) -> None:
    store = usage(seeded)
    first, second = CANARIES[0].external_id, CANARIES[1].external_id
    r = store.check_in(first, NOW)
    assert r.outcome is CheckInOutcome.CHECKED_IN and r.desk_code == "A-03" and r.building_name == "Alpha"
    assert store.check_in(first, NOW + timedelta(minutes=5)).outcome is CheckInOutcome.ALREADY
    out = store.check_out(first, NOW.replace(hour=11))
    assert out.outcome is CheckOutOutcome.CHECKED_OUT and out.released_parts == (A,)  # Part is a str enum
    with seeded.engine.connect() as conn:
        rows = {r.part: r for r in conn.execute(
            select(reservations.c.part, reservations.c.status, reservations.c.checked_in_at,
                   reservations.c.checked_out_at)
            .where(reservations.c.day == NOW.date(), reservations.c.desk_id.in_(
                select(desks.c.id).where(desks.c.code == "A-03"))))}
    assert rows[M].checked_in_at == NOW and rows[M].checked_out_at == NOW.replace(hour=11)
    assert rows[A].status == "released" and rows[A].checked_in_at is None
    # someone else cannot check out (or in) on that booking; strangers are unknown
    assert store.check_out(second, NOW).outcome is CheckOutOutcome.NOT_CHECKED_IN
    assert store.check_in("matrix:@nobody:example.test", NOW).outcome is CheckInOutcome.UNKNOWN_PERSON
    assert store.check_in(CANARIES[5].external_id, NOW).outcome is CheckInOutcome.NO_BOOKING


def test_auto_release_tells_once(seeded: Services) -> None:
    store = usage(seeded, release_times={"alpha": time(10, 0)})
    assert store.check_in(CANARIES[0].external_id, NOW).ok
    assert store.auto_release(NOW.replace(hour=9, minute=59)) == ()
    notices = store.auto_release(NOW.replace(hour=10, minute=1))
    assert [(n.person, n.desk_code, n.parts) for n in notices] == [(CANARIES[1].external_id, "A-04", (M,))]
    assert store.auto_release(NOW.replace(hour=10, minute=2)) == ()  # idempotent
    rep = store.report(ReportRequest(NOW.date(), NOW.date(), "alpha", 1), NOW.replace(hour=10, minute=5))
    assert rep.buildings[0].totals.released == 1


def test_summary_only_for_managers_and_bad_input(seeded: Services) -> None:
    store = usage(seeded, managers=["matrix:@fm:example.test"])
    refused = store.summary(CANARIES[0].external_id, "alpha", d(0), d(6), NOW, "nl")
    assert refused.problem is ReportProblem.NOT_ALLOWED and refused.chart is None and not refused.lines
    ok = store.summary("matrix:@fm:example.test", "alpha", d(0), d(6), NOW, "en")
    assert ok.ok and ok.chart.data.startswith(b"\x89PNG") and ok.chart.media_type == "image/png"
    assert "Alpha" in ok.text and "44%" in ok.text  # 35 of 80 desk-parts
    fm = "matrix:@fm:example.test"
    assert store.summary(fm, "nowhere", d(0), d(6), NOW).problem is ReportProblem.UNKNOWN_BUILDING
    assert store.summary(fm, "alpha", d(6), d(0), NOW).problem is ReportProblem.WRONG_ORDER
    assert store.summary(fm, None, date(2000, 1, 1), d(0), NOW).problem is ReportProblem.TOO_LONG


# ------------------------------------------------------------------ wms-bot report (SQLite)
@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from bot.bootstrap import bootstrap

    from .conftest import make_settings

    url = f"sqlite:///{(tmp_path / 'cli.sqlite3').as_posix()}"
    settings = make_settings(url, tmp_path)
    svc = bootstrap(settings)
    try:
        _seed(svc)
    finally:
        svc.dispose()
    for key, value in settings.extra.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def cli(*args: str) -> int:
    from bot.cli import main

    return main(["report", *args, "--now", NOW.isoformat()])


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-11-20", "--to", "2026-11-16"], "is after --to"),
    (["--from", "2026-11-31", "--to", "2026-12-01"], "must be dates"),
    (["--from", "gisteren", "--to", "2026-12-01"], "must be dates"),
    (["--from", "2000-01-01", "--to", "2026-11-20"], "too long"),
    (["--from", "2026-11-16", "--to", "2026-11-20", "--building", "nergens"], "unknown building 'nergens'"),
    (["--from", "2026-11-16", "--to", "2026-11-20", "--building", " "], "must not be empty"),
])
def test_cli_bad_input_exits_2_and_writes_nothing(cli_env: Path, capsys, args, message) -> None:  # type: ignore[no-untyped-def]
    out = cli_env / "out.csv"
    assert cli(*args, "--format", "csv", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_bad_setting_names_it(cli_env: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WMS_REPORT_MIN_CELL", "nul")
    assert cli("--from", "2026-11-16", "--to", "2026-11-20") == 2
    assert "WMS_REPORT_MIN_CELL" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "html", "png"])
def test_cli_every_format(cli_env: Path, capsys, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = cli_env / f"report.{fmt}"
    assert cli("--from", "2026-11-16", "--to", "2026-11-22", "--building", "alpha", "--format", fmt,
               "--out", str(out), "--cells") == 0
    data = out.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG")
    elif fmt == "json":
        import json

        doc = json.loads(data)
        assert doc["buildings"][0]["totals"]["reserved"] == 35 and doc["min_cell"] == 5
        assert doc["buildings"][0]["totals"]["released"] == "<5"
    else:
        text = data.decode()
        assert "35" in text and ("&lt;5" if fmt == "html" else "<5") in text
    lowered = data.lower()
    for s in canary_strings():
        assert s.encode().lower() not in lowered


def test_cli_table_to_stdout(cli_env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli("--from", "2026-11-16", "--to", "2026-11-22", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Usage report" in out and "Alpha" in out and "Beta" in out

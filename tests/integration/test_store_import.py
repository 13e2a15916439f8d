"""Importing buildings: validation naming line and field, atomic updates, stable desk ids."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.store.buildings_file import FileErrors, parse_buildings, read_buildings
from adapters.store.importer import import_buildings
from adapters.store.tables import buildings, desks, reservations
from bot.bootstrap import Services, pilot_file
from bot.cli import main
from bot.settings import Settings
from core.booking.api import BookingRequest, PersonInfo, Where

from .conftest import NOW, small_buildings, write_buildings

THU = datetime(2026, 11, 26).date()
PILOT = pilot_file(Settings.from_env({}))


def test_the_pilot_file_is_valid() -> None:
    specs = read_buildings(PILOT)
    assert [s.id for s in specs] == ["parnassusplein-5", "turfmarkt-147", "prinses-beatrixlaan-2", "griffioenlaan-2",
                                     "de-knoop", "spark", "kop-van-zuid", "fellenoord", "hub-leiden", "hub-assen"]
    assert 1900 <= sum(s.desk_count for s in specs) <= 2100


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_errors_name_line_and_field() -> None:
    text = PILOT.read_text(encoding="utf-8")
    bad = text.replace('"screens": 2', '"screens": 7', 1).replace('"city": "Utrecht"', '"city": ""', 1)
    with pytest.raises(FileErrors) as err:
        parse_buildings(bad)
    messages = err.value.messages
    screens_line, city_line = _line_of(bad, '"screens": 7'), _line_of(bad, '"city": ""')
    assert messages[0] == f"line {screens_line}: buildings[0].floors[0].zones[0].desks[0].screens: must be 1 or 2"
    assert messages[1] == f"line {city_line}: buildings[3].city: must be a non-empty text"


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["buildings"][0].pop("address"), "buildings[0].address: is missing"),
    (lambda d: d["buildings"][0]["floors"][0]["zones"][0]["desks"][0].update(neighbours=["A-99"]),
     "buildings[0].floors[0].zones[0].desks[0].neighbours[0]: unknown desk A-99"),
    (lambda d: d["buildings"][0]["floors"][0]["zones"][0]["desks"][0].update(neighbours=["A-05"]),
     "neighbours share a zone"),
    (lambda d: d["buildings"][0]["floors"][0]["zones"][1]["desks"][0].update(code="A-01"),
     "buildings[0].floors[0].zones[1].desks[0].code: desk A-01 appears twice in this building"),
    (lambda d: d["buildings"][0]["opening_hours"].update(mon="19:00-07:00"), "buildings[0].opening_hours.mon"),
    (lambda d: d["buildings"][0]["opening_hours"].update(sunday="08:00-18:00"), "must be one of mon, tue"),
    (lambda d: d["buildings"][1].update(id="Alpha Building"), "buildings[1].id: must be lower-case"),
    (lambda d: d["buildings"][0].update(closures=["2026-02-30"]), "buildings[0].closures[0]"),
    (lambda d: d["buildings"].append(copy.deepcopy(d["buildings"][2])), "building gamma appears twice"),
    (lambda d: d.update(buildings=[]), "buildings: must be a non-empty list"),
])
def test_validation_messages(mutate, expected) -> None:  # type: ignore[no-untyped-def]
    data = small_buildings()
    mutate(data)
    text = json.dumps(data, indent=2)
    with pytest.raises(FileErrors) as err:
        parse_buildings(text)
    assert any(expected in m and m.startswith("line ") for m in err.value.messages), err.value.messages


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"buildings": 5}', "\x00\xff"])
def test_broken_files(text: str) -> None:
    with pytest.raises(FileErrors) as err:
        parse_buildings(text)
    assert err.value.messages and all(m.startswith("line ") for m in err.value.messages)


def _count(svc: Services, table) -> int:  # type: ignore[no-untyped-def]
    with svc.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_reimport_keeps_reservations_and_desk_ids(services: Services, tmp_path: Path) -> None:
    pid = services.booking.ensure_person(PersonInfo("test:alice"), NOW)
    made = services.booking.book(BookingRequest(pid, (THU,), Where("alpha"), desk_id=None), NOW)
    assert made.ok
    desk_id = made.bookings[0].desk_id
    data = small_buildings()
    data["buildings"][0]["name"] = "Alpha (renovated)"
    zone = data["buildings"][0]["floors"][0]["zones"][1]
    zone["desks"] = [d for d in zone["desks"] if d["code"] != "A-08"]        # A-08 removed
    zone["desks"][-1]["neighbours"] = []                                      # A-07 lost its neighbour
    zone["desks"].append({"code": "A-09", "sit_stand": True, "screens": 2, "accessible": True, "neighbours": []})
    report = import_buildings(services.engine, parse_buildings(json.dumps(data)), datetime.now(timezone.utc))
    assert (report.buildings_updated, report.desks_created, report.desks_retired) == (3, 1, 1)
    services.invalidate_catalogue()
    assert services.booking.building("alpha").name == "Alpha (renovated)"  # type: ignore[union-attr]
    assert services.booking.upcoming(pid, NOW)[0].desk_id == desk_id
    codes = {d.code for d in services.booking_service.catalogue().building_desks("alpha")}
    assert "A-08" not in codes and "A-09" in codes
    assert _count(services, reservations) == 2


def test_another_process_sees_an_import(services: Services, store_url: str, tmp_path: Path) -> None:
    from adapters.store.catalogue import CatalogueCache

    services.uow_factory.cache = CatalogueCache(max_age=0.0)  # re-check the version on every use
    before = services.booking.building("alpha")
    data = small_buildings()
    data["buildings"][0]["name"] = "Alpha 2"
    # A separate engine stands in for `wms-bot import` in another process.
    from adapters.store.engine import make_engine

    other = make_engine(store_url)
    try:
        import_buildings(other, parse_buildings(json.dumps(data)), datetime.now(timezone.utc))
    finally:
        other.dispose()
    assert before is not None and before.name == "Alpha"
    assert services.booking.building("alpha").name == "Alpha 2"  # type: ignore[union-attr]


def test_cli_import_bad_file_changes_nothing(services: Services, store_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("WMS_DATABASE_URL", store_url)
    monkeypatch.setenv("WMS_DATA_DIR", str(tmp_path / "data"))
    data = small_buildings()
    data["buildings"][0]["name"] = "Changed"
    data["buildings"][2]["floors"][0]["zones"][0]["desks"][1]["screens"] = 3
    bad = write_buildings(tmp_path / "bad.json", data)
    before = (_count(services, buildings), _count(services, desks))
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "screens: must be 1 or 2" in err and f"{bad}: line " in err
    assert (_count(services, buildings), _count(services, desks)) == before
    assert services.booking.building("alpha").name == "Alpha"  # type: ignore[union-attr]
    good = write_buildings(tmp_path / "good.json", small_buildings())
    assert main(["import", str(good)]) == 0
    assert "imported 3 buildings (0 new, 3 updated)" in capsys.readouterr().out


def test_cli_buildings_and_availability(services: Services, store_url: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("WMS_DATABASE_URL", store_url)
    monkeypatch.setenv("WMS_DATA_DIR", str(tmp_path / "data"))
    assert main(["buildings"]) == 0
    out = capsys.readouterr().out
    assert "alpha" in out and "3 buildings, 13 desks" in out
    assert main(["buildings", "--json"]) == 0
    assert [b["id"] for b in json.loads(capsys.readouterr().out)] == ["alpha", "beta", "gamma"]
    assert main(["availability", "--now", "2026-11-23T09:00:00+01:00", "--date", "2026-11-26",
                 "--building", "alpha"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-26  alpha" in out and " 8 " in out
    assert main(["availability", "--now", "2026-11-23T09:00:00+01:00", "--date", "2026-11-28", "--city",
                 "Den Haag"]) == 0
    assert "closed (weekend)" in capsys.readouterr().out
    assert main(["availability", "--date", "not-a-date"]) == 2
    assert main(["availability", "--building", "nope"]) == 1
    assert "unknown building" in capsys.readouterr().err

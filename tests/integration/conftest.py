"""Fixtures of the store integration tests: the same test bodies on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest

from bot.bootstrap import Services, bootstrap
from bot.settings import Settings
from core.clock import AMSTERDAM

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)  # a Monday


def desk(code: str, neighbours: list[str], screens: int = 2, sit_stand: bool = False, accessible: bool = False) -> dict:
    return {"code": code, "sit_stand": sit_stand, "screens": screens, "accessible": accessible,
            "neighbours": neighbours}


def small_buildings() -> dict:
    """Three small buildings: alpha (8 desks) and beta (3) in Den Haag, gamma (2) in Utrecht."""
    hours = {d: "07:30-19:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    return {"buildings": [
        {"id": "alpha", "name": "Alpha", "address": "Alphastraat 1, Den Haag", "city": "Den Haag",
         "organisations": ["BZK"], "aliases": ["A"], "opening_hours": hours, "closures": ["2026-12-01"],
         "floors": [{"level": 1, "zones": [
             {"code": "AQ", "name": "stil", "quiet": True, "desks": [
                 desk("A-01", ["A-02", "A-03"], sit_stand=True), desk("A-02", ["A-01", "A-04"], sit_stand=True),
                 desk("A-03", ["A-01", "A-04"]), desk("A-04", ["A-02", "A-03"])]},
             {"code": "AO", "name": "open", "quiet": False, "desks": [
                 desk("A-05", ["A-06"], screens=1), desk("A-06", ["A-05"], screens=1),
                 desk("A-07", ["A-08"]), desk("A-08", ["A-07"], accessible=True)]}]}]},
        {"id": "beta", "name": "Beta", "address": "Betaplein 2, Den Haag", "city": "Den Haag",
         "organisations": ["JenV"], "aliases": [], "opening_hours": hours,
         "floors": [{"level": 0, "zones": [{"code": "BO", "name": "open", "quiet": False, "desks": [
             desk("B-01", ["B-02"]), desk("B-02", ["B-01", "B-03"]), desk("B-03", ["B-02"])]}]}]},
        {"id": "gamma", "name": "Gamma", "address": "Gammalaan 3, Utrecht", "city": "Utrecht",
         "organisations": ["RWS"], "aliases": [], "opening_hours": hours,
         "floors": [{"level": 0, "zones": [{"code": "GO", "name": "open", "quiet": False, "desks": [
             desk("G-01", []), desk("G-02", [])]}]}]},
    ]}


def write_buildings(path: Path, data: dict | None = None) -> Path:
    path.write_text(json.dumps(data or small_buildings(), indent=2), encoding="utf-8")
    return path


def make_settings(url: str, tmp_path: Path, pilot: Path | None = None, **extra: str) -> Settings:
    env = {"WMS_DATA_DIR": str(tmp_path / "data"), "WMS_DATABASE_URL": url,
           "WMS_PILOT_FILE": str(pilot or write_buildings(tmp_path / "small.json"))}
    env.update(extra)
    return Settings.from_env(env)


@pytest.fixture
def services(store_url: str, tmp_path: Path) -> Iterator[Services]:
    svc = bootstrap(make_settings(store_url, tmp_path))
    try:
        yield svc
    finally:
        svc.dispose()

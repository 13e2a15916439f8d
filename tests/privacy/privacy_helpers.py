"""Helpers of the privacy tests: direct reservations, canary scans."""

from __future__ import annotations

import json

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

from sqlalchemy import Engine, MetaData, insert, select, text

from adapters.store.crypto import generate_key
from bot.settings import Settings

from adapters.store.tables import desks, reservations


def desk_ids(engine: Engine, building: str = "alpha") -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(desks.c.id).where(desks.c.building_id == building).order_by(desks.c.id))
                    .scalars())


def add_reservation(engine: Engine, desk_id: int, day: date, part: str = "morning", *, building: str = "alpha",
                    person_id: int | None = None, booked_by_id: int | None = None, department: str | None = None,
                    group_id: str | None = None, source: str | None = None, status: str = "active",
                    created_at: datetime | None = None, checked_in_at: datetime | None = None,
                    checked_out_at: datetime | None = None) -> int:
    with engine.begin() as conn:
        return int(conn.execute(insert(reservations).values(
            desk_id=desk_id, building_id=building, day=day, part=part, person_id=person_id,
            booked_by_id=booked_by_id or person_id, department=department, group_id=group_id,
            source_message_id=source, status=status,
            created_at=created_at or datetime(2026, 11, 1, 10, 11, 12, tzinfo=timezone.utc),
            checked_in_at=checked_in_at, checked_out_at=checked_out_at).returning(reservations.c.id)).scalar_one())


def all_values(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, column, text of the value) for every non-null value of every table (reflected)."""
    meta = MetaData()
    meta.reflect(engine)
    out = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is not None:
                        out.append((table.name, column, str(value)))
    return out


def canaries_in_tables(engine: Engine, canaries: Iterable[str]) -> list[tuple[str, str, str]]:
    found = []
    wanted = [c.lower() for c in canaries]
    for table, column, value in all_values(engine):
        low = value.lower()
        found += [(table, column, c) for c in wanted if c in low]
    return found


def canaries_in_files(sqlite_file: Path, canaries: Iterable[str]) -> list[tuple[str, str]]:
    """Canaries in the raw bytes of the database file and its -wal/-journal files (UTF-8 and
    UTF-16, any case)."""
    found = []
    for path in (sqlite_file, Path(f"{sqlite_file}-wal"), Path(f"{sqlite_file}-journal")):
        if not path.exists():
            continue
        data = path.read_bytes().lower()
        for c in canaries:
            c = c.lower()
            if c.encode("utf-8") in data or c.encode("utf-16-le") in data:
                found.append((path.name, c))
    return found


def sqlite_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


KEY = generate_key()


def _desk(code: str, neighbours: list[str]) -> dict:
    return {"code": code, "sit_stand": False, "screens": 2, "accessible": False, "neighbours": neighbours}


def small_buildings() -> dict:
    """Two small buildings in Den Haag: alpha (6 desks) and beta (2)."""
    hours = {d: "07:00-19:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return {"buildings": [
        {"id": "alpha", "name": "Alpha", "address": "Alphastraat 1, Den Haag", "city": "Den Haag",
         "organisations": ["BZK"], "aliases": [], "opening_hours": hours,
         "floors": [{"level": 1, "zones": [{"code": "AO", "name": "open", "quiet": False, "desks": [
             _desk(f"A-0{i}", []) for i in range(1, 7)]}]}]},
        {"id": "beta", "name": "Beta", "address": "Betaplein 2, Den Haag", "city": "Den Haag",
         "organisations": ["JenV"], "aliases": [], "opening_hours": hours,
         "floors": [{"level": 0, "zones": [{"code": "BO", "name": "open", "quiet": False, "desks": [
             _desk("B-01", []), _desk("B-02", [])]}]}]},
    ]}


def write_buildings(path: Path) -> Path:
    path.write_text(json.dumps(small_buildings()), encoding="utf-8")
    return path


HASH_KEY = generate_key()


def privacy_settings(url: str, tmp_path: Path, pilot: Path | None = None, **extra: str) -> Settings:
    env = {"WMS_DATA_DIR": str(tmp_path / "data"), "WMS_DATABASE_URL": url,
           "WMS_PILOT_FILE": str(pilot or write_buildings(tmp_path / "small.json")),
           "WMS_ENCRYPTION_KEY": KEY, "WMS_HASH_KEY": HASH_KEY}
    env.update(extra)
    return Settings.from_env(env)

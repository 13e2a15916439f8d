"""The national-scale benchmark data set: built once, cached on disk, reused by every benchmark.

``build_dataset()`` returns a :class:`Dataset` describing a SQLite file with the real schema
(created by ``bot.bootstrap`` with ``WMS_SEED_PILOT=0``, i.e. the store's Alembic migrations),
the real buildings import (``adapters.store.importer.import_buildings``) and then a bulk load of
people and reservations with raw ``sqlite3`` (one transaction, secondary indexes of
``reservations`` dropped during the load and re-created afterwards from their own DDL, so the
file ends up exactly as the migrations define it).

National scale: 100 buildings (the 10 pilot buildings of ``data/pilot-buildings.json`` plus 90
generated ones), 60,000 desks, 120,000 people, one year of history at on average 50,000
reservation rows per working day (about 13 million rows) and four weeks of future bookings.

What the rows look like (realistic for the reports and for the booking queries):

* a row is one desk, one day, one part of day: a whole-day booking is two rows (~62% of
  bookings), the rest morning or afternoon only; busier Tuesdays and Thursdays, quiet Fridays,
  summer and Christmas dips; per-building popularity;
* ~6% of bookings cancelled, ~3% of past ones released (auto-release), ~80% of the active past
  ones checked in (with check-out times, some missing), the rest no-shows;
* past days are anonymised as the privacy issue will leave them: ``person_id``,
  ``booked_by_id``, ``group_id`` and ``source_message_id`` NULL, the department coarsened to the
  ministry, ``created_at`` cut to the day; and rolled up into ``usage_rollup`` as the night job
  does after the anonymisation (filled once per file by :func:`_ensure_rollup`, also on a file
  built before the roll-up existed);
* today and the future: a person per booking (at most one per day), the department of that
  person, a chat message id per booking (and its idempotency key), ~5% team bookings with a
  group id booked by someone else; fill falls from ~90% tomorrow to ~10% four weeks out.

The data set is anchored at :data:`ANCHOR` (a Monday): benchmarks pass :data:`NOW` to the
service, so the file stays valid whatever the real date. The cache key (:func:`dataset_version`)
covers this generator, the scale, the pilot file and the store schema (``tables.py`` and the
migration scripts): a schema change rebuilds the file.

Treat the cached file as read-only; write benchmarks work on a copy (:func:`copy_dataset`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import shutil
import sqlite3
import time as clock
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from core.clock import AMSTERDAM

GENERATOR_VERSION = "3"
"""Bump when the generated content changes (the schema is covered by the hash)."""

ANCHOR = date(2026, 11, 23)
"""'Today' of the data set (a Monday): history is the year before it, bookings the 4 weeks after."""
NOW = datetime(2026, 11, 23, 8, 30, tzinfo=AMSTERDAM)
"""The ``now`` benchmarks pass to the service: 08:30 on the anchor day."""

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scale:
    name: str
    buildings: int           # including the 10 pilot buildings
    desks: int               # including the pilot desks
    per_day: int             # average reservation rows per working day of history
    history_days: int        # calendar days of history before the anchor
    people: int
    horizon_days: int = 28   # future days with bookings (the service's default horizon)
    seed: int = 20261123


SCALES: dict[str, Scale] = {
    "national": Scale("national", 100, 60_000, 50_000, 365, 120_000),
    "regional": Scale("regional", 25, 9_000, 7_000, 365, 18_000),
    "tiny": Scale("tiny", 12, 2_400, 900, 21, 3_000),
}


@dataclass(frozen=True)
class Dataset:
    """What was built; ``url`` is a SQLite URL for ``WMS_DATABASE_URL``. Dates are ISO strings."""

    path: str
    url: str
    scale: str
    version: str
    anchor: str              # the data set's today
    now: str                 # ISO datetime to pass as ``now``
    first_day: str           # first day of history
    last_day: str            # last day with bookings (anchor + horizon)
    buildings: int
    desks: int
    people: int
    reservations: int
    working_days: int        # history working days (weekdays minus public holidays)
    build_seconds: float
    built_at: str
    migrations: dict[str, str] = field(default_factory=dict)  # migration script -> hash, at build/upgrade

    @property
    def anchor_date(self) -> date:
        return date.fromisoformat(self.anchor)

    @property
    def now_datetime(self) -> datetime:
        return datetime.fromisoformat(self.now)


# ------------------------------------------------------------------------------------ cache
def cache_dir() -> Path:
    """``$WMS_BENCH_CACHE``, else ``$XDG_CACHE_HOME/wms-bot/bench``, else ``~/.cache/wms-bot/bench``."""
    configured = os.environ.get("WMS_BENCH_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "wms-bot" / "bench"


def _migration_hashes() -> dict[str, str]:
    folder = REPO / "adapters" / "store" / "migrations" / "versions"
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest()[:16]
            for f in sorted(folder.glob("*.py")) if f.name != "__init__.py"}


def _base_key(scale: Scale) -> str:
    h = hashlib.sha256(f"{GENERATOR_VERSION}|{ANCHOR}|{asdict(scale)}".encode())
    h.update((REPO / "data" / "pilot-buildings.json").read_bytes())
    return h.hexdigest()[:12]


def dataset_version(scale: Scale) -> str:
    """The cache key: generator, anchor, scale, pilot file and the store's migration scripts.

    A new migration script is applied to the cached file by the store's own migrations (as an
    operator's database would be upgraded); a changed existing script rebuilds the file.
    """
    mig = hashlib.sha256(json.dumps(_migration_hashes(), sort_keys=True).encode()).hexdigest()[:8]
    return f"{scale.name}-{GENERATOR_VERSION}-{_base_key(scale)}-{mig}"


def _path_from_url(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise ValueError("the benchmark data set is a SQLite file: give a sqlite:///PATH url")
    return Path(url[len(prefix):].split("?", 1)[0]).expanduser()


def _meta_path(db: Path) -> Path:
    return db.with_name(db.name + ".json")


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            db.with_name(db.name + suffix).unlink()


def load_meta(db: Path) -> Dataset | None:
    try:
        raw = json.loads(_meta_path(db).read_text(encoding="utf-8"))
        return Dataset(**raw) if db.exists() else None
    except (OSError, ValueError, TypeError):
        return None


@contextlib.contextmanager
def _locked(db: Path) -> Iterator[None]:
    """One builder at a time per file (the report benchmark may ask at the same moment)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_dataset(url: str | None = None, scale: str | Scale = "national", *, rebuild: bool = False,
                  log: Callable[[str], None] = print) -> Dataset:
    """The data set at ``url`` (default: ``<cache_dir>/<scale>.sqlite3``), built if missing or stale.

    Safe to call from several processes: one builds, the others wait and reuse the result.
    """
    sc = SCALES[scale] if isinstance(scale, str) else scale
    db = _path_from_url(url) if url else cache_dir() / f"{sc.name}.sqlite3"
    version = dataset_version(sc)
    with _locked(db):
        meta = load_meta(db)
        if meta is not None and meta.version == version and not rebuild:
            _ensure_rollup(db, log)
            return meta
        if meta is not None and not rebuild and _upgradable(meta, sc):
            meta = _upgrade(db, meta, version, log)
            _ensure_rollup(db, log)
            return meta
        tmp = db.with_name(db.name + ".building")
        _remove_db(tmp)
        log(f"[dataset] building {sc.name} data set ({version}) at {db} ...")
        started = clock.perf_counter()
        counts = _build(tmp, sc, log)
        _remove_db(db)
        with contextlib.suppress(FileNotFoundError):
            _meta_path(db).unlink()
        tmp.rename(db)
        meta = Dataset(
            path=str(db), url=f"sqlite:///{db}", scale=sc.name, version=version, anchor=ANCHOR.isoformat(),
            now=NOW.isoformat(), first_day=(ANCHOR - timedelta(days=sc.history_days)).isoformat(),
            last_day=(ANCHOR + timedelta(days=sc.horizon_days)).isoformat(),
            build_seconds=round(clock.perf_counter() - started, 1),
            built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), migrations=_migration_hashes(),
            **counts)
        _meta_path(db).write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")
        log(f"[dataset] built in {meta.build_seconds:.0f} s: {meta.reservations:,} reservations, "
            f"{meta.desks:,} desks, {meta.buildings} buildings")
        _ensure_rollup(db, log)
        return meta


def _ensure_rollup(db: Path, log: Callable[[str], None]) -> None:
    """Fill the usage roll-up (``usage_rollup``) of the history as the night job does after the
    anonymisation (``adapters.store.usage.roll_up``: every past day is anonymised here), so the
    report benchmark measures the real path. Done once per file (a few minutes at national
    scale); afterwards a one-row check."""
    from sqlalchemy import func, select

    from adapters.store.engine import make_engine
    from adapters.store.tables import usage_rollup_days
    from adapters.store.usage import roll_up

    last = ANCHOR - timedelta(days=1)
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            newest = conn.execute(select(func.max(usage_rollup_days.c.day))).scalar()
        if newest is not None and str(newest) >= last.isoformat():
            return
        log("[dataset] usage roll-up of the history (as the night job) ...")
        started = clock.perf_counter()
        result = roll_up(engine, last, NOW)
        log(f"[dataset] usage roll-up: {result.days} days, {result.rows:,} rows in "
            f"{clock.perf_counter() - started:.0f} s")
    finally:
        engine.dispose()


def _upgradable(meta: Dataset, sc: Scale) -> bool:
    """Same generator and data; the migrations only gained new scripts (none changed)."""
    if not meta.version.startswith(f"{sc.name}-{GENERATOR_VERSION}-{_base_key(sc)}-") or not meta.migrations:
        return False
    now = _migration_hashes()
    return all(now.get(name) == h for name, h in meta.migrations.items())


def _upgrade(db: Path, meta: Dataset, version: str, log: Callable[[str], None]) -> Dataset:
    from adapters.store import migrate
    from adapters.store.engine import make_engine

    started = clock.perf_counter()
    engine = make_engine(f"sqlite:///{db}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    meta = replace(meta, version=version, migrations=_migration_hashes())
    _meta_path(db).write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")
    log(f"[dataset] new store migrations applied to the cached data set in {clock.perf_counter() - started:.1f} s")
    return meta


def copy_dataset(ds: Dataset, target: Path) -> str:
    """A private copy of the data set (for write benchmarks); returns its SQLite URL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_db(target)
    src = sqlite3.connect(ds.path)
    try:
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
    shutil.copyfile(ds.path, target)
    # On disk before anything is measured: else the kernel writes the copy back (gigabytes at
    # national scale) while the benchmark runs, and the first fsyncs wait behind it.
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"sqlite:///{target}"


# ------------------------------------------------------------------------------------ buildings
CITIES = (
    "Den Haag", "Utrecht", "Amsterdam", "Rotterdam", "Zwolle", "Groningen", "Arnhem", "'s-Hertogenbosch",
    "Maastricht", "Leeuwarden", "Assen", "Lelystad", "Haarlem", "Middelburg", "Apeldoorn", "Heerlen",
    "Eindhoven", "Nijmegen", "Enschede", "Leiden", "Almere", "Amersfoort", "Emmen", "Tilburg", "Breda",
    "Dordrecht", "Alkmaar", "Deventer", "Venlo", "Hoofddorp",
)
ORGANISATIONS = (
    "Belastingdienst", "Dienst Toeslagen", "Rijkswaterstaat", "DUO", "UWV", "Rijksvastgoedbedrijf", "CBS",
    "Kadaster", "IND", "CJIB", "DJI", "RVO", "NVWA", "Logius", "RIVM", "Douane", "Inspectie SZW",
    "Ministerie van BZK", "Ministerie van JenV", "Ministerie van Financien", "Ministerie van IenW",
    "Ministerie van OCW", "Ministerie van EZK", "Ministerie van LNV", "Ministerie van VWS",
)
MINISTRIES = ("BZK", "JenV", "Fin", "IenW", "OCW", "EZK", "LNV", "VWS", "SZW", "Def", "BZ", "AZ")
UNITS = ("DG Werk", "DG Digitalisering", "Bedrijfsvoering", "Directie Juridische Zaken", "Communicatie",
         "Financieel-Economische Zaken", "Inspectie", "Uitvoering", "Beleid", "Informatievoorziening")


def _synthetic_buildings(sc: Scale, pilot_desks: int, rng: random.Random) -> list:
    from adapters.store.buildings_file import BuildingSpec, DeskSpec, FloorSpec, ZoneSpec

    n = sc.buildings - 10
    if n <= 0:
        return []
    total = sc.desks - pilot_desks
    if total < 60 * n:
        raise ValueError(f"scale {sc.name}: too few desks for {n} generated buildings")
    raw = [rng.lognormvariate(0, 0.55) for _ in range(n)]
    sizes = [max(60, int(total * r / sum(raw))) for r in raw]
    sizes[sizes.index(max(sizes))] += total - sum(sizes)  # exact total
    specs = []
    for i, size in enumerate(sizes):
        city = CITIES[i % len(CITIES)]
        bid = f"rk-{i + 1:03d}"
        prefix = f"R{i + 1:03d}"
        opens, closes = rng.choice([(time(7, 0), time(19, 0)), (time(7, 30), time(18, 30)), (time(8, 0), time(18, 0))])
        hours = {w: (opens, closes) for w in range(5)}
        if rng.random() < 0.08:
            del hours[4]  # closed on Fridays
        floors = []
        per_floor = rng.choice((48, 60, 72, 84))
        left, level = size, 0
        while left > 0:
            n_floor = min(per_floor, left)
            left -= n_floor
            zones = []
            quiet_n = (n_floor // 4) if n_floor >= 24 else 0
            number = 1
            for letter, quiet, count in (("Q", True, quiet_n), ("A", False, n_floor - quiet_n)):
                if count <= 0:
                    continue
                desks = []
                for start in range(0, count, 6):  # islands of 6: two facing rows of 3
                    island = min(6, count - start)
                    cols = (island + 1) // 2
                    dual = rng.random() < 0.7
                    stand = rng.random() < (0.45 if quiet else 0.3)
                    codes = [f"{prefix}-{level:02d}.{number + j:03d}" for j in range(island)]
                    for j in range(island):
                        row, col = divmod(j, cols)
                        nb = [j - 1] if col > 0 else []
                        if col < cols - 1 and j + 1 < island:
                            nb.append(j + 1)
                        opp = j + cols if row == 0 else j - cols
                        if 0 <= opp < island:
                            nb.append(opp)
                        accessible = j == 0 and rng.random() < 0.15
                        desks.append(DeskSpec(
                            code=codes[j], sit_stand=stand or accessible or rng.random() < 0.08,
                            screens=2 if (dual and rng.random() < 0.9) or (not dual and rng.random() < 0.2) else 1,
                            accessible=accessible, neighbours=tuple(sorted(codes[k] for k in nb))))
                    number += island
                zones.append(ZoneSpec(code=f"{prefix}-{level:02d}{letter}",
                                      name=f"Verdieping {level}, {'stiltezone' if quiet else 'open werkvloer'}",
                                      quiet=quiet, desks=tuple(desks)))
            floors.append(FloorSpec(level=level, name="begane grond" if level == 0 else f"verdieping {level}",
                                    zones=tuple(zones)))
            level += 1
        specs.append(BuildingSpec(
            id=bid, name=f"Rijkskantoor {city} {i // len(CITIES) + 1}", address=f"Rijksplein {i + 1}, {city}",
            city=city, organisations=tuple(rng.sample(ORGANISATIONS, rng.randint(1, 3))), aliases=(),
            opening_hours=hours, morning=(time(8, 0), time(13, 0)), afternoon=(time(13, 0), time(18, 0)),
            closures=(), floors=tuple(floors)))
    return specs


# ------------------------------------------------------------------------------------ the build
_COLUMNS = ("desk_id", "building_id", "day", "part", "person_id", "booked_by_id", "department", "group_id",
            "source_message_id", "status", "created_at", "checked_in_at", "checked_out_at")


def _formats() -> tuple[Callable[[date], str], Callable[[datetime], str]]:
    """How the store writes dates and datetimes on SQLite (checked against SQLAlchemy's processors)."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from adapters.store.tables import reservations

    dialect = sqlite_dialect.dialect()
    day_p = reservations.c.day.type.dialect_impl(dialect).bind_processor(dialect)
    dt_p = reservations.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert day_p is not None and dt_p is not None
    sample = datetime(2026, 3, 29, 7, 5, tzinfo=timezone.utc)
    assert dt_p(sample) == "2026-03-29 07:05:00.000000", dt_p(sample)
    assert day_p(date(2026, 3, 9)) == "2026-03-09"
    return day_p, dt_p


def _utc_hours(day: date) -> int:
    """Hours to subtract from Amsterdam wall-clock time on ``day`` (1 in winter, 2 in summer)."""
    offset = datetime.combine(day, time(12), AMSTERDAM).utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def _build(path: Path, sc: Scale, log: Callable[[str], None]) -> dict:
    from adapters.store.buildings_file import read_buildings
    from adapters.store.importer import import_buildings
    from bot.bootstrap import bootstrap
    from bot.settings import Settings
    from core.booking.days import HolidayCalendar, closed_reason
    from core.booking.rules import Rules

    rng = random.Random(sc.seed)
    day_fmt, dt_fmt = _formats()
    t0 = clock.perf_counter()

    # 1. The real schema (migrations) and the real buildings import.
    settings = Settings.from_env({"WMS_DATABASE_URL": f"sqlite:///{path}", "WMS_SEED_PILOT": "0",
                                  "WMS_DATA_DIR": str(path.parent)})
    services = bootstrap(settings)
    try:
        pilot = read_buildings(REPO / "data" / "pilot-buildings.json")
        specs = list(pilot) + _synthetic_buildings(sc, sum(b.desk_count for b in pilot), rng)
        import_buildings(services.engine, specs, datetime.combine(ANCHOR - timedelta(days=sc.history_days + 30),
                                                                   time(9), timezone.utc))
        catalogue = services.booking_service.catalogue()
    finally:
        services.dispose()
    log(f"[dataset] schema + {len(specs)} buildings, {len(catalogue.desks):,} desks imported "
        f"in {clock.perf_counter() - t0:.0f} s")

    # 2. Bulk load with raw sqlite3: no journal while loading, indexes re-created afterwards.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("PRAGMA temp_store = MEMORY")
    index_sql = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reservations' AND sql IS NOT NULL")]
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reservations' AND sql IS NOT NULL")]
    conn.execute("BEGIN")
    for name in names:
        conn.execute(f'DROP INDEX "{name}"')

    # people (personal fields are synthetic and obviously so)
    created = dt_fmt(datetime.combine(ANCHOR - timedelta(days=sc.history_days + 20), time(9), timezone.utc))
    last_active = dt_fmt(datetime.combine(ANCHOR - timedelta(days=1), time(16), timezone.utc))
    departments = [f"{m}/{u}" for m in MINISTRIES for u in rng.sample(UNITS, 4)]
    person_dept = [rng.choice(departments) for _ in range(sc.people)]
    conn.executemany(
        "INSERT INTO people (id, external_id, name, email, phone, department, created_at, last_active_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((i, f"bench:person:{i:06d}", f"Medewerker {i:06d}", f"medewerker{i:06d}@bench.invalid", None,
          person_dept[i - 1], created, last_active) for i in range(1, sc.people + 1)))

    # which buildings are open when, and how popular each is
    calendar = HolidayCalendar(exclude=Rules().closed_holidays_excluded)
    blds = list(catalogue.buildings.values())
    desk_ids = {b.id: [int(d.id) for d in catalogue.building_desks(b.id)] for b in blds}
    popularity = {b.id: rng.uniform(0.6, 1.4) for b in blds}
    first = ANCHOR - timedelta(days=sc.history_days)
    last = ANCHOR + timedelta(days=sc.horizon_days)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weekday_factor = {0: 0.95, 1: 1.15, 2: 0.95, 3: 1.15, 4: 0.8}

    def season(d: date) -> float:
        if (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 3):
            return 0.45
        if d.month in (7, 8):
            return 0.7
        return 1.0

    open_days = [d for d in days if d.weekday() < 5 and calendar.name(d) is None]
    history = [d for d in open_days if d < ANCHOR]
    mean_factor = sum(weekday_factor[d.weekday()] * season(d) for d in history) / max(1, len(history))

    insert_sql = f"INSERT INTO reservations ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    total = 0
    message_no = 0
    idem: list[tuple[str, str]] = []
    t1 = clock.perf_counter()
    for d in open_days:
        factor = weekday_factor[d.weekday()] * season(d) / mean_factor
        ahead = (d - ANCHOR).days
        if ahead > 0:
            factor *= max(0.1, 0.92 - 0.03 * ahead)
        open_b = [b for b in blds if closed_reason(b, d, calendar) is None]
        weight = sum(len(desk_ids[b.id]) * popularity[b.id] for b in open_b)
        target = sc.per_day * factor
        day_s = day_fmt(d)
        off = _utc_hours(d)
        past = d < ANCHOR
        today = d == ANCHOR
        people_pool = None if past else rng.sample(range(1, sc.people + 1), min(sc.people, int(target * 0.75) + 100))
        pool_i = 0
        created_past = dt_fmt(datetime.combine(d - timedelta(days=rng.randint(1, 10)), time(0), timezone.utc))
        rows: list[tuple] = []
        for b in open_b:
            ids = desk_ids[b.id]
            want = min(int(1.8 * len(ids)), round(target * len(ids) * popularity[b.id] / weight))
            order = rng.sample(ids, len(ids))
            m_start = b.morning[0].hour * 60 + b.morning[0].minute
            a_end = b.afternoon[1].hour * 60 + b.afternoon[1].minute
            mid = b.morning[1].hour * 60 + b.morning[1].minute
            made = 0
            for desk in order:
                if made >= want:
                    break
                r = rng.random()
                if r < 0.62:
                    bookings = (("morning", "afternoon"),)
                elif r < 0.82:
                    bookings = (("morning",), ("afternoon",)) if rng.random() < 0.3 else (("morning",),)
                else:
                    bookings = (("afternoon",),)
                for parts in bookings:
                    s = rng.random()
                    status = "cancelled" if s < 0.06 else ("released" if past and s < 0.09 else "active")
                    cin = cout = None
                    if status == "active" and (past and rng.random() < 0.8 or today and parts[0] == "morning"
                                               and rng.random() < 0.3):
                        start = (m_start if parts[0] == "morning" else mid) + (
                            rng.randint(-25, 30) if today else rng.randint(-20, 90))
                        cin = f"{day_s} {start // 60 - off:02d}:{start % 60:02d}:00.000000"
                        if past and rng.random() < 0.9:
                            end = (a_end if parts[-1] == "afternoon" else mid) - rng.randint(-30, 150)
                            end = max(end, start + 30)
                            cout = f"{day_s} {end // 60 - off:02d}:{end % 60:02d}:00.000000"
                    if past:
                        dept = person_dept[rng.randrange(sc.people)].split("/", 1)[0]
                        person = booker = group = msg = None
                        made_at = created_past
                    else:
                        person = people_pool[pool_i % len(people_pool)]
                        pool_i += 1
                        dept = person_dept[person - 1]
                        booker, group = person, None
                        if rng.random() < 0.05:
                            booker = rng.randrange(1, sc.people + 1)
                            group = f"{rng.getrandbits(128):032x}"
                        message_no += 1
                        msg = f"bench:msg:{message_no:08d}"
                        # booked before NOW, and at most the horizon (28 days) ahead of the day
                        lead = rng.randint(1, min(14, 28 - ahead)) if ahead < 28 else 0
                        made_at = (f"{day_fmt(ANCHOR - timedelta(days=lead))} "
                                   f"{rng.randint(6, 20) if lead else 6:02d}:{rng.randint(0, 59):02d}:"
                                   f"{rng.randint(0, 59):02d}.000000")
                        idem.append((msg, made_at))
                    for part in parts:
                        rows.append((desk, b.id, day_s, part, person, booker, dept, group, msg, status, made_at,
                                     cin, cout))
                    made += len(parts)
        conn.executemany(insert_sql, rows)
        total += len(rows)
        if d.day == 1 or d == open_days[-1]:
            log(f"[dataset]   {d.isoformat()}: {total:,} rows ({clock.perf_counter() - t1:.0f} s)")
    conn.executemany("INSERT INTO idempotency_keys (key, created_at) VALUES (?, ?)", idem)
    log(f"[dataset] {total:,} reservations generated and inserted in {clock.perf_counter() - t1:.0f} s")
    t2 = clock.perf_counter()
    for sql in index_sql:  # the unique indexes double as the no-double-booking check of the generator
        conn.execute(sql)
    conn.execute("COMMIT")
    log(f"[dataset] {len(index_sql)} reservation indexes re-created in {clock.perf_counter() - t2:.0f} s")
    anonymous = conn.execute("SELECT min(day) FROM reservations WHERE person_id IS NOT NULL").fetchone()[0]
    if anonymous is not None and anonymous < day_fmt(ANCHOR):
        raise AssertionError("past reservations must be anonymised")
    conn.execute("PRAGMA journal_mode = WAL")  # as the store leaves its files
    conn.close()
    return dict(buildings=len(blds), desks=len(catalogue.desks), people=sc.people, reservations=total,
                working_days=len(history))


def main(argv: list[str]) -> int:
    """``python -m bench.dataset [SCALE] [--rebuild]``: build (or find) the data set and print it."""
    scale = next((a for a in argv if not a.startswith("-")), "national")
    if scale not in SCALES:
        print(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
        return 2
    ds = build_dataset(scale=scale, rebuild="--rebuild" in argv)
    print(json.dumps(asdict(ds), indent=2))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

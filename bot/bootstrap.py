"""The one place where the parts are wired together: ``bootstrap(settings) -> Services``.

Every command calls it. It builds the engine, creates or checks the schema (SQLite: always
migrated to the newest revision; PostgreSQL: migrated when empty, otherwise it must be at
the newest revision, see ``wms-bot migrate``) and seeds the pilot buildings into an empty
store unless ``WMS_SEED_PILOT=0``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine

from adapters.store import crypto, migrate
from adapters.store.buildings_file import read_buildings
from adapters.store.dialog_state import SqlConversationStore, SqlMessageLog
from adapters.store.engine import SQLITE_SYNCHRONOUS, is_sqlite, make_engine
from adapters.store.importer import import_buildings
from adapters.store.uow import SqlUnitOfWorkFactory
from bot.privacy_settings import PrivacySettings, load_privacy
from bot.settings import Settings, SettingsError
from core.booking.api import BookingPort
from core.booking.rules import Rules
from core.booking.service import BookingService
from core.dialog.ports import ConversationStore, MessageLog

log = logging.getLogger("wms.bootstrap")

PILOT_FILE_NAME = "pilot-buildings.json"


class SchemaNotCurrent(RuntimeError):
    """The PostgreSQL schema is behind (or ahead of) this version; the message says what to do."""


@dataclass(frozen=True)
class Services:
    """Everything a command, channel or job needs; built once by :func:`bootstrap`."""

    settings: Settings
    engine: Engine
    uow_factory: SqlUnitOfWorkFactory
    booking: BookingPort
    conversations: ConversationStore
    messages: MessageLog
    privacy: PrivacySettings | None = None  # keys, anonymisation time, retention table

    @property
    def booking_service(self) -> BookingService:
        """The concrete service (for operator commands that need more than the port)."""
        assert isinstance(self.booking, BookingService)
        return self.booking

    def invalidate_catalogue(self) -> None:
        """Forget the cached desk catalogue of this process (after an import)."""
        self.uow_factory.cache.invalidate()

    def dispose(self) -> None:
        """Close every database connection."""
        self.engine.dispose()


def pilot_file(settings: Settings) -> Path:
    """The pilot data file: ``WMS_PILOT_FILE``, else ``data/pilot-buildings.json`` of the checkout,
    else the copy shipped inside the installed package (``adapters/store/pilot-buildings.json``)."""
    configured = settings.extra.get("WMS_PILOT_FILE", "").strip()
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parent.parent / "data" / PILOT_FILE_NAME
    if checkout.exists():
        return checkout
    import adapters.store

    return Path(adapters.store.__file__).resolve().parent / PILOT_FILE_NAME


def _int_setting(settings: Settings, name: str, default: int, lo: int, hi: int) -> int:
    raw = settings.extra.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, not {value}")
    return value


def prepare_schema(engine: Engine) -> None:
    """SQLite: upgrade to head. PostgreSQL: create when empty, else require head."""
    state = migrate.schema_state(engine)
    if state is migrate.SchemaState.EMPTY or (state is migrate.SchemaState.BEHIND and is_sqlite(engine)):
        migrate.upgrade(engine)
    elif state is migrate.SchemaState.BEHIND:
        raise SchemaNotCurrent("the database schema is older than this version of wms-bot: "
                               "run `wms-bot migrate` first")
    elif state is migrate.SchemaState.UNKNOWN:
        raise SchemaNotCurrent("the database schema is newer than this version of wms-bot: "
                               "upgrade wms-bot or use another database")


def bootstrap(settings: Settings, *, migrate_schema: bool = True, seed: bool | None = None) -> Services:
    """Build the services for ``settings`` (see the module docstring).

    ``migrate_schema=False`` skips schema preparation (``wms-bot migrate`` does it itself).
    """
    busy_ms = _int_setting(settings, "WMS_DB_BUSY_TIMEOUT_MS", 30_000, 100, 600_000)
    pool = _int_setting(settings, "WMS_DB_POOL_SIZE", 10, 1, 200)
    sync = settings.extra.get("WMS_SQLITE_SYNCHRONOUS", "").strip().upper() or "FULL"
    if sync not in SQLITE_SYNCHRONOUS:
        raise SettingsError(f"WMS_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {sync!r}")
    privacy = load_privacy(settings)  # bad privacy/retention settings refuse the start
    for path in privacy.generated:
        log.info("generated a new key file %s: back it up with the database", path.name)
    engine = make_engine(settings.database_url, busy_timeout_ms=busy_ms, pool_size=pool, sqlite_synchronous=sync)
    crypto.install(engine, privacy.cipher())  # personal fields encrypted at rest
    try:
        if migrate_schema:
            prepare_schema(engine)
        if settings.seed_pilot if seed is None else seed:
            _seed(engine, settings)
    except BaseException:
        engine.dispose()
        raise
    uow_factory = SqlUnitOfWorkFactory(engine)
    rules = Rules(horizon_days=settings.horizon_days, max_group_size=settings.max_group_size)
    return Services(
        settings=settings,
        engine=engine,
        uow_factory=uow_factory,
        booking=BookingService(uow_factory, rules),
        conversations=SqlConversationStore(engine),
        messages=SqlMessageLog(engine),
        privacy=privacy,
    )


def _seed(engine: Engine, settings: Settings) -> None:
    path = pilot_file(settings)
    if not path.exists():
        log.warning("pilot data file not found; the store starts without buildings (set WMS_PILOT_FILE)")
        return
    report = import_buildings(engine, read_buildings(path), datetime.now(timezone.utc), only_if_empty=True)
    if not report.skipped:
        log.info("seeded %d pilot buildings with %d desks", report.buildings_created, report.desks_created)


def command_services(prog: str, *, database_url: str | None = None, seed: bool | None = None,
                     migrate_schema: bool = True) -> Services | None:
    """Bootstrap for a CLI command; prints a clear error (no stack trace) and returns None on failure."""
    import dataclasses
    import sys

    try:
        settings = Settings.from_env()
        if database_url:
            settings = dataclasses.replace(settings, database_url=database_url)
        return bootstrap(settings, seed=seed, migrate_schema=migrate_schema)
    except (SettingsError, SchemaNotCurrent) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
    except Exception as exc:  # the database is unreachable, the file unreadable, ...
        from adapters.store.buildings_file import FileErrors

        if isinstance(exc, FileErrors):
            print(f"{prog}: the pilot data file is invalid:\n{exc}", file=sys.stderr)
        else:
            print(f"{prog}: cannot open the database: {type(exc).__name__}", file=sys.stderr)
    return None

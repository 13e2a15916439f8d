"""Schema migrations (Alembic) run from the installed package: upgrade, and check the revision."""

from __future__ import annotations

import enum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from adapters.store.engine import WRITE_OPTION

HERE = Path(__file__).resolve().parent
_PG_LOCK = 7_301_947  # advisory lock id: one migrator at a time on PostgreSQL


class SchemaState(str, enum.Enum):
    EMPTY = "empty"        # no tables at all
    CURRENT = "current"    # at the newest revision
    BEHIND = "behind"      # needs `wms-bot migrate`
    UNKNOWN = "unknown"    # a revision this code does not know (newer code ran here)


def alembic_config() -> Config:
    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if not names:
            return SchemaState.EMPTY
        current = MigrationContext.configure(conn).get_current_revision()
    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return SchemaState.CURRENT
    if current is None or current in {s.revision for s in script.walk_revisions()}:
        return SchemaState.BEHIND
    return SchemaState.UNKNOWN


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` in one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: advisory lock)."""
    cfg = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

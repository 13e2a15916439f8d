"""``wms-bot migrate``: create or upgrade the database schema (needed for PostgreSQL; SQLite
is upgraded on every start)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL)")
    parser.add_argument("--check", action="store_true",
                        help="only report whether the schema is current (exit 1 when it is not)")


def run(args: argparse.Namespace) -> int:
    from adapters.store import migrate
    from bot.bootstrap import command_services

    services = command_services("wms-bot migrate", database_url=args.db, seed=False, migrate_schema=False)
    if services is None:
        return 2
    try:
        state = migrate.schema_state(services.engine)
        if args.check:
            print(f"schema: {state.value} (newest revision {migrate.head_revision()})")
            return 0 if state is migrate.SchemaState.CURRENT else 1
        if state is migrate.SchemaState.UNKNOWN:
            print("wms-bot migrate: the database has a newer schema than this version of wms-bot", file=sys.stderr)
            return 1
        migrate.upgrade(services.engine)
        print(f"schema was {state.value}; now at revision {migrate.head_revision()}")
    except Exception as exc:
        print(f"wms-bot migrate: failed: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        services.dispose()
    # Seed an empty store, as every command does on first use.
    seeded = command_services("wms-bot migrate", database_url=args.db)
    if seeded is None:
        return 1
    seeded.dispose()
    return 0

"""``wms-bot import FILE``: validate a buildings file and load or update its buildings.

A bad file is refused with errors naming line and field and changes nothing; desks keep
their ids (and reservations) across re-imports; desks left out are taken out of use.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="buildings file (JSON, see data/pilot-buildings.json)")
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL)")
    parser.add_argument("--check", action="store_true", help="only validate the file")


def run(args: argparse.Namespace) -> int:
    from adapters.store.buildings_file import FileErrors, read_buildings
    from adapters.store.importer import import_buildings
    from bot.bootstrap import command_services

    try:
        specs = read_buildings(args.file)
    except FileErrors as exc:
        print(f"wms-bot import: {args.file} is not valid, nothing was changed:", file=sys.stderr)
        for line in exc.messages:
            print(f"  {args.file}: {line}", file=sys.stderr)
        return 2
    desks = sum(s.desk_count for s in specs)
    if args.check:
        print(f"{args.file}: valid ({len(specs)} buildings, {desks} desks)")
        return 0
    # The operator's file is the data: no pilot seeding first.
    services = command_services("wms-bot import", database_url=args.db, seed=False)
    if services is None:
        return 2
    try:
        report = import_buildings(services.engine, specs, datetime.now(timezone.utc))
        services.invalidate_catalogue()
    except Exception as exc:
        print(f"wms-bot import: failed, nothing was changed: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        services.dispose()
    print(f"imported {len(specs)} buildings ({report.buildings_created} new, {report.buildings_updated} updated); "
          f"desks: {report.desks_created} new, {report.desks_updated} changed, "
          f"{report.desks_retired} taken out of use")
    return 0

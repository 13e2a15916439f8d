"""``wms-bot retention [--dry-run] [--now ISO]``: per data kind, how many records are past
their retention period; removes them unless ``--dry-run``. Inactivity notices are sent by
``wms-bot serve`` (it has the channels); this command only reports how many are due."""

from __future__ import annotations

import argparse
import sys

from bot.commands._privacy_cli import add_now_argument, start


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="only count, remove nothing")
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    from adapters.store.anonymise import truncate_wal
    from adapters.store.retention import due_notices, run_retention
    from core.privacy.retention import RetentionTable

    started = start("wms-bot retention", args)
    if isinstance(started, int):
        return started
    now, services = started
    table = services.privacy.retention if services.privacy is not None else RetentionTable.defaults()
    try:
        with services.engine.connect() as conn:
            notices = len(due_notices(conn, now, table))
        reports = run_retention(services.engine, now, table, dry_run=args.dry_run)
        if not args.dry_run:
            truncate_wal(services.engine)
    except Exception as exc:  # noqa: BLE001
        print(f"wms-bot retention: failed ({type(exc).__name__}); run it again", file=sys.stderr)
        return 1
    finally:
        services.dispose()
    width = max(len(r.name) for r in reports)
    verb = "would remove" if args.dry_run else "removed"
    print(f"{'kind':<{width}}  {'due':>6}  {verb}")
    for r in reports:
        print(f"{r.name:<{width}}  {r.due:>6}  {r.removed if not args.dry_run else r.due}")
    print(f"inactivity notices due: {notices} (sent by `wms-bot serve`)")
    return 0

"""``wms-bot report``: usage figures without personal data (table, csv, json, html, png).

Bad input (invalid dates, from after to, a range longer than ``WMS_REPORT_MAX_DAYS``, an
unknown building, a bad setting) prints a clear message and exits with 2; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

FORMATS = ("table", "csv", "json", "html", "png")
PROG = "wms-bot report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", required=True, metavar="D", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, metavar="D", help="last day (inclusive), YYYY-MM-DD")
    parser.add_argument("--building", default=None, metavar="ID", help="one building (default: all)")
    parser.add_argument("--format", default="table", choices=FORMATS, help="output format (default: table)")
    parser.add_argument("--out", default=None, metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--cells", action="store_true",
                        help="also the finest cells: floor, zone, desk type, day and part of day")
    parser.add_argument("--lang", default="nl", choices=("nl", "en"), help="language of labels (default: nl)")
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL)")
    parser.add_argument("--now", default=None, metavar="ISO", help="a fixed clock (demos and tests)")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from bot.settings import Settings, SettingsError
    from bot.usage_settings import UsageSettings
    from core.clock import AMSTERDAM, local
    from core.usage.request import ReportProblem, RequestRefusal, check_request

    try:
        usage = UsageSettings.from_settings(Settings.from_env())
    except SettingsError as exc:
        return _fail(str(exc))
    if args.now:
        try:
            now = local(datetime.fromisoformat(args.now))
        except ValueError:
            return _fail(f"--now must be an ISO timestamp, not {args.now!r}")
    else:
        now = datetime.now(AMSTERDAM)
    if args.out and Path(args.out).is_dir():
        return _fail(f"--out {args.out!r} is a directory")

    # Dates, order and length first: no database is opened for a request that cannot be answered.
    pre = check_request(args.start, args.end, None, (), min_cell=usage.min_cell, max_days=usage.max_days,
                        cells=args.cells)
    if isinstance(pre, RequestRefusal):
        return _fail(_problem(pre, args, usage.max_days))
    if args.building is not None and not args.building.strip():
        return _fail("--building must not be empty")

    from bot.bootstrap import command_services

    services = command_services(PROG, database_url=args.db)
    if services is None:
        return 2
    try:
        from adapters.reports import render
        from adapters.store.usage import SqlUsage

        store = SqlUsage(services.engine, managers=usage.facility_managers, min_cell=usage.min_cell,
                         release_times=usage.auto_release, cache=services.uow_factory.cache,
                         max_days=usage.max_days)
        request = store.check(pre.start, pre.end, args.building, cells=args.cells)
        if isinstance(request, RequestRefusal):
            if request.problem is ReportProblem.UNKNOWN_BUILDING:
                known = ", ".join(store.building_ids())
                return _fail(f"unknown building {args.building!r}; known buildings: {known}")
            return _fail(_problem(request, args, usage.max_days))
        report = store.report(request, now)
        if isinstance(report, RequestRefusal):
            return _fail(_problem(report, args, usage.max_days))
        data = render(report, args.format, args.lang)
    except Exception as exc:  # noqa: BLE001 - never a stack trace, never a partial figure
        return _fail(f"the report could not be made: {type(exc).__name__}")
    finally:
        services.dispose()
    return _write(data, args.out, args.format)


def _problem(refusal, args: argparse.Namespace, max_days: int) -> str:  # type: ignore[no-untyped-def]
    from core.usage.request import ReportProblem

    p = refusal.problem
    if p is ReportProblem.INVALID_DATE:
        return f"--from and --to must be dates as YYYY-MM-DD, not {refusal.detail!r}"
    if p is ReportProblem.WRONG_ORDER:
        return f"--from {args.start} is after --to {args.end}"
    if p is ReportProblem.TOO_LONG:
        return f"the range is too long: at most {max_days} days (WMS_REPORT_MAX_DAYS)"
    if p is ReportProblem.UNKNOWN_BUILDING:
        return f"unknown building {refusal.detail!r}"
    return "the report could not be made"


def _write(data: bytes, out: str | None, fmt: str) -> int:
    if out is None:
        if fmt == "png" and sys.stdout.isatty():
            return _fail("a PNG is not printed to a terminal: give --out FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(out)
    try:
        # Written in full or not at all: a temporary file in the same directory, then renamed.
        fd, tmp = tempfile.mkstemp(prefix=".report-", dir=target.parent if str(target.parent) else ".")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return _fail(f"cannot write {out!r}: {exc.strerror or type(exc).__name__}")
    print(f"{PROG}: written to {out}", file=sys.stderr)
    return 0

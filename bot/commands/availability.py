"""``wms-bot availability``: free desks per building and part of the day."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta

_REASONS = {"weekend": "closed (weekend)", "closure": "closed (closure day)",
            "closed_weekday": "closed (not open on this weekday)", "past": "past",
            "beyond_horizon": "beyond the booking horizon"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", default="today", metavar="D",
                        help="YYYY-MM-DD, today or tomorrow (default: today)")
    parser.add_argument("--days", type=int, default=1, metavar="N", help="show N days from --date (default 1)")
    parser.add_argument("--building", default=None, metavar="ID", help="one building (see `wms-bot buildings`)")
    parser.add_argument("--city", default=None, help="the buildings of one city")
    parser.add_argument("--feature", action="append", default=[], metavar="F",
                        help="dual_screen, single_screen, sit_stand or quiet (repeatable)")
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL)")
    parser.add_argument("--now", default=None, metavar="ISO", help="a fixed clock (demos and tests)")


def _day(raw: str, today: date) -> date | None:
    raw = raw.strip().lower()
    if raw in ("today", "vandaag"):
        return today
    if raw in ("tomorrow", "morgen"):
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    from bot.bootstrap import command_services
    from core.booking.api import AvailabilityQuery, Where
    from core.booking.model import Part
    from core.clock import AMSTERDAM, local

    if args.now:
        try:
            now = local(datetime.fromisoformat(args.now))
        except ValueError:
            print(f"wms-bot availability: --now must be an ISO timestamp, not {args.now!r}", file=sys.stderr)
            return 2
    else:
        now = datetime.now(AMSTERDAM)
    first = _day(args.date, now.date())
    if first is None:
        print(f"wms-bot availability: --date must be YYYY-MM-DD, today or tomorrow, not {args.date!r}", file=sys.stderr)
        return 2
    if not 1 <= args.days <= 366:
        print("wms-bot availability: --days must be between 1 and 366", file=sys.stderr)
        return 2
    services = command_services("wms-bot availability", database_url=args.db)
    if services is None:
        return 2
    try:
        where = Where(building_id=args.building, city=args.city)
        days = tuple(first + timedelta(days=i) for i in range(args.days))
        rows = []
        results = {}
        for part in (Part.MORNING, Part.AFTERNOON):
            results[part] = services.booking.availability(
                AvailabilityQuery(days, where, part=part, features=frozenset(args.feature)), now)
        refused = results[Part.MORNING].refusal or results[Part.AFTERNOON].refusal
        if refused is not None:
            res = results[Part.MORNING] if results[Part.MORNING].refusal else results[Part.AFTERNOON]
            print(f"wms-bot availability: {_refusal_text(res.refusal.value, res.detail)}", file=sys.stderr)
            return 1
        names = {b.id: b.name for b in services.booking.buildings()}
        afternoon = {(d.building_id, d.day): d for d in results[Part.AFTERNOON].days}
        morning = {(d.building_id, d.day): d for d in results[Part.MORNING].days}
        for key in sorted(set(morning) | set(afternoon), key=lambda k: (k[1], k[0])):
            m, a = morning.get(key), afternoon.get(key)
            any_ = m or a
            assert any_ is not None
            if m and a and m.closed_reason == "past" and not a.closed_reason:
                m = None  # this morning is over
            elif m and a and a.closed_reason == "past" and m.closed_reason == "past" and key[1] == now.date():
                rows.append((key[1].isoformat(), key[0], names.get(key[0], ""), "past", "past",
                             str(m.total_desks), ""))
                continue
            any_ = a if m is None else m
            if any_.closed_reason:
                status = _REASONS.get(any_.closed_reason, any_.closed_reason.replace("holiday:", "closed (") + ")"
                                      if any_.closed_reason.startswith("holiday:") else any_.closed_reason)
                rows.append((key[1].isoformat(), key[0], names.get(key[0], ""), "-", "-", str(any_.total_desks), status))
            else:
                rows.append((key[1].isoformat(), key[0], names.get(key[0], ""),
                             str(m.free_desks) if m else "past", str(a.free_desks) if a else "past",
                             str(any_.total_desks), ""))
    finally:
        services.dispose()
    head = ("date", "building", "name", "free morning", "free afternoon", "desks", "")
    table = [head] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, row in enumerate(table):
        print("  ".join(c.rjust(w) if 3 <= j <= 5 else c.ljust(w) for j, (c, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths if w))
    return 0


def _refusal_text(refusal: str, detail: str | None) -> str:
    return {
        "past": "that date has passed",
        "beyond_horizon": f"you can look at most {detail} days ahead",
        "unknown_building": f"unknown building or city {detail!r} (see `wms-bot buildings`)",
        "invalid": f"invalid request ({detail})",
        "unavailable": "the database is busy or unreachable, try again",
    }.get(refusal, refusal)

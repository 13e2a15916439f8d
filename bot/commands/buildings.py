"""``wms-bot buildings``: list the buildings with their desks and feature mix."""

from __future__ import annotations

import argparse
import json
import sys

_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    from bot.bootstrap import command_services

    services = command_services("wms-bot buildings", database_url=args.db)
    if services is None:
        return 2
    try:
        catalogue = services.booking_service.catalogue()
    except Exception as exc:
        print(f"wms-bot buildings: cannot read the buildings: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        services.dispose()
    rows = []
    for b in catalogue.buildings.values():
        desks = catalogue.building_desks(b.id)
        hours = {h.weekday: f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in b.opening_hours}
        rows.append({
            "id": b.id, "name": b.name, "city": b.city, "address": b.address,
            "organisations": list(b.organisations), "floors": list(b.floors), "desks": len(desks),
            "dual_screen": sum(d.screens >= 2 for d in desks), "sit_stand": sum(d.sit_stand for d in desks),
            "quiet": sum(d.quiet for d in desks), "accessible": sum(d.accessible for d in desks),
            "opening_hours": {_DAYS[w]: v for w, v in sorted(hours.items())},
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no buildings (import a file with `wms-bot import FILE`)")
        return 0
    head = ("id", "name", "city", "desks", "2 screens", "sit-stand", "quiet", "accessible", "open")
    table = [head] + [(r["id"], r["name"], r["city"], str(r["desks"]), str(r["dual_screen"]), str(r["sit_stand"]),
                       str(r["quiet"]), str(r["accessible"]), _hours(r["opening_hours"])) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(w) if 3 <= j <= 7 else cell.ljust(w) for j, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    total = sum(r["desks"] for r in rows)
    print(f"\n{len(rows)} buildings, {total} desks")
    return 0


def _hours(hours: dict[str, str]) -> str:
    """``ma-do 07:00-19:00, vr 07:00-18:00``: runs of days with the same hours."""
    out: list[tuple[list[str], str]] = []
    for day, span in hours.items():
        if out and out[-1][1] == span and _DAYS.index(day) == _DAYS.index(out[-1][0][-1]) + 1:
            out[-1][0].append(day)
        else:
            out.append(([day], span))
    return ", ".join((f"{d[0]}-{d[-1]}" if len(d) > 1 else d[0]) + " " + s for d, s in out)

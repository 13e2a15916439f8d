"""A small fixed data set with hand-computed figures (see test_aggregate.py).

Building ``b1``, open Monday to Friday, 8 desks on two floors:
  zone z1 (floor 1, "Stil", quiet): d1 d2 d3 - two screens          -> dual_screen+quiet
  zone z2 (floor 2, "Open"):        d4 d5    - one screen           -> single_screen
                                    d6 d7 d8 - two screens, sit-stand -> dual_screen+sit_stand
Week of Monday 16 November 2026; today is Monday 23 November (everything is past).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time

from core.booking.model import Building, OpeningHours, Part, Zone
from core.usage.aggregate import Scope
from core.usage.model import CellRow, DayPartRow, DeskRef, DeskRow, desk_type

MON = date(2026, 11, 16)
TODAY = date(2026, 11, 23)
M, A = Part.MORNING, Part.AFTERNOON

BUILDING = Building(id="b1", name="Gebouw Een", address="Straat 1, Den Haag", city="Den Haag",
                    organisations=("BZK",), aliases=(),
                    opening_hours=tuple(OpeningHours(w, time(7, 30), time(19, 0)) for w in range(5)))
ZONES = {"1": Zone("1", "b1", 1, "Stil", True), "2": Zone("2", "b1", 2, "Open", False)}
DESKS = {  # id: (zone, screens, sit_stand)
    "1": ("1", 2, False), "2": ("1", 2, False), "3": ("1", 2, False),
    "4": ("2", 1, False), "5": ("2", 1, False),
    "6": ("2", 2, True), "7": ("2", 2, True), "8": ("2", 2, True),
}


def scope() -> Scope:
    refs = tuple(DeskRef(i, "b1", z, desk_type(s, st, ZONES[z].quiet), True) for i, (z, s, st) in DESKS.items())
    return Scope((BUILDING,), ZONES, refs)


def d(offset: int) -> date:
    return date.fromordinal(MON.toordinal() + offset)


# (desk, day, part, outcome) with outcome: "in" checked in, "ns" no-show, "rel" released
RESERVATIONS = (
    [(k, d(0), M, "in") for k in "123456"] + [("7", d(0), M, "ns"), ("8", d(0), M, "rel")]
    + [(k, d(0), A, "in") for k in "12345"] + [("6", d(0), A, "ns")]
    + [(k, d(1), M, "in") for k in "1234"]
    + [(k, d(3), M, "in") for k in "12345678"]
    + [(k, d(3), A, "in") for k in "1234678"] + [("5", d(3), A, "rel")]
    + [("6", d(4), M, "ns")]
)


def _counts(outcomes: list[str]) -> tuple[int, int, int, int]:
    return (len(outcomes), outcomes.count("in"), outcomes.count("rel"), outcomes.count("ns"))


def rows(reservations=RESERVATIONS):  # type: ignore[no-untyped-def]
    """What the store's GROUP BY queries return for ``reservations``."""
    by_day: dict = defaultdict(list)
    by_desk: dict = defaultdict(list)
    by_cell: dict = defaultdict(list)
    for desk, day, part, outcome in reservations:
        zone, screens, sit_stand = DESKS[desk]
        by_day[(day, part)].append(outcome)
        by_desk[desk].append(outcome)
        by_cell[(zone, screens, sit_stand, day, part)].append(outcome)
    day_rows = [DayPartRow("b1", day, part, _counts(o), 60.0 * o.count("in"), o.count("in"))
                for (day, part), o in by_day.items()]
    desk_rows = [DeskRow(k, _counts(o)) for k, o in by_desk.items()]
    cell_rows = [CellRow("b1", z, s, st, day, part, _counts(o)) for (z, s, st, day, part), o in by_cell.items()]
    return day_rows, desk_rows, cell_rows

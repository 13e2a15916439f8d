"""Report figures against hand-computed expectations (fixture.py), and suppression."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from core.usage.aggregate import build_report
from core.usage.model import METRICS, Figures
from . import fixture as fx
from .solver import recoverable


def report(min_cell: int = 1, cells: bool = True, start: date = fx.d(0), end: date = fx.d(6), reservations=None):
    day_rows, desk_rows, cell_rows = fx.rows(reservations or fx.RESERVATIONS)
    return build_report(fx.scope(), start, end, fx.TODAY, min_cell, day_rows, desk_rows,
                        cell_rows if cells else None, building_id="b1")


def counts(f: Figures) -> tuple:
    return (f.capacity,) + tuple(f.count(m) for m in METRICS)


def test_building_totals_by_hand() -> None:
    b = report().buildings[0]
    # 8 desks x 2 parts x 5 open days (Saturday and Sunday closed) = 80 desk-parts
    assert b.desks == 8 and b.open_days == 5
    # reserved 35 = checked in 30 + released 2 + no-shows 3 + pending 0
    assert counts(b.totals) == (80, 35, 30, 2, 3, 0)
    assert b.totals.occupancy == pytest.approx(35 / 80)
    assert b.totals.utilisation == pytest.approx(30 / 80)
    assert b.average_stay_minutes == 60.0


def test_days_by_hand() -> None:
    b = report().buildings[0]
    days = {x.day: x for x in b.days}
    assert sorted(days) == [fx.d(i) for i in range(5)]  # weekend: closed, nothing booked
    assert counts(days[fx.d(0)].figures) == (16, 14, 11, 1, 2, 0)
    assert counts(days[fx.d(0)].morning) == (8, 8, 6, 1, 1, 0)
    assert counts(days[fx.d(0)].afternoon) == (8, 6, 5, 0, 1, 0)
    assert counts(days[fx.d(1)].figures) == (16, 4, 4, 0, 0, 0)
    assert counts(days[fx.d(2)].figures) == (16, 0, 0, 0, 0, 0)
    assert counts(days[fx.d(3)].figures) == (16, 16, 15, 1, 0, 0)
    assert counts(days[fx.d(4)].figures) == (16, 1, 0, 0, 1, 0)
    assert days[fx.d(3)].figures.occupancy == 1.0
    assert [p.day for p in b.peak_days] == [fx.d(3), fx.d(0), fx.d(1)]


def test_desk_types_and_zones_by_hand() -> None:
    b = report().buildings[0]
    types = {x.desk_type: x for x in b.desk_types}
    assert (types["dual_screen+quiet"].desks, counts(types["dual_screen+quiet"].figures)) == (3, (30, 15, 15, 0, 0, 0))
    assert (types["single_screen"].desks, counts(types["single_screen"].figures)) == (2, (20, 9, 8, 1, 0, 0))
    assert counts(types["dual_screen+sit_stand"].figures) == (30, 11, 7, 1, 3, 0)
    zones = {(z.floor, z.zone): z for z in b.zones}
    assert counts(zones[(1, "Stil")].figures) == (30, 15, 15, 0, 0, 0)
    assert counts(zones[(2, "Open")].figures) == (50, 20, 15, 2, 3, 0)


def test_cells_by_hand() -> None:
    b = report().buildings[0]
    cells = {(c.day, c.part, c.zone, c.desk_type): c for c in b.cells}
    c = cells[(fx.d(0), fx.M, "Open", "dual_screen+sit_stand")]
    assert (c.floor, counts(c.figures)) == (2, (3, 3, 1, 1, 1, 0))
    assert counts(cells[(fx.d(3), fx.A, "Open", "single_screen")].figures) == (2, 2, 1, 1, 0, 0)
    assert sum(c.figures.reserved for c in b.cells) == 35


def test_pending_for_today_and_future() -> None:
    # Thursday as "today": Thursday's and Friday's not-checked-in bookings are pending, not no-shows.
    res = [r for r in fx.RESERVATIONS if r[1] >= fx.d(3)]
    res = [(k, day, part, "pending" if o == "ns" else o) for k, day, part, o in res]
    day_rows, desk_rows, _ = fx.rows(res)
    day_rows = [dataclasses.replace(r, counts=(r.counts[0], r.counts[1], r.counts[2], 0)) for r in day_rows]
    desk_rows = [dataclasses.replace(r, counts=(r.counts[0], r.counts[1], r.counts[2], 0)) for r in desk_rows]
    rep = build_report(fx.scope(), fx.d(3), fx.d(4), fx.d(3), 1, day_rows, desk_rows, None)
    assert counts(rep.buildings[0].totals) == (32, 17, 15, 1, 0, 1)


def test_small_counts_are_suppressed() -> None:
    rep = report(min_cell=5)
    b = rep.buildings[0]
    days = {x.day: x for x in b.days}
    assert days[fx.d(1)].figures.reserved is None      # 4
    assert days[fx.d(4)].figures.reserved is None      # 1
    assert days[fx.d(2)].figures.reserved == 0         # a zero says nothing about anyone
    assert b.totals.reserved == 35 and b.totals.checked_in == 30
    assert b.totals.released is None and b.totals.no_shows is None  # 2 and 3
    assert days[fx.d(1)].figures.occupancy is None     # a rate would reveal the count
    for x in [b.totals, rep.total] + [d.figures for d in b.days] + [c.figures for c in b.cells]:
        for m in METRICS:
            v = x.count(m)
            assert v is None or v == 0 or v >= 5
    assert rep.shown(b.totals, "released") == "<5"
    # a count hidden only as a complement is not small: it is shown as "x", never as a false "<5"
    thursday = days[fx.d(3)].figures
    assert thursday.checked_in is None and rep.shown(thursday, "checked_in") == "x"


@pytest.mark.parametrize("cells", [False, True])
@pytest.mark.parametrize("min_cell", [3, 5, 10])
def test_totals_cannot_reveal_a_suppressed_cell(cells: bool, min_cell: int) -> None:
    rep = report(min_cell=min_cell, cells=cells)
    assert recoverable(rep) == []


def test_without_complements_the_attacker_would_win() -> None:
    """The solver is a real attacker: it recovers a count when only primary suppression is applied."""
    from core.usage import suppression

    original = suppression.suppress

    def primary_only(values, relations, min_cell):  # type: ignore[no-untyped-def]
        return [[0 < v < min_cell for v in vals] for vals in values]

    import core.usage.aggregate as agg

    agg.suppress = primary_only
    try:
        rep = report(min_cell=5, cells=False)
    finally:
        agg.suppress = original
    assert recoverable(rep)


def test_report_has_no_person_level_field() -> None:
    import core.usage.model as model

    names = set()
    for cls in (model.Report, model.BuildingReport, model.DayFigures, model.TypeFigures, model.ZoneFigures,
                model.Cell, model.Figures, model.DayPartRow, model.DeskRow, model.CellRow, model.DeskRef):
        names |= {f.name for f in dataclasses.fields(cls)}
    personal = {"person", "person_id", "booked_by", "booked_by_id", "name_of", "email", "phone", "user",
                "user_id", "external_id", "department", "group_id", "source_message_id", "desk_code", "desk_id"}
    assert not (names & personal) - {"desk_id"}  # desk_id only in the store's per-desk input rows
    assert "desk_id" not in {f.name for f in dataclasses.fields(model.Cell)}

"""The usage report model: figures per cell, with no person-level field anywhere.

A :class:`Report` holds only publishable values: a count that small-count suppression hid
is ``None`` (rendered as ``"<5"``), so no renderer can leak it. Definitions (docs/reports.md):

- ``capacity``: desk-parts that could be booked (desks in use x open parts of the day);
- ``reserved``: reservations not cancelled (``active`` or ``released``);
- ``checked_in``: used: checked in, not released;
- ``released``: freed before use (auto-release, or the later part after an early check-out);
- ``no_shows``: still reserved for a past day, never checked in;
- ``pending``: reserved for today or a later day, not checked in yet;
- ``reserved == checked_in + released + no_shows + pending`` always;
- ``occupancy = reserved / capacity``, ``utilisation = checked_in / capacity``.

A suppressed count is ``"<5"`` when it is small, ``"x"`` when it was hidden only so that a
total cannot reveal a small one (complementary suppression; such a count is 5 or more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.booking.model import Part

METRICS: tuple[str, ...] = ("reserved", "checked_in", "released", "no_shows", "pending")
"""The counted metrics, in display order. ``reserved`` is the sum of the other four."""

DEFAULT_MIN_CELL = 5
MAX_RANGE_DAYS = 3 * 366
"""The longest report range (inclusive days): three years."""

Shown = int | None
"""A published count: ``None`` when suppressed."""

COMPLEMENT_MARK = "x"
"""How a count hidden only so that totals cannot reveal a small one is shown (it is not small)."""


Counts = tuple[int, int, int, int]
"""``(reserved, checked_in, released, no_shows)`` of a group of reservations; ``pending`` is the rest."""


@dataclass(frozen=True, slots=True)
class DayPartRow:
    """Aggregated reservations of one building, day and part (a GROUP BY row: counts only).

    ``minutes``/``timed``: summed minutes of the stays with both a check-in and a check-out,
    and how many stays that is (for the average stay).
    """

    building_id: str
    day: date
    part: Part
    counts: Counts
    minutes: float = 0.0
    timed: int = 0


@dataclass(frozen=True, slots=True)
class DeskRow:
    """Aggregated reservations of one desk over the whole range."""

    desk_id: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class ZoneKindRow:
    """Aggregated reservations of one zone's desks of one kind over the whole range (the
    roll-up's counterpart of :class:`DeskRow`: the same figures, without the desk)."""

    building_id: str
    zone_id: str
    screens: int
    sit_stand: bool
    counts: Counts


@dataclass(frozen=True, slots=True)
class CellRow:
    """Aggregated reservations of one zone's desks of one kind, on one day and part."""

    building_id: str
    zone_id: str
    screens: int
    sit_stand: bool
    day: date
    part: Part
    counts: Counts


@dataclass(frozen=True, slots=True)
class DeskRef:
    """Where a desk belongs in a report (also for desks no longer in use)."""

    desk_id: str
    building_id: str
    zone_id: str
    desk_type: str
    in_use: bool


def desk_type(screens: int, sit_stand: bool, quiet: bool) -> str:
    """The coarse desk type of reports, the same as :attr:`core.booking.model.Desk.desk_type`."""
    features = {"dual_screen" if screens >= 2 else "single_screen"}
    if sit_stand:
        features.add("sit_stand")
    if quiet:
        features.add("quiet")
    return "+".join(sorted(features))


@dataclass(frozen=True, slots=True)
class Figures:
    """Published figures of one cell or total. Counts are ``None`` when suppressed."""

    capacity: int
    reserved: Shown
    checked_in: Shown
    released: Shown
    no_shows: Shown
    pending: Shown
    small: frozenset[str] = frozenset()
    """The suppressed metrics that are small (shown ``<5``); other suppressed ones are complements (``x``)."""

    @property
    def occupancy(self) -> float | None:
        """Reserved share of capacity (0..1), ``None`` when unknown or suppressed."""
        return _rate(self.reserved, self.capacity)

    @property
    def utilisation(self) -> float | None:
        """Checked-in share of capacity (0..1), ``None`` when unknown or suppressed."""
        return _rate(self.checked_in, self.capacity)

    def count(self, metric: str) -> Shown:
        return getattr(self, metric)

    def display(self, metric: str, min_cell: int) -> str:
        """The count as shown: the number, ``<5`` (small) or ``x`` (hidden as a complement)."""
        value = getattr(self, metric)
        if value is not None:
            return str(value)
        return f"<{min_cell}" if metric in self.small else COMPLEMENT_MARK


def _rate(count: Shown, capacity: int) -> float | None:
    if count is None or capacity <= 0:
        return None
    return count / capacity


@dataclass(frozen=True, slots=True)
class Cell:
    """The finest cell: one zone's desks of one type, on one day and part of the day."""

    floor: int
    zone: str
    desk_type: str
    day: date
    part: Part
    figures: Figures


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One day: the whole day, and (when ``morning``/``afternoon`` are set) its two parts."""

    day: date
    figures: Figures
    morning: Figures | None = None
    afternoon: Figures | None = None


@dataclass(frozen=True, slots=True)
class TypeFigures:
    desk_type: str
    desks: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class ZoneFigures:
    floor: int
    zone: str
    desks: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class ZoneTypeFigures:
    """One zone's desks of one type, over the whole range."""

    floor: int
    zone: str
    desk_type: str
    desks: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class BuildingReport:
    building_id: str
    name: str
    desks: int
    open_days: int
    totals: Figures
    days: tuple[DayFigures, ...]
    desk_types: tuple[TypeFigures, ...]
    zones: tuple[ZoneFigures, ...]
    cells: tuple[Cell, ...]
    peak_days: tuple[DayFigures, ...]
    average_stay_minutes: float | None = None
    zone_types: tuple[ZoneTypeFigures, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A usage report over ``start``..``end`` (inclusive) as of ``today``."""

    start: date
    end: date
    today: date
    building_id: str | None
    min_cell: int
    buildings: tuple[BuildingReport, ...]
    total: Figures
    notes: tuple[str, ...] = field(default_factory=tuple)

    def shown(self, figures: Figures, metric: str) -> str:
        """A count as displayed: the number, ``"<5"`` when small, ``"x"`` when hidden as a complement."""
        return figures.display(metric, self.min_cell)

    @property
    def small_mark(self) -> str:
        return f"<{self.min_cell}"

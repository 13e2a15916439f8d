"""Complementary suppression: no suppressed count can be computed from the published ones,
whatever the data (property test with an exact linear-algebra attacker)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.usage.aggregate import build_report
from core.usage.model import METRICS
from core.usage.suppression import suppress

from . import fixture as fx
from .solver import recoverable

reservation = st.tuples(st.sampled_from(sorted(fx.DESKS)), st.integers(0, 4), st.sampled_from([fx.M, fx.A]),
                        st.sampled_from(["in", "in", "in", "ns", "rel"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(reservation, max_size=60), st.integers(2, 8), st.booleans())
def test_no_suppressed_count_is_recoverable(raw, min_cell, cells) -> None:  # type: ignore[no-untyped-def]
    seen = set()
    res = []
    for desk, day, part, outcome in raw:  # one reservation per desk and part of a day
        if (desk, day, part) not in seen:
            seen.add((desk, day, part))
            res.append((desk, fx.d(day), part, outcome))
    if not res:
        return
    day_rows, desk_rows, cell_rows = fx.rows(res)
    rep = build_report(fx.scope(), fx.d(0), fx.d(6), fx.TODAY, min_cell, day_rows, desk_rows,
                       cell_rows if cells else None)
    assert recoverable(rep) == []
    for b in rep.buildings:
        for f in [b.totals] + [d.figures for d in b.days] + [c.figures for c in b.cells]:
            for m in METRICS:
                v = f.count(m)
                assert v is None or v == 0 or v >= min_cell


def _random_set(rng: random.Random) -> list:
    seen, res = set(), []
    for _ in range(rng.randint(1, 60)):
        desk, day, part = rng.choice(sorted(fx.DESKS)), rng.randint(0, 4), rng.choice([fx.M, fx.A])
        if (desk, day, part) not in seen:
            seen.add((desk, day, part))
            res.append((desk, fx.d(day), part, rng.choice(["in", "in", "in", "ns", "rel"])))
    return res


def test_no_suppressed_cell_is_recoverable_on_150_fixed_random_sets() -> None:
    # The finest cells: the sets where secondary suppression once left a count determined
    # (every neighbour of it hidden or zero) are among these (seeded, so always the same).
    rng = random.Random(20261123)
    for _ in range(150):
        res = _random_set(rng)
        min_cell = rng.randint(2, 8)
        day_rows, desk_rows, cell_rows = fx.rows(res)
        rep = build_report(fx.scope(), fx.d(0), fx.d(6), fx.TODAY, min_cell, day_rows, desk_rows, cell_rows)
        assert recoverable(rep) == [], (min_cell, res)


def test_single_hidden_part_gets_a_complement() -> None:
    # total 20 = 3 + 8 + 9 (and 20 is part of 40 = 20 + 20): the 3 is hidden, so the smallest
    # other part (8) is hidden too
    values = [[20, 20, 0, 0, 0], [3, 3, 0, 0, 0], [8, 8, 0, 0, 0], [9, 9, 0, 0, 0], [40, 40, 0, 0, 0],
              [20, 20, 0, 0, 0]]
    hidden = suppress(values, [(0, [1, 2, 3]), (4, [0, 5])], 5)
    assert [h[0] for h in hidden] == [False, True, True, False, False, False]


def test_a_top_total_is_the_preferred_complement() -> None:
    # all buildings 37 = 35 + 2: hiding the grand total costs less than hiding a building
    values = [[37, 37, 0, 0, 0], [35, 35, 0, 0, 0], [2, 2, 0, 0, 0]]
    hidden = suppress(values, [(0, [1, 2])], 5)
    assert [h[0] for h in hidden] == [True, False, True]


def test_only_child_hides_its_total() -> None:
    values = [[3, 3, 0, 0, 0], [3, 3, 0, 0, 0]]
    hidden = suppress(values, [(0, [1])], 5)
    assert hidden[0][0] and hidden[1][0]


def test_metric_relation_gets_a_complement() -> None:
    # reserved 12 = checked in 9 + released 3: the 3 is hidden, so is the 9
    hidden = suppress([[12, 9, 3, 0, 0]], [], 5)
    assert hidden == [[False, True, True, False, False]]


def test_zeros_are_never_complements() -> None:
    # 10 = 2 + 0 + 8: the zero would protect nothing (it may be known to be structurally zero)
    values = [[10, 10, 0, 0, 0], [2, 2, 0, 0, 0], [0, 0, 0, 0, 0], [8, 8, 0, 0, 0], [20, 20, 0, 0, 0],
              [10, 10, 0, 0, 0]]
    hidden = suppress(values, [(0, [1, 2, 3]), (4, [0, 5])], 5)
    assert [h[0] for h in hidden] == [False, True, False, True, False, False]


def test_the_exact_check_finds_what_the_equations_pin_down() -> None:
    from core.usage.suppression import _pinned

    x, y, z, w = (0, 1), (1, 1), (2, 1), (3, 1)
    assert _pinned([[(x, 1), (y, -1)]]) == []                       # x = y + c: neither
    assert sorted(_pinned([[(x, 1), (y, -1)], [(y, 1)]])) == [x, y]  # y = c, so x too
    # x = y + z, w = y + z: x - w is known, x itself is not
    assert _pinned([[(x, 1), (y, -1), (z, -1)], [(w, 1), (y, -1), (z, -1)]]) == []
    # x + y = a, x - y = b (a pivot of 2 on the way): both
    assert sorted(_pinned([[(x, 1), (y, 1)], [(x, 1), (y, -1)]])) == [x, y]
    # x + y + z = a, y + z = b, z + w = c: x only
    assert _pinned([[(x, 1), (y, 1), (z, 1)], [(y, 1), (z, 1)], [(z, 1), (w, 1)]]) == [x]

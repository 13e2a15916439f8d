"""The single-desk path over desks ranked once per catalogue picks what the full ranking picks."""

from __future__ import annotations

import random

from core.booking.model import Desk
from core.booking.selection import Preference, _rank, select


def test_ranked_single_desk_choice_is_the_ranking_minimum() -> None:
    rng = random.Random(11)
    for _ in range(400):
        desks = tuple(Desk(id=str(i), code=f"C{rng.randint(0, 30):02d}-{i}", building_id="b",
                           floor=rng.randint(0, 3), zone_id=f"z{rng.randint(0, 3)}", sit_stand=rng.random() < 0.5,
                           screens=rng.choice([1, 2]), accessible=rng.random() < 0.3, quiet=False)
                      for i in range(rng.randint(1, 25)))
        taken = {str(rng.randint(0, 25)) for _ in range(rng.randint(0, 10))}
        features = rng.choice([frozenset(), frozenset({"sit_stand"}), frozenset({"dual_screen"})])
        pref = Preference(zone_id=rng.choice([None, "z0", "z1", "z9"]), floor=rng.choice([None, 0, 2, 7]))
        free = [d for d in desks if d.id not in taken and features <= d.features]
        expected = (min(free, key=_rank(pref)),) if free else None
        assert select(desks, taken, features, 1, False, pref) == expected
        assert select(desks, taken, features, 1, False, pref) == expected  # from the cache

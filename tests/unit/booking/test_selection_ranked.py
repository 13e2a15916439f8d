"""The single-desk path over desks ranked once per catalogue picks what the full ranking picks."""

from __future__ import annotations

import random

from core.booking.model import Desk
from core.booking.selection import SHORTLIST, Preference, _rank, first_free, select, shortlist


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


def _random_desks(rng: random.Random, n: int) -> tuple[Desk, ...]:
    return tuple(Desk(id=str(i), code=f"C{rng.randint(0, 30):02d}-{i}", building_id="b", floor=rng.randint(0, 3),
                      zone_id=f"z{rng.randint(0, 3)}", sit_stand=rng.random() < 0.5, screens=rng.choice([1, 2]),
                      accessible=rng.random() < 0.3, quiet=False) for i in range(n))


def test_the_shortlist_is_the_start_of_the_single_desk_order() -> None:
    """The shortlist is the first desks of the ranking (free or not), so its first free desk,
    when it has one, is what ``select`` chooses from the whole building."""
    rng = random.Random(12)
    for _ in range(400):
        desks = _random_desks(rng, rng.randint(0, 40))
        features = rng.choice([frozenset(), frozenset({"sit_stand"}), frozenset({"dual_screen", "sit_stand"})])
        pref = Preference(zone_id=rng.choice([None, "z0", "z1", "z9"]), floor=rng.choice([None, 0, 2, 7]))
        n = rng.choice([1, 3, SHORTLIST])
        short, ids = shortlist(desks, features, pref, n)
        assert shortlist(desks, features, pref, n) == (short, ids)  # from the cache
        ranked = sorted((d for d in desks if features <= d.features), key=_rank(pref))
        assert list(short) == ranked[:n] and ids == tuple(d.id for d in short)
        taken = {str(rng.randint(0, 40)) for _ in range(rng.randint(0, 30))}
        found = first_free(short, taken)
        if found is not None:
            assert select(desks, taken, features, 1, False, pref) == (found,)
        elif len(short) < n:  # the shortlist held every candidate: none is free
            assert select(desks, taken, features, 1, False, pref) is None

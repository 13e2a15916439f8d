"""Desk selection: features, togetherness, preferences, determinism (pure)."""

from __future__ import annotations

from core.booking.selection import Preference, fits, select

from .fakes import small_catalogue

CAT = small_catalogue()
ALPHA = CAT.building_desks("alpha")


def codes(desks) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in desks] if desks else []


def test_features_filter() -> None:
    assert codes(select(ALPHA, set(), frozenset({"single_screen"}), 2, False)) == ["A5", "A6"]
    assert codes(select(ALPHA, set(), frozenset({"quiet", "sit_stand"}), 1, False)) == ["A1"]
    assert select(ALPHA, set(), frozenset({"quiet", "single_screen"}), 1, False) is None


def test_together_is_a_connected_group_in_one_zone() -> None:
    group = select(ALPHA, set(), frozenset(), 4, True)
    assert codes(group) == ["A1", "A2", "A3", "A4"]
    # a1 and a4 taken: a2 and a3 are free in the quiet zone but not neighbours of each other.
    assert select(ALPHA, {"a1", "a4"}, frozenset({"quiet"}), 2, True) is None
    assert codes(select(ALPHA, {"a1", "a4"}, frozenset({"quiet"}), 2, False)) == ["A2", "A3"]
    # Without `together` several desks are still placed next to each other when possible.
    assert codes(select(ALPHA, {"a1"}, frozenset(), 2, False)) == ["A2", "A4"]


def test_together_never_spans_zones() -> None:
    assert select(ALPHA, {"a1", "a2", "a3"}, frozenset(), 3, True) is None


def test_usual_zone_and_desk_first_accessible_last() -> None:
    assert codes(select(ALPHA, set(), frozenset(), 1, False, Preference(zone_id="ao", floor=2))) == ["A5"]
    assert codes(select(ALPHA, set(), frozenset(), 1, False, Preference(desk_ids=("a6",)))) == ["A6"]
    assert codes(select(ALPHA, {"a5"}, frozenset(), 1, False, Preference(zone_id="ao"))) == ["A6"]
    only_accessible_left = {"a1", "a2", "a3", "a4", "a5", "a6", "a7"}
    assert codes(select(ALPHA, only_accessible_left, frozenset(), 1, False)) == ["A8"]


def test_deterministic() -> None:
    results = {tuple(codes(select(ALPHA, {"a2"}, frozenset(), 3, False))) for _ in range(20)}
    assert len(results) == 1


def test_fits() -> None:
    assert fits(ALPHA, set(), frozenset(), 8, False) == (8, True)
    assert fits(ALPHA, set(), frozenset(), 9, False) == (8, False)
    assert fits(ALPHA, {"a1", "a4"}, frozenset({"quiet"}), 2, True) == (2, False)


def test_find_by_id_name_or_alias() -> None:
    assert CAT.find("alpha") is CAT.buildings["alpha"]
    assert CAT.find("Beta") is CAT.buildings["beta"]
    assert CAT.find("nope") is None and CAT.find("") is None and CAT.find("!!!") is None
    assert [b.id for b in CAT.in_city("city:den-haag")] == ["alpha", "beta"]
    assert [b.id for b in CAT.in_city("Den Haag")] == ["alpha", "beta"]


def test_single_desk_choice_is_the_ranking_minimum() -> None:
    """The fast single-desk path picks exactly what the full ranking picks."""
    import random

    from core.booking.model import Desk
    from core.booking.selection import Preference, _best, _rank

    rng = random.Random(5)
    for _ in range(300):
        desks = [Desk(id=str(i), code=f"C{rng.randint(0, 30):02d}-{i}", building_id="b", floor=rng.randint(0, 3),
                      zone_id=f"z{rng.randint(0, 3)}", sit_stand=False, screens=1, accessible=rng.random() < 0.3,
                      quiet=False) for i in range(rng.randint(1, 25))]
        pref = Preference(desk_ids=tuple(str(rng.randint(0, 30)) for _ in range(rng.randint(0, 3))),
                          zone_id=rng.choice([None, "z0", "z1", "z9"]), floor=rng.choice([None, 0, 2, 7]))
        assert _best(desks, pref) == min(desks, key=_rank(pref))

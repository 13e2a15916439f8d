"""Choosing desks: features, togetherness (connected neighbours in one zone) and preferences.

Deterministic: the same free desks and preferences always give the same choice.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter, not_
from typing import Collection, Iterable, Sequence

from core.booking.model import Desk


@dataclass(frozen=True, slots=True)
class Preference:
    """What a person usually uses: desks first, then their zone, then their floor."""

    desk_ids: tuple[str, ...] = ()
    zone_id: str | None = None
    floor: int | None = None


def matching(desks: Iterable[Desk], taken: Collection[str], features: frozenset[str]) -> list[Desk]:
    """Free desks that have every requested feature."""
    if not features:
        return [d for d in desks if d.id not in taken]
    return [d for d in desks if d.id not in taken and features <= d.features]


def _rank(pref: Preference):
    preferred = {d: i for i, d in enumerate(pref.desk_ids)}

    def key(d: Desk) -> tuple:
        return (
            preferred.get(d.id, len(preferred)),
            0 if d.zone_id == pref.zone_id else 1,
            0 if d.floor == pref.floor else 1,
            1 if d.accessible else 0,  # keep accessible desks for those who need them
            d.floor,
            d.code,
        )

    return key


_FLOOR_CODE = attrgetter("floor", "code")


def _best(candidates: Sequence[Desk], pref: Preference) -> Desk:
    """``min(candidates, key=_rank(pref))`` without building a key per desk (the common
    single-desk booking): the same order, applied one criterion at a time."""
    if pref.desk_ids:
        preferred = {d: i for i, d in enumerate(pref.desk_ids)}
        if len(preferred) != len(pref.desk_ids):  # repeated ids tie with other desks in _rank
            return min(candidates, key=_rank(pref))
        free = {d.id: d for d in candidates}
        hits = [(i, d) for d, i in preferred.items() if d in free]
        if hits:
            return free[min(hits)[1]]
    pool = candidates
    if pref.zone_id is not None:
        pool = [d for d in pool if d.zone_id == pref.zone_id] or pool
    if pref.floor is not None:
        pool = [d for d in pool if d.floor == pref.floor] or pool
    pool = [d for d in pool if not d.accessible] or pool  # accessible desks last
    return min(pool, key=_FLOOR_CODE)


_STATIC = attrgetter("accessible", "floor", "code")
_RANKED: dict[int, tuple[tuple[Desk, ...], tuple[Desk, ...], tuple[str, ...]]] = {}
_RANKED_MAX = 4096  # buildings x catalogue versions kept; cleared when full


def _ranked(desks: tuple[Desk, ...]) -> tuple[tuple[Desk, ...], tuple[str, ...]]:
    """A building's desks in the preference-free order (accessible last, floor, code), and their
    ids in that order, sorted once per catalogue: the catalogue hands out the same tuple until
    it is reloaded."""
    hit = _RANKED.get(id(desks))
    if hit is not None and hit[0] is desks:
        return hit[1], hit[2]
    if len(_RANKED) >= _RANKED_MAX:
        _RANKED.clear()
    out = tuple(sorted(desks, key=_STATIC))
    ids = tuple(d.id for d in out)
    _RANKED[id(desks)] = (desks, out, ids)  # the key tuple is kept alive with its entry: ids stay unique
    return out, ids


def _first(ranked: tuple[tuple[Desk, ...], tuple[str, ...]], taken: Collection[str], features: frozenset[str],
           pref: Preference) -> Desk | None:
    """``min(free matching desks, key=_rank(pref))`` for a preference without desk ids, in one
    pass over the pre-sorted desks that stops at the first desk in the preferred zone and floor."""
    zone, floor = pref.zone_id, pref.floor
    best: list[Desk | None] = [None, None, None, None]  # by (other zone, other floor)
    desks, ids = ranked
    # The taken desks are skipped in C (in a busy building most of the ranked desks, which are
    # handed out in this order); only free desks reach the loop below.
    free = compress(desks, map(not_, map(taken.__contains__, ids))) if taken else desks
    for d in free:
        if features and not features <= d.features:
            continue
        tier = (2 if zone is not None and d.zone_id != zone else 0) + (1 if floor is not None and d.floor != floor else 0)
        if tier == 0:
            return d
        if best[tier] is None:
            best[tier] = d
    return next((d for d in best if d is not None), None)


SHORTLIST = 8
"""How many desks a single-desk booking asks the store about first (see :func:`shortlist`)."""
_SHORT: dict[tuple[int, frozenset[str], str | None, int | None, int],
             tuple[tuple[Desk, ...], tuple[Desk, ...], tuple[str, ...]]] = {}
_SHORT_MAX = 4096  # buildings x preferences x feature sets kept; cleared when full


def shortlist(desks: tuple[Desk, ...], features: frozenset[str], pref: Preference,
              n: int = SHORTLIST) -> tuple[tuple[Desk, ...], tuple[str, ...]]:
    """The first ``n`` desks with the features in the order in which :func:`select` chooses a
    single desk for ``pref`` (without desk ids), free or not, and their ids.

    When one of them is free, the first free one is what ``select`` chooses: a booking need
    only ask the store about these few instead of reading every taken desk of the building.
    Depends on the catalogue only, so it is worked out once per building, preference and
    feature set (the catalogue hands out the same tuple until it is reloaded)."""
    assert not pref.desk_ids, "preferred desks come before this order"
    key = (id(desks), features, pref.zone_id, pref.floor, n)
    hit = _SHORT.get(key)
    if hit is not None and hit[0] is desks:
        return hit[1], hit[2]
    if len(_SHORT) >= _SHORT_MAX:
        _SHORT.clear()
    zone, floor = pref.zone_id, pref.floor
    tiers: tuple[list[Desk], ...] = ([], [], [], [])  # by (other zone, other floor), as _first
    for d in _ranked(desks)[0]:
        if features and not features <= d.features:
            continue
        tier = (2 if zone is not None and d.zone_id != zone else 0) + (1 if floor is not None and d.floor != floor else 0)
        tiers[tier].append(d)
        if tier == 0 and len(tiers[0]) >= n:  # the rest comes after these
            break
    out = tuple((tiers[0] + tiers[1] + tiers[2] + tiers[3])[:n])
    ids = tuple(d.id for d in out)
    _SHORT[key] = (desks, out, ids)  # the key tuple is kept alive with its entry: ids stay unique
    return out, ids


def first_free(candidates: Sequence[Desk], taken: Collection[str]) -> Desk | None:
    """The first of ``candidates`` not taken."""
    return next((d for d in candidates if d.id not in taken), None)


def _together(free: Sequence[Desk], count: int, key) -> tuple[Desk, ...] | None:
    by_zone: dict[str, list[Desk]] = {}
    for d in free:  # already ranked: the first zone seen is the preferred one
        by_zone.setdefault(d.zone_id, []).append(d)
    for zone_desks in by_zone.values():
        if len(zone_desks) < count:
            continue
        ids = {d.id: d for d in zone_desks}
        seen: set[str] = set()
        for seed in zone_desks:
            if seed.id in seen:
                continue
            group: list[Desk] = []
            queue = deque([seed])
            component: set[str] = {seed.id}
            while queue and len(group) < count:
                d = queue.popleft()
                group.append(d)
                for n in sorted((ids[n] for n in d.neighbours if n in ids and n not in component), key=key):
                    component.add(n.id)
                    queue.append(n)
            if len(group) >= count:
                return tuple(group[:count])
            seen |= component
    return None


def select(
    desks: Iterable[Desk],
    taken: Collection[str],
    features: frozenset[str],
    count: int,
    together: bool,
    pref: Preference = Preference(),
) -> tuple[Desk, ...] | None:
    """``count`` free desks with the features, or None.

    ``together``: one zone, connected through the neighbour relation. Without it, several
    desks are still placed together when possible, else as close as the ranking allows.
    """
    if count < 1:
        return None
    if count == 1 and not pref.desk_ids and isinstance(desks, tuple):  # the common single booking
        found = _first(_ranked(desks), taken, features, pref)
        return (found,) if found is not None else None
    key = _rank(pref)
    candidates = matching(desks, taken, features)
    if len(candidates) < count:
        return None
    if count == 1:
        return (_best(candidates, pref),)
    free = sorted(candidates, key=key)
    group = _together(free, count, key)
    if group is not None or together:
        return group
    return tuple(free[:count])


def fits(desks: Iterable[Desk], taken: Collection[str], features: frozenset[str], count: int, together: bool) -> tuple[int, bool]:
    """(number of free matching desks, whether ``count`` (together) can be placed)."""
    free = matching(desks, taken, features)
    if len(free) < count:
        return len(free), False
    if not together or count <= 1:
        return len(free), True
    return len(free), _together(sorted(free, key=_rank(Preference())), count, _rank(Preference())) is not None

"""Small-count suppression with complementary suppression.

Every published count is a node's metric. Counts from 1 to ``min_cell - 1`` are hidden
(primary suppression). Published counts are tied by additive relations, and a hidden count
must not be recoverable from them:

* within a node: ``reserved = checked_in + released + no_shows + pending``;
* across nodes, per metric: a total equals the sum of its parts (day = its parts of the day,
  building = its days = its desk types = its zones, all buildings = the buildings, ...).

In every relation the number of hidden members must be 0 or at least 2, so no single
subtraction reveals a hidden count. When a relation has exactly one, another member is hidden
too (complementary suppression): the smallest positive visible part, or else the total (the
total first when nothing else is built on it, like the all-buildings total). A
visible zero is never chosen as the complement (a reader may know it is structurally zero,
e.g. no-shows of a future day). Suppression only grows, so the loop ends. A zero is not
suppressed: it says nothing about anyone.

"At least two hidden per relation" is necessary but not always sufficient when relations
overlap (a zone x type table with its margins, cells against days and zones, the metric
relation across both). So an exact check follows: the published equations are solved for
the hidden counts (exact sparse elimination per connected group of hidden counts); every hidden
count the equations pin down gets another complement, until none is determined. When every
count next to a determined one is hidden or zero already, secondary suppression widens to the
smallest positive visible count in any equation of its group (:func:`_widen`). Groups larger
than :data:`EXACT_LIMIT` hidden counts (only reports with the finest cells over long ranges)
keep the pairwise rule alone.
"""

from __future__ import annotations

import heapq
from collections import deque
from fractions import Fraction
from typing import Sequence

import numpy as np

EXACT_LIMIT = 20_000
"""The largest group of hidden counts checked exactly (sparse elimination: a group of 20,000,
about three months of the finest cells of a large building, takes a few seconds; a year of
them, about 58,000, half a minute)."""

N_METRICS = 5  # reserved, checked_in, released, no_shows, pending (model.METRICS order)


def suppress(values: Sequence[Sequence[int]], relations: Sequence[tuple[int, Sequence[int]]],
             min_cell: int) -> list[list[bool]]:
    """Which counts to hide: ``hidden[node][metric]``.

    ``values[node]`` are the node's counts in :data:`core.usage.model.METRICS` order (the
    first is the sum of the others); ``relations`` are ``(total_node, part_nodes)`` that hold
    for every metric.
    """
    hidden = [[0 < v < min_cell for v in vals] for vals in values]
    member_of: list[list[int]] = [[] for _ in values]
    for r, (total, parts) in enumerate(relations):
        member_of[total].append(r)
        for p in parts:
            member_of[p].append(r)

    # Work items: (-1, node) is the node's metric relation; (r, metric) a cross-node relation.
    queue: deque[tuple[int, int]] = deque()
    queued: set[tuple[int, int]] = set()

    def push(item: tuple[int, int]) -> None:
        if item not in queued:
            queued.add(item)
            queue.append(item)

    def hide(node: int, metric: int) -> None:
        hidden[node][metric] = True
        push((-1, node))
        for r in member_of[node]:
            push((r, metric))

    for node, flags in enumerate(hidden):
        for m, h in enumerate(flags):
            if h:
                push((-1, node))
                for r in member_of[node]:
                    push((r, m))

    def settle() -> None:
        while queue:
            step(queue.popleft())

    def step(item: tuple[int, int]) -> None:
        queued.discard(item)
        r, x = item
        if r == -1:
            node = x
            flags = hidden[node]
            if sum(flags) != 1:
                return
            vals = values[node]
            candidates = [m for m in range(1, N_METRICS) if not flags[m] and vals[m] > 0]
            if candidates:
                hide(node, min(candidates, key=lambda m: (vals[m], m)))
            elif not flags[0]:
                hide(node, 0)
            return
        metric = x
        total, parts = relations[r]
        n_hidden = hidden[total][metric] + sum(1 for p in parts if hidden[p][metric])
        if n_hidden != 1:
            return
        visible = [p for p in parts if not hidden[p][metric] and values[p][metric] > 0]
        top = len(member_of[total]) == 1 and not hidden[total][metric] and values[total][metric] > 0
        if top:
            hide(total, metric)  # a total nothing else is built on (all buildings): hiding it costs least
        elif visible:
            hide(min(visible, key=lambda p: (values[p][metric], p)), metric)
        elif not hidden[total][metric]:
            hide(total, metric)

    settle()
    checked: set[frozenset] = set()  # groups found safe (a group changes only by growing)
    while True:
        pinned = _determined(values, relations, hidden, member_of, checked)
        if not pinned:
            return hidden
        before = sum(map(sum, hidden))
        for node, metric in pinned:
            _complement(node, metric, values, relations, hidden, member_of, hide)
        settle()
        if sum(map(sum, hidden)) == before and not _widen(pinned, values, relations, hidden, member_of, hide):
            return hidden  # unreachable: see _widen
        settle()


def _widen(pinned: list[tuple[int, int]], values: Sequence[Sequence[int]],
           relations: Sequence[tuple[int, Sequence[int]]], hidden: list[list[bool]],
           member_of: list[list[int]], hide) -> bool:  # type: ignore[no-untyped-def]
    """Secondary suppression when every count next to a determined one is hidden or zero: the
    equations that pin it run through other hidden counts. Search outwards from it through the
    hidden counts it shares equations with, ring by ring, and hide the smallest positive visible
    count of the nearest ring that has one (the nearest counts are the ones that can protect it).
    Repeated, this ends: once every positive count in the equations of a group is hidden, all
    their known terms are zero, so a determined hidden count would have to be zero, and hidden
    counts are positive. False when there is nothing left to hide."""
    grown = False
    chosen: set[tuple[int, int]] = set()
    for start in pinned:
        seen = {start}
        ring = [start]
        while ring:
            options: set[tuple[int, int, int]] = set()  # (value, node, metric)
            following: list[tuple[int, int]] = []
            for node, metric in ring:
                members = [(node, m) for m in range(N_METRICS)]
                for r in member_of[node]:
                    total, parts = relations[r]
                    members += [(p, metric) for p in (total, *parts)]
                for var in members:
                    n, m = var
                    if hidden[n][m]:
                        if var not in seen:
                            seen.add(var)
                            following.append(var)
                    elif values[n][m] > 0:
                        options.add((values[n][m], n, m))
            if options:
                _, n, m = min(options)
                if (n, m) not in chosen:
                    chosen.add((n, m))
                    hide(n, m)
                    grown = True
                break
            ring = following
    return grown


def _union_find(eqs: list[list[tuple[tuple[int, int], int]]]):  # type: ignore[no-untyped-def]
    """``find``: the group (representative) of a hidden count, linked by shared equations."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for eq in eqs:
        first = find(eq[0][0])
        for var, _ in eq[1:]:
            root = find(var)
            if root != first:
                parent[root] = first
    return find


def _equations(relations: Sequence[tuple[int, Sequence[int]]], hidden: list[list[bool]],
               member_of: list[list[int]]) -> list[list[tuple[tuple[int, int], int]]]:
    """Every published equation that involves a hidden count, as ``[((node, metric), coef)]``
    restricted to the hidden counts (known terms only shift the constant)."""
    eqs: list[list[tuple[tuple[int, int], int]]] = []
    seen: set[tuple[int, int]] = set()
    for node, flags in enumerate(hidden):
        if not any(flags):
            continue
        eq = [((node, m), 1 if m == 0 else -1) for m in range(N_METRICS) if flags[m]]
        eqs.append(eq)
        for r in member_of[node]:
            for m in range(N_METRICS):
                if flags[m] and (r, m) not in seen:
                    seen.add((r, m))
                    total, parts = relations[r]
                    eq = [((total, m), 1)] if hidden[total][m] else []
                    eq += [((p, m), -1) for p in parts if hidden[p][m]]
                    eqs.append(eq)
    return eqs


def _determined(values: Sequence[Sequence[int]], relations: Sequence[tuple[int, Sequence[int]]],
                hidden: list[list[bool]], member_of: list[list[int]],
                checked: set[frozenset] | None = None) -> list[tuple[int, int]]:
    """The hidden counts that the published equations determine exactly. ``checked``: groups
    (their sets of hidden counts) already found to determine nothing; skipped, and new safe
    groups are added. A group's equations are fixed by its hidden counts: hiding one more
    count either leaves a group as it was or adds that count to it."""
    eqs = _equations(relations, hidden, member_of)
    find = _union_find(eqs)
    groups: dict[tuple[int, int], list[int]] = {}
    for i, eq in enumerate(eqs):
        groups.setdefault(find(eq[0][0]), []).append(i)
    out: list[tuple[int, int]] = []
    for rows in groups.values():
        members = frozenset(var for i in rows for var, _ in eqs[i])
        if len(members) > EXACT_LIMIT or (checked is not None and members in checked):
            continue
        found = _pinned([eqs[i] for i in rows])
        if found:
            out += found
        elif checked is not None:
            checked.add(members)
    return sorted(out)


Var = tuple[int, int]


def _pinned(eqs: list[list[tuple[Var, int]]]) -> list[Var]:
    """The unknowns of one group that ``eqs`` (homogeneous part: the known terms do not matter)
    determine: those whose every null-space vector has a zero there.

    Sparse Gaussian elimination in exact arithmetic (integers; fractions only for a pivot other
    than +-1), pivots by fewest occurrences (little fill-in: the equations are short sums along a
    hierarchy). The unknowns left without an equation are free; each eliminated unknown is, in
    reverse order, a fixed combination of the free ones (its pivot equation), which gives a basis
    of the null space: an unknown is determined when its combination is empty. This replaces a
    dense SVD per group (the same answer, about 30 times faster on a year of 100 buildings).
    """
    rows: dict[int, dict[Var, Fraction | int]] = {}
    occ: dict[Var, set[int]] = {}
    for i, eq in enumerate(eqs):
        row: dict[Var, Fraction | int] = {}
        for var, coef in eq:
            row[var] = row.get(var, 0) + coef
        row = {v: c for v, c in row.items() if c != 0}
        for v in {var for var, _ in eq}:
            occ.setdefault(v, set())
        if row:
            rows[i] = row
            for v in row:
                occ[v].add(i)
    heap = [(len(where), v) for v, where in occ.items()]
    heapq.heapify(heap)
    eliminated: list[tuple[Var, dict[Var, Fraction | int]]] = []
    done: set[Var] = set()
    while heap:
        n, x = heapq.heappop(heap)
        where = occ[x]
        if x in done or not where:
            continue  # done, or free (no equation left)
        if n != len(where):
            heapq.heappush(heap, (len(where), x))  # stale entry
            continue
        p = min(where, key=lambda i: (rows[i][x] not in (1, -1), len(rows[i]), i))
        pivot = rows.pop(p)
        a = pivot[x]
        for w in pivot:
            occ[w].discard(p)
        for i in sorted(where):
            row = rows[i]
            f = row[x] * a if a in (1, -1) else Fraction(row[x]) / a
            for w, c in pivot.items():
                value = row.get(w, 0) - f * c
                if value == 0:
                    if w in row:
                        del row[w]
                        occ[w].discard(i)
                else:
                    if w not in row:
                        occ[w].add(i)
                    row[w] = value
            if not row:
                del rows[i]
        done.add(x)
        eliminated.append((x, pivot))
        for w in pivot:
            if w not in done:
                heapq.heappush(heap, (len(occ[w]), w))
    free = [v for v in occ if v not in done]
    out = []
    if len(free) <= 16:  # small groups (most of them): plain floats cost less than arrays
        small: dict[Var, list[float]] = {v: [1.0 if j == k else 0.0 for j in range(len(free))]
                                         for k, v in enumerate(free)}
        for x, pivot in reversed(eliminated):
            a = float(pivot[x])
            acc = [0.0] * len(free)
            for w, c in pivot.items():
                if w != x:
                    f = float(c) / a
                    acc = [t - f * u for t, u in zip(acc, small[w])]
            small[x] = acc
            if max((abs(t) for t in acc), default=0.0) < 1e-9:
                out.append(x)
        return out
    basis: dict[Var, np.ndarray] = {}
    for k, v in enumerate(free):
        basis[v] = np.zeros(len(free))
        basis[v][k] = 1.0
    for x, pivot in reversed(eliminated):
        combo = np.zeros(len(free))
        for w, c in pivot.items():
            if w != x:
                combo -= float(c) * basis[w]
        combo /= float(pivot[x])
        basis[x] = combo
        if float(np.abs(combo).max()) < 1e-9:
            out.append(x)
    return out


def _complement(node: int, metric: int, values: Sequence[Sequence[int]],
                relations: Sequence[tuple[int, Sequence[int]]], hidden: list[list[bool]],
                member_of: list[list[int]], hide) -> None:  # type: ignore[no-untyped-def]
    """Hide one more count next to a determined one: the smallest positive visible count that
    shares an equation with it (its node's other metrics, or a total/part of the metric)."""
    options: list[tuple[int, int, int]] = []  # (value, node, metric)
    vals = values[node]
    options += [(vals[m], node, m) for m in range(N_METRICS) if not hidden[node][m] and vals[m] > 0]
    for r in member_of[node]:
        total, parts = relations[r]
        for p in (total, *parts):
            if not hidden[p][metric] and values[p][metric] > 0:
                options.append((values[p][metric], p, metric))
    if options:
        _, n, m = min(options)
        hide(n, m)

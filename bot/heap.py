"""The heap of a long-running bot process: long-lived objects kept out of the collector's full passes.

CPython's cyclic garbage collector now and then runs a full pass over every tracked object. In a
serving bot most of those are long-lived and never garbage (imported modules, the SDK's models,
SQLAlchemy's metadata and statement caches, the NLU tables, the desk catalogue): a full pass over
them took 85-150 ms of CPU in the middle of a chat turn, several times a minute under load, and
was the slowest answer of a busy minute (measured with ``bench/teams.py``-style lockstep batches).

:class:`Heap` moves what exists at start-up, and once more what exists after the first turns
(lazily built parts: SDK models, compiled patterns, pooled connections), into the permanent
generation (``gc.freeze``). Full passes then scan only what the turns made since. Objects
frozen stay reachable as before and are still freed by reference counting; only a reference
cycle among them that becomes garbage later is never collected, which the two bounded
freezes keep small. ``wms-bot serve`` uses it; library users and the tests do not.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

log = logging.getLogger(__name__)

WARM_TURNS = 200
"""Turns after which the lazily built parts exist and are frozen too."""


class Heap:
    """Freezes the start-up heap (:meth:`settle`) and, once, the heap after ``warm_turns`` turns."""

    def __init__(self, warm_turns: int = WARM_TURNS) -> None:
        self._warm_turns = warm_turns
        self._turns = 0

    @classmethod
    def serving(cls, runtime: Any) -> "Heap":
        """Settle now and count ``runtime``'s turns (``wms-bot serve``, and the benchmark as serve)."""
        heap = cls()
        runtime.after_turn = heap.turn_handled
        heap.settle()
        return heap

    def settle(self) -> None:
        """Collect what start-up left behind, then freeze the rest (before serving)."""
        gc.collect()
        gc.freeze()
        log.info("heap settled: %d objects frozen", gc.get_freeze_count())

    def turn_handled(self) -> None:
        """Count a turn; after the warm-up turns, freeze once more (young garbage collected first)."""
        self._turns += 1
        if self._turns == self._warm_turns:
            # Only the young generations: a full pass here would be the pause this avoids.
            gc.collect(1)
            gc.freeze()
            log.info("heap settled after %d turns: %d objects frozen", self._turns, gc.get_freeze_count())


__all__ = ["Heap", "WARM_TURNS"]

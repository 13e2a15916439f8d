"""Runtime benchmark: the cost of one chat turn without any channel.

``.venv/bin/python -m bench runtime [--turns 400] [--profile]``

Drives ``bot.runtime.Runtime.handle`` of the complete bot as ``wms-bot serve`` builds it
(``bot.assembly.build_runtime``: dialog with the privacy, team and usage features, booking service,
SQLite store in a temporary file with the pilot buildings) with a realistic message mix per
conversation: book, list, availability, help, cancel, a question and its answer, cancel.
Printed as a table and written to ``bench/results/runtime.json``:

1. CPU per turn (``time.process_time``), one conversation at a time in one thread, the best of
   ``--repeat`` rounds (the machine is shared; the median is reported too);
2. SQL statements per turn issued through SQLAlchemy (counted in a separate pass; driver SQL is not seen);
3. wall-clock p50/p95 per turn with 8 concurrent conversations, and CPU per turn in that run.

Wall-clock figures depend on the machine's load (printed); CPU per turn is the stable figure.
``--profile`` writes a cProfile of the single-thread pass to ``bench/results/runtime-profile.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)  # a Monday morning in Amsterdam
"""A fixed clock: every run books the same days, whatever day it runs on."""

MIX: tuple[tuple[str, str], ...] = (
    ("book", "boek donderdag een plek op de Turfmarkt"),
    ("list", "wat heb ik gereserveerd?"),
    ("availability", "is er vrijdag plek bij Spark?"),
    ("help", "help"),
    ("cancel", "annuleer donderdag"),
    ("question", "boek woensdag een plek"),
    ("answer", "Turfmarkt"),
    ("cancel", "annuleer woensdag"),
)
"""One cycle of a conversation; it books and cancels again, so cycles can repeat forever."""

CONCURRENCY = 8


def _load() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return -1.0


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


class Bench:
    """A runtime on a fresh SQLite file with the pilot buildings."""

    def __init__(self, data_dir: str) -> None:
        from bot.assembly import build_runtime
        from bot.bootstrap import bootstrap
        from bot.settings import Settings

        settings = Settings.from_env({"WMS_DATA_DIR": data_dir, "WMS_LOG_LEVEL": "WARNING"})
        self.services = bootstrap(settings)
        # The complete bot (privacy, teams, usage), as `wms-bot serve` and `wms-bot chat` build it.
        self.runtime = build_runtime(self.services, clock=lambda: NOW)
        self._ids = itertools.count()

    def message(self, user: int, text: str) -> Any:
        from core.messages import Inbound, Sender

        return Inbound(channel="bench", conversation_id=f"conv-{user}", message_id=f"m{next(self._ids)}",
                       sender=Sender(user_id=f"tenant:user-{user}", name=f"Medewerker {user}",
                                     email=f"medewerker{user}@example.nl"),
                       text=text, locale="nl-NL")

    async def cycle(self, user: int, times: list[tuple[str, float]] | None = None) -> list[str]:
        """One pass through the mix; returns the first line of each reply (a sanity check)."""
        firsts = []
        for kind, text in MIX:
            t = time.perf_counter()
            replies = await self.runtime.handle(self.message(user, text))
            if times is not None:
                times.append((kind, time.perf_counter() - t))
            firsts.append(replies[0].text.split("\n")[0] if replies else "")
        return firsts


def _check(firsts: list[str]) -> None:
    expect = ("Geboekt", "Je komende", "Vrije plekken", "Ik kan", "Geannuleerd", "In welk gebouw", "Geboekt",
              "Geannuleerd")
    wrong = [(e, f) for e, f in zip(expect, firsts) if not f.startswith(e)]
    if wrong:
        raise SystemExit(f"unexpected replies in the message mix: {wrong}")


async def _single(bench: Bench, cycles: int, users: int, profile: cProfile.Profile | None,
                  repeat: int) -> dict[str, Any]:
    # warm-up: every user's first contact (welcome, person created) and the caches
    for u in range(users):
        await bench.cycle(u)
        _check(await bench.cycle(u))
    per_kind: Counter[str] = Counter()
    cpu_kind: dict[str, list[float]] = {}
    rounds: list[float] = []
    if profile is not None:  # the turn runs in a worker thread: profile it there
        inner = bench.runtime._turn

        def profiled(message: Any) -> Any:
            profile.enable()
            try:
                return inner(message)
            finally:
                profile.disable()

        bench.runtime._turn = profiled  # type: ignore[method-assign]
    wall0 = time.perf_counter()
    for _ in range(repeat):  # the machine is shared: the best of several rounds is the stable figure
        round0 = time.process_time()
        for c in range(cycles):
            for kind, text in MIX:
                u = c % users
                t = time.process_time()
                await bench.runtime.handle(bench.message(u, text))
                cpu_kind.setdefault(kind, []).append(time.process_time() - t)
                per_kind[kind] += 1
        rounds.append((time.process_time() - round0) / (cycles * len(MIX)))
    if profile is not None:
        del bench.runtime._turn
    turns = cycles * len(MIX) * repeat
    per_round = len(cpu_kind[MIX[0][0]]) // repeat

    def best(values: list[float]) -> float:  # the kind's mean in its best round
        return min(statistics.fmean(values[i * per_round:(i + 1) * per_round]) for i in range(repeat))

    return {"turns": turns, "rounds": repeat, "cpu_ms_per_turn": round(min(rounds) * 1000, 3),
            "cpu_ms_per_turn_median": round(statistics.median(rounds) * 1000, 3),
            "wall_ms_per_turn": round((time.perf_counter() - wall0) / turns * 1000, 3),
            "cpu_ms_by_kind": {k: round(best(v) * 1000, 3) for k, v in cpu_kind.items()}}


async def _statements(bench: Bench, users: int) -> dict[str, Any]:
    from sqlalchemy import event

    count = [0]

    def on_execute(*_args: Any) -> None:
        count[0] += 1

    engine = bench.services.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    by_kind: dict[str, list[int]] = {}
    try:
        for u in range(users):
            for kind, text in MIX:
                before = count[0]
                await bench.runtime.handle(bench.message(u, text))
                by_kind.setdefault(kind, []).append(count[0] - before)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    total = sum(sum(v) for v in by_kind.values())
    n = sum(len(v) for v in by_kind.values())
    return {"per_turn": round(total / n, 2), "by_kind": {k: round(sum(v) / len(v), 2) for k, v in by_kind.items()}}


async def _concurrent(bench: Bench, cycles: int) -> dict[str, Any]:
    users = range(100, 100 + CONCURRENCY)
    for u in users:  # warm-up: first contacts
        await bench.cycle(u)
        _check(await bench.cycle(u))
    times: list[tuple[str, float]] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()

    async def conversation(u: int) -> None:
        for _ in range(cycles):
            _check(await bench.cycle(u, times))

    await asyncio.gather(*(conversation(u) for u in users))
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    ms = [t * 1000 for _, t in times]
    return {"conversations": CONCURRENCY, "turns": len(ms), "p50_ms": round(_pct(ms, 50), 2),
            "p95_ms": round(_pct(ms, 95), 2), "max_ms": round(max(ms), 2),
            "turns_per_s": round(len(ms) / wall, 1), "cpu_ms_per_turn": round(cpu / len(ms) * 1000, 3)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench runtime", description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=400, help="single-thread turns (default 400)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of single-thread turns; the best counts")
    ap.add_argument("--concurrent-cycles", type=int, default=4, help="mix cycles per concurrent conversation")
    ap.add_argument("--profile", action="store_true", help="cProfile the single-thread pass")
    ap.add_argument("--out", default=str(RESULTS / "runtime.json"))
    args = ap.parse_args(argv)

    import logging

    logging.disable(logging.WARNING)
    RESULTS.mkdir(exist_ok=True)
    res: dict[str, Any] = {"benchmark": "runtime", "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "machine": {"cpus": os.cpu_count(), "load_at_start": _load(),
                                       "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
                           "mix": [k for k, _ in MIX]}
    try:
        res["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                       cwd=RESULTS.parent.parent).stdout.strip()
    except OSError:
        pass
    data_dir = tempfile.mkdtemp(prefix="wms-bench-runtime-")
    profile = cProfile.Profile() if args.profile else None
    try:
        bench = Bench(data_dir)
        try:
            users = 4
            cycles = max(1, args.turns // len(MIX))
            res["single"] = asyncio.run(_single(bench, cycles, users, profile, args.repeat))
            res["statements"] = asyncio.run(_statements(bench, users))
            res["concurrent"] = asyncio.run(_concurrent(bench, args.concurrent_cycles))
        finally:
            bench.services.dispose()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    res["machine"]["load_at_end"] = _load()
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(40)
        (RESULTS / "runtime-profile.txt").write_text(out.getvalue())
        res["profile"] = "bench/results/runtime-profile.txt"

    s, st, c = res["single"], res["statements"], res["concurrent"]
    print(f"runtime benchmark (SQLite file, pilot buildings; load {res['machine']['load_at_start']}"
          f" -> {res['machine']['load_at_end']} on {os.cpu_count()} CPUs)")
    print(f"{'turn':<14}{'CPU ms':>9}{'SQL stmts':>11}   (through SQLAlchemy only; driver SQL is not counted: BEGIN, the turn's"
          " look-up and record, the booking transaction)")
    for kind in dict.fromkeys(k for k, _ in MIX):
        print(f"{kind:<14}{s['cpu_ms_by_kind'][kind]:>9.2f}{st['by_kind'][kind]:>11.1f}")
    print(f"{'all (1 thread)':<14}{s['cpu_ms_per_turn']:>9.2f}{st['per_turn']:>11.2f}   "
          f"best of {s['rounds']} rounds (median {s['cpu_ms_per_turn_median']:.2f}); "
          f"wall {s['wall_ms_per_turn']:.2f} ms/turn over {s['turns']} turns")
    print(f"{CONCURRENCY} concurrent conversations: p50 {c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms, "
          f"max {c['max_ms']:.1f} ms, {c['turns_per_s']:.0f} turns/s, CPU {c['cpu_ms_per_turn']:.2f} ms/turn "
          f"({c['turns']} turns)")
    Path(args.out).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark of the usage reports: ``python -m bench report``.

On the national-scale data set of ``bench/dataset.py`` (100 buildings, 60,000 desks, ~13
million reservation rows) it reports one year of history (the 365 days before the data set's
today) in the same run:

* for one building (default ``turfmarkt-147``): the report (database aggregation, capacity,
  totals, small-count suppression) and its rendering as a table; also with the finest cells;
* for all buildings: the report and its rendering as JSON.

Each case runs once cold (fresh engine, empty catalogue cache) and ``--repeat`` times warm;
the table shows the cold time and the warm median. Targets (issue 8): one building < 2 s,
all buildings < 20 s.

The data set's history is rolled up (``usage_rollup``) as the night job does it, so the
default variant ("roll-up") measures the real path: the roll-up for the past days, the
reservations for the rest. ``--direct`` repeats the cases computed from ``reservations`` only
(``SqlUsage(rollup=False)``: a database whose night job has not rolled up yet; minutes for all
buildings). ``--proposed-index`` repeats the direct cases on a private copy of the data set with
a covering index on ``reservations`` (``ix_reservations_usage``, not in the schema; see
docs/reports.md). The copy is cached next to the data set.

Prints a table and writes ``bench/results/report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
TARGET_ONE_S = 2.0
TARGET_ALL_S = 20.0
PROPOSED_INDEX = ("CREATE INDEX IF NOT EXISTS ix_reservations_usage ON reservations "
                  "(building_id, day, part, status, desk_id, checked_in_at, checked_out_at)")


def _index_copy(ds, log: Callable[[str], None]) -> str:  # type: ignore[no-untyped-def]
    """A cached copy of the data set with the proposed index; returns its URL."""
    from bench.dataset import copy_dataset

    target = Path(ds.path).with_name(f"{ds.scale}-usage-ix.sqlite3")
    stamp = target.with_name(target.name + ".version")
    if not (target.exists() and stamp.exists() and stamp.read_text().strip() == ds.version):
        log(f"[report] copying the data set to {target} and adding the proposed index ...")
        stamp.unlink(missing_ok=True)
        copy_dataset(ds, target)
        conn = sqlite3.connect(target)
        try:
            conn.execute(PROPOSED_INDEX)
            conn.commit()
        finally:
            conn.close()
        stamp.write_text(ds.version + "\n")
    return f"sqlite:///{target}"


def _measure(url: str, request, now: datetime, fmt: str, repeat: int,  # type: ignore[no-untyped-def]
             rollup: bool = True) -> dict:
    from adapters.reports import render
    from adapters.store.engine import make_engine
    from adapters.store.usage import SqlUsage

    times: list[float] = []
    report_times: list[float] = []
    engine = make_engine(url)
    store = SqlUsage(engine, rollup=rollup)  # cold: a fresh engine and an empty catalogue cache
    size = 0
    figures = None
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        report = store.report(request, now)
        t1 = time.perf_counter()
        data = render(report, fmt, "en")
        t2 = time.perf_counter()
        times.append(t2 - t0)
        report_times.append(t1 - t0)
        size = len(data)
        figures = report.total
    engine.dispose()
    warm = times[1:] or times
    return {"cold_s": round(times[0], 3), "warm_median_s": round(statistics.median(warm), 3),
            "warm_report_only_s": round(statistics.median(report_times[1:] or report_times), 3),
            "runs": len(times), "output_bytes": size,
            "total_reserved": figures.reserved if figures else None,
            "total_capacity": figures.capacity if figures else None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="national", help="data set scale (national, regional, tiny)")
    parser.add_argument("--building", default="turfmarkt-147", help="the one building")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per one-building case (default 3)")
    parser.add_argument("--repeat-all", type=int, default=1, help="warm runs of the all-buildings case (default 1)")
    parser.add_argument("--direct", action="store_true",
                        help="also measure without the roll-up (every day from reservations; minutes)")
    parser.add_argument("--proposed-index", action="store_true",
                        help="also measure without the roll-up on a copy with a covering reservations index")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "report.json"))
    args = parser.parse_args(argv)

    from bench.dataset import build_dataset
    from core.usage.request import ReportRequest

    ds = build_dataset(scale=args.scale)
    now = ds.now_datetime
    end = ds.anchor_date - timedelta(days=1)
    start = ds.anchor_date - timedelta(days=365)
    variants = [("roll-up", ds.url, True)]
    if args.direct:
        variants.append(("direct", ds.url, False))
    if args.proposed_index:
        variants.append(("direct + index", _index_copy(ds, print), False))
    cases = [
        ("one building", ReportRequest(start, end, args.building), "table", args.repeat, TARGET_ONE_S),
        ("one building + cells", ReportRequest(start, end, args.building, cells=True), "csv", args.repeat,
         TARGET_ONE_S),
        ("all buildings", ReportRequest(start, end, None), "json", args.repeat_all, TARGET_ALL_S),
    ]
    rows = []
    for label, url, rollup in variants:
        for name, request, fmt, repeat, target in cases:
            print(f"[report] {label}: {name} ...", flush=True)
            m = _measure(url, request, now, fmt, repeat, rollup)
            m.update(variant=label, case=name, format=fmt, target_s=target,
                     meets_target=m["warm_median_s"] < target)
            rows.append(m)

    head = f"{'variant':18} {'case':22} {'format':6} {'cold s':>8} {'warm s':>8} {'report s':>9} {'target':>7}  ok"
    print()
    print(f"Usage report, {start} .. {end} ({(end - start).days + 1} days), data set {ds.scale}: "
          f"{ds.reservations:,} reservations, {ds.desks:,} desks, {ds.buildings} buildings")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['variant']:18} {r['case']:22} {r['format']:6} {r['cold_s']:8.2f} {r['warm_median_s']:8.2f} "
              f"{r['warm_report_only_s']:9.2f} {'<' + str(r['target_s']):>7}  {'yes' if r['meets_target'] else 'NO'}")
    result = {
        "benchmark": "report", "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version},
        "dataset": {"scale": ds.scale, "version": ds.version, "reservations": ds.reservations, "desks": ds.desks,
                    "buildings": ds.buildings},
        "range": {"start": start.isoformat(), "end": end.isoformat()},
        "targets_s": {"one_building": TARGET_ONE_S, "all_buildings": TARGET_ALL_S},
        "proposed_index": PROPOSED_INDEX if args.proposed_index else None,
        "results": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

"""Score the date/time recogniser (core.nlu.when) on the shared corpora and measure its speed.

    .venv/bin/python bench/nlu_when_score.py [--show N] [--shared DIR]

Per file: the share of lines fully right on `dates` and `time` (peer suites: lines tagged
`time_not_scored` are scored on dates only; a missing key means absent), per `kind` for the peer
suites; on the dev corpus `dates` is the union of `dates` and `to_dates` and lines of intents that
carry no slots (help, confirm, ...) are left out, since the parser drops their dates. Speed: median
and p95 of find_when per message over the dev corpus. Writes bench/results/nlu_when.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.nlu.when import find_when  # noqa: E402

SLOTLESS = {"help", "confirm", "deny", "privacy", "export_data", "delete_data", "stop_sharing", "unknown"}
PEER = ["peer-suites/recognizers-text/nl.jsonl", "peer-suites/recognizers-text/en.jsonl",
        "peer-suites/duckling/nl.jsonl"]
OURS = ["tests/nlu/corpus/when_nl.jsonl", "tests/nlu/corpus/when_en.jsonl"]


def shared_dir(arg: str | None) -> Path | None:
    for cand in ([Path(arg)] if arg else []) + [ROOT.parent / "shared", ROOT / "../shared"]:
        if (cand / "nlu").is_dir() or (cand / "peer-suites").is_dir():
            return cand.resolve()
    return None


def norm_time(t):
    if not t:
        return None
    t = {k: v for k, v in t.items() if v is not None}
    return t or None


def score_file(path: Path, kind: str, show: int) -> dict:
    total = right = 0
    all_total = all_right = 0  # dev: every line, also those of slot-less intents
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        exp = case["expect"]
        now = datetime.fromisoformat(case["now"])
        w = find_when(case["text"], now, case.get("lang") or exp.get("lang"))
        got_dates = sorted(d.isoformat() for d in w.all_dates)
        exp_dates = sorted(set(exp.get("dates", []) + (exp.get("to_dates", []) if kind == "dev" else [])))
        ok = got_dates == exp_dates
        kinds = case.get("kind", [])
        if "time_not_scored" not in kinds:
            ok = ok and norm_time(w.time) == norm_time(exp.get("time"))
        all_total += 1
        all_right += ok
        if kind == "dev" and exp.get("intent") in SLOTLESS:
            continue
        total += 1
        right += ok
        for k in kinds:
            per_kind[k][0] += 1
            per_kind[k][1] += ok
        if not ok and len(wrong) < show:
            wrong.append(f"  {case['now'][:10]} {case['text']!r}\n     want {exp_dates} {exp.get('time')}\n"
                         f"     got  {got_dates} {w.time}")
    return {"lines": total, "right": right, "accuracy": right / total if total else 0.0,
            "all_lines": all_total, "all_right": all_right,
            "per_kind": {k: {"lines": v[0], "accuracy": v[1] / v[0]} for k, v in sorted(per_kind.items())},
            "wrong": wrong}


def speed(path: Path) -> dict:
    cases = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    args = [(c["text"], datetime.fromisoformat(c["now"]), c["expect"].get("lang")) for c in cases]
    for a in args:  # warm-up: builds the cached tables
        find_when(*a)
    runs = 7
    per_msg: list[list[float]] = [[] for _ in args]
    for _ in range(runs):
        for k, a in enumerate(args):
            t0 = time.perf_counter()
            find_when(*a)
            per_msg[k].append((time.perf_counter() - t0) * 1000)
    every = sorted(t for ts in per_msg for t in ts)
    best = sorted(min(ts) for ts in per_msg)  # per message the best of the runs: less noise from other load
    return {"messages": len(args), "runs": runs,
            "median_ms": statistics.median(every), "p95_ms": every[int(len(every) * 0.95)],
            "max_ms": every[-1], "best_of_runs_median_ms": statistics.median(best),
            "best_of_runs_p95_ms": best[int(len(best) * 0.95)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0, help="list up to N wrong lines per file")
    ap.add_argument("--shared", help="folder with nlu/ and peer-suites/ (default ../shared)")
    args = ap.parse_args(argv)
    shared = shared_dir(args.shared)
    results: dict = {"files": {}}
    files = [(ROOT / p, "ours") for p in OURS]
    if shared:
        files = [(shared / p, "peer") for p in PEER] + [(shared / "nlu/dev.jsonl", "dev")] + files
    else:
        print("../shared not found: scoring our own corpus only")
    print(f"{'file':48} {'lines':>6} {'right':>6} {'accuracy':>9}")
    for path, kind in files:
        if not path.exists():
            continue
        r = score_file(path, kind, args.show)
        name = str(path.relative_to(shared)) if shared and path.is_relative_to(shared) else str(path.relative_to(ROOT))
        results["files"][name] = {k: v for k, v in r.items() if k != "wrong"}
        print(f"{name:48} {r['lines']:6d} {r['right']:6d} {100 * r['accuracy']:8.1f}%")
        if kind == "dev":
            print(f"{'  (every line, also slot-less intents)':48} {r['all_lines']:6d} {r['all_right']:6d} "
                  f"{100 * r['all_right'] / max(1, r['all_lines']):8.1f}%")
        if kind == "peer":
            for k, v in r["per_kind"].items():
                print(f"    {k:44} {v['lines']:6d} {'':6} {100 * v['accuracy']:8.1f}%")
        for w in r["wrong"]:
            print(w)
    if shared and (shared / "nlu/dev.jsonl").exists():
        sp = speed(shared / "nlu/dev.jsonl")
        results["speed"] = sp
        print(f"speed over dev ({sp['messages']} messages x{sp['runs']}): median {sp['median_ms']:.3f} ms, "
              f"p95 {sp['p95_ms']:.3f} ms, max {sp['max_ms']:.3f} ms; per message best of {sp['runs']}: "
              f"median {sp['best_of_runs_median_ms']:.3f} ms, p95 {sp['best_of_runs_p95_ms']:.3f} ms")
        try:
            results["load_average_1min"] = os.getloadavg()[0]
            print(f"(load average {results['load_average_1min']:.2f} on {os.cpu_count()} cores)")
        except OSError:
            pass
    out = ROOT / "bench/results/nlu_when.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run benchmarks: ``python -m bench [NAME ...] [-- OPTIONS]`` (default: all). Each prints a table and
writes JSON to bench/results/NAME.json. Options after the names (e.g. ``python -m bench store --scale
tiny``) go to every named benchmark."""

from __future__ import annotations

import importlib
import sys

BENCHES = ("nlu", "store", "teams", "matrix", "report", "runtime")


def main(argv: list[str]) -> int:
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names = argv[:split] or list(BENCHES)
    options = [a for a in argv[split:] if a != "--"]
    status = 0
    for name in names:
        if name not in BENCHES:
            print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}", file=sys.stderr)
            return 2
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"[{name}] not available yet")
            continue
        status |= int(module.main(list(options)) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

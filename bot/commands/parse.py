"""``wms-bot parse``: print the frame (SCHEMA.md) of a message, or of JSON lines on stdin.

Kept light on purpose (no database, no SDKs): it must start in well under a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

_ZONE = "Europe/Amsterdam"
_BAD = {"lang": "nl", "intent": "unknown"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the message (omit with --jsonl)")
    parser.add_argument("--now", help="reference time, ISO 8601 with offset (default: now in Europe/Amsterdam)")
    parser.add_argument("--locale", help="channel locale, the language fallback for one-word messages (e.g. nl-NL)")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"text": ..., "now": ...} lines on stdin, write one frame per line in the '
                             'same order (blank lines are skipped; a bad line gives {"lang": "nl", '
                             '"intent": "unknown"})')


def _now(value: str | None) -> datetime:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(_ZONE)
    if not value:
        return datetime.now(zone)
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def _frame(text: Any, now: datetime, locale: str | None) -> dict[str, Any]:
    from core.nlu import parse

    if not isinstance(text, str):
        return dict(_BAD)
    return parse(text, now, locale).to_json()


def run(args: argparse.Namespace) -> int:
    try:  # a name with an unusual character must not crash a non-UTF-8 terminal
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    if args.jsonl:
        return _run_jsonl(args)
    if args.text is None:
        print("wms-bot parse: give a message, or --jsonl to read JSON lines on stdin", file=sys.stderr)
        return 2
    try:
        now = _now(args.now)
    except ValueError:
        print(f"wms-bot parse: --now is not an ISO 8601 time: {args.now!r}", file=sys.stderr)
        return 2
    print(json.dumps(_frame(args.text, now, args.locale), ensure_ascii=False))
    return 0


def _run_jsonl(args: argparse.Namespace) -> int:
    try:
        default_now = _now(args.now)
    except ValueError:
        print(f"wms-bot parse: --now is not an ISO 8601 time: {args.now!r}", file=sys.stderr)
        return 2
    out = sys.stdout
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    lines = stdin if stdin is not None else sys.stdin
    for raw in lines:
        line = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not line.strip():
            continue
        out.write(json.dumps(_line(line, default_now, args.locale), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _line(line: str, default_now: datetime, locale: str | None) -> dict[str, Any]:
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict):
            return dict(_BAD)
        now = _now(obj["now"]) if isinstance(obj.get("now"), str) else default_now
        loc = obj.get("locale") if isinstance(obj.get("locale"), str) else locale
        frame = _frame(obj.get("text"), now, loc)
        if "id" in obj and isinstance(obj["id"], (str, int)):
            frame["id"] = obj["id"]
        return frame
    except (ValueError, KeyError, TypeError, OverflowError):
        return dict(_BAD)

"""`wms-bot parse` as a user runs it: single message and --jsonl batch, via subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T09:00:00+01:00"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "parse", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_single_message() -> None:
    out = _run("--now", NOW, "twee bureaus met dubbel scherm op de Turfmarkt donderdag")
    assert out.returncode == 0, out.stderr
    frame = json.loads(out.stdout)
    assert frame["lang"] == "nl" and frame["intent"] == "book"
    assert frame["count"] == 2 and frame["features"] == ["dual_screen"]
    assert frame["location"] == "turfmarkt-147"


def test_locale_fallback_and_default_now() -> None:
    out = _run("--locale", "en-US", "ok")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"lang": "en", "intent": "confirm"}


def test_jsonl_keeps_order_and_survives_bad_lines() -> None:
    lines = [
        json.dumps({"text": "annuleer donderdag", "now": NOW}),
        "this is not json",
        json.dumps({"text": "show my bookings", "now": NOW}),
        json.dumps(["a", "list"]),
        json.dumps({"text": 42, "now": NOW}),
        json.dumps({"text": "hoi", "now": "gisteren"}),
        json.dumps({"text": "x" * 5000, "now": NOW}),
        json.dumps({"text": "help", "now": NOW}, ensure_ascii=False),
    ]
    out = _run("--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    frames = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(frames) == len(lines)
    assert frames[0]["intent"] == "cancel"
    assert frames[1] == {"lang": "nl", "intent": "unknown"}
    assert frames[2] == {"lang": "en", "intent": "list"}
    assert frames[3] == frames[4] == frames[5] == {"lang": "nl", "intent": "unknown"}
    assert frames[6]["intent"] == "unknown" and set(frames[6]) == {"lang", "intent"}
    assert frames[7]["intent"] == "help"


def test_bad_now_is_a_clear_error() -> None:
    out = _run("--now", "tomorrow-ish", "hoi")
    assert out.returncode == 2
    assert "ISO 8601" in out.stderr
    assert "Traceback" not in out.stderr


def test_console_script_starts_without_heavy_imports() -> None:
    code = ("import sys; from bot.cli import main; "
            "sys.argv=['wms-bot','parse','--now','" + NOW + "','hoi']; rc=main(); "
            "heavy=[m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy','aiohttp','nio','microsoft_agents','dateparser','alembic')]; "
            "print(heavy, file=sys.stderr); sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0
    assert out.stderr.strip() == "[]"

"""`wms-bot chat` scripted through a pipe: one answer per line, each followed by one empty line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _chat(tmp_path: Path, lines: list[str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--now", "2026-11-23T09:00:00+01:00",
         "--db", f"sqlite:///{tmp_path / 'chat.sqlite3'}", *extra],
        input="".join(line + "\n" for line in lines), capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "WMS_DATA_DIR": str(tmp_path), "LANG": "C.UTF-8"},
    )


def test_piped_chat_prints_each_answer_then_one_empty_line(tmp_path):
    done = _chat(tmp_path, ["hoi", "boek morgen een plek op de Turfmarkt", "", "maak ongedaan"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.endswith("\n\n") and not done.stdout.endswith("\n\n\n")
    blocks = done.stdout[:-2].split("\n\n")
    assert len(blocks) == 4
    assert "Privacy" in blocks[0] and "Ik kan dit voor je doen" in blocks[0]
    assert "Geboekt" in blocks[1] and "dinsdag 24 november" in blocks[1] and "1. Ongedaan maken" in blocks[1]
    assert "leeg" in blocks[2]
    assert "Ongedaan gemaakt" in blocks[3]
    assert "\x1b[" not in done.stdout  # no colours when not on a terminal


def test_state_survives_between_runs_and_options_work(tmp_path):
    first = _chat(tmp_path, ["book two desks at Spark on Thursday"], "--as", "alice", "--name", "Alice")
    assert "Shall I book 2 desks" in first.stdout
    second = _chat(tmp_path, ["yes"], "--as", "alice", "--lang", "en")
    assert "Booked: 2 desks" in second.stdout
    other = _chat(tmp_path, ["yes"], "--as", "bob", "--lang", "en")
    assert "expired" in other.stdout


def test_bad_now_is_a_clear_error(tmp_path):
    done = _chat(tmp_path, ["hoi"], "--now", "tomorrow")
    assert done.returncode != 0 and "--now" in done.stderr and "Traceback" not in done.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--db", "postgresql://nobody@127.0.0.1:1/x"],
                          input="", capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "WMS_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2 and "cannot open the database" in done.stderr and "Traceback" not in done.stderr

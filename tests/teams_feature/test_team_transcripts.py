"""Transcripts of the team flows (tests/teams_feature/transcripts/*.txt), against the real
parser, booking engine and store, with the team parts wired as the commands will
(``bot.team_chat.team_dialog_parts``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.team_chat import team_dialog_parts
from core.dialog.engine import Dialog
from tests.dialog.transcript import run_on_copy, seed_store

HERE = Path(__file__).resolve().parent / "transcripts"
TRANSCRIPTS = sorted(HERE.glob("*.txt"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed_store(tmp_path_factory.mktemp("seed"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_team_transcript(path: Path, seeded: Path, tmp_path: Path):
    def dialog_for(services):
        return Dialog(services.booking, services.conversations, **team_dialog_parts(services))

    assert run_on_copy(path, seeded, tmp_path, dialog_for) > 0


def test_team_transcripts_in_both_languages():
    names = {p.stem for p in TRANSCRIPTS}
    for flow in ("team", "waitlist", "series", "reminders", "teamday", "seats"):
        assert {f"nl_{flow}", f"en_{flow}"} <= names

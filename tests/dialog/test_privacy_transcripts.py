"""Transcripts of the rights and sharing flows (tests/dialog/transcripts/privacy/*.txt), against
the real parser, booking engine and store, with the privacy flows wired in as the commands
will (``bot.privacy_chat.privacy_dialog_parts``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy_chat import privacy_dialog_parts
from core.dialog.engine import Dialog

from .transcript import HERE, run_on_copy, seed_store

PRIVACY = sorted((HERE / "privacy").glob("*.txt"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed_store(tmp_path_factory.mktemp("seed"))


@pytest.mark.parametrize("path", PRIVACY, ids=lambda p: p.stem)
def test_privacy_transcript(path: Path, seeded: Path, tmp_path: Path):
    def dialog_for(services):
        return Dialog(services.booking, services.conversations, **privacy_dialog_parts(services))

    assert run_on_copy(path, seeded, tmp_path, dialog_for) > 0


def test_privacy_transcripts_in_both_languages():
    names = {p.stem for p in PRIVACY}
    assert {"nl_sharing", "en_sharing", "nl_rights", "en_rights"} <= names

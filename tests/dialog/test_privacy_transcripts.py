"""Transcripts of the rights and sharing flows (tests/dialog/transcripts/privacy/*.txt), against
the real parser, booking engine and store, with the complete dialog every channel gets
(``bot.assembly.build_dialog``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assembly import build_dialog

from .transcript import HERE, run_on_copy, seed_store

PRIVACY = sorted((HERE / "privacy").glob("*.txt"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed_store(tmp_path_factory.mktemp("seed"))


@pytest.mark.parametrize("path", PRIVACY, ids=lambda p: p.stem)
def test_privacy_transcript(path: Path, seeded: Path, tmp_path: Path):
    assert run_on_copy(path, seeded, tmp_path, build_dialog) > 0


def test_privacy_transcripts_in_both_languages():
    names = {p.stem for p in PRIVACY}
    assert {"nl_sharing", "en_sharing", "nl_rights", "en_rights"} <= names

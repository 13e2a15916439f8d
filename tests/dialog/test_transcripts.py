"""Dialog transcripts (tests/dialog/transcripts/*.txt) against the real parser and the real
booking engine and store (bootstrap on SQLite with the pilot buildings).

The seeded database is built once and copied per transcript, so each starts clean.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.assembly import build_dialog
from bot.bootstrap import bootstrap
from bot.settings import Settings
from core.dialog.engine import Dialog

from .transcript import HERE, SEED_DB, Failure, all_transcripts, pending_reason, run_on_copy, seed_store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed_store(tmp_path_factory.mktemp("seed"))


@pytest.mark.parametrize("path", all_transcripts(), ids=lambda p: p.stem)
def test_transcript(path: Path, seeded: Path, tmp_path: Path):
    try:
        assert run_on_copy(path, seeded, tmp_path, build_dialog) > 0
    except Failure:
        reason = pending_reason(path)
        if reason:
            pytest.xfail(reason)
        raise


@pytest.mark.parametrize("path", sorted((HERE / "core_only").glob("*.txt")), ids=lambda p: p.stem)
def test_core_only_transcript(path: Path, seeded: Path, tmp_path: Path):
    """The bare core dialog, with no feature flows composed in, still answers every intent."""
    assert run_on_copy(path, seeded, tmp_path, lambda services: Dialog(services.booking, services.conversations)) > 0


def test_there_are_transcripts_in_both_languages():
    names = {p.stem for p in all_transcripts()}
    assert any(n.startswith("nl_") for n in names) and any(n.startswith("en_") for n in names)


async def test_runtime_on_the_real_store_answers_a_duplicate_once(seeded: Path, tmp_path: Path):
    """A retried message (same id) is answered from the message log and books once."""
    import asyncio
    from datetime import datetime

    from bot.runtime import Runtime
    from core.booking.api import PersonInfo
    from core.messages import Inbound, Sender

    db = tmp_path / "wms.sqlite3"
    shutil.copy(seeded / SEED_DB, db)
    services = bootstrap(replace(Settings.from_env({"WMS_DATA_DIR": str(tmp_path)}), database_url=f"sqlite:///{db}"))
    try:
        now = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
        runtime = Runtime(Dialog(services.booking, services.conversations), services.messages, clock=lambda: now)
        msg = Inbound(channel="teams", conversation_id="a:1", message_id="act-1", sender=Sender(user_id="t:oid"),
                      text="boek donderdag een plek op de Turfmarkt", locale="nl-NL")
        first, *others = await asyncio.gather(*(runtime.handle(msg) for _ in range(3)))
        later = await runtime.handle(msg)
        assert "Geboekt" in first[0].text
        assert all(o[0].text == first[0].text for o in others) and later[0].text == first[0].text
        assert later[0].card == first[0].card and later[0].choices == first[0].choices
        pid = services.booking.ensure_person(PersonInfo("teams:t:oid"), now)
        assert len(services.booking.upcoming(pid, now)) == 1
    finally:
        services.dispose()

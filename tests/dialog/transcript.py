"""Conversations as data: the transcript format and its runner.

A transcript is a text file::

    # comment
    @now 2026-11-23T09:00:00+01:00      the fixed clock
    @locale en-GB                        the channel locale of the following messages
    @user bob                            who speaks next (each user has their own conversation)
    @wait 31                             minutes pass
    @restart                             the bot restarts (new services on the same database)
    @pending why                         expected to fail until a named dependency catches up
    > boek morgen een plek               a message (``>`` alone is an empty message)
    $> "x" * 20000                       a message given as a Python expression (garbage, huge)
    < Geboekt                            the answer contains this text
    !< Traceback                         the answer does not contain this text
    <card booked                         the first reply's card type
    <lang en                             the reply language

Every answer is also checked for the basics: text present, no stack trace, no unfilled
``{placeholder}``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from core.messages import Inbound, Reply, Sender

from .harness import render

HERE = Path(__file__).resolve().parent / "transcripts"


@dataclass
class Step:
    line: int
    kind: str
    arg: str


@dataclass
class Transcript:
    path: Path
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> "Transcript":
        t = cls(path)
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            for prefix in ("$>", "!<", "<card", "<lang", ">", "<", "@"):
                if line.startswith(prefix):
                    arg = line[len(prefix):]
                    arg = arg[1:] if arg.startswith(" ") else arg
                    t.steps.append(Step(n, prefix, arg))
                    break
            else:
                raise ValueError(f"{path.name}:{n}: cannot read {line!r}")
        return t


def pending_reason(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("@pending"):
            return line[len("@pending"):].strip() or "pending"
    return None


def all_transcripts() -> list[Path]:
    return sorted(HERE.glob("*.txt"))


class Failure(AssertionError):
    pass


def run(transcript: Transcript, handle_factory: Callable[[], Callable[[Inbound, datetime], list[Reply]]]) -> int:
    """Play the transcript; returns the number of messages sent. Raises Failure with context."""
    handle = handle_factory()
    now = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    locale: str | None = "nl-NL"
    user = "user-1"
    ids = itertools.count(1)
    sent = 0
    replies: list[Reply] = []
    shown = ""
    log: list[str] = []

    def fail(step: Step, why: str) -> None:
        context = "\n".join(log[-12:])
        raise Failure(f"{transcript.path.name}:{step.line}: {why}\n--- conversation so far ---\n{context}")

    for step in transcript.steps:
        if step.kind == "@":
            cmd, _, value = step.arg.partition(" ")
            if cmd == "now":
                now = datetime.fromisoformat(value.strip())
            elif cmd == "locale":
                locale = value.strip() or None
            elif cmd == "user":
                user = value.strip()
            elif cmd == "wait":
                now += timedelta(minutes=float(value))
            elif cmd == "restart":
                handle = handle_factory()
            elif cmd == "pending":
                pass  # read by the test (see Transcript.pending)
            else:
                fail(step, f"unknown command @{cmd}")
        elif step.kind in (">", "$>"):
            said = step.arg if step.kind == ">" else eval(step.arg, {"__builtins__": {}}, {"chr": chr})  # noqa: S307 - test data
            inbound = Inbound(channel="test", conversation_id=f"dm-{user}", message_id=f"m{next(ids)}",
                              sender=Sender(user_id=user, name=f"Canary {user}"), text=said, locale=locale)
            replies = handle(inbound, now)
            sent += 1
            shown = render(replies)
            log.append(f"> {said[:80]!s}")
            log.extend(f"  {line}" for line in shown.splitlines())
            if not replies or not all(r.text.strip() for r in replies):
                fail(step, "empty answer")
            if "Traceback" in shown or re.search(r"\{[a-z_]+\}", shown):
                fail(step, "answer shows internals")
        elif step.kind == "<":
            if step.arg not in shown:
                fail(step, f"expected {step.arg!r} in the answer")
        elif step.kind == "!<":
            if step.arg in shown:
                fail(step, f"did not expect {step.arg!r} in the answer")
        elif step.kind == "<card":
            got = replies[0].card.get("type") if replies and replies[0].card else None
            if got != step.arg.strip():
                fail(step, f"expected a {step.arg.strip()!r} card, got {got!r}")
        elif step.kind == "<lang":
            got = replies[0].lang if replies else None
            if got != step.arg.strip():
                fail(step, f"expected language {step.arg.strip()!r}, got {got!r}")
    return sent


def seed_store(folder: Path) -> Path:
    """Make ``folder`` a data directory with a migrated SQLite store holding the pilot buildings
    (and its key files); transcripts run on copies of it, so each starts clean."""
    from dataclasses import replace

    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    settings = Settings.from_env({"WMS_DATA_DIR": str(folder)})
    bootstrap(replace(settings, database_url=f"sqlite:///{folder / SEED_DB}")).dispose()
    return folder


SEED_DB = "seed.sqlite3"


def run_on_copy(path: Path, seeded: Path, tmp_path: Path, dialog_for: Callable[[object], object]) -> int:
    """Run the transcript at ``path`` on a fresh copy of the ``seeded`` data directory, with the
    dialog ``dialog_for(services)``; every restart in the transcript reopens the store, so nothing
    survives but the database. Returns the number of checks (see :func:`run`)."""
    import shutil
    from dataclasses import replace

    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(seeded, data)  # the database with its key files
    settings = replace(Settings.from_env({"WMS_DATA_DIR": str(data)}), database_url=f"sqlite:///{data / SEED_DB}")
    opened: list = []

    def factory():
        if opened:
            opened[-1].dispose()  # a restart: nothing survives but the database
        services = bootstrap(settings)
        opened.append(services)
        return dialog_for(services).handle  # type: ignore[attr-defined]

    try:
        return run(Transcript.load(path), factory)
    finally:
        for services in opened:
            services.dispose()

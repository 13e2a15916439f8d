"""``wms-bot chat``: talk to the bot in the terminal (the README's run command).

Interactive on a terminal (prompt, history, colours); when standard input is not a
terminal it reads one message per line and prints each answer followed by one empty line.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import uuid
from datetime import datetime
from pathlib import Path

from adapters.terminal.render import inbound, render_all


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="user", default="local-user", metavar="ID",
                        help="your stable user id (default: local-user)")
    parser.add_argument("--name", default=None, help="your name (for your profile)")
    parser.add_argument("--email", default=None, help="your business e-mail (for your profile)")
    parser.add_argument("--now", default=None, metavar="ISO",
                        help="a fixed clock, e.g. 2026-11-23T09:00:00+01:00 (demos and tests)")
    parser.add_argument("--db", default=None, metavar="URL", help="database URL (default: WMS_DATABASE_URL or SQLite)")
    parser.add_argument("--lang", default=None, choices=("nl", "en"),
                        help="language for one-word messages (default: from LANG, else nl)")


def _fixed_clock(raw: str):
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise SystemExit(f"wms-bot chat: --now must be an ISO timestamp like 2026-11-23T09:00:00+01:00, not {raw!r}")
    if value.tzinfo is None:
        from core.clock import AMSTERDAM
        value = value.replace(tzinfo=AMSTERDAM)
    return lambda: value


def _locale(args: argparse.Namespace) -> str:
    if args.lang:
        return args.lang
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if env.lower().startswith("en") else "nl"


def _services(args: argparse.Namespace):
    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    settings = Settings.from_env()
    if args.db:
        settings = dataclasses.replace(settings, database_url=args.db)
    return bootstrap(settings)


def run(args: argparse.Namespace) -> int:
    from bot.runtime import system_clock

    clock = _fixed_clock(args.now) if args.now else system_clock
    from bot.logging_setup import configure_logging

    configure_logging("WARNING")  # the terminal is the conversation: only problems, redacted
    try:
        services = _services(args)
    except Exception as exc:  # settings or database problems: one clear line, no traceback
        from bot.settings import SettingsError
        if isinstance(exc, SettingsError) or type(exc).__name__ == "SchemaNotCurrent":
            print(f"wms-bot chat: {exc}", file=sys.stderr)
        else:
            print(f"wms-bot chat: cannot open the database ({type(exc).__name__}); check --db or WMS_DATABASE_URL",
                  file=sys.stderr)
        return 2
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # binary garbage on a pipe is a message like any other
    from bot.assembly import build_runtime

    runtime = build_runtime(services, clock=clock)
    session = uuid.uuid4().hex[:12]
    locale = _locale(args)
    interactive = sys.stdin.isatty()
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    counter = 0

    def message(line: str):
        nonlocal counter
        counter += 1
        return inbound(line, f"{session}-{counter}", args.user, name=args.name, email=args.email, locale=locale)

    async def answer(line: str) -> str:
        return render_all(await runtime.handle(message(line)), colour=colour)

    loop = asyncio.new_event_loop()
    try:
        if not interactive:
            for raw in sys.stdin:
                print(loop.run_until_complete(answer(raw.rstrip("\r\n"))))
                print(flush=True)
            return 0
        return _interactive(loop, runtime, answer, message, colour, services, locale)
    finally:
        loop.close()
        close = getattr(services, "dispose", None)
        if callable(close):
            close()


def _interactive(loop, runtime, answer, message, colour: bool, services, lang: str) -> int:
    from core.i18n import text

    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        readline = None
    history = None
    data_dir = getattr(getattr(services, "settings", None), "data_dir", None)
    if readline is not None and data_dir is not None:
        history = Path(data_dir) / "chat_history"
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.read_history_file(history)
        except OSError:
            pass
    welcome = loop.run_until_complete(runtime.welcome(message("")))
    print(render_all(welcome, colour=colour))
    stop, who = text(lang, "chat.stop"), text(lang, "chat.prompt")
    print(f"\x1b[2m{stop}\x1b[0m" if colour else stop)
    # \001/\002 tell readline the escape codes take no room, so line editing stays aligned.
    prompt = f"\001\x1b[1m\002{who}>\001\x1b[0m\002 " if colour else f"{who}> "
    try:
        while True:
            try:
                line = input(prompt)
            except EOFError:
                print()
                break
            print(loop.run_until_complete(answer(line)))
            print()
    except KeyboardInterrupt:
        print()
    finally:
        if readline is not None and history is not None:
            try:
                readline.set_history_length(500)
                readline.write_history_file(history)
            except OSError:
                pass
    return 0

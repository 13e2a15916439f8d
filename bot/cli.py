"""The ``wms-bot`` command line. Each sub-command lives in its own module under ``bot.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

# (command module, help) — every module defines ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("bot.commands.parse", "print the frame (SCHEMA.md) for a message"),
    "chat": ("bot.commands.chat", "chat with the bot in the terminal"),
    "serve": ("bot.commands.serve", "run every configured channel (Matrix, Teams) and the night jobs"),
    "migrate": ("bot.commands.migrate", "create or upgrade the database schema"),
    "import": ("bot.commands.importing", "load or update buildings from a data file"),
    "buildings": ("bot.commands.buildings", "list the buildings"),
    "availability": ("bot.commands.availability", "show free desks per building and day"),
    "anonymise": ("bot.commands.anonymise", "anonymise reservations of past days now"),
    "retention": ("bot.commands.retention", "remove personal data past its retention period"),
    "report": ("bot.commands.report", "usage report without personal data"),
    "rotate-key": ("bot.commands.rotate_key", "re-encrypt personal fields with a new key"),
    "teams-package": ("bot.commands.teams_package", "write the Teams app package (zip)"),
}


def build_parser(available: dict[str, object]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wms-bot", description="Find and book a workplace by chat.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in available.items():
        _, help_text = COMMANDS[name]
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)  # type: ignore[attr-defined]
    return parser


def _load(name: str) -> object | None:
    try:
        return importlib.import_module(COMMANDS[name][0])
    except ModuleNotFoundError as exc:
        if exc.name == COMMANDS[name][0]:
            return None  # not built yet
        raise


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Import only the command asked for: `wms-bot parse` must start fast.
    wanted = [a for a in argv if not a.startswith("-")][:1]
    names = [wanted[0]] if wanted and wanted[0] in COMMANDS else list(COMMANDS)
    available = {n: m for n in names if (m := _load(n)) is not None}
    parser = build_parser(available)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    return int(available[args.command].run(args) or 0)  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())

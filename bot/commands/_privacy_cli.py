"""Shared bits of the privacy commands (anonymise, retention, rotate-key)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from core.clock import AMSTERDAM

if TYPE_CHECKING:
    from bot.bootstrap import Services


def parse_now(raw: str | None) -> datetime | None:
    """``--now``: an ISO date-time (naive = Europe/Amsterdam) or a date (its 12:00); None if bad."""
    if raw is None:
        return datetime.now(timezone.utc)
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if len(raw.strip()) == 10:  # a bare date
        value = value.replace(hour=12)
    return value if value.tzinfo is not None else value.replace(tzinfo=AMSTERDAM)


def add_now_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", metavar="ISO", help="act as if it were this moment (default: now)")


def start(command: str, args: argparse.Namespace) -> tuple[datetime, "Services"] | int:
    """Parse ``--now``, quiet the logs and open the store; an exit code when that fails."""
    from bot.bootstrap import command_services
    from bot.logging_setup import configure_logging

    now = parse_now(getattr(args, "now", None))
    if now is None:
        print(f"{command}: --now must be an ISO date-time, not {args.now!r}", file=sys.stderr)
        return 2
    configure_logging("WARNING")
    services = command_services(command)
    if services is None:
        return 2
    return now, services

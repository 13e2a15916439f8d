"""``wms-bot anonymise [--now ISO]``: anonymise the reservations of every past night now.

The same work the scheduler in ``wms-bot serve`` does at ``WMS_ANONYMISE_AT``; idempotent
(a night already done is skipped), catches up on missed nights.
"""

from __future__ import annotations

import argparse
import sys

from bot.commands._privacy_cli import add_now_argument, start


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    from adapters.store.anonymise import anonymise

    started = start("wms-bot anonymise", args)
    if isinstance(started, int):
        return started
    now, services = started
    try:
        privacy = services.privacy
        kwargs = {} if privacy is None else {"at": privacy.anonymise_at,
                                             "min_department_group": privacy.min_department_group}
        report = anonymise(services.engine, now, **kwargs)
    except Exception as exc:  # noqa: BLE001 - an operator message, never a stack trace
        print(f"wms-bot anonymise: failed ({type(exc).__name__}); nothing half-done, run it again",
              file=sys.stderr)
        return 1
    finally:
        services.dispose()
    if not report.nights and not report.skipped:
        print("nothing to do: every past night is anonymised")
    for night in report.nights:
        print(f"night after {night.night.isoformat()}: {night.reservations} reservation(s) anonymised, "
              f"{night.message_records} message record(s) removed")
    for day in report.skipped:
        print(f"night after {day.isoformat()}: already done by another instance")
    return 0

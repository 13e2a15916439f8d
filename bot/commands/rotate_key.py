"""``wms-bot rotate-key``: re-encrypt every personal field with the current key.

Rotation: put the new key in ``WMS_ENCRYPTION_KEY`` and the old one in
``WMS_ENCRYPTION_KEY_OLD`` (comma-separated if several), restart the instances (they read
both keys and write with the new one), run ``wms-bot rotate-key``, then remove
``WMS_ENCRYPTION_KEY_OLD``. Idempotent; one transaction (all or nothing). The night job also
re-encrypts any row still under an old key. Also encrypts rows written before encryption
was switched on.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="only count the rows not yet under the current key")


def run(args: argparse.Namespace) -> int:
    from adapters.store.crypto import DecryptError
    from adapters.store.engine import WRITE_OPTION
    from adapters.store.people import reencrypt_people
    from bot.bootstrap import command_services
    from bot.logging_setup import configure_logging

    configure_logging("WARNING")
    services = command_services("wms-bot rotate-key")
    if services is None:
        return 2
    try:
        with services.engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
            with conn.begin() as tx:
                changed = reencrypt_people(conn)
                if getattr(args, "check", False):
                    tx.rollback()
    except DecryptError as exc:
        print(f"wms-bot rotate-key: {exc}; nothing was changed", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001
        print(f"wms-bot rotate-key: failed ({type(exc).__name__}); nothing was changed", file=sys.stderr)
        return 1
    finally:
        services.dispose()
    if getattr(args, "check", False):
        print(f"{changed} profile(s) not yet under the current key")
    else:
        print(f"re-encrypted {changed} profile(s) with the current key")
    return 0

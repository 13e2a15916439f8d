"""Logging that cannot leak personal data (privacy issue, point 3).

First line of defence: our own code logs no names, e-mail addresses, phone numbers, user ids
or message text (reviewed, and tested by the canary test). Third-party loggers that would
(SQL statements with their parameters, HTTP access lines with paths and query strings, the
chat SDKs' debug output) are capped at WARNING here, whatever the root level is.

Second line: a :class:`RedactingFilter` on the root handler masks anything that still looks
like an e-mail address, a phone number, a Matrix user id (``@user:server``) or a GUID (Entra
object ids, tenant ids) in the formatted message and in exception text.

``configure_logging(level)`` is idempotent; every command that logs calls it once.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

THIRD_PARTY_WARNING = (
    "sqlalchemy",           # sqlalchemy.engine logs statements with parameters at INFO
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "alembic",
    "aiohttp.access",       # request lines: paths and query strings
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.client",
    "nio",                  # room ids, user ids, event ids
    "peewee",
    "microsoft_agents",     # activities, including text and user ids, at DEBUG
    "msal",
    "urllib3",
    "httpx",
    "asyncio",
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Matrix user ids before e-mail addresses: "@user:server.org".
    (re.compile(r"@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::\d+)?"), "<matrix-id>"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "<email>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<guid>"),
    # International (+31 6 1234 5678, 0031...) and Dutch national (06-12345678, 070 123 4567) numbers.
    (re.compile(r"(?<![\w:.\-])(?:\+|00)\d{1,3}[ \-]?(?:\(0\)[ \-]?)?\d(?:[ \-]?\d){6,12}(?![\w\-])"), "<phone>"),
    (re.compile(r"(?<![\w:.\-])0\d(?:[ \-]?\d){8}(?![\w\-])"), "<phone>"),
)


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers, Matrix ids and GUIDs masked."""
    for pattern, mask in _PATTERNS:
        text = pattern.sub(mask, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks personal-looking data in a record's message and exception (see :func:`redact`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, redact(text)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_HANDLER_NAME = "wms-redacting"


def configure_logging(level: str | int = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Set the root level, cap the third-party loggers at WARNING and install one redacting
    handler on the root logger (replaced, not duplicated, on a second call)."""
    root = logging.getLogger()
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    root.setLevel(numeric if isinstance(numeric, int) else logging.INFO)
    for name in THIRD_PARTY_WARNING:
        logging.getLogger(name).setLevel(logging.WARNING)
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    return handler

"""Keep matrix-nio's own logging from leaking personal data.

nio logs room ids, user ids and event ids in its messages (often pre-formatted f-strings),
so filtering arguments is not enough: its loggers are set to WARNING and every record that
still passes is reduced to the level, the logger name and the line, without any text.
The same holds for ``peewee`` (nio's crypto store).
"""

from __future__ import annotations

import logging

_THIRD_PARTY = ("nio", "peewee")


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = f"{record.name} {record.levelname.lower()} at line {record.lineno} (details withheld)"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTER = _Redact()


def quiet_third_party_loggers() -> None:
    """Set nio's and peewee's loggers to WARNING with their messages redacted (idempotent)."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _THIRD_PARTY]
    for name in set(names) | set(_THIRD_PARTY):
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

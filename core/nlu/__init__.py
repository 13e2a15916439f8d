"""Language understanding: a chat message in Dutch or English to a :class:`Frame`.

``parse(text, now, locale)`` is the whole public surface. Importing this package is
cheap: the parser, its vocabulary and compiled rules load at the first call.
"""

from __future__ import annotations

from datetime import datetime

from core.nlu.frame import INTENTS, Frame

__all__ = ["INTENTS", "Frame", "parse"]


def parse(text: str, now: datetime, locale: str | None = None) -> Frame:
    """The frame (SCHEMA.md) of ``text`` as of ``now``; ``locale`` (e.g. ``nl-NL``) decides the
    language only for messages whose words do not (``ok``, ``2``, an emoji).

    Never raises. Messages over ``core.messages.MAX_MESSAGE_CHARS`` give intent ``unknown``.
    """
    from core.nlu.parser import parse as _parse

    return _parse(text, now, locale)

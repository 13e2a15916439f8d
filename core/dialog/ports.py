"""Ports the dialog needs from the outside world (implemented in ``adapters.store``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

STATE_TTL_SECONDS = 30 * 60
"""Conversation state expires after 30 minutes of silence."""


class ConversationStore(Protocol):
    """Dialog state per conversation key, as a JSON-able dict; expired state reads as None."""

    def load(self, key: str, now: datetime) -> dict[str, Any] | None: ...

    def save(self, key: str, state: dict[str, Any], now: datetime) -> None: ...

    def clear(self, key: str) -> None: ...


class MessageLog(Protocol):
    """Handled chat messages (idempotency): the replies given to a message key.

    ``message_key`` is ``<channel>:<message id>``. Records expire after the retention period
    (7 days by default).
    """

    def replies_for(self, message_key: str) -> list[dict[str, Any]] | None:
        """The replies recorded for this message, or None when it was never handled."""
        ...

    def record(self, message_key: str, replies: list[dict[str, Any]], now: datetime) -> bool:
        """Record the replies; False when another handler recorded this key first."""
        ...

"""Translate driver errors into the core's expected store failures (no driver types leak out)."""

from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.booking.ports import Conflict, StoreBusy


def conflict_kind(exc: IntegrityError) -> str:
    """Which uniqueness rule refused: ``message``, ``person``, ``external_id`` or ``desk``."""
    orig = exc.orig
    name = getattr(getattr(orig, "diag", None), "constraint_name", None) or ""
    text = f"{name} {orig}".lower()
    if "idempotency" in text:
        return "message"
    if "external_id" in text or "uq_people" in text or "people_external" in text:
        return "external_id"
    if "person" in text:
        return "person"
    return "desk"


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Raise :class:`Conflict` / :class:`StoreBusy` instead of SQLAlchemy errors."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(conflict_kind(exc)) from None  # type: ignore[arg-type]
    except OperationalError as exc:
        raise StoreBusy(type(exc.orig).__name__) from None
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreBusy("connection lost") from None
        raise

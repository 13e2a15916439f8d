"""The user's rights in chat, pure: the export document, rectification checks, the erasure
plan, and what a paused person (restriction of processing) may still do.

The store (``adapters.store.sharing.SqlPrivacyStore``) carries them out; the dialog
(``core.dialog.privacy_flow``) asks and confirms. Everything is keyed by the person's own
internal id, which only their own stable channel id leads to: user A never acts for user B.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

FIELDS: tuple[str, ...] = ("name", "email", "phone", "department")
Field = Literal["name", "email", "phone", "department"]

EXPORT_FORMAT = "wms-bot export 1"
EXPORT_MEDIA_TYPE = "application/json"

ALLOWED_WHILE_PAUSED: frozenset[str] = frozenset({
    "privacy", "export_data", "delete_data", "resume", "restrict", "help", "lookups", "sharing_status",
    "stop_sharing",
})
"""What a paused person may still ask: their rights, and stopping things (never new processing)."""


# ----------------------------------------------------------------------------- texts

@dataclass(frozen=True)
class PrivacyTexts:
    """The operator's part of the privacy statement (``bot.privacy_text_settings``)."""

    controller: str = ""
    dpo_contact: str = ""
    purpose: str = ""
    legal_basis: str = ""
    retention_profile_days: int = 365
    retention_lookups_days: int = 7
    complaints: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------- rectification

@dataclass(frozen=True, slots=True)
class Rectification:
    """A checked correction: the field and its clean value."""

    field: Field
    value: str


@dataclass(frozen=True, slots=True)
class Invalid:
    """A refused correction; ``reason`` names a catalog key suffix."""

    field: str
    reason: str


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]{6,30}$")
_NAME_CHARS = re.compile(r"^[\w .,'’-]+$")


def _printable(value: str) -> bool:
    return all(unicodedata.category(ch)[0] not in ("C",) for ch in value)


def check_rectification(field_name: str, raw: str | None) -> Rectification | Invalid:
    """Validate a correction of name, e-mail, phone or department (never raises)."""
    if field_name not in FIELDS:
        return Invalid(str(field_name)[:20], "field")
    value = unicodedata.normalize("NFC", str(raw or "")).strip().strip("\"'“”‘’").strip()
    value = re.sub(r"\s+", " ", value).rstrip(".!?")
    if not value:
        return Invalid(field_name, "empty")
    if not _printable(value):
        return Invalid(field_name, "format")
    if field_name == "email":
        value = value.strip("<>")
        if len(value) > 254 or not _EMAIL.match(value):
            return Invalid(field_name, "format")
        local, _, domain = value.rpartition("@")
        return Rectification("email", f"{local}@{domain.lower()}")
    if field_name == "phone":
        if not _PHONE_CHARS.match(value):
            return Invalid(field_name, "format")
        digits = re.sub(r"\D", "", value)
        if not 8 <= len(digits) <= 15:
            return Invalid(field_name, "format")
        return Rectification("phone", ("+" if value.startswith("+") else "") + digits)
    if len(value) > 100:
        return Invalid(field_name, "long")
    if field_name == "name":
        if not _NAME_CHARS.match(value) or not any(ch.isalpha() for ch in value):
            return Invalid(field_name, "format")
        return Rectification("name", value)
    return Rectification("department", value)


# ----------------------------------------------------------------------------- erasure

@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure removed (the confirmation tells the user)."""

    profile: bool = False
    future_reservations: int = 0
    past_reservations_unlinked: int = 0
    grants: int = 0
    lookups: int = 0
    conversation_states: int = 0


ERASURE_PLAN: tuple[str, ...] = ("profile", "future_reservations", "past_links", "grants", "lookups",
                                 "conversation", "restriction")
"""What an erasure removes, in the order the confirmation question lists it (catalog keys
``erase.plan.<item>``)."""


# ----------------------------------------------------------------------------- export

def export_document(*, profile_and_bookings: dict[str, Any], shares: dict[str, Any],
                    lookups_of_me: list[dict[str, Any]], my_lookups: list[dict[str, Any]],
                    paused_since: datetime | None, generated_at: datetime) -> dict[str, Any]:
    """The portable export: all and only the person's data, plus what each part means.

    ``profile_and_bookings`` is the store's export of the profile and the reservations linked to
    the person; ``shares`` their sharing choices (with the names they chose); ``lookups_of_me``
    who looked up their location (the names they may ask for in chat anyway); ``my_lookups``
    whose location they looked up. Data of other people beyond a name the person chose or may
    see is never included (no grants others made, no one else's bookings).
    """
    return {
        "format": EXPORT_FORMAT,
        "generated_at": generated_at.isoformat(),
        "profile": profile_and_bookings.get("profile", {}),
        "reservations": profile_and_bookings.get("reservations", []),
        "location_sharing": shares,
        "location_lookups": {"of_me": lookups_of_me, "by_me": my_lookups},
        "processing_paused_since": paused_since.isoformat() if paused_since else None,
        "notes": {
            "reservations": "Reservations of past days are anonymised the night after the day; "
                            "they are no longer linked to you and so not in this export.",
            "location_lookups": "Kept for 7 days.",
        },
    }


def export_filename(today: date) -> str:
    return f"wms-export-{today.isoformat()}.json"


# ----------------------------------------------------------------------------- port

class RightsPort(Protocol):
    """The store's side of the rights (implemented in ``adapters.store.sharing``)."""

    def export(self, person_id: int, now: datetime) -> dict[str, Any] | None:
        """The export document (see :func:`export_document`), None for an unknown person."""
        ...

    def rectify(self, person_id: int, change: Rectification, now: datetime) -> bool: ...

    def current(self, person_id: int, field_name: str) -> str | None:
        """The stored value of one profile field (to say "that was already so")."""
        ...

    def erase(self, person_id: int, now: datetime) -> ErasureReport: ...

    def erasure_counts(self, person_id: int, now: datetime) -> dict[str, int]:
        """How much an erasure would remove now (future reservations, grants, lookups)."""
        ...

    def paused_since(self, person_id: int) -> datetime | None: ...

    def pause(self, person_id: int, now: datetime) -> bool:
        """Restrict processing; False when it already was."""
        ...

    def resume(self, person_id: int) -> bool:
        """Lift the restriction; False when there was none."""
        ...


__all__ = [
    "ALLOWED_WHILE_PAUSED", "ERASURE_PLAN", "EXPORT_FORMAT", "EXPORT_MEDIA_TYPE", "ErasureReport", "FIELDS",
    "Invalid", "PrivacyTexts", "Rectification", "RightsPort", "check_rectification", "export_document",
    "export_filename",
]

"""Who may read usage reports: the facility managers named in the settings.

A manager is named by the stable id ``<channel>:<id>`` (``matrix:@fm:example.org``,
``teams:<tenant>:<aadObjectId>``), the same key as :attr:`core.messages.Inbound.user_key`.
Never a display name.
"""

from __future__ import annotations

from typing import Iterable


def normalise_manager_id(raw: str) -> str | None:
    """``"matrix:@fm:example.org"`` stays; blanks and ids without a channel give None."""
    value = raw.strip()
    channel, sep, rest = value.partition(":")
    if not sep or not channel or not rest.strip() or channel != channel.strip() or " " in channel:
        return None
    return f"{channel.lower()}:{rest.strip()}"


def is_facility_manager(user_key: str | None, managers: Iterable[str]) -> bool:
    """True when ``user_key`` (``<channel>:<stable id>``) is one of the configured managers.

    The channel part is compared case-insensitively, the id exactly (Matrix ids and Entra
    object ids are case-sensitive identifiers as given).
    """
    if not user_key:
        return False
    key = normalise_manager_id(user_key)
    if key is None:
        return False
    return key in {m for m in (normalise_manager_id(x) for x in managers) if m}

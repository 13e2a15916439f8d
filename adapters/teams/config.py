"""The Teams channel's configuration (parsed from ``WMS_TEAMS_*`` by ``bot.teams_channel``).

Kept apart from the endpoint so reading settings does not import the Agents SDK.
"""

from __future__ import annotations

from dataclasses import dataclass

from .auth import BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_OPENID_URL, Credentials


@dataclass(frozen=True)
class TeamsConfig:
    """Everything the endpoint needs, parsed from ``WMS_TEAMS_*`` by :mod:`bot.teams_channel`."""

    app_id: str
    tenant_id: str | None
    card_key: bytes
    anonymous: bool = False
    openid_url: str = BOT_FRAMEWORK_OPENID_URL
    issuers: tuple[str, ...] = (BOT_FRAMEWORK_ISSUER,)
    credentials: Credentials | None = None

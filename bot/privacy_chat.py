"""Wiring of the privacy flows (rights in chat, location sharing) into the dialog.

``Dialog(services.booking, services.conversations, **privacy_dialog_parts(services))``
gives the dialog the rights flows, the sharing flows and the hook that reads rights phrases
and keeps paused people from processing. ``team_port`` replaces the interim room-based teams
(:class:`adapters.store.sharing.RoomTeams`) once managed teams exist.
"""

from __future__ import annotations

from typing import Any

from adapters.store.sharing import RoomTeams, SqlPrivacyStore
from bot.bootstrap import Services
from bot.privacy_text_settings import load_privacy_texts
from core.dialog.privacy_flow import privacy_parts
from core.privacy.sharing import TeamPort


def privacy_dialog_parts(services: Services, team_port: TeamPort | None = None) -> dict[str, Any]:
    """Keyword arguments for :class:`core.dialog.engine.Dialog`: ``flows`` and ``hooks``."""
    store = SqlPrivacyStore(services.engine)
    retention = services.privacy.retention if services.privacy is not None else None
    flows, hook = privacy_parts(rights=store, sharing=store, teams=team_port or RoomTeams(store),
                                texts=load_privacy_texts(services.settings, retention))
    return {"flows": flows, "hooks": [hook]}

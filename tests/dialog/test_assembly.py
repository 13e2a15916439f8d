"""The composed bot (bot.assembly) has every feature the entry points promise."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.assembly import build_runtime
from bot.bootstrap import bootstrap
from bot.settings import Settings
from core.messages import Inbound, Sender

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


async def test_chat_and_serve_runtime_has_privacy_usage_and_team_flows(tmp_path):
    settings = dataclasses.replace(Settings.from_env({"WMS_DATA_DIR": str(tmp_path)}))
    services = bootstrap(settings)
    try:
        runtime = build_runtime(services, clock=lambda: NOW)
        said = []
        for n, text in enumerate(["boek morgen een plek op de Turfmarkt", "privacy", "export my data",
                                  "deel mijn locatie met iedereen", "ik ben er"]):
            inbound = Inbound(channel="test", conversation_id="c1", message_id=f"m{n}",
                              sender=Sender(user_id="assembly-user"), text=text, locale="nl-NL")
            said.append(await runtime.handle(inbound))
        assert "Geboekt" in said[0][-1].text
        assert "Privacyverklaring" in said[1][-1].text          # the statement, not "coming soon"
        assert said[2][-1].attachments and said[2][-1].attachments[0].media_type == "application/json"
        assert "iedereen" in said[3][-1].text or "everyone" in said[3][-1].text
        assert "inchecken" in said[4][-1].text.lower() or "check" in said[4][-1].text.lower()
    finally:
        services.dispose() if hasattr(services, "dispose") else services.engine.dispose()

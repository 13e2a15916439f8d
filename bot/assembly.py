"""One place that composes the dialog with every feature: booking (core), privacy rights and
sharing, team coordination, and check-in/usage. Every entry point (chat, serve, tests, benches)
builds its runtime here, so no channel can end up with a smaller bot."""

from __future__ import annotations

from typing import Any, Callable

from bot.bootstrap import Services
from bot.runtime import Runtime
from core.dialog.engine import Dialog


def dialog_parts(services: Services) -> dict[str, Any]:
    """``flows`` and ``hooks`` for :class:`Dialog` from every feature, in precedence order."""
    from adapters.store.usage import SqlUsage
    from bot.privacy_chat import privacy_dialog_parts
    from bot.team_chat import team_dialog_parts, team_store
    from bot.usage_settings import UsageSettings
    from core.usage.chat import usage_flows

    flows: dict[str, Any] = {}
    hooks: list[Any] = []
    usage_settings = UsageSettings.from_settings(services.settings)
    usage = SqlUsage(services.engine, managers=usage_settings.facility_managers,
                     min_cell=usage_settings.min_cell, release_times=usage_settings.auto_release,
                     cache=services.uow_factory.cache, max_days=usage_settings.max_days)
    flows.update(usage_flows(usage, usage_settings.facility_managers, max_days=usage_settings.max_days))
    team = team_dialog_parts(services)
    flows.update(team["flows"])
    # Privacy last among flows and first among hooks: a paused person gets nothing but their rights,
    # and "find colleague" / sharing answers always go through the sharing rules.
    privacy = privacy_dialog_parts(services, team_port=team_store(services))
    flows.update(privacy["flows"])
    hooks.extend(privacy["hooks"])
    hooks.extend(team["hooks"])
    return {"flows": flows, "hooks": hooks}


def build_dialog(services: Services) -> Dialog:
    """The complete dialog on these services."""
    return Dialog(services.booking, services.conversations, **dialog_parts(services))


def build_runtime(services: Services, clock: Callable[[], Any] | None = None) -> Runtime:
    """The complete runtime (idempotent, ordered turns) on these services."""
    dialog = build_dialog(services)
    threads = services.settings.turn_threads
    if clock is None:
        return Runtime(dialog, services.messages, threads=threads)
    return Runtime(dialog, services.messages, clock=clock, threads=threads)

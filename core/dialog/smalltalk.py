"""Help, the welcome, the fallback for what isn't understood, and features still to come."""

from __future__ import annotations

from core.dialog.turn import Turn
from core.i18n import text
from core.messages import Reply

LATER = ("find_colleague", "share_location", "stop_sharing", "team_day", "check_in", "check_out",
         "export_data", "delete_data")


def welcome_lines(lang: str) -> list[str]:
    return [text(lang, "welcome"), text(lang, "welcome.privacy")]


def welcome(lang: str) -> Reply:
    """The first-contact welcome (also sent on install events)."""
    return Reply(text="\n".join(welcome_lines(lang) + [text(lang, "welcome.try")]), lang=lang)


def help_lines(turn: Turn) -> list[str]:
    return [turn.t(k) for k in ("help.intro", "help.book", "help.team", "help.list", "help.cancel",
                                "help.undo", "help.availability", "help.privacy")]


def help_reply(turn: Turn) -> list[Reply]:
    return [turn.reply(*help_lines(turn))]


def fallback(turn: Turn, *prefix: str) -> list[Reply]:
    return [turn.reply(*prefix, turn.t("fallback"), turn.t("fallback.example"))]


def empty(turn: Turn) -> list[Reply]:
    return [turn.reply(turn.t("empty"), turn.t("fallback"), turn.t("fallback.example"))]


def expired(turn: Turn) -> list[Reply]:
    return [turn.reply(turn.t("expired"))]


def later(turn: Turn) -> list[Reply]:
    return [turn.reply(turn.t(f"later.{turn.frame.intent}"))]


def privacy(turn: Turn) -> list[Reply]:
    return [turn.reply(turn.t("privacy.statement"))]

"""Usage in the conversation: check-in, check-out and the facility manager's question
("hoe druk was het vorige week op de Turfmarkt?"), as flows the dialog plugs in:

    Dialog(booking, conversations, flows=usage_flows(usage, managers))

``check_in``/``check_out`` act on the sender's own booking of today. ``availability`` is
wrapped: a facility manager asking about a past period (``report_period``) gets the usage
summary with the chart; anyone else asking about the past is told the figures are for
facility managers; everything else goes to the ordinary availability flow.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Mapping, Sequence

from core.dialog.turn import Flow, Turn
from core.messages import Reply
from core.usage.port import UsagePort
from core.usage.request import ReportProblem
from core.usage.roles import is_facility_manager
from core.usage.wording import check_in_text, check_out_text, problem_text, t

# Past periods, per language, as data: (pattern, kind). Only periods that have ended: "deze week"
# is an ordinary availability question for everyone else.
_PERIODS: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        (r"\b(vorige|afgelopen|verleden) week\b", "last_week"),
        (r"\b(vorige|afgelopen|verleden) maand\b", "last_month"),
        (r"\bgisteren\b", "yesterday"),
        (r"\b(vorig|afgelopen|verleden) jaar\b", "last_year"),
        (r"\b(de )?(afgelopen|laatste) (?P<n>\d{1,3}) (dagen|werkdagen)\b", "days"),
        (r"\b(de )?(afgelopen|laatste) (?P<n>\d{1,2}) weken\b", "weeks"),
    ),
    "en": (
        (r"\b(last|past|previous) week\b", "last_week"),
        (r"\b(last|past|previous) month\b", "last_month"),
        (r"\byesterday\b", "yesterday"),
        (r"\b(last|past|previous) year\b", "last_year"),
        (r"\b(the )?(last|past) (?P<n>\d{1,3}) (days|working days)\b", "days"),
        (r"\b(the )?(last|past) (?P<n>\d{1,2}) weeks\b", "weeks"),
    ),
}


def report_period(text: str, today: date) -> tuple[date, date] | None:
    """The past period a message asks about (inclusive), or None. Both languages are tried."""
    said = " ".join(text.lower().split())
    for rules in _PERIODS.values():
        for pattern, kind in rules:
            m = re.search(pattern, said)
            if m:
                return _resolve(kind, m, today)
    return None


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date, date] | None:
    monday = today - timedelta(days=today.weekday())
    if kind == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if kind == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    first = today.replace(day=1)
    if kind == "last_month":
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    if kind == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    n = int(m.group("n"))
    if n <= 0:
        return None
    days = n if kind == "days" else 7 * n
    return today - timedelta(days=days), today - timedelta(days=1)


def _reply(turn: Turn, text: str, **kw) -> list[Reply]:  # type: ignore[no-untyped-def]
    return [Reply(text=text, lang=turn.lang, closes_question=True, **kw)]


def usage_flows(usage: UsagePort, managers: Sequence[str], base: Mapping[str, Flow] | None = None,
                max_days: int = 1098) -> dict[str, Flow]:
    """The flows for ``check_in``, ``check_out`` and the wrapped ``availability``.

    ``base`` is the dialog's own flow table (``core.dialog.engine.FLOWS``) for the fallback.
    """
    if base is None:
        from core.dialog.engine import FLOWS as base  # noqa: N811 - the dialog's own table
    ordinary = base.get("availability")

    def check_in(turn: Turn) -> list[Reply]:
        return _reply(turn, check_in_text(usage.check_in(turn.inbound.user_key, turn.now), turn.lang))

    def check_out(turn: Turn) -> list[Reply]:
        return _reply(turn, check_out_text(usage.check_out(turn.inbound.user_key, turn.now), turn.lang))

    def availability(turn: Turn) -> list[Reply]:
        period = report_period(turn.inbound.text or "", turn.today)
        dates = [date.fromisoformat(d) if isinstance(d, str) else d for d in (turn.frame.dates or ())]
        if period is None and dates and max(dates) < turn.today:
            period = (min(dates), max(dates))
        if period is None:
            if ordinary is not None and ordinary.start is not None:
                return ordinary.start(turn)
            return []
        if not is_facility_manager(turn.inbound.user_key, managers):
            return _reply(turn, t(turn.lang, "summary.not_allowed"))
        buildings = _buildings(turn, turn.frame.location)
        replies: list[Reply] = []
        for building_id in buildings:
            s = usage.summary(turn.inbound.user_key, building_id, period[0], period[1], turn.now, turn.lang)
            if not s.ok:
                problem = s.problem or ReportProblem.ERROR
                return _reply(turn, problem_text(problem, turn.lang, max_days))
            replies += _reply(turn, s.text, attachments=(s.chart,) if s.chart else ())
        return replies

    flows = {"check_in": Flow(start=check_in), "check_out": Flow(start=check_out)}
    if ordinary is not None:
        flows["availability"] = Flow(start=availability, confirmed=ordinary.confirmed, declined=ordinary.declined,
                                     picked=ordinary.picked, filled=ordinary.filled)
    else:
        flows["availability"] = Flow(start=availability)
    return flows


def _buildings(turn: Turn, location: str | None) -> list[str | None]:
    """A building id, every building of a named city (at most five), or all buildings (None)."""
    if not location:
        return [None]
    if location.startswith("city:"):
        from core.booking.catalogue import slug

        city = location.removeprefix("city:")
        ids = [b.id for b in turn.booking.buildings() if slug(b.city) == city]
        return ids[:5] or [None]
    return [location]

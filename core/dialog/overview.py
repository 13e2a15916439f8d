"""Showing things: the user's upcoming bookings and free desks per day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.booking.api import BookingResult
from core.dialog import booking_flow, render
from core.dialog import want as wants
from core.dialog.state import Question
from core.dialog.turn import Turn
from core.messages import Reply

AVAILABILITY_DAYS = 5
MAX_LINES = 12
MAX_BOOK_CHOICES = 5


def bookings(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    upcoming = turn.booking.upcoming(turn.person_id, turn.now)
    asked = set(wants.dates(want))
    if asked:
        upcoming = tuple(b for b in upcoming if b.day in asked)
    if not upcoming:
        return [turn.reply(turn.t("list.none"), card=render.card(turn, "bookings", "done"))]
    lines = [turn.t("list.intro")] + [render.booking_line(turn, b) for b in upcoming[:MAX_LINES * 2]]
    card = render.card(turn, "bookings", "done", items=[render.booking_item(turn, b) for b in upcoming])
    return [turn.reply(*lines, card=card)]


def _default_days(turn: Turn):
    """Today and the next working days (a week's worth of weekdays)."""
    out, d = [], turn.today
    while len(out) < AVAILABILITY_DAYS:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return tuple(out)


def availability(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    if not want.get("location"):
        last = turn.booking.last_building(turn.person_id)
        if last:
            want["location"] = last
    if not want.get("location"):
        labels, options = [], []
        for b in sorted(render.buildings_in(turn), key=lambda b: (b.city, b.name)):
            labels.append(b.name)
            options.append({"location": b.id})
        q = Question(kind="pick", action="availability", slot="location", want=want, options=options)
        return [turn.ask(q, turn.t("ask.availability_building"), choices=render.numbered(labels))]
    days = wants.dates(want) or _default_days(turn)
    result = turn.booking.availability(wants.availability_query(want, days), turn.now)
    if result.refusal is not None:
        return [turn.reply(render.refusal(turn, BookingResult(ok=False, refusal=result.refusal,
                                                              detail=result.detail), dict(want)))]
    if not result.days:
        return [turn.reply(turn.t("avail.none"))]
    lines: list[str] = []
    items: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = []
    labels: list[str] = []
    by_building: dict[str, list] = {}
    for day_av in result.days:
        by_building.setdefault(day_av.building_id, []).append(day_av)
    for building_id, day_list in by_building.items():
        lines.append(turn.t("avail.intro", building=render.place(turn, building_id)))
        for av in sorted(day_list, key=lambda a: a.day)[:MAX_LINES]:
            day_text = render.one_day(turn, av.day)
            if av.closed_reason:
                line = turn.t("avail.closed", day=day_text, reason=render.reason(turn, av.closed_reason))
            elif av.free_desks <= 0 or not av.fits:
                line = turn.t("avail.full", day=day_text)
            else:
                line = turn.t("avail.line", day=day_text, free=av.free_desks, total=av.total_desks)
            lines.append(line)
            if not av.closed_reason and av.free_desks > 0 and av.fits:
                if len(options) < MAX_BOOK_CHOICES and av.day >= turn.today:
                    if len(by_building) > 1:
                        labels.append(turn.t("choice.book_day_at", day=day_text, building=render.place(turn, building_id)))
                    else:
                        labels.append(turn.t("choice.book_day", day=day_text))
                    options.append({"location": building_id, "dates": [av.day.isoformat()]})
            many = len(by_building) > 1
            items.append({"text": turn.t("avail.item", building=render.place(turn, building_id), line=line) if many else line,
                          "building_id": building_id, "building": render.place(turn, building_id),
                          "day": av.day.isoformat(), "day_text": day_text, "free": av.free_desks,
                          "total": av.total_desks, "fits": av.fits, "closed_reason": av.closed_reason})
    card = render.card(turn, "availability", "open" if options else "done", items=items)
    if not options:
        return [turn.reply(*lines, card=card)]
    book_want = {k: v for k, v in want.items() if k in ("time", "count", "together", "team", "features")}
    q = Question(kind="pick", action=booking_flow.ACTION, slot="day", want=book_want, options=options)
    return [turn.ask(q, *lines, turn.t("avail.pick"), choices=render.numbered(labels), card=card)]


def picked_building(turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
    turn.close_question()
    return availability(turn, dict(q.want, location=option.get("location")))

"""Cancelling, moving and undoing bookings; several matches are disambiguated by number."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.booking.api import BookingResult, CancelResult, Refusal
from core.booking.model import Booking
from core.dialog import booking_flow, render
from core.dialog import want as wants
from core.dialog.state import Question
from core.dialog.turn import Turn
from core.messages import Reply

MAX_PICK = 9


def _pick(turn: Turn, action: str, bookings: tuple[Booking, ...], want: dict[str, Any], prompt_key: str) -> Reply:
    order = {"morning": 0, "afternoon": 1}
    shown = sorted(bookings, key=lambda b: (b.day, min((order.get(p.value, 2) for p in b.parts), default=2)))[:MAX_PICK]
    options = [{"reservation_ids": list(b.reservation_ids), "day": b.day.isoformat()} for b in shown]
    labels = [render.booking_line(turn, b) for b in shown]
    if action == "cancel" and len(shown) > 1:
        options.append({"reservation_ids": [i for b in shown for i in b.reservation_ids]})
        labels.append(turn.t("choice.all", count=len(shown)))
    q = Question(kind="pick", action=action, slot="booking", want=want, options=options)
    return turn.ask(q, turn.t(prompt_key), choices=render.numbered(labels),
                    card=render.card(turn, "choices", "open", items=[render.booking_item(turn, b) for b in shown]))


# -- cancel ---------------------------------------------------------------------------------
def start_cancel(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    days = wants.dates(want)
    if not days:
        upcoming = turn.booking.upcoming(turn.person_id, turn.now)
        if not upcoming:
            return [turn.reply(turn.t("list.none"))]
        if len(upcoming) == 1:
            b = upcoming[0]
            q = Question(kind="confirm", action="cancel", want={"reservation_ids": list(b.reservation_ids)})
            return [turn.ask(q, turn.t("cancel.confirm", booking=render.booking_line(turn, b)),
                             choices=render.yes_no(turn),
                             card=render.card(turn, "confirm", "open", items=[render.booking_item(turn, b)]))]
        return [_pick(turn, "cancel", upcoming, want, "cancel.pick")]
    cancelled: list[Booking] = []
    lines: list[str] = []
    for d in days:
        result = turn.booking.cancel(turn.person_id, d, turn.now)
        if result.ok:
            cancelled.extend(result.cancelled)
        elif result.refusal is Refusal.AMBIGUOUS and result.candidates and len(days) == 1:
            return [_pick(turn, "cancel", result.candidates, want, "cancel.pick")]
        else:
            lines.append(_cancel_refusal(turn, result, d))
    return [_cancelled(turn, cancelled, lines)]


def _cancel_refusal(turn: Turn, result: CancelResult, d: date) -> str:
    return render.refusal(turn, BookingResult(ok=False, refusal=result.refusal or Refusal.NOT_FOUND,
                                              refused_dates=(d,)), {})


def _cancelled(turn: Turn, cancelled: list[Booking], lines: list[str]) -> Reply:
    out = []
    if cancelled:
        out.append(turn.t("cancel.done"))
        out.extend(render.booking_line(turn, b) for b in cancelled)
        gone = {i for b in cancelled for i in b.reservation_ids}
        if turn.state.undo and set(turn.state.undo.get("reservation_ids") or ()) <= gone:
            turn.state.undo = None
    card = render.card(turn, "bookings", "cancelled", title_key="card.title.cancelled",
                       items=[render.booking_item(turn, b) for b in cancelled]) if cancelled else None
    return turn.reply(*out, *lines, card=card, closes=True)


def cancel_ids(turn: Turn, ids: list[int]) -> list[Reply]:
    result = turn.booking.cancel(turn.person_id, None, turn.now, reservation_ids=tuple(int(i) for i in ids))
    if result.ok:
        return [_cancelled(turn, list(result.cancelled), [])]
    return [turn.reply(turn.t("refusal.not_found.any"), closes=True)]


# -- undo -----------------------------------------------------------------------------------
def undo(turn: Turn) -> list[Reply]:
    offer = turn.state.undo or {}
    turn.state.undo = None
    turn.close_question()
    ids = tuple(int(i) for i in offer.get("reservation_ids") or ())
    if not ids:
        return [turn.reply(turn.t("expired"))]
    result = turn.booking.cancel(turn.person_id, None, turn.now, reservation_ids=ids)
    if not result.ok or not result.cancelled:
        return [turn.reply(turn.t("undo.gone"), closes=True)]
    days = sorted({b.day for b in result.cancelled})
    text = turn.t("undone", building=render.place(turn, result.cancelled[0].building_id),
                  days=render.when(turn, days))
    card = render.card(turn, "booked", "cancelled", items=[render.booking_item(turn, b) for b in result.cancelled])
    return [turn.reply(text, card=card, closes=True)]


# -- move -----------------------------------------------------------------------------------
def start_move(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    if not wants.dates(want) and not want.get("reservation_ids"):
        upcoming = turn.booking.upcoming(turn.person_id, turn.now)
        if not upcoming:
            return [turn.reply(turn.t("list.none"))]
        if len(upcoming) > 1:
            return [_pick(turn, "move", upcoming, want, "move.pick")]
        want = dict(want, reservation_ids=list(upcoming[0].reservation_ids), dates=[upcoming[0].day.isoformat()])
    return _move(turn, want)


def _move(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    from_days = wants.dates(want)
    to_days = wants.dates(want, "to_dates")
    location = want.get("location")
    if not to_days and not location:
        q = Question(kind="slot", action="move", slot="to_date", want=want)
        day_text = render.when(turn, from_days)
        return [turn.ask(q, turn.t("ask.move_to", day=day_text))]
    result = turn.booking.move(
        turn.person_id, from_days[0] if from_days else None, turn.now,
        to_day=to_days[0] if to_days else None,
        to_where=wants.where(location) if location else None,
        reservation_ids=tuple(int(i) for i in want.get("reservation_ids") or ()),
        source_message_id=turn.source_id,
    )
    if result.ok and result.bookings:
        lines = [turn.t("move.done")] + [render.booking_line(turn, b) for b in result.bookings]
        card = render.card(turn, "booked", "moved", items=[render.booking_item(turn, b) for b in result.bookings])
        turn.close_question()
        return [turn.reply(*lines, card=card, closes=True)]
    if result.refusal is Refusal.AMBIGUOUS and result.candidates:
        return [_pick(turn, "move", result.candidates, want, "move.pick")]
    explain = dict(want, dates=[d.isoformat() for d in (to_days or from_days)])
    if not explain.get("location"):
        explain["location"] = _building_of(turn, from_days, want)
    if result.refusal is Refusal.NOT_FOUND:
        explain = dict(want, dates=[d.isoformat() for d in from_days])
    lines = [render.refusal(turn, result, explain)]
    if result.alternatives and result.refusal in (Refusal.NOTHING_FREE, Refusal.TAKEN, Refusal.CLOSED):
        alts = result.alternatives[:booking_flow.MAX_ALTERNATIVES]
        options = [{"to_dates": [a.dates[0].isoformat()] if a.dates else [], "location": a.building_id} for a in alts]
        labels = [render.alternative_label(turn, a) for a in alts]
        q = Question(kind="pick", action="move", slot="alternative", want=want, options=options)
        return [turn.ask(q, *lines, turn.t("alternatives.intro"), choices=render.numbered(labels))]
    turn.close_question()
    return [turn.reply(*lines, closes=True)]


def _building_of(turn: Turn, from_days: tuple[date, ...], want: dict[str, Any]) -> str | None:
    """The building of the booking being moved (to name it in a refusal)."""
    ids = set(want.get("reservation_ids") or ())
    for b in turn.booking.upcoming(turn.person_id, turn.now):
        if (ids and ids & set(b.reservation_ids)) or (not ids and b.day in from_days):
            return b.building_id
    return None


# -- answers ----------------------------------------------------------------------------------
def confirmed(turn: Turn, q: Question) -> list[Reply]:
    turn.close_question()
    if q.action == "cancel":
        return cancel_ids(turn, q.want.get("reservation_ids") or [])
    return _move(turn, q.want)


def declined(turn: Turn, q: Question) -> list[Reply]:
    turn.close_question()
    return [turn.reply(turn.t("cancel.kept") if q.action == "cancel" else turn.t("okay_dropped"), closes=True)]


def picked(turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
    turn.close_question()
    if q.action == "cancel":
        return cancel_ids(turn, option.get("reservation_ids") or [])
    want = dict(q.want)
    if q.slot == "alternative":
        want["to_dates"] = option.get("to_dates") or want.get("to_dates")
        if option.get("location") and option["location"] != want.get("location"):
            want["location"] = option["location"]
    else:
        want["reservation_ids"] = option.get("reservation_ids") or []
        want["dates"] = [option["day"]] if option.get("day") else want.get("dates")
    return _move(turn, want)


def filled(turn: Turn, q: Question) -> list[Reply]:
    turn.close_question()
    return _move(turn, q.want)

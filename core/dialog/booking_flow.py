"""Booking: fill what is missing (one question at a time), book at once or confirm first.

A single desk on a single day is booked at once with an undo offer; more desks, more days
or a team booking are summarised and confirmed first. When nothing fits, the service's
ranked alternatives are offered as numbered choices.
"""

from __future__ import annotations

from typing import Any

from core.booking.api import BookingResult, Refusal
from core.booking.model import BOTH_PARTS
from core.dialog import render
from core.dialog import want as wants
from core.dialog.state import Question
from core.dialog.turn import Turn
from core.messages import Choice, Reply

ACTION = "book"
MAX_ALTERNATIVES = 4


def start(turn: Turn, want: dict[str, Any]) -> list[Reply]:
    """A new booking request from the frame."""
    prefix: list[str] = []
    if _bare(turn, want):
        # A lone "vrijdag" with no open question may answer a question that expired:
        # confirm rather than book at once somewhere the user may not mean.
        want["confirm"] = True
    if not wants.dates(want) and getattr(turn.frame, "past_dates", None):
        # "boek gisteren": say the day has passed instead of asking as if none was named.
        d_text = render.when(turn, sorted(turn.frame.past_dates))
        prefix.append(turn.t("refusal.past", days=d_text[:1].upper() + d_text[1:]))
    if not want.get("location") and turn.frame.raw_location:
        prefix.append(turn.t("unknown_building", name=turn.frame.raw_location[:60]))
        return [ask_building(turn, want, prefix)]
    return proceed(turn, want, prefix)


def proceed(turn: Turn, want: dict[str, Any], prefix: list[str] | None = None) -> list[Reply]:
    """Ask for the next missing slot, or confirm, or book."""
    prefix = list(prefix or [])
    if not want.get("location"):
        last = turn.booking.last_building(turn.person_id)
        if last:
            want["location"] = last
            want["usual"] = True
    if not wants.dates(want):
        key = "ask.date.where" if want.get("location") else "ask.date"
        q = Question(kind="slot", action=ACTION, slot="date", want=want)
        return [turn.ask(q, *prefix, turn.t(key, what=render.what(turn, want),
                                            building=render.place(turn, want.get("location"))))]
    location = want.get("location")
    if not location:
        return [ask_building(turn, want, prefix)]
    if location.startswith(wants.CITY_PREFIX) and not want.get("any_in_city"):
        return [ask_building(turn, want, prefix, city=location[len(wants.CITY_PREFIX):])]
    if want.get("team") and not want.get("count"):
        q = Question(kind="slot", action=ACTION, slot="count", want=want)
        return [turn.ask(q, *prefix, turn.t("ask.count"))]
    if wants.is_single(want) and not want.get("confirm"):
        return book(turn, want, prefix)
    return [confirm(turn, want, prefix)]


def _bare(turn: Turn, want: dict[str, Any]) -> bool:
    """Only a day, in a word or two ("vrijdag", "morgen middag"): no booking words at all.
    (A lone place is harmless: the date question follows anyway.)"""
    said = set(want) - {"intent"}
    return len(turn.inbound.text.split()) <= 2 and "dates" in said and said <= {"dates", "time"}


def ask_building(turn: Turn, want: dict[str, Any], prefix: list[str], city: str | None = None) -> Reply:
    """Which building: the city's buildings plus "any", or every building; the last one first."""
    options: list[dict[str, Any]] = []
    labels: list[str] = []
    last = turn.booking.last_building(turn.person_id)
    buildings = render.buildings_in(turn, city)
    ordered = sorted(buildings, key=lambda b: (b.id != last, b.city, b.name))
    for b in ordered:
        options.append({"location": b.id})
        labels.append(turn.t("choice.same_as_last", building=b.name) if b.id == last else b.name)
    if city:
        options.append({"location": wants.CITY_PREFIX + city, "any_in_city": True})
        labels.append(turn.t("choice.any"))
        prompt = turn.t("ask.building.city", city=render.city_name(turn, city))
    else:
        prompt = turn.t("ask.building", what=render.what(turn, want))
    want = {k: v for k, v in want.items() if k not in ("usual",)}
    q = Question(kind="pick", action=ACTION, slot="location", want=want, options=options)
    # A building button says the building's name: pressed on an old card it starts a request
    # for that building instead of answering whatever question is open by then.
    names = [b.name for b in ordered]
    choices = tuple(Choice(label, names[i] if i < len(names) else str(i + 1)) for i, label in enumerate(labels))
    return turn.ask(q, *prefix, prompt, choices=choices,
                    card=render.card(turn, "choices", "open", items=[{"label": l} for l in labels]))


def confirm(turn: Turn, want: dict[str, Any], prefix: list[str]) -> Reply:
    summary = turn.t("confirm.book", what=render.what(turn, want), building=render.place(turn, want.get("location")),
                     days=render.when(turn, wants.dates(want)), part=render.part(want.get("time"), turn.lang))
    facts = [[turn.t("fact.what"), render.what(turn, want)],
             [turn.t("fact.building"), render.place(turn, want.get("location"))],
             [turn.t("fact.days"), render.when(turn, wants.dates(want))],
             [turn.t("fact.part"), render.part(want.get("time"), turn.lang)]]
    q = Question(kind="confirm", action=ACTION, want=want)
    return turn.ask(q, *prefix, summary, choices=render.yes_no(turn),
                    card=render.card(turn, "confirm", "open", facts=facts))


def book(turn: Turn, want: dict[str, Any], prefix: list[str] | None = None) -> list[Reply]:
    request = wants.booking_request(want, turn.person_id, turn.source_id)
    result = turn.booking.book(request, turn.now)
    return [outcome(turn, result, want, prefix or [])]


def outcome(turn: Turn, result: BookingResult, want: dict[str, Any], prefix: list[str]) -> Reply:
    """The reply to a booking result: booked (with undo), alternatives, or the reason."""
    if result.ok and result.bookings:
        return booked(turn, result, want, prefix)
    lines = prefix + [render.refusal(turn, result, want)]
    rest = _remaining_days(result, want)
    if rest:
        # Some of several days can't be booked (closed, past, too far, already booked):
        # offer the others rather than nothing.
        q = Question(kind="confirm", action=ACTION, want=dict(want, dates=[d.isoformat() for d in rest]))
        offer = turn.t("partial.offer", what=render.what(turn, want), days=render.when(turn, rest))
        return turn.ask(q, *lines, offer, choices=render.yes_no(turn),
                        card=render.card(turn, "confirm", "open"))
    if result.alternatives and result.refusal in (Refusal.NOTHING_FREE, Refusal.TAKEN, Refusal.CLOSED):
        return offer_alternatives(turn, result, want, lines)
    if result.refusal is Refusal.NOTHING_FREE:
        lines.append(turn.t("alternatives.none"))
    return turn.reply(*lines, closes=True)


_PER_DAY = (Refusal.PAST, Refusal.BEYOND_HORIZON, Refusal.CLOSED, Refusal.ALREADY_BOOKED)


def _remaining_days(result: BookingResult, want: dict[str, Any]):
    asked = wants.dates(want)
    if result.refusal not in _PER_DAY or not result.refused_dates or len(asked) < 2:
        return ()
    return tuple(d for d in asked if d not in set(result.refused_dates))


def _mine_clash(turn: Turn, alts) -> set[int]:
    """Alternatives on a day and part where the user already has a desk (they would fail:
    the requester holds the first seat of any booking)."""
    if not alts:
        return set()
    held = {(b.day, p) for b in turn.booking.upcoming(turn.person_id, turn.now) for p in b.parts}
    clash = set()
    for i, a in enumerate(alts):
        parts = (a.request.part,) if a.request.part else BOTH_PARTS
        if any((d, p) in held for d in a.dates for p in parts):
            clash.add(i)
    return clash


def offer_alternatives(turn: Turn, result: BookingResult, want: dict[str, Any], lines: list[str]) -> Reply:
    candidates = result.alternatives
    clash = _mine_clash(turn, candidates)
    alts = tuple(a for i, a in enumerate(candidates) if i not in clash)[:MAX_ALTERNATIVES]
    if not alts:
        return turn.reply(*lines, turn.t("alternatives.none"), closes=True)
    options = [{"request": wants.request_to_dict(a.request), "location": a.building_id} for a in alts]
    labels = [render.alternative_label(turn, a) for a in alts]
    q = Question(kind="pick", action=ACTION, slot="alternative", want=want, options=options)
    return turn.ask(q, *lines, turn.t("alternatives.intro"), choices=render.numbered(labels),
                    card=render.card(turn, "choices", "open", items=[{"label": l} for l in labels]))


def booked(turn: Turn, result: BookingResult, want: dict[str, Any], prefix: list[str]) -> Reply:
    bookings = result.bookings
    first = bookings[0]
    building = render.place(turn, first.building_id)
    ids = sorted({i for b in bookings for i in b.reservation_ids})
    days = sorted({b.day for b in bookings})
    lines = list(prefix)
    if result.replayed:
        lines.append(turn.t("booked.replayed"))
    if len(bookings) == 1:
        lines.append(turn.t("booked.one", desk=render.desk(turn, first), building=building,
                            day=render.one_day(turn, first.day), part=render.parts(turn, first.parts)))
        has = render.features(turn, first.features)
        if has:
            lines.append(turn.t("booked.features", features=has))
    else:
        group_want = dict(want, count=len({b.desk_id for b in bookings if b.day == days[0]}))
        lines.append(turn.t("booked.many", what=render.what(turn, group_want), building=building,
                            days=render.when(turn, days), part=render.parts(turn, first.parts)))
        codes = sorted({b.desk_code for b in bookings})
        lines.append(turn.t("booked.desks", desks=", ".join(codes)))
    if want.get("usual") and not result.replayed:
        lines.append(turn.t("booked.usual", building=building))
    turn.state.undo = {"reservation_ids": ids, "building_id": first.building_id,
                       "days": [d.isoformat() for d in days]}
    turn.close_question()
    facts = [[turn.t("fact.building"), building],
             [turn.t("fact.desk"), ", ".join(sorted({b.desk_code for b in bookings}))],
             [turn.t("fact.days"), render.when(turn, days)],
             [turn.t("fact.part"), render.parts(turn, first.parts)]]
    card = render.card(turn, "booked", "booked", facts=facts,
                       items=[render.booking_item(turn, b) for b in bookings])
    undo = (Choice(turn.t("choice.undo"), turn.t("utter.undo")),)
    # The undo offer is the open question, so "1" (or the button) answers it too.
    turn.state.question = Question(kind="pick", action="undo", options=[{"undo": True}],
                                   prompt="\n".join(lines), choices=[[c.label, c.utterance] for c in undo])
    return turn.reply(*lines, choices=undo, card=card, closes=True)


# -- answers to this flow's questions ------------------------------------------------------
def filled(turn: Turn, q: Question) -> list[Reply]:
    """The open slot got its value (merged into ``q.want`` by the caller)."""
    turn.close_question()
    return proceed(turn, q.want)


def confirmed(turn: Turn, q: Question) -> list[Reply]:
    turn.close_question()
    return book(turn, q.want)


def declined(turn: Turn, q: Question) -> list[Reply]:
    turn.close_question()
    return [turn.reply(turn.t("declined"), closes=True,
                       card=render.card(turn, "confirm", "declined"))]


def picked(turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
    turn.close_question()
    if "request" in option:
        request = wants.request_from_dict(option["request"], turn.person_id, turn.source_id)
        result = turn.booking.book(request, turn.now)
        want = dict(q.want, location=option.get("location") or q.want.get("location"),
                    dates=option["request"].get("dates") or q.want.get("dates"))
        want.pop("usual", None)
        return [outcome(turn, result, want, [])]
    want = dict(q.want)
    want.update({k: v for k, v in option.items() if k in ("location", "any_in_city", "dates")})
    want.pop("usual", None)
    return proceed(turn, want)

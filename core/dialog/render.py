"""Turning booking results into catalog messages, choices and cards."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from core.booking.api import Alternative, AlternativeKind, BookingResult, Refusal
from core.booking.model import BOTH_PARTS, Booking, Part
from core.dialog import want as wants
from core.dialog.turn import Turn
from core.i18n import catalog, day, days, join, part
from core.messages import Choice

# -- names --------------------------------------------------------------------------------
def city_name(turn: Turn, slug: str) -> str:
    for b in _buildings(turn):
        if _slug(b.city) == slug:
            return b.city
    return slug.replace("-", " ").title()


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def _buildings(turn: Turn):
    try:
        return turn.booking.buildings()
    except Exception:  # no buildings is shown as "no choice" rather than failing the turn
        return ()


def buildings_in(turn: Turn, city_slug: str | None = None):
    return tuple(b for b in _buildings(turn) if city_slug is None or _slug(b.city) == city_slug)


def place(turn: Turn, location: str | None) -> str:
    """A building's name, or "a building in Den Haag" for a city."""
    if not location:
        return ""
    if location.startswith(wants.CITY_PREFIX):
        return turn.t("where.any_in_city", city=city_name(turn, location[len(wants.CITY_PREFIX):]))
    b = turn.building(location)
    return b.name if b else location


def when(turn: Turn, ds: Iterable[date]) -> str:
    return days(ds, turn.lang, turn.today)


def one_day(turn: Turn, d: date) -> str:
    return day(d, turn.lang, turn.today)


def what(turn: Turn, want: dict[str, Any]) -> str:
    """``2 plekken naast elkaar met dubbel scherm``."""
    n = wants.count(want)
    if want.get("team"):
        phrase = turn.t("what.team", count=n) if want.get("count") else turn.t("what.team_open")
    else:
        phrase = turn.t("what.one") if n == 1 else turn.t("what.many", count=n)
    if want.get("together"):
        phrase = turn.t("what.together", what=phrase)
    feats = features(turn, want.get("features") or ())
    if feats:
        phrase = turn.t("what.features", what=phrase, features=feats)
    return phrase


FEATURE_KEYS = ("dual_screen", "single_screen", "sit_stand", "quiet")


def features(turn: Turn, names: Iterable[str]) -> str:
    """``dubbel scherm, zit-sta-bureau en stilteplek`` (known features, in a fixed order)."""
    have = set(names)
    return join([turn.t(f"feature.{f}") for f in ("dual_screen", "single_screen", "sit_stand", "quiet") if f in have],
                turn.lang)


def parts(turn: Turn, ps: Iterable[Part]) -> str:
    ps = tuple(ps)
    if set(ps) >= set(BOTH_PARTS) or not ps:
        return part(None, turn.lang)
    return part({"part_of_day": ps[0].value}, turn.lang)


def desk(turn: Turn, b: Booking) -> str:
    if b.floor is not None:
        return turn.t("desk.floor", code=b.desk_code, floor=b.floor)
    return turn.t("desk", code=b.desk_code)


def booking_line(turn: Turn, b: Booking) -> str:
    return turn.t("booking.line", day=one_day(turn, b.day), desk=desk(turn, b),
                  building=place(turn, b.building_id), part=parts(turn, b.parts))


def booking_item(turn: Turn, b: Booking) -> dict[str, Any]:
    """A booking as card data (its ``text`` is :func:`booking_line`; each piece is made once)."""
    day_text, building, part_text = one_day(turn, b.day), place(turn, b.building_id), parts(turn, b.parts)
    return {
        "text": turn.t("booking.line", day=day_text, desk=desk(turn, b), building=building, part=part_text),
        "day": b.day.isoformat(), "day_text": day_text, "building_id": b.building_id,
        "building": building, "desk": b.desk_code, "floor": b.floor,
        "parts": [p.value for p in b.parts], "part_text": part_text,
        "reservation_ids": list(b.reservation_ids), "group_id": b.group_id,
    }


def card(turn: Turn, kind: str, status: str, facts: list[list[str]] | None = None,
         items: list[dict[str, Any]] | None = None, title_key: str | None = None) -> dict[str, Any]:
    return {
        "type": kind,
        "title": turn.t(title_key or f"card.title.{kind}"),
        "facts": facts or [],
        "items": items or [],
        "status": turn.t(f"card.status.{status}"),
        "lang": turn.lang,
    }


def numbered(labels: list[str]) -> tuple[Choice, ...]:
    """Choices answered by their number against the open question ("2", "de tweede")."""
    return tuple(Choice(label=label, utterance=str(i)) for i, label in enumerate(labels, 1))


def yes_no(turn: Turn) -> tuple[Choice, ...]:
    return (Choice(turn.t("choice.yes"), turn.t("utter.yes")), Choice(turn.t("choice.no"), turn.t("utter.no")))


# -- refusals -----------------------------------------------------------------------------
def reason(turn: Turn, detail: str | None) -> str:
    detail = detail or ""
    if detail.startswith("holiday:"):
        return turn.t("reason.holiday", name=detail.split(":", 1)[1])
    if detail in ("weekend", "closure", "closed_weekday"):
        return turn.t(f"reason.{detail}")
    return turn.t("reason.unknown")


def refusal(turn: Turn, result: BookingResult, want: dict[str, Any]) -> str:
    """One sentence explaining why a booking (or move) was refused."""
    ds = result.refused_dates or wants.dates(want)
    d_text = when(turn, ds)
    building = place(turn, want.get("location"))
    r = result.refusal
    if r is Refusal.CLOSED:
        key = "refusal.closed" if building else "refusal.closed.any"
        return turn.t(key, building=building, days=d_text, reason=reason(turn, result.detail))
    if r is Refusal.PAST:
        return turn.t("refusal.past", days=d_text[:1].upper() + d_text[1:])
    if r is Refusal.NOTHING_FREE:
        return turn.t("refusal.nothing_free", building=building or place(turn, _first_building(result)), days=d_text)
    if r is Refusal.TOO_MANY:
        return turn.t("refusal.too_many", count=wants.count(want))
    if r is Refusal.NOT_FOUND:
        return turn.t("refusal.not_found", days=d_text) if ds else turn.t("refusal.not_found.any")
    if r is not None and f"refusal.{r.value}" in turn_entries(turn):
        return turn.t(f"refusal.{r.value}", days=d_text)
    return turn.t("refusal.invalid")


def turn_entries(turn: Turn) -> dict[str, str]:
    return catalog(turn.lang).entries


def _first_building(result: BookingResult) -> str | None:
    return result.alternatives[0].building_id if result.alternatives else None


def alternative_label(turn: Turn, alt: Alternative) -> str:
    values = {"building": place(turn, alt.building_id), "days": when(turn, alt.dates)}
    if alt.kind is AlternativeKind.FEWER_FEATURES:
        feat = alt.dropped_feature if alt.dropped_feature in FEATURE_KEYS else None
        values["feature"] = turn.t(f"feature.{feat}") if feat else ""
    return turn.t(f"alt.{alt.kind.value}", **values)

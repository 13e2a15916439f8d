"""The pure sharing rules and the phrase reader (no store)."""

from __future__ import annotations

from datetime import date

import pytest

from core.booking.model import Booking
from core.privacy.phrases import recognise
from core.privacy.sharing import (
    Grant,
    exact_match,
    find_email,
    loose_match,
    may_view,
    normalise_name,
    sightings,
    split_names,
    summary,
    window,
)

TODAY = date(2026, 11, 23)


def test_sharing_is_off_by_default_and_grants_are_exact() -> None:
    assert not may_view([], 1, 2, in_team=True)
    assert may_view([Grant(1, "person", 2)], 1, 2, in_team=False)
    assert not may_view([Grant(1, "person", 3)], 1, 2, in_team=True)
    assert not may_view([Grant(1, "team")], 1, 2, in_team=False)
    assert may_view([Grant(1, "team")], 1, 2, in_team=True)
    assert may_view([Grant(1, "everyone")], 1, 2, in_team=False)
    assert not may_view([Grant(9, "everyone")], 1, 2, in_team=False)  # someone else's grant
    assert not may_view([Grant(1, "everyone")], 1, 2, in_team=True, sharer_restricted=True)
    assert summary([Grant(1, "team"), Grant(1, "person", 5), Grant(1, "person", 4)]) == (False, True, (4, 5))


def test_window_never_reaches_into_the_past() -> None:
    days, past = window([], TODAY)
    assert days[0] == TODAY and len(days) == 7 and not past
    days, past = window([date(2026, 11, 20), date(2026, 11, 26)], TODAY)
    assert days == (date(2026, 11, 26),) and past
    assert window([date(2026, 11, 20)], TODAY) == ((), True)
    assert window([date(2027, 6, 1)], TODAY) == ((), False)  # beyond the horizon


def _booking(day: date, building: str = "alpha", floor: int = 1, zone: str = "open") -> Booking:
    return Booking(reservation_ids=(1,), desk_id="7", desk_code="A-7", building_id=building, day=day,
                   parts=("morning",), floor=floor, zone_name=zone)


def test_sightings_show_place_only_for_asked_future_days() -> None:
    got = sightings([_booking(date(2026, 11, 20)), _booking(date(2026, 11, 26)), _booking(date(2026, 11, 27))],
                    [date(2026, 11, 20), date(2026, 11, 26)], TODAY)
    assert [(s.day, s.building_id, s.floor, s.zone) for s in got] == [(date(2026, 11, 26), "alpha", 1, "open")]
    assert not hasattr(got[0], "desk_code")


@pytest.mark.parametrize("query,full,loose,exact", [
    ("Jan", "Jan de Vries", True, False),
    ("jan de vries", "Jan de Vries", True, True),
    ("de Vries", "Jan de Vries", True, False),
    ("José", "Jose Garcia", True, False),
    ("JOSE GARCIA", "José García", True, True),
    ("Ja", "Jan de Vries", False, False),
    ("", "Jan de Vries", False, False),
    ("Jan", None, False, False),
])
def test_name_matching(query, full, loose, exact) -> None:
    assert loose_match(query, full) is loose
    assert exact_match(query, full) is exact


def test_names_and_addresses_in_text() -> None:
    assert split_names("Jan, Piet en Kees") == ("Jan", "Piet", "Kees")
    assert split_names("Jan de Vries") == ("Jan de Vries",)
    assert len(split_names(", ".join(f"n{i}" for i in range(50)))) == 10
    assert normalise_name("  Anne-Marie  O'Neil ") == "anne-marie o'neil"
    assert find_email("share my location with Jan.B@minbzk.nl please") == "Jan.B@minbzk.nl"
    assert find_email("share with Jan") is None


@pytest.mark.parametrize("said,kind,field,value", [
    ("mijn telefoonnummer is 06-12345678", "rectify", "phone", "06-12345678"),
    ("change my email to jan@example.org", "rectify", "email", "jan@example.org"),
    ("wijzig mijn e-mailadres in a@b.nl", "rectify", "email", "a@b.nl"),
    ("my department is DGOO", "rectify", "department", "DGOO"),
    ("correct my name", "rectify_ask", "name", None),
    ("pauzeer de verwerking", "restrict", None, None),
    ("I object to processing", "restrict", None, None),
    ("stop processing my data", "restrict", None, None),
    ("hervat", "resume", None, None),
    ("resume processing", "resume", None, None),
    ("wie heeft mijn locatie bekeken?", "lookups", None, None),
    ("who looked me up in the last 7 days?", "lookups", None, None),
    ("met wie deel ik mijn locatie?", "sharing_status", None, None),
    ("who can see where I sit?", "sharing_status", None, None),
    ("deel met iedereen", "share_everyone", None, None),
    ("share with my team", "share_team", None, None),
    ("stop met delen met Jan", "stop_with", None, None),
    ("verwijder de gegevens van Piet", "other_data", None, None),
    ("what do you know about Priya?", "other_data", None, None),
    ("wie van Jan, Piet en Kees is er donderdag?", "find_named", None, None),
    ("where are Tom and Priya on Thursday?", "find_named", None, None),
])
def test_phrases(said, kind, field, value) -> None:
    got = recognise(said)
    assert got is not None and got.kind == kind and got.field == field and got.value == value


@pytest.mark.parametrize("said", ["boek donderdag een plek", "waar zit Jan donderdag?", "export my data",
                                  "verwijder al mijn gegevens", "delete my data", "wat weet je over mij?", "",
                                  "where are my bookings?", "wie van mijn team is er donderdag?",
                                  "x" * 20000, "\x00\ud800", "mijn"])
def test_other_messages_are_left_to_the_parser(said) -> None:
    assert recognise(said) is None

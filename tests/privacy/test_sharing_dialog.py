"""Location sharing through the dialog, on the real store (SQLite and PostgreSQL).

The central promise: asking where a colleague sits gives byte-for-byte the same reply when the
colleague does not exist, does not share with the asker, or shares but has no booking.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from adapters.store.sharing import location_lookups, sharing_grants
from bot.bootstrap import Services
from privacy_helpers import add_reservation, desk_ids
from sharing_helpers import NOW, People, shape

THURSDAY = date(2026, 11, 26)


def _book(people: People, user: str, day: date = THURSDAY, desk: int = 0) -> None:
    desk_id = desk_ids(people.services.engine)[desk]
    for part in ("morning", "afternoon"):
        add_reservation(people.services.engine, desk_id, day, part, person_id=people.pid(user))


def _ask(services: Services, scenario: str, question: str = "waar zit Jan donderdag?") -> list:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    if scenario in ("not_sharing", "no_booking", "shares_elsewhere"):
        people.say("jan", "hoi", name="Jan de Vries")
    if scenario == "not_sharing":
        _book(people, "jan")
    if scenario == "no_booking":
        people.say("jan", "deel mijn locatie met Piet Bakker", name="Jan de Vries")
    if scenario == "shares_elsewhere":  # shares with someone else, and has a booking
        people.say("kees", "hoi", name="Kees Visser")
        people.say("jan", "deel mijn locatie met Kees Visser", name="Jan de Vries")
        _book(people, "jan")
    return people.say("piet", question, name="Piet Bakker")


def test_nonsharer_unknown_and_no_booking_get_byte_identical_replies(services: Services) -> None:
    # Each scenario on a fresh store would be cleaner; one store with distinct users is the same
    # for the asker, so the scenarios run in turn on the same database with fresh conversations.
    replies = {}
    for scenario in ("unknown", "not_sharing", "no_booking", "shares_elsewhere"):
        with services.engine.begin() as conn:  # a clean slate: nobody known, nothing booked
            from adapters.store.tables import people, reservations

            conn.execute(sharing_grants.delete())
            conn.execute(location_lookups.delete())
            conn.execute(reservations.delete())
            conn.execute(people.delete())
        replies[scenario] = shape(_ask(services, scenario))
        with services.engine.begin() as conn:
            from adapters.store.tables import conversation_state

            conn.execute(conversation_state.delete())
    first = replies["unknown"]
    assert all(r == first for r in replies.values()), replies
    assert "Jan" in first[0][0].decode()


def test_a_sharer_with_a_booking_is_found_with_place_only(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("jan", "hoi", name="Jan de Vries")
    _book(people, "jan")
    add_reservation(services.engine, desk_ids(services.engine)[1], NOW.date() - timedelta(days=3), "morning",
                    person_id=people.pid("jan"))  # history: never shown
    people.say("jan", "deel mijn locatie met Piet Bakker")
    out = people.text("piet", "waar zit Jan donderdag?")
    assert "Jan de Vries" in out and "Alpha" in out and "verdieping 1" in out
    assert "A-" not in out.split("\n")[0] or True  # desk codes are not shown (checked below)
    codes = {c for c in ("A1", "A2", "A-1", "A-2")}
    assert not any(code in out for code in codes)
    week = people.text("piet", "waar zit Jan?")
    assert "donderdag 26 november" in week and "20 november" not in week
    past = people.text("piet", "waar zit Jan op 2026-11-20?")  # history: never
    assert "Alpha" not in past and "20 november" not in past
    yesterday = people.text("piet", "where was Jan yesterday?", locale="en-GB")
    assert "20 November" not in yesterday


def test_lookups_are_logged_only_for_sharers_and_shown_to_them(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("jan", "hoi", name="Jan de Vries")
    people.say("kees", "hoi", name="Kees Visser")
    people.say("piet", "waar zit Kees donderdag?")  # Kees doesn't share: nothing recorded
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(location_lookups)).scalar() == 0
    assert "niemand" in people.text("kees", "wie heeft mijn locatie bekeken?")
    people.say("jan", "deel mijn locatie met iedereen")
    people.say("piet", "waar zit Jan donderdag?")
    out = people.text("jan", "wie heeft mijn locatie bekeken?")
    assert "Piet Bakker" in out
    en = people.text("jan", "who looked me up in the last 7 days?", locale="en-GB")
    assert "Piet Bakker" in en and "looked up your location" in en


def test_no_listing_of_who_is_present(services: Services) -> None:
    people = People(services)
    people.say("jan", "deel mijn locatie met iedereen", name="Jan de Vries")
    _book(people, "jan")
    out = people.text("piet", "wie is er donderdag op de Turfmarkt?", name="Piet Bakker")
    assert "Jan" not in out and "aanwezigheidsregistratie" in out
    out = people.text("piet", "who is in the office on Thursday?", name="Piet Bakker", locale="en-GB")
    assert "Jan" not in out


def test_team_question_lists_only_sharing_team_members_without_counts(services: Services) -> None:
    people = People(services)
    room = ("jan", "piet", "kees", "anna")
    keys = tuple(room)
    people.say("jan", "hoi", name="Jan de Vries")
    people.say("kees", "hoi", name="Kees Visser")
    people.say("anna", "hoi", name="Anna Smit")
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("jan", "deel mijn locatie met mijn team", group=True, room=keys, conversation="team-room")
    _book(people, "jan", desk=0)
    _book(people, "kees", desk=1)  # books but doesn't share
    people.say("anna", "deel mijn locatie met Piet Bakker")  # shares with Piet only: not for the room
    _book(people, "anna", desk=2)
    out = people.text("piet", "wie van mijn team is er donderdag?", group=True, room=keys, conversation="team-room")
    assert "Jan de Vries" in out
    assert "Kees" not in out and "Anna" not in out
    assert not any(ch.isdigit() for ch in out.replace("26", "").replace("1", "")), out  # no counts
    # In a private chat there is no room, so no team for now: the generic answer.
    private = people.text("piet", "wie van mijn team is er donderdag?")
    assert "Jan" not in private


def test_a_group_room_only_shows_what_everyone_there_may_see(services: Services) -> None:
    people = People(services)
    for user, name in (("jan", "Jan de Vries"), ("piet", "Piet Bakker"), ("kees", "Kees Visser")):
        people.say(user, "hoi", name=name)
    people.say("jan", "deel mijn locatie met Piet Bakker")
    _book(people, "jan")
    room = {"group": True, "room": ("jan", "piet", "kees"), "conversation": "room-1"}
    people.say("piet", "hoi", **room)
    in_room = people.say("piet", "waar zit Jan donderdag?", **room)
    people.say("jan", "stop met delen")
    not_sharing = people.say("piet", "waar zit Jan donderdag?", **room)
    assert "Alpha" not in in_room[0].text and shape(in_room) == shape(not_sharing)
    people.say("jan", "deel mijn locatie met Piet Bakker")
    assert "Alpha" in people.text("piet", "waar zit Jan donderdag?")


def test_sharing_choices_can_be_seen_changed_and_stopped(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("kees", "hoi", name="Kees Visser")
    assert "niemand" in people.text("jan", "met wie deel ik mijn locatie?", name="Jan de Vries")
    assert "Gedaan" in people.text("jan", "deel mijn locatie met Piet Bakker")
    assert "al" in people.text("jan", "deel mijn locatie met piet bakker")  # repeated: nothing changes
    people.say("jan", "deel mijn locatie met kees visser")
    people.say("jan", "deel mijn locatie met mijn team")
    status = people.text("jan", "met wie deel ik mijn locatie?")
    assert "Kees Visser" in status and "Piet Bakker" in status and "team" in status
    assert "Gestopt met delen met Piet" in people.text("jan", "stop met delen met Piet")
    assert "niet met Piet" in people.text("jan", "stop met delen met Piet")
    status = people.text("jan", "who do I share my location with?", locale="en-GB")
    assert "Piet" not in status and "Kees Visser" in status
    assert "nobody" in people.text("jan", "stop sharing", locale="en-GB")
    with services.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(sharing_grants)).scalar()
    assert left == 0


def test_sharing_with_someone_unknown_or_ambiguous_changes_nothing(services: Services) -> None:
    people = People(services)
    people.say("a", "hoi", name="Jan de Vries", email="jan.a@minbzk.nl")
    people.say("b", "hoi", name="Jan de Vries", email="jan.b@minbzk.nl")
    out = people.text("piet", "deel mijn locatie met Jan de Vries", name="Piet Bakker")
    assert "meerdere" in out and "minbzk" in out  # the example address, not theirs
    assert "jan.a" not in out and "jan.b" not in out
    assert "Ik ken geen" in people.text("piet", "deel mijn locatie met Nobody Here")
    assert "Ik ken geen" in people.text("piet", "deel mijn locatie met " + "x" * 3000)
    assert "zelf" in people.text("piet", "deel mijn locatie met Piet Bakker")
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sharing_grants)).scalar() == 0
    assert "Done" in people.text("piet", "share my location with jan.b@minbzk.nl", locale="en-GB")
    with services.engine.connect() as conn:
        viewer = conn.execute(select(sharing_grants.c.viewer_id)).scalar()
    assert viewer == people.pid("b")


def test_a_paused_sharer_is_not_visible(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("jan", "deel mijn locatie met iedereen", name="Jan de Vries")
    _book(people, "jan")
    unknown = people.say("piet", "waar zit Jan donderdag?")
    assert "Alpha" in unknown[0].text
    people.say("jan", "pauzeer de verwerking")
    hidden = people.say("piet", "waar zit Jan donderdag?")
    people.say("jan", "hervat")
    assert "Alpha" not in hidden[0].text
    assert "Alpha" in people.say("piet", "waar zit Jan donderdag?")[0].text


def test_several_named_colleagues_list_only_those_who_share(services: Services) -> None:
    people = People(services)
    for user, name in (("jan", "Jan de Vries"), ("piet", "Piet Bakker"), ("kees", "Kees Visser"),
                       ("anna", "Anna Smit")):
        people.say(user, "hoi", name=name)
    people.say("jan", "deel mijn locatie met Anna Smit")
    _book(people, "jan", desk=0)
    _book(people, "kees", desk=1)  # doesn't share
    out = people.text("anna", "wie van Jan, Kees en Piet is er donderdag?")
    assert "Jan de Vries" in out and "Kees" not in out and "Piet" not in out
    assert "anderen" in out  # one fixed line, no count
    en = people.text("anna", "where are Kees and Piet on Thursday?", locale="en-GB")
    assert en.startswith("I can't tell you where to find Kees and Piet on Thursday 26 November.")


def test_a_vague_name_matching_many_sharers_asks_for_the_full_name(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    for i, surname in enumerate(("Aap", "Beer", "Das", "Eend", "Geit", "Haas", "Kat")):
        people.say(f"jan{i}", "deel mijn locatie met Piet Bakker", name=f"Jan {surname}")
    out = people.text("piet", "waar zit Jan donderdag?")
    assert "volledige naam" in out and "Aap" not in out
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(location_lookups)).scalar() == 0
    _book(people, "jan3")
    assert "Jan Eend zit donderdag" in people.text("piet", "waar zit Jan Eend donderdag?")


def test_stop_sharing_with_a_colleague_by_address(services: Services) -> None:
    people = People(services)
    people.say("b", "hoi", name="Bea Bos", email="bea.bos@minbzk.nl")
    people.say("a", "deel mijn locatie met bea.bos@minbzk.nl", name="Ali Aydin")
    assert "Bea Bos" in people.text("a", "met wie deel ik mijn locatie?")
    assert "Gestopt" in people.text("a", "stop met delen met bea.bos@minbzk.nl")
    assert "niemand" in people.text("a", "met wie deel ik mijn locatie?")

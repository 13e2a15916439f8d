"""Unit tests of the dialog engine with in-memory fakes and a stand-in parser."""

from __future__ import annotations


import pytest

from core.dialog.engine import Dialog
from . import standin_parser
from .fakes import FakeBooking, MemoryConversations
from .harness import Chat


@pytest.fixture
def booking() -> FakeBooking:
    return FakeBooking(horizon_days=60)


@pytest.fixture
def store() -> MemoryConversations:
    return MemoryConversations()


@pytest.fixture
def chat(booking, store) -> Chat:
    return Chat(Dialog(booking, store, parse=standin_parser.parse).handle)


def active(booking: FakeBooking):
    return [r for r in booking.reservations if r.active]


def test_first_contact_gets_welcome_with_privacy_line_once(chat):
    first = chat.say("hoi")
    assert "wms-bot" in first and "Privacy" in first
    assert "Ik kan dit voor je doen" in first
    again = chat.say("help")
    assert "Privacy:" not in again


def test_a_new_person_is_welcomed_without_looking_up_a_history(booking, store):
    looked: list[str] = []

    class Counting(FakeBooking):
        def upcoming(self, person_id, now):  # type: ignore[no-untyped-def]
            looked.append("upcoming")
            return super().upcoming(person_id, now)

        def last_building(self, person_id):  # type: ignore[no-untyped-def]
            looked.append("last_building")
            return super().last_building(person_id)

    counting = Counting(horizon_days=60)
    chat = Chat(Dialog(counting, store, parse=standin_parser.parse).handle)
    assert "Privacy" in chat.say("hoi")
    assert looked == []  # created by this turn: nothing booked yet, no query needed


def test_single_desk_single_day_books_at_once_with_undo(chat, booking):
    out = chat.say("boek donderdag een plek op de Turfmarkt")
    assert "Geboekt" in out and "donderdag 26 november" in out and "Turfmarkt 147" in out
    assert "1. Ongedaan maken" in out
    assert chat.last[0].card["type"] == "booked" and chat.last[0].card["status"] == "Gereserveerd"
    assert len(active(booking)) == 2  # morning + afternoon
    undone = chat.say("maak ongedaan")
    assert "Ongedaan gemaakt" in undone
    assert active(booking) == []


def test_undo_by_number_and_in_english(chat, booking):
    out = chat.say("book a desk at Spark on Friday")
    assert "Booked" in out and "Friday 27 November" in out and "1. Undo" in out
    assert "Undone" in chat.say("1")
    assert active(booking) == []


def test_missing_date_is_asked_and_filled_by_follow_up(chat, booking):
    out = chat.say("boek een plek op de Turfmarkt")
    assert "Voor welke dag" in out and not active(booking)
    out = chat.say("vrijdag")
    assert "Geboekt" in out and "vrijdag 27 november" in out


def test_missing_building_without_history_offers_buildings(chat, booking):
    out = chat.say("boek morgen een plek")
    assert "In welk gebouw" in out and "1. " in out
    labels = [c.label for c in chat.last[0].choices]
    n = labels.index("Spark") + 1
    out = chat.say(str(n))
    assert "Geboekt" in out and "Spark" in out and "dinsdag 24 november" in out


def test_usual_building_is_used_by_default(chat, booking):
    chat.say("boek morgen een plek op de Turfmarkt")
    out = chat.say("boek donderdag een plek")
    assert "Geboekt" in out and "Turfmarkt 147" in out and "net als vorige keer" in out


def test_city_with_several_buildings_gets_a_choice_with_any(chat, booking):
    out = chat.say("boek donderdag een plek in Den Haag")
    assert "In welk gebouw in Den Haag" in out and "Maakt niet uit" in out
    second = chat.last[0].choices[1].label
    out = chat.say("de tweede")
    assert "Geboekt" in out and second in out


def test_building_question_answered_by_name(chat):
    chat.say("boek donderdag een plek in Utrecht")
    out = chat.say("Spark")
    assert "Geboekt" in out and "Spark" in out


def test_several_desks_are_confirmed_first(chat, booking):
    out = chat.say("boek twee plekken op de Turfmarkt donderdag")
    assert "Zal ik 2 plekken boeken in Turfmarkt 147 op donderdag 26 november" in out
    assert chat.last[0].card["type"] == "confirm"
    assert not active(booking)
    out = chat.say("ja")
    assert "Geboekt: 2 plekken" in out
    assert len(active(booking)) == 4


def test_confirmation_can_be_declined_with_number(chat, booking):
    chat.say("book two desks at Spark on Thursday")
    out = chat.say("2")
    assert "didn't book" in out and not active(booking)


def test_team_booking_asks_count_then_confirms(chat, booking):
    out = chat.say("boek donderdag plekken voor mijn team op de Turfmarkt")
    assert "hoeveel" in out.lower()
    out = chat.say("3")
    assert "Zal ik 3 plekken voor je team boeken" in out
    assert "Geboekt" in chat.say("ja")


def test_nothing_free_offers_alternatives(chat, booking):
    booking.desks_per_building = 1
    other = Chat(chat.handle, user="u2")
    other.say("boek donderdag een plek op de Turfmarkt")
    out = chat.say("boek donderdag een plek op de Turfmarkt")
    assert "niets vrij" in out and "Dit kan wel" in out
    assert "1. Parnassusplein 5 op donderdag 26 november" in out
    out = chat.say("1")
    assert "Geboekt" in out and "Parnassusplein 5" in out


@pytest.mark.parametrize("message,expected", [
    ("boek zaterdag een plek op de Turfmarkt", "het is weekend"),
    ("boek gisteren een plek op de Turfmarkt", "al voorbij"),
    ("boek 2026-12-25 een plek op de Turfmarkt", "Eerste Kerstdag"),
    ("boek 2027-03-01 een plek op de Turfmarkt", "Zo ver vooruit"),
])
def test_refusals_are_explained(chat, message, expected):
    assert expected in chat.say(message)


def test_already_booked(chat):
    chat.say("boek donderdag een plek op de Turfmarkt")
    assert "al een plek" in chat.say("boek donderdag een plek op Spark")


def test_unknown_building_is_named_and_buildings_offered(chat):
    out = chat.say("boek donderdag een plek bij Hogwarts")
    assert "hogwarts" in out.lower() and "In welk gebouw" in out


def test_cancel_by_day_and_disambiguation(chat, booking):
    chat.say("boek donderdag een plek op de Turfmarkt")
    out = chat.say("annuleer donderdag")
    assert "Geannuleerd" in out and not active(booking)
    # two separate bookings on one day: morning and afternoon
    chat.say("boek donderdag ochtend een plek op de Turfmarkt")
    chat.say("boek donderdag middag een plek op Spark")
    out = chat.say("annuleer donderdag")
    assert "Welke reservering wil je annuleren?" in out and "2. " in out
    n = next(i for i, c in enumerate(chat.last[0].choices, 1) if "Spark" in c.label)
    out = chat.say(str(n))
    assert "Geannuleerd" in out and "Spark" in out
    assert len(active(booking)) == 1


def test_cancel_without_day_confirms_the_only_booking(chat, booking):
    chat.say("boek donderdag een plek op de Turfmarkt")
    out = chat.say("annuleer mijn reservering")
    assert "Wil je deze reservering annuleren" in out
    assert "Geannuleerd" in chat.say("ja")


def test_move_with_and_without_target(chat, booking):
    chat.say("boek donderdag een plek op de Turfmarkt")
    out = chat.say("verzet donderdag naar vrijdag")
    assert "Verzet" in out and "vrijdag 27 november" in out
    out = chat.say("verzet mijn reservering")
    assert "Naar welke dag" in out
    out = chat.say("maandag")
    assert "Verzet" in out and "maandag 30 november" in out


def test_list_and_availability(chat, booking):
    assert "geen komende reserveringen" in chat.say("wat heb ik gereserveerd?")
    chat.say("boek donderdag een plek op de Turfmarkt")
    out = chat.say("wat heb ik gereserveerd?")
    assert "donderdag 26 november" in out and chat.last[0].card["type"] == "bookings"
    out = chat.say("is er vrijdag nog plek op Spark?")
    assert "Vrije plekken in Spark" in out and "3 van 3 vrij" in out
    assert chat.last[0].card["type"] == "availability"
    out = chat.say("1")
    assert "Geboekt" in out and "Spark" in out and "vrijdag 27 november" in out


def test_expiry_after_30_minutes(chat, booking):
    chat.say("boek twee plekken op de Turfmarkt donderdag")
    chat.wait(31)
    out = chat.say("ja")
    assert "verlopen" in out and not active(booking)


def test_answer_within_30_minutes_survives_a_restart(booking, store):
    a = Chat(Dialog(booking, store, parse=standin_parser.parse).handle)
    a.say("boek twee plekken op de Turfmarkt donderdag")
    a.wait(29)
    b = Chat(Dialog(booking, store, parse=standin_parser.parse).handle, now=a.now)
    assert "Geboekt" in b.say("ja")


def test_new_request_replaces_the_open_question(chat, booking):
    chat.say("boek twee plekken op de Turfmarkt donderdag")
    out = chat.say("wat heb ik gereserveerd?")
    assert "geen komende" in out
    assert "verlopen" in chat.say("ja")


def test_unclear_answer_repeats_the_question(chat):
    chat.say("boek twee plekken op de Turfmarkt donderdag")
    out = chat.say("blablabla")
    assert "begreep ik niet" in out and "Zal ik 2 plekken" in out
    assert "Kies een nummer van 1 tot en met 2" in chat.say("7")


@pytest.mark.parametrize("intent_text", ["waar zit Jan donderdag", "ik ben er", "export my data", "privacy"])
def test_later_features_answer_kindly(chat, intent_text):
    out = chat.say(intent_text)
    assert out and "Traceback" not in out


@pytest.mark.parametrize("garbage", ["", "   ", "x" * 20_000, "\x00\x01\x02\xff\ud800", "😀😀😀",
                                     "'; DROP TABLE reservations; --", "boek morgen a desk op de Spark please"])
def test_bad_input_gets_a_friendly_reply(chat, garbage):
    out = chat.say(garbage)
    assert out and "Traceback" not in out


def test_one_word_messages_fall_back_to_locale():
    dialog = Dialog(FakeBooking(), MemoryConversations(), parse=standin_parser.parse)
    english = Chat(dialog.handle, locale="en-US")
    assert "expired" in english.say("2")
    dutch = Chat(dialog.handle, user="u9", locale="nl-NL")
    assert "verlopen" in dutch.say("2")


def test_parser_crash_is_a_friendly_reply():
    def broken(text, now, locale=None):
        raise RuntimeError("boom")
    chat = Chat(Dialog(FakeBooking(), MemoryConversations(), parse=broken).handle)
    out = chat.say("boek morgen")
    assert "niet begrepen" in out


def test_booking_crash_is_a_friendly_reply(caplog):
    class Broken(FakeBooking):
        def book(self, request, now):
            raise RuntimeError("secret text")
    chat = Chat(Dialog(Broken(), MemoryConversations(), parse=standin_parser.parse).handle)
    out = chat.say("boek donderdag een plek op de Turfmarkt")
    assert "ging iets mis" in out
    assert "secret" not in caplog.text and "RuntimeError" in caplog.text


def test_help_mid_question_keeps_the_question(chat, booking):
    chat.say("boek twee plekken op de Turfmarkt donderdag")
    assert "Ik kan dit voor je doen" in chat.say("help")
    assert "Geboekt" in chat.say("ja")


def test_a_later_feature_plugs_in_its_own_flow_with_a_question(booking, store):
    """Later issues (privacy rights, team days, ...) add flows without touching the engine."""
    from core.dialog.render import yes_no
    from core.dialog.state import Question
    from core.dialog.turn import Flow

    erased = []

    def start(turn):
        return [turn.ask(Question(kind="confirm", action="export_data"), "Sure?",
                         choices=yes_no(turn))]

    def confirmed(turn, q):
        turn.close_question()
        erased.append(turn.person_id)
        return [turn.reply("done")]

    flow = Flow(start=start, confirmed=confirmed, declined=lambda turn, q: [turn.reply("kept")])
    chat = Chat(Dialog(booking, store, parse=standin_parser.parse, flows={"export_data": flow}).handle)
    assert "Sure?" in chat.say("export my data")
    assert "done" in chat.say("ja") and erased == [1]


def test_alternatives_where_i_already_sit_are_not_offered(chat, booking):
    booking.desks_per_building = 1
    Chat(chat.handle, user="u2").say("boek donderdag een plek op de Turfmarkt")
    chat.say("boek vrijdag een plek op Spark")
    out = chat.say("boek donderdag een plek op de Turfmarkt")
    assert "Parnassusplein 5 op donderdag 26 november" in out
    assert "Turfmarkt 147 op vrijdag" not in out

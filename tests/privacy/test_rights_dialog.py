"""The rights in chat through the dialog, on the real store: statement, export, rectification,
erasure, restriction; group rooms, other people's data, repeated actions."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from adapters.store.people import SqlPeopleRepository
from adapters.store.sharing import location_lookups, privacy_restrictions, sharing_grants
from adapters.store.tables import people as people_table
from adapters.store.tables import reservations
from bot.bootstrap import Services
from bot.privacy_chat import privacy_dialog_parts
from bot.settings import SettingsError
from privacy_helpers import add_reservation, desk_ids, privacy_settings
from sharing_helpers import People

THURSDAY = date(2026, 11, 26)


def _count(services: Services, table) -> int:  # type: ignore[no-untyped-def]
    with services.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_privacy_statement_in_both_languages_with_operator_texts(services: Services, tmp_path) -> None:
    import dataclasses

    svc = dataclasses.replace(services, settings=privacy_settings(
        "sqlite://", tmp_path, WMS_PRIVACY_CONTROLLER="Ministerie van BZK", WMS_PRIVACY_DPO_CONTACT="fg@minbzk.nl"))
    people = People(svc)
    nl = people.text("jan", "wat doen jullie met mijn gegevens?")
    for part in ("Ministerie van BZK", "fg@minbzk.nl", "Europese Economische Ruimte", "365 dagen", "7 dagen",
                 "telefoonnummer", "verwijder al mijn gegevens"):
        assert part in nl, part
    en = people.text("jan", "privacy statement", locale="en-GB")
    for part in ("Controller: Ministerie van BZK", "fg@minbzk.nl", "European Economic Area", "Data protection officer"):
        assert part in en, part


def test_bad_privacy_texts_are_refused(services: Services, tmp_path) -> None:
    import dataclasses

    import pytest

    for name, value in (("WMS_PRIVACY_CONTROLLER", "x" * 400), ("WMS_PRIVACY_DPO_CONTACT", "a\nb"),
                        ("WMS_PRIVACY_PURPOSE", "{controller}")):
        svc = dataclasses.replace(services, settings=privacy_settings("sqlite://", tmp_path, **{name: value}))
        with pytest.raises(SettingsError, match=name):
            privacy_dialog_parts(svc)


def test_export_is_all_and_only_my_data_as_a_json_file(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Canary Jan", email="canary.jan@minbzk.nl")
    people.say("piet", "hoi", name="Canary Piet", email="canary.piet@minbzk.nl")
    add_reservation(services.engine, desk_ids(services.engine)[0], THURSDAY, person_id=people.pid("jan"))
    add_reservation(services.engine, desk_ids(services.engine)[1], THURSDAY, person_id=people.pid("piet"))
    people.say("piet", "deel mijn locatie met Canary Jan")  # Piet's choice: not Jan's data
    people.say("jan", "deel mijn locatie met iedereen")
    replies = people.say("jan", "stuur me al mijn gegevens")
    [reply] = replies
    [file] = reply.attachments
    assert file.media_type == "application/json" and file.filename == "wms-export-2026-11-23.json"
    doc = json.loads(file.data)
    assert doc["profile"]["name"] == "Canary Jan" and doc["profile"]["email"] == "canary.jan@minbzk.nl"
    assert len(doc["reservations"]) == 1 and doc["reservations"][0]["day"] == "2026-11-26"
    assert doc["location_sharing"]["everyone"] is True
    raw = file.data.decode("utf-8")
    assert "Piet" not in raw and "canary.piet" not in raw
    assert reply.meta.get("error") is True  # the runtime does not keep it with the handled message
    en = people.say("jan", "export my data", locale="en-GB")[0]
    assert en.attachments and "JSON" in en.text


def test_export_erasure_and_corrections_are_refused_in_a_group(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    for said in ("stuur me al mijn gegevens", "verwijder al mijn gegevens", "mijn telefoonnummer is 0612345678"):
        replies = people.say("jan", said, group=True, room=("jan", "piet"))
        assert "privégesprek" in replies[0].text and not replies[0].attachments
    assert "private chat" in people.text("jan", "export my data", group=True, locale="en-GB")
    with services.engine.connect() as conn:
        person = SqlPeopleRepository(conn).get(people.pid("jan"))
    assert person is not None and person.phone is None


def test_requests_about_someone_else_are_refused(services: Services) -> None:
    people = People(services)
    people.say("piet", "hoi", name="Piet Bakker")
    people.say("jan", "hoi", name="Jan de Vries")
    for said in ("verwijder de gegevens van Piet Bakker", "stuur me de gegevens van Piet",
                 "wat weet je over Piet Bakker?"):
        out = people.text("jan", said)
        assert "alleen jouw eigen gegevens" in out, said
    assert "your own data" in people.text("jan", "export Piet's data", locale="en-GB")
    assert _count(services, people_table) == 2  # nobody erased


def test_rectification_of_each_field(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    assert "0612345678" in people.text("jan", "mijn telefoonnummer is 06-12345678")
    assert "al 0612345678" in people.text("jan", "mijn telefoonnummer is 06 12 34 56 78")
    assert "jan@minbzk.nl" in people.text("jan", "change my email to jan@MINBZK.nl", locale="en-GB")
    assert "DGOO" in people.text("jan", "mijn afdeling is DGOO")
    assert "geen geldig" in people.text("jan", "mijn e-mailadres is geen-adres")
    assert "What is your correct name" in people.text("jan", "correct my name", locale="en-GB")
    assert "Jan de Vries-Smit" in people.text("jan", "Jan de Vries-Smit", locale="en-GB")
    with services.engine.connect() as conn:
        p = SqlPeopleRepository(conn).get(people.pid("jan"))
    assert p is not None
    assert (p.name, p.email, p.phone, p.department) == ("Jan de Vries-Smit", "jan@minbzk.nl", "0612345678", "DGOO")
    # Raw columns stay encrypted.
    with services.engine.connect() as conn:
        raw = conn.execute(select(people_table.c.phone)).scalar()
    assert raw and "0612345678" not in raw


def test_erasure_after_confirmation_removes_everything_both_directions(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    people.say("piet", "hoi", name="Piet Bakker")
    add_reservation(services.engine, desk_ids(services.engine)[0], THURSDAY, person_id=people.pid("jan"))
    people.say("jan", "deel mijn locatie met iedereen")
    people.say("piet", "deel mijn locatie met Jan de Vries")
    people.say("piet", "waar zit Jan donderdag?")
    people.say("jan", "waar zit Piet donderdag?")
    people.say("jan", "pauzeer de verwerking")
    jan = people.pid("jan")
    ask = people.text("jan", "verwijder al mijn gegevens")
    assert "Weet je zeker" in ask and "reserveringen vanaf vandaag: 1" in ask
    assert "niets" in people.text("jan", "nee")
    assert _count(services, people_table) == 2
    people.say("jan", "verwijder al mijn gegevens")
    done = people.text("jan", "ja")
    assert "verwijderd" in done and "reserveringen vanaf vandaag verwijderd: 1" in done
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(people_table).where(people_table.c.id == jan)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(reservations)
                            .where(reservations.c.person_id == jan)).scalar() == 0
    assert _count(services, sharing_grants) == 0  # Jan's grant and Piet's grant to Jan
    assert _count(services, location_lookups) == 0
    assert _count(services, privacy_restrictions) == 0
    # Piet is untouched.
    assert people.store.person_for("test:piet") is not None


def test_user_a_cannot_act_for_user_b(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    people.say("piet", "hoi", name="Piet Bakker")
    add_reservation(services.engine, desk_ids(services.engine)[0], THURSDAY, person_id=people.pid("piet"))
    # Jan asks in a conversation id that Piet also used: state is keyed per sender, so no crossing.
    people.say("piet", "verwijder al mijn gegevens", conversation="shared")
    out = people.text("jan", "ja", conversation="shared")
    assert "verwijderd" not in out
    assert people.store.person_for("test:piet") is not None
    doc = json.loads(people.say("jan", "stuur me al mijn gegevens")[0].attachments[0].data)
    assert doc["profile"]["name"] == "Jan de Vries" and doc["reservations"] == []


def test_restriction_pauses_processing_until_resumed(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    assert "Gepauzeerd" in people.text("jan", "pauzeer de verwerking")
    assert "al gepauzeerd" in people.text("jan", "ik maak bezwaar")
    blocked = people.text("jan", "boek donderdag een plek op de Turfmarkt")
    assert "gepauzeerd" in blocked and "Geboekt" not in blocked
    assert "gepauzeerd" in people.text("jan", "deel mijn locatie met iedereen")
    assert _count(services, sharing_grants) == 0
    assert people.say("jan", "stuur me al mijn gegevens")[0].attachments  # access always works
    assert "paused" in people.text("jan", "book a desk at Spark on Friday", locale="en-GB")
    assert "Hervat" in people.text("jan", "hervat de verwerking")
    assert "niet gepauzeerd" in people.text("jan", "hervat de verwerking")
    assert "gepauzeerd" not in people.text("jan", "boek donderdag een plek op de Turfmarkt")


async def test_the_export_is_not_kept_after_delivery(services: Services) -> None:
    """Through the runtime: the export file is delivered but never recorded with the message."""
    from bot.runtime import Runtime
    from sharing_helpers import NOW

    people = People(services)
    runtime = Runtime(people.dialog, services.messages, clock=lambda: NOW)
    people.say("jan", "hoi", name="Canary Exportman", email="canary.export@minbzk.nl")
    msg = people.inbound("jan", "stuur me al mijn gegevens")
    first = await runtime.handle(msg)
    assert first[0].attachments
    assert services.messages.replies_for(f"test:{msg.message_id}") is None
    again = await runtime.handle(msg)  # a retried message id gets a fresh export, not a stored one
    assert again[0].attachments and json.loads(again[0].attachments[0].data)["profile"]["name"] == "Canary Exportman"


def test_english_replies_for_unknown_nonsharer_and_no_booking_are_identical(services: Services) -> None:
    from sharing_helpers import shape

    people = People(services)
    people.say("priya", "hi", name="Priya Shah", locale="en-GB")
    people.say("tom", "hi", name="Tom Jones", locale="en-GB")
    people.say("sam", "hi", name="Sam Jones", locale="en-GB")
    add_reservation(services.engine, desk_ids(services.engine)[0], THURSDAY, person_id=people.pid("tom"))
    people.say("sam", "share my location with Priya Shah", locale="en-GB")  # shares, no booking
    replies = [shape(people.say("priya", f"where is {who} on Thursday?", locale="en-GB")) for who in ("Tom", "Sam")]
    nobody = people.say("priya", "where is Tom on Thursday?", locale="en-GB", conversation="other")
    people.say("tom", "forget me", locale="en-GB")
    people.say("tom", "yes", locale="en-GB")
    erased = shape(people.say("priya", "where is Tom on Thursday?", locale="en-GB"))
    tom_text = replies[0][0][0].decode()
    assert "Tom" in tom_text and "Thursday 26 November" in tom_text
    assert replies[1][0][0].decode() == tom_text.replace("Tom", "Sam")
    assert erased == replies[0]
    assert nobody[-1].text.endswith(replies[0][-1][0].decode().split("\n")[-1])


def test_an_open_correction_question_does_not_swallow_a_new_request(services: Services) -> None:
    people = People(services)
    people.say("jan", "hoi", name="Jan de Vries")
    assert "juiste naam" in people.text("jan", "corrigeer mijn naam")
    people.say("jan", "boek morgen een plek in Alpha")
    with services.engine.connect() as conn:
        assert SqlPeopleRepository(conn).get(people.pid("jan")).name == "Jan de Vries"  # type: ignore[union-attr]
    assert "juiste zakelijke telefoonnummer" in people.text("jan", "mijn nummer klopt niet")
    assert "geen geldig" in people.text("jan", "x" * 3000)
    assert "0612345678" in people.text("jan", "mijn telefoonnummer is 0612345678")

"""Notices sent by the team jobs speak the person's language (issue 7): a waitlist wish and a
reminder opt-in keep the language of the conversation that made them (migration 0006 adds the
``lang`` columns); the booker told of released seats gets the language of their opt-in or
latest wish; anyone else the job's default (Dutch)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect

from adapters.store.migrate import upgrade
from adapters.store.teams import SqlTeamStore
from bot.team_chat import TeamSettings
from bot.team_jobs import team_tick
from core.booking.api import BookingRequest, Where
from core.teams.model import WaitEntry
from tests.teams_feature.team_fixtures import FRI, MON, TUE, person


def test_waitlist_notices_in_the_language_of_the_wish(services):
    store = SqlTeamStore(services.engine)
    anna, bob, cor = person(services, "anna"), person(services, "bob"), person(services, "cor")
    store.wait(WaitEntry(id=0, person_id=anna, building_id="hub-leiden", day=FRI, lang="en"), MON)
    store.wait(WaitEntry(id=0, person_id=bob, building_id="hub-leiden", day=FRI, auto_book=True, lang="en"), MON)
    store.wait(WaitEntry(id=0, person_id=cor, building_id="hub-leiden", day=FRI, lang="nl"), MON)
    assert {e.person_id: e.lang for e in store.waiting(MON.date())} == {anna: "en", bob: "en", cor: "nl"}
    report = team_tick(store, services.booking, TeamSettings(), MON)
    replies = {k: r[0] for _, k, r in report.outgoing}
    assert replies["test:anna"].lang == "en" and "Hub Leiden" in replies["test:anna"].text
    assert not replies["test:anna"].text.startswith("Er is een plek")
    assert replies["test:bob"].lang == "en" and not replies["test:bob"].text.startswith("Er kwam")
    assert "Friday" in replies["test:anna"].text
    assert replies["test:cor"].lang == "nl" and replies["test:cor"].text.startswith("Er is een plek vrijgekomen")


def test_reminders_in_the_language_of_the_latest_opt_in(services):
    store = SqlTeamStore(services.engine)
    anna, bob = person(services, "anna"), person(services, "bob")
    for p in (anna, bob):
        assert services.booking.book(BookingRequest(requester_id=p, dates=(TUE,), where=Where("spark")), MON).ok
    store.set_reminders(anna, True, MON, lang="nl")
    store.set_reminders(anna, True, MON, lang="en")  # opted in again, now in English
    store.set_reminders(bob, True, MON)  # no language given: Dutch
    at = datetime.fromisoformat("2026-11-23T16:05:00+01:00")
    report = team_tick(store, services.booking, TeamSettings(), at)
    replies = {k: r[0] for _, k, r in report.outgoing}
    assert replies["test:anna"].lang == "en" and "Tuesday 24 November" in replies["test:anna"].text
    assert [c.utterance for c in replies["test:anna"].choices][1] != "inchecken"
    assert replies["test:bob"].lang == "nl" and "Morgen (dinsdag 24 november)" in replies["test:bob"].text
    assert [c.utterance for c in replies["test:bob"].choices] == ["annuleer dinsdag 24 november", "inchecken"]


def test_released_seats_told_in_the_bookers_language(services):
    store = SqlTeamStore(services.engine)
    lead = person(services, "lead")
    store.set_reminders(lead, True, MON, lang="en")
    assert services.booking.book(BookingRequest(requester_id=lead, dates=(FRI,), where=Where("spark"), count=3,
                                                together=True, for_person_ids=(lead,)), MON).ok
    late = team_tick(store, services.booking, TeamSettings(), datetime.fromisoformat("2026-11-26T18:01:00+01:00"))
    assert late.released_seats == 2
    told = [r[0] for _, k, r in late.outgoing if k == "test:lead"]
    assert told and all(r.lang == "en" for r in told)  # the release notice (and Friday's reminder)
    assert any("Friday 27 November" in r.text and "Spark" in r.text and "2" in r.text for r in told)
    assert not any(r.text.startswith("Ik heb") for r in told)


def test_migration_0006_adds_the_lang_columns(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine, "0005")
    upgrade(engine)
    cols = {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in ("team_waitlist", "team_reminders")}
    assert "lang" in cols["team_waitlist"] and "lang" in cols["team_reminders"]
    engine.dispose()


def test_the_dialog_stores_the_language_of_the_conversation(services):
    from bot.team_chat import team_dialog_parts
    from core.dialog.engine import Dialog
    from core.messages import Inbound, Sender

    handle = Dialog(services.booking, services.conversations, **team_dialog_parts(services)).handle
    n = iter(range(100))

    def say(user: str, said: str, locale: str) -> str:
        inbound = Inbound(channel="test", conversation_id=f"dm-{user}", message_id=f"m{next(n)}",
                          sender=Sender(user_id=user, name=f"Canary {user}"), text=said, locale=locale)
        return " ".join(r.text for r in handle(inbound, MON))

    assert "Booked" in say("lead", "book 40 desks at Hub Leiden on Thursday", "en-GB") + say("lead", "yes", "en-GB")
    assert "waitlist" in say("anna", "put me on the waitlist for Hub Leiden on Thursday", "en-GB")
    say("anna", "yes", "en-GB")  # book at once
    assert "wachtlijst" in say("bob", "zet me op de wachtlijst voor Hub Leiden donderdag", "nl-NL")
    say("bob", "nee", "nl-NL")
    say("cor", "remind me the day before", "en-GB")
    store = SqlTeamStore(services.engine)
    ids = store.person_ids(["test:anna", "test:bob", "test:cor"])
    assert {e.person_id: (e.lang, e.auto_book) for e in store.waiting(MON.date())} == {
        ids["test:anna"]: ("en", True), ids["test:bob"]: ("nl", False)}
    assert store.langs(ids.values()) == {ids["test:anna"]: "en", ids["test:bob"]: "nl", ids["test:cor"]: "en"}

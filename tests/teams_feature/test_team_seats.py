"""Seats of a team's group booking (issue 7 points 2 and 3): the booker assigns an open seat to a
named member, the member is told in their language and accepts (a button: a canned utterance
through the parser) or declines; the booker's overview shows accepted/waiting/declined/open;
released seats are told in the language the group was booked in. Migration 0008 adds
``team_groups`` and ``team_seat_accepts``; their rows go with the person and with the day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine, delete, func, inspect, select

from adapters.store.migrate import upgrade
from adapters.store.tables import people
from adapters.store.teams import SqlTeamStore, export_team_data, team_groups, team_seat_accepts
from bot.team_chat import TeamSettings, team_dialog_parts
from bot.team_jobs import team_tick
from core.booking.api import BookingRequest, Where
from core.dialog.engine import Dialog
from core.messages import Inbound, Sender
from core.nlu import parse
from core.teams.model import Poll, SeatState
from tests.teams_feature.team_fixtures import FRI, MON, person


class Chat:
    def __init__(self, svc) -> None:
        self.handle = Dialog(svc.booking, svc.conversations, **team_dialog_parts(svc)).handle
        self.n = 0

    def __call__(self, user: str, said: str, locale: str = "nl-NL", now: datetime = MON) -> str:
        self.n += 1
        inbound = Inbound(channel="test", conversation_id=f"dm-{user}", message_id=f"m{self.n}",
                          sender=Sender(user_id=user, name=f"Canary {user}"), text=said, locale=locale)
        return "\n".join(r.text for r in self.handle(inbound, now))


def outgoing(store, svc, now=MON) -> dict[str, list]:
    report = team_tick(store, svc.booking, TeamSettings(), now)
    store.sent(i for i, _, _ in report.outgoing)
    out: dict[str, list] = {}
    for _, key, replies in report.outgoing:
        out.setdefault(key, []).extend(replies)
    return out


def test_assigned_member_is_told_in_their_language_and_accepts_with_the_button(services):
    store = SqlTeamStore(services.engine)
    say = Chat(services)
    lead, sanne, jan = person(services, "lead"), person(services, "sanne"), person(services, "jan")
    store.add_member(lead, sanne, MON)
    store.add_member(lead, jan, MON)
    store.set_reminders(sanne, True, MON, lang="en")  # Sanne speaks English with the bot
    assert "Geboekt" in say("lead", "4 plekken bij elkaar voor mijn team op de Turfmarkt vrijdag") + say("lead", "ja")
    outgoing(store, services)  # the "seats are open" notices
    assert "Canary sanne heeft nu plek" in say("lead", "geef een plek aan Canary sanne")
    assert "Canary jan heeft nu plek" in say("lead", "wijs Canary jan een plek toe")
    told = outgoing(store, services)
    to_sanne, to_jan = told["test:sanne"][0], told["test:jan"][0]
    assert to_sanne.lang == "en" and to_sanne.text.startswith("Canary lead gave you a desk")
    assert "Friday 27 November" in to_sanne.text
    assert [c.label for c in to_sanne.choices] == ["I accept my seat", "I can't come"]
    assert to_jan.lang == "nl" and to_jan.text.startswith("Canary lead heeft je een plek gegeven")  # the booker's
    # The buttons are canned utterances the parser understands as accept / cancel that day.
    accept, decline = (c.utterance for c in to_sanne.choices)
    frame = parse(accept, MON)
    assert frame.act == "seat_accept" and frame.dates == [FRI]
    assert parse(decline, MON).intent == "cancel" and parse(decline, MON).dates == [FRI]
    assert "Accepted: desk" in say("sanne", accept, "en-GB")
    assert [s.state for s in store.held_seats(sanne, MON.date())] == [SeatState.ACCEPTED]
    assert [s.state for s in store.held_seats(jan, MON.date())] == [SeatState.WAITING]
    # The booker hears who accepted, in the language the group was booked in (not Sanne's).
    back = outgoing(store, services)["test:lead"][0]
    assert back.lang == "nl" and back.text.startswith("Canary sanne heeft plek") and "vrijdag 27 november" in back.text
    # Jan declines with his button: his seat is cancelled, the overview says so.
    jan_decline = to_jan.choices[1].utterance
    assert jan_decline.startswith("annuleer ")
    assert "Geannuleerd" in say("jan", jan_decline)
    told = outgoing(store, services)["test:lead"][0]  # the booker hears it
    assert told.lang == "nl" and told.text.startswith("Canary jan kan niet: plek") and "vrijdag 27 november" in told.text
    states = [(s.seat.holder_id, s.state) for s in store.group_seats(lead, MON.date())]
    assert sorted(states, key=lambda x: (x[0] is None, x[0] or 0)) == [
        (sanne, SeatState.ACCEPTED), (jan, SeatState.DECLINED), (None, SeatState.OPEN), (None, SeatState.OPEN)]
    overview = say("lead", "hoe staat mijn groepsboeking ervoor?")
    assert "1 aangenomen, 1 afgeslagen en 2 open" in overview and "Canary jan kan niet" in overview


def test_bad_assignments_get_clear_answers(services):
    store = SqlTeamStore(services.engine)
    say = Chat(services)
    lead, sanne = person(services, "lead"), person(services, "sanne")
    outsider = person(services, "outsider")
    store.add_member(lead, sanne, MON)
    assert "geen open plek" in say("lead", "geef een plek aan Canary sanne")
    say("lead", "3 plekken bij elkaar voor mijn team op de Turfmarkt vrijdag")
    say("lead", "ja")
    assert "zit niet in je team" in say("lead", "geef een plek aan Canary outsider")
    assert "Alleen wie de plekken heeft geboekt" in say("sanne", "geef een plek aan Canary lead")
    assert services.booking.book(BookingRequest(requester_id=sanne, dates=(FRI,), where=Where("spark")), MON).ok
    assert "al een plek" in say("lead", "geef een plek aan Canary sanne")  # seated elsewhere that day
    store.remove_member(lead, sanne)
    assert "zit niet in je team" in say("lead", "geef een plek aan Canary sanne")  # left the team
    assert not store.held_seats(outsider, MON.date())
    assert len(store.open_seats((lead,), MON.date())) == 3  # nothing changed


def test_released_seats_told_in_the_language_the_group_was_booked_in(services):
    store = SqlTeamStore(services.engine)
    say = Chat(services)
    lead, sanne = person(services, "lead"), person(services, "sanne")
    store.add_member(lead, sanne, MON)
    # The lead has no reminder opt-in and no waitlist wish: only the booking's conversation tells.
    assert "Booked" in say("lead", "book 3 desks together for my team at Spark on Friday", "en-GB") + \
        say("lead", "yes", "en-GB")
    assert store.langs([lead]) == {lead: "en"}  # the group booking is the language last used
    outgoing(store, services)
    late = outgoing(store, services, datetime.fromisoformat("2026-11-26T18:01:00+01:00"))
    released = [r for r in late["test:lead"] if "released" in r.text]
    assert released and released[0].lang == "en" and "Friday 27 November" in released[0].text


def test_release_language_falls_back_to_what_the_booker_last_used_then_dutch(services):
    store = SqlTeamStore(services.engine)
    organiser, plain = person(services, "organiser"), person(services, "plain")
    # Booked outside the dialog (no group language): a poll the booker organised in English tells.
    store.create_poll(Poll(id=0, organiser_id=organiser, building_id="spark", days=(date(2026, 12, 1),),
                           members=(plain,), lang="en", deadline=datetime.fromisoformat("2026-11-30T09:00:00+01:00")),
                      MON)
    for who in (organiser, plain):
        assert services.booking.book(BookingRequest(requester_id=who, dates=(FRI,), where=Where("spark"), count=2,
                                                    together=True, for_person_ids=(who,)), MON).ok
    late = outgoing(store, services, datetime.fromisoformat("2026-11-26T18:01:00+01:00"))
    assert [r.lang for r in late["test:organiser"]] == ["en"]
    assert [r.lang for r in late["test:plain"]] == ["nl"]  # nothing known: the default
    assert late["test:plain"][0].text.startswith("Ik heb 1 niet-geclaimde plek")


def test_poll_seats_carry_an_accept_button(services):
    store = SqlTeamStore(services.engine)
    lead, sanne = person(services, "lead"), person(services, "sanne")
    tue = date(2026, 12, 1)
    pid = store.create_poll(Poll(id=0, organiser_id=lead, building_id="turfmarkt-147", days=(tue,), members=(sanne,),
                                 lang="en", deadline=datetime.fromisoformat("2026-11-24T09:00:00+01:00")), MON)
    assert store.vote(pid, sanne, 0, MON)
    told = outgoing(store, services, datetime.fromisoformat("2026-11-24T09:01:00+01:00"))
    mine = told["test:sanne"][0]
    assert [c.label for c in mine.choices] == ["I accept my seat", "I can't come"]
    assert parse(mine.choices[0].utterance, MON).act == "seat_accept"
    assert [c.label for c in told["test:lead"][0].choices] == ["I can't come"]  # the organiser booked it
    assert [s.state for s in store.held_seats(sanne, MON.date())] == [SeatState.WAITING]
    assert store.group_langs([s.seat.group_id for s in store.held_seats(sanne, MON.date())]) != {}


def test_acceptances_go_with_the_day_and_with_the_person(services):
    store = SqlTeamStore(services.engine)
    lead, sanne, jan = person(services, "lead"), person(services, "sanne"), person(services, "jan")
    res = services.booking.book(BookingRequest(requester_id=lead, dates=(FRI,), where=Where("spark"), count=3,
                                               together=True, for_person_ids=(lead, sanne, jan)), MON)
    assert res.ok and res.group_id
    store.record_group(res.group_id, lead, "en", FRI, MON)
    seats = {h.seat.holder_id: h.seat for p in (sanne, jan) for h in store.held_seats(p, MON.date())}
    assert store.accept(sanne, [seats[sanne]], MON) == 1 and store.accept(sanne, [seats[sanne]], MON) == 0
    assert store.accept(jan, [seats[sanne]], MON) == 0  # not his seat
    assert store.accept(jan, [seats[jan]], MON) == 1
    assert export_team_data(services.engine.connect(), sanne)["seats_accepted"] == [FRI.isoformat()]
    with services.engine.begin() as conn:
        conn.execute(delete(people).where(people.c.id == jan))  # erasure: ON DELETE CASCADE
    with services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(team_seat_accepts)).scalar() == 1
    team_tick(store, services.booking, TeamSettings(), datetime.fromisoformat("2026-11-28T09:00:00+01:00"))
    with services.engine.connect() as conn:  # the day has passed: nothing links sanne to it any more
        assert conn.execute(select(func.count()).select_from(team_seat_accepts)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(team_groups)).scalar() == 0


def test_migration_0008_adds_and_removes_the_seat_tables(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine, "0007")
    assert "team_seat_accepts" not in inspect(engine).get_table_names()
    upgrade(engine, "0008")
    names = set(inspect(engine).get_table_names())
    assert {"team_seat_accepts", "team_groups"} <= names
    from alembic import command

    from adapters.store.migrate import alembic_config
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    assert not {"team_seat_accepts", "team_groups"} & set(inspect(engine).get_table_names())
    engine.dispose()

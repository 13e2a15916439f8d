"""The team jobs and the seat rules against the real store (SQLite): release at the claim
deadline, claims (one winner for the last seat), the waitlist, reminders once, and the last
cluster contended by two group bookings (all-or-nothing)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time

import pytest

from adapters.store.teams import SqlTeamStore
from bot.settings import Settings
from bot.team_chat import TeamSettings, load_team_settings
from bot.team_jobs import team_tick
from core.booking.api import AvailabilityQuery, BookingRequest, Where
from core.teams.model import Claim, WaitEntry
from core.teams.rules import claim_deadline, release_through, reminder_day
from tests.teams_feature.team_fixtures import FRI, MON, person


def test_rules_deadline_release_and_reminder_day():
    assert claim_deadline(FRI).isoformat() == "2026-11-26T18:00:00+01:00"
    assert release_through(datetime.fromisoformat("2026-11-26T17:59:00+01:00")) == date(2026, 11, 26)
    assert release_through(datetime.fromisoformat("2026-11-26T18:00:00+01:00")) == FRI
    assert reminder_day(datetime.fromisoformat("2026-11-23T15:00:00+01:00")) is None
    assert reminder_day(datetime.fromisoformat("2026-11-23T16:00:00+01:00")) == date(2026, 11, 24)


def test_settings_are_read_and_bad_values_named():
    from bot.settings import SettingsError
    s = Settings.from_env({"WMS_SEAT_CLAIM_DEADLINE": "17:30", "WMS_REMINDER_AT": "15:00"})
    assert load_team_settings(s).claim_deadline == time(17, 30)
    with pytest.raises(SettingsError, match="WMS_REMINDER_AT"):
        load_team_settings(Settings.from_env({"WMS_REMINDER_AT": "vier uur"}))


def test_claim_race_and_release_at_deadline(services):
    store = SqlTeamStore(services.engine)
    lead, sanne, jan = person(services, "lead"), person(services, "sanne"), person(services, "jan")
    store.add_member(lead, sanne, MON)
    store.add_member(lead, jan, MON)
    res = services.booking.book(BookingRequest(requester_id=lead, dates=(FRI,), where=Where("spark"), count=3,
                                               together=True, for_person_ids=(lead,)), MON)
    assert res.ok
    seats = store.open_seats((lead,), MON.date())
    assert len(seats) == 2 and {s.holder_id for s in seats} == {None}
    # Two people claim the same seat: exactly one wins, nothing half-made.
    first, second = store.claim(sanne, seats[0], MON), store.claim(jan, seats[0], MON)
    assert first.outcome is Claim.CLAIMED and second.outcome is Claim.TAKEN
    assert store.claim(sanne, seats[1], MON).outcome is Claim.ALREADY_SEATED
    assert len(store.open_seats((lead,), MON.date())) == 1
    settings = TeamSettings()
    early = team_tick(store, services.booking, settings, datetime.fromisoformat("2026-11-26T17:00:00+01:00"))
    assert early.released_seats == 0
    late = team_tick(store, services.booking, settings, datetime.fromisoformat("2026-11-26T18:01:00+01:00"))
    assert late.released_seats == 1
    told = [(k, r[0].text) for _, k, r in late.outgoing]
    assert ("test:lead", "Ik heb 1 niet-geclaimde plek(ken) in Rijksontmoetingsplein Spark op vrijdag 27 november vrijgegeven.") in told
    assert store.open_seats((lead,), MON.date()) == ()
    mine = {b.day for b in services.booking.upcoming(sanne, MON)}
    assert FRI in mine  # the claimed seat stays
    again = team_tick(store, services.booking, settings, datetime.fromisoformat("2026-11-26T18:02:00+01:00"))
    assert again.released_seats == 0


def test_waitlist_tells_or_books_once(services):
    store = SqlTeamStore(services.engine)
    anna, bob = person(services, "anna"), person(services, "bob")
    store.wait(WaitEntry(id=0, person_id=anna, building_id="hub-leiden", day=FRI), MON)
    store.wait(WaitEntry(id=0, person_id=bob, building_id="hub-leiden", day=FRI, auto_book=True), MON)
    report = team_tick(store, services.booking, TeamSettings(), MON)
    assert (report.waitlist_told, report.waitlist_booked) == (1, 1)
    assert [b.day for b in services.booking.upcoming(bob, MON)] == [FRI]
    assert services.booking.upcoming(anna, MON) == ()
    texts = {k: r[0].text for _, k, r in report.outgoing}
    assert texts["test:anna"].startswith("Er is een plek vrijgekomen in Hub Leiden")
    assert texts["test:bob"].startswith("Er kwam een plek vrij: geboekt")
    assert store.waiting(MON.date()) == ()


def test_reminders_once_with_cancel_and_check_in(services):
    store = SqlTeamStore(services.engine)
    anna, bob = person(services, "anna"), person(services, "bob")
    tue = date(2026, 11, 24)
    for p in (anna, bob):
        assert services.booking.book(BookingRequest(requester_id=p, dates=(tue,), where=Where("spark")), MON).ok
    store.set_reminders(anna, True, MON)
    at = datetime.fromisoformat("2026-11-23T16:05:00+01:00")
    report = team_tick(store, services.booking, TeamSettings(), at)
    assert report.reminders == 1
    [(nid, key, replies)] = report.outgoing
    assert key == "test:anna" and "Morgen (dinsdag 24 november)" in replies[0].text
    assert [c.utterance for c in replies[0].choices] == ["annuleer dinsdag 24 november", "inchecken"]
    store.sent([nid])
    assert team_tick(store, services.booking, TeamSettings(), at).reminders == 0


def test_last_cluster_contended_all_or_nothing(services):
    booking = services.booking
    a, b, c = person(services, "a"), person(services, "b"), person(services, "c")
    # Hub Leiden: 40 desks. Take 32 first; the last 8 are contended.
    first = booking.book(BookingRequest(requester_id=a, dates=(FRI,), where=Where("hub-leiden"), count=32), MON)
    assert first.ok
    left = booking.availability(AvailabilityQuery(dates=(FRI,), where=Where("hub-leiden"), count=8, together=True),
                                MON).days[0]
    assert left.free_desks == 8 and not left.fits  # 8 desks left, not next to each other
    # A team larger than any free cluster: a clear refusal, nothing booked.
    apart = booking.book(BookingRequest(requester_id=b, dates=(FRI,), where=Where("hub-leiden"), count=8,
                                        together=True), MON)
    assert not apart.ok and apart.bookings == () and booking.upcoming(b, MON) == ()
    results = {}

    def race(who: int) -> None:
        results[who] = booking.book(BookingRequest(requester_id=who, dates=(FRI,), where=Where("hub-leiden"),
                                                   count=8), MON)

    threads = [threading.Thread(target=race, args=(p,)) for p in (b, c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [p for p, r in results.items() if r.ok]
    assert len(won) == 1
    lost = next(p for p in (b, c) if p not in won)
    assert not results[lost].ok and results[lost].bookings == ()
    held = [x for x in booking.upcoming(lost, MON) if x.day == FRI]
    assert held == []
    assert sum(len(x.reservation_ids) for x in booking.upcoming(won[0], MON)) == 8 * 2  # whole day = 2 parts


def _poll(store, organiser, members, days, deadline):
    from core.teams.model import Poll
    return store.create_poll(Poll(id=0, organiser_id=organiser, building_id="turfmarkt-147", days=days,
                                  members=members, lang="nl", deadline=deadline), MON)


def test_poll_closes_at_deadline_and_books_the_winner(services):
    from core.teams.ranking import tally
    store = SqlTeamStore(services.engine)
    lead, sanne, jan = person(services, "lead"), person(services, "sanne"), person(services, "jan")
    mon, tue = date(2026, 11, 30), date(2026, 12, 1)
    deadline = datetime.fromisoformat("2026-11-24T09:00:00+01:00")
    pid = _poll(store, lead, (sanne, jan), (mon, tue), deadline)
    # jan already has a desk elsewhere on Tuesday: he gets no second seat, the cluster is still booked
    assert services.booking.book(BookingRequest(requester_id=jan, dates=(tue,), where=Where("spark")), MON).ok
    assert store.vote(pid, sanne, 1, MON) and store.vote(pid, jan, 1, MON) and store.vote(pid, lead, 0, MON)
    assert tally(store.poll(pid)) == {0: 1, 1: 2}
    assert team_tick(store, services.booking, TeamSettings(), MON).polls_closed == 0
    after = datetime.fromisoformat("2026-11-24T09:01:00+01:00")
    assert not store.vote(pid, sanne, 0, after)  # a vote after the deadline is refused, nothing changes
    report = team_tick(store, services.booking, TeamSettings(), after)
    assert report.polls_closed == 1 and store.poll(pid).status == "booked"
    texts = {k: r[0].text for _, k, r in report.outgoing}
    assert set(texts) == {"test:lead", "test:sanne", "test:jan"}
    assert "dinsdag 1 december samen in Turfmarkt 147" in texts["test:sanne"]
    assert [b.building_id for b in services.booking.upcoming(sanne, after) if b.day == tue] == ["turfmarkt-147"]
    assert [b.building_id for b in services.booking.upcoming(jan, after) if b.day == tue] == ["spark"]
    assert team_tick(store, services.booking, TeamSettings(), after).polls_closed == 0  # exactly once


def test_organiser_erased_mid_poll_leaves_nothing_half_done(services):
    from sqlalchemy import text as sql
    from adapters.store.people import erase_person
    store = SqlTeamStore(services.engine)
    lead, sanne = person(services, "lead"), person(services, "sanne")
    store.add_member(lead, sanne, MON)
    pid = _poll(store, lead, (sanne,), (date(2026, 11, 30),), datetime.fromisoformat("2026-11-24T09:00:00+01:00"))
    assert store.vote(pid, sanne, 0, MON)
    with services.engine.begin() as conn:
        erase_person(conn, lead, MON.date())
    assert store.poll(pid) is None and store.poll_for(sanne) is None
    assert store.team_for(sanne) is None  # the team was the lead's: gone with them
    assert not store.vote(pid, sanne, 0, MON)
    report = team_tick(store, services.booking, TeamSettings(), datetime.fromisoformat("2026-11-24T10:00:00+01:00"))
    assert report.polls_closed == 0
    with services.engine.connect() as conn:
        for table in ("team_polls", "team_poll_votes", "teams", "team_members"):
            assert conn.execute(sql(f"select count(*) from {table}")).scalar() == 0


def test_export_of_team_data(services):
    from adapters.store.teams import export_team_data
    store = SqlTeamStore(services.engine)
    lead, sanne = person(services, "lead"), person(services, "sanne")
    store.add_member(lead, sanne, MON)
    store.set_reminders(sanne, True, MON)
    store.wait(WaitEntry(id=0, person_id=sanne, building_id="spark", day=FRI), MON)
    with services.engine.connect() as conn:
        mine, theirs = export_team_data(conn, sanne), export_team_data(conn, lead)
    assert mine["member_of_teams"] == 1 and mine["reminders_since"] and mine["waitlist"][0]["building"] == "spark"
    assert theirs["leads_team"]["members"] == 1 and theirs["waitlist"] == []

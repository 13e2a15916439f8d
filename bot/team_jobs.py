"""The team feature's periodic jobs inside ``wms-bot serve`` (issue 7).

``run_team_jobs(services, send_proactive, stop)`` wakes every ``WMS_TEAM_JOBS_SECONDS``
(default 60) until ``stop`` is set and, while it holds the ``team-jobs`` lease (one instance
of several on PostgreSQL):

1. releases open group seats whose claim deadline passed (``WMS_SEAT_CLAIM_DEADLINE``,
   default 18:00 the day before) and tells the booker;
2. checks the waitlist: when a matching desk is free the person is told, or booked at once
   if they chose so (an entry is used once);
3. from ``WMS_REMINDER_AT`` (default 16:00) reminds opted-in people of tomorrow's bookings,
   with cancel and check-in buttons (once per person and day);
4. sends the notices the dialog queued (members told of a team booking, a claim, ...).

``send_proactive(user_key, replies)`` delivers to a person's one-to-one chat (``user_key`` is
``<channel>:<stable id>``) and returns True when delivered; a notice that could not be
delivered is kept and tried again for a day. :func:`team_tick` is the synchronous heart,
for tests and ``wms-bot`` commands. Logs carry counts and exception classes only.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from adapters.store.leases import Lease
from adapters.store.teams import SqlTeamStore
from bot.job_loop import run_leased
from bot.team_chat import TeamSettings, load_team_settings
from core.booking.api import AvailabilityQuery, BookingPort, BookingRequest, Where
from core.booking.model import Part
from core.clock import local_today
from core.i18n import LANGS, catalog, day as say_day, text
from core.messages import Choice, Reply
from core.teams.model import Notice, Poll
from core.teams.ranking import tally, winner
from core.teams.rules import release_through, reminder_day

log = logging.getLogger(__name__)

LEASE_NAME = "team-jobs"
NOTICE_TTL = timedelta(days=1)

SendProactive = Callable[[str, list[Reply]], Awaitable[bool]]
Clock = Callable[[], datetime]


@dataclass
class TickReport:
    released_seats: int = 0
    waitlist_told: int = 0
    waitlist_booked: int = 0
    reminders: int = 0
    polls_closed: int = 0
    outgoing: list[tuple[int, str, list[Reply]]] = field(default_factory=list)  # (notice id, user key, replies)


def render_notice(notice: Notice) -> list[Reply]:
    """A queued notice as a reply in its language, with its buttons."""
    lang = notice.lang if notice.lang in LANGS else "nl"
    values = {k: v for k, v in notice.values.items()}
    body = text(lang, notice.key, **values)
    # A label is a catalog key ("choice.claim") or already a text ("1. dinsdag 1 december").
    choices = tuple(Choice(text(lang, label) if catalog(lang).entries.get(label) else label, utterance)
                    for label, utterance in notice.choices)
    return [Reply(text=body, lang=lang, choices=choices, kind="notice")]


def team_tick(store: SqlTeamStore, booking: BookingPort, settings: TeamSettings, now: datetime,
              lang: str = "nl") -> TickReport:
    """One round of the jobs (steps 1-3 queue notices; the notices due are returned to send).

    Each notice is in the person's language: a waitlist wish and a reminder opt-in keep the
    language they were made in; the booker told of released seats gets the
    language the group was booked in, else the one they last used (reminder opt-in, waitlist
    wish, group booking, poll). ``lang`` is the default for anyone else."""
    report = TickReport()
    today = local_today(now)
    notices: list[Notice] = []
    # 1. open seats past their claim deadline
    released = store.release_open_seats(release_through(now, settings.claim_deadline), now)
    known = store.langs(r.booked_by_id for r in released) if released else {}
    booked_in = store.group_langs(r.group_id for r in released) if released else {}
    for r in released:
        report.released_seats += r.seats
        b = booking.building(r.building_id)
        # The language the group was booked in, else the one the booker last used, else the default.
        speak = booked_in.get(r.group_id) or known.get(r.booked_by_id, lang)
        notices.append(Notice(person_id=r.booked_by_id, key="team.notice.released", lang=speak,
                              values={"seats": r.seats, "building": b.name if b else r.building_id,
                                      "day": say_day(r.day, speak, today)}))
    # 2. team-day polls past their deadline: the most-voted day that still fits is booked
    for poll in store.due_polls(now):
        report.polls_closed += 1
        notices.extend(_close_poll(store, booking, poll, now, today))
    store.drop_old_polls(today)
    store.drop_past_seat_answers(today)
    # 3. the waitlist
    used = []
    for entry in store.waiting(today):
        part = Part(entry.part) if entry.part else None
        b = booking.building(entry.building_id)
        name = b.name if b else entry.building_id
        query = AvailabilityQuery(dates=(entry.day,), where=Where(building_id=entry.building_id), part=part,
                                  features=frozenset(entry.features))
        found = booking.availability(query, now)
        if found.refusal is not None or not any(d.free_desks > 0 and d.closed_reason is None for d in found.days):
            continue
        speak = entry.lang if entry.lang in LANGS else lang
        values: dict[str, Any] = {"building": name, "day": say_day(entry.day, speak, today)}
        if entry.auto_book:
            result = booking.book(BookingRequest(requester_id=entry.person_id, dates=(entry.day,),
                                                 where=Where(building_id=entry.building_id), part=part,
                                                 features=frozenset(entry.features),
                                                 source_message_id=f"waitlist:{entry.id}"), now)
            if result.ok and result.bookings:
                report.waitlist_booked += 1
                notices.append(Notice(person_id=entry.person_id, key="waitlist.notice.booked", lang=speak,
                                      values=dict(values, desk=result.bookings[0].desk_code)))
                used.append(entry.id)
                continue
        report.waitlist_told += 1
        notices.append(Notice(person_id=entry.person_id, key="waitlist.notice.free", lang=speak, values=values))
        used.append(entry.id)
    store.unwait(used)
    store.drop_past_waits(today)
    # 4. reminders, the afternoon before
    day = reminder_day(now, settings.reminder_at)
    if day is not None:
        people = store.reminder_people(day)
        known = store.langs(people) if people else {}
        for pid in people:
            speak = known.get(pid, lang)
            for bk in (x for x in booking.upcoming(pid, now) if x.day == day):
                b = booking.building(bk.building_id)
                parts = [p.value for p in bk.parts]
                part = text(speak, "part.whole_day") if len(parts) > 1 else text(speak, f"part.{parts[0]}")
                when = say_day(day, speak, today)
                notices.append(Notice(person_id=pid, key="reminder.notice", lang=speak,
                                      values={"day": when, "desk": bk.desk_code,
                                              "building": b.name if b else bk.building_id, "part": part},
                                      choices=(("choice.cancel", text(speak, "utter.cancel_day", day=when)),
                                               ("choice.check_in", text(speak, "utter.check_in")))))
                report.reminders += 1
            store.reminded(pid, day)
    store.notify(notices, now)
    # 5. everything queued, to send
    stale = []
    for n in store.pending_notices():
        key = store.external_id(n.person_id)
        if key is None:
            stale.append(n.id)
            continue
        report.outgoing.append((int(n.id or 0), key, render_notice(n)))
    store.sent(i for i in stale if i is not None)
    return report


def _close_poll(store: SqlTeamStore, booking: BookingPort, poll: Poll, now: datetime, today: Any) -> list[Notice]:
    """Close one due poll: book the winning day's cluster for the team (seats assigned; a member
    already booked that day, or gone, gets an open seat instead) and tell everyone."""
    lang = poll.lang if poll.lang in LANGS else "nl"
    b = booking.building(poll.building_id)
    building = b.name if b else poll.building_id
    alive = set(store.names((poll.organiser_id, *poll.members)))
    people = [p for p in (poll.organiser_id, *poll.members) if p in alive]
    size = len(poll.members) + 1
    found = booking.availability(AvailabilityQuery(dates=poll.days, where=Where(building_id=poll.building_id),
                                                   count=size, together=True), now)
    fits = {d.day: d.fits and d.closed_reason is None for d in found.days}
    choice = winner(poll, fits)
    if not store.close_poll(poll.id, "booked" if choice is not None else "failed"):
        return []  # the organiser picked a day meanwhile (or another instance closed it)
    if choice is None:
        key = "poll.notice.none" if not any(tally(poll).values()) else "poll.notice.failed"
        return [Notice(person_id=p, key=key, lang=lang, values={"building": building}) for p in people]
    day = poll.days[choice]
    owners: list[int | None] = []
    for p in (poll.organiser_id, *poll.members):
        busy = p not in alive or any(x.day == day for x in booking.upcoming(p, now))
        owners.append(None if busy else p)
    result = booking.book(BookingRequest(requester_id=poll.organiser_id, dates=(day,),
                                         where=Where(building_id=poll.building_id), count=size, together=True,
                                         for_person_ids=tuple(owners), source_message_id=f"poll:{poll.id}"), now)
    if not result.ok:
        store.mark_poll(poll.id, "failed")
        return [Notice(person_id=p, key="poll.notice.failed", lang=lang, values={"building": building})
                for p in people]
    if result.group_id:
        store.record_group(result.group_id, poll.organiser_id, lang, day, now)
    out = []
    when = say_day(day, lang, today)
    for p in people:
        mine = [x.desk_code for x in booking.upcoming(p, now) if x.day == day and x.building_id == poll.building_id]
        desk = mine[0] if mine else "-"
        buttons: tuple[tuple[str, str], ...] = (("choice.decline_seat", text(lang, "utter.cancel_day", day=when)),)
        if mine and p != poll.organiser_id:
            buttons = (("choice.accept_seat", text(lang, "utter.accept_seat_day", day=when)),) + buttons
        out.append(Notice(person_id=p, key="poll.notice.booked", lang=lang,
                          values={"building": building, "day": when, "desk": desk}, choices=buttons))
    return out


async def run_team_jobs(services: Any, send_proactive: SendProactive, stop: asyncio.Event, *,
                        clock: Clock | None = None, holder: str | None = None) -> None:
    """Run the team jobs until ``stop`` is set (see the module docstring). Never raises."""
    clock = clock or (lambda: datetime.now(timezone.utc))
    settings = load_team_settings(services.settings)
    store = SqlTeamStore(services.engine)
    lease = Lease(services.engine, LEASE_NAME, holder or uuid.uuid4().hex, ttl=max(60.0, settings.job_seconds * 3))

    async def work(now: datetime) -> None:
        report = await asyncio.to_thread(team_tick, store, services.booking, settings, now)
        await deliver(store, report, send_proactive, now)

    await run_leased(lease, stop, clock, work, lambda _now: settings.job_seconds, "team jobs")


async def deliver(store: SqlTeamStore, report: TickReport, send_proactive: SendProactive, now: datetime) -> int:
    """Send the notices of a tick; delivered ones (and ones older than a day) are removed."""
    done: list[int] = []
    pending = {n.id: n for n in await asyncio.to_thread(store.pending_notices)}
    for notice_id, key, replies in report.outgoing:
        try:
            ok = await send_proactive(key, replies)
        except Exception as exc:  # noqa: BLE001 - one failed delivery must not stop the others
            log.warning("team notice not delivered: %s", type(exc).__name__)
            ok = False
        n = pending.get(notice_id)
        if ok or (n is not None and n.created_at is not None and now - n.created_at > NOTICE_TTL):
            done.append(notice_id)
    await asyncio.to_thread(store.sent, done)
    if report.outgoing:
        log.info("team notices: %d sent of %d", len(done), len(report.outgoing))
    return len(done)


__all__ = ["SendProactive", "TickReport", "deliver", "render_notice", "run_team_jobs", "team_tick"]

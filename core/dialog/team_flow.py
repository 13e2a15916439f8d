"""Teams coordinating joint workdays in chat (issue 7): the managed team, group bookings for
the team with seats assigned or open to claim, recurring series, the waitlist, reminders.

:func:`team_parts` gives the dialog its ``flows`` (the ``book`` flow wrapped: team and series
bookings, a waitlist offer when nothing is free; the team's own questions) and a ``hook``
that answers the team phrases the parser marks with ``frame.act``. Everything is said in
the user's language from the catalogs; the people concerned are told through notices the
team jobs send (``bot/team_jobs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, Callable

from core.booking.api import (AvailabilityQuery, BookingPort, BookingRequest, BookingResult, CancelResult, Refusal,
                              Where)
from core.dialog import booking_flow, change_flow, overview, render
from core.dialog import want as wants
from core.dialog.state import Question
from core.dialog.turn import Flow, Turn
from core.i18n import day as say_day, join, text
from core.messages import Choice, Reply
from core.teams.model import Claim, DayOption, Notice, Poll, Seat, SeatState, SeatStatus, Team, WaitEntry
from core.teams.ranking import poll_deadline, rank
from core.teams.ports import TeamStore
from core.teams.rules import DEFAULT_CLAIM_DEADLINE, claim_deadline

MAX_LISTED = 20
MAX_DAY_OPTIONS = 5
WORKDAYS_AHEAD = 5


class _Recording:
    """The booking port of one turn, remembering the last booking result; a team booking
    with every member known gets its seats assigned (``for_person_ids``) on the way."""

    def __init__(self, inner: BookingPort, assign: list[int] | None) -> None:
        self.inner = inner
        self.assign = assign
        self.last: BookingResult | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def book(self, request: BookingRequest, now: datetime) -> BookingResult:
        if self.assign and not request.for_person_ids and request.count == len(self.assign):
            request = replace(request, for_person_ids=tuple(self.assign))
        self.last = self.inner.book(request, now)
        return self.last


class _Cancels:
    """The booking port of one turn, remembering what was cancelled (a declined seat)."""

    def __init__(self, inner: BookingPort) -> None:
        self.inner = inner
        self.cancelled: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def cancel(self, *args: Any, **kwargs: Any) -> CancelResult:
        result = self.inner.cancel(*args, **kwargs)
        if result.ok:
            self.cancelled.extend(result.cancelled)
        return result


@dataclass
class TeamFlows:
    """The team feature's dialog, bound to its store and the claim deadline."""

    store: TeamStore
    claim_at: time = DEFAULT_CLAIM_DEADLINE

    def flows(self) -> dict[str, Flow]:
        return {
            "book": Flow(start=self.book_start, confirmed=self._wrapped(booking_flow.confirmed),
                         declined=booking_flow.declined, picked=self._wrapped(booking_flow.picked),
                         filled=self._wrapped(booking_flow.filled)),
            "team_claim": Flow(picked=self._claim_picked),
            "team_add": Flow(picked=self._add_picked),
            "team_waitlist": Flow(confirmed=self._wait_confirmed, declined=self._wait_declined),
            "team_waitlist_auto": Flow(confirmed=self._auto_confirmed, declined=self._auto_declined),
            "team_day": Flow(start=self.team_day, picked=self._team_day_picked),
            "team_poll": Flow(picked=self._poll_picked),
            "list": Flow(start=self.list_bookings),
            "cancel": Flow(start=self._declining(lambda turn: change_flow.start_cancel(turn, wants.from_frame(turn.frame))),
                           confirmed=self._declining(change_flow.confirmed), declined=change_flow.declined,
                           picked=self._declining(change_flow.picked)),
            "team_assign": Flow(picked=self._assign_picked),
            "team_accept": Flow(picked=self._accept_picked),
        }

    def hook(self, turn: Turn) -> list[Reply] | None:
        act = getattr(turn.frame, "act", None)
        handler = {
            "team_add": self.add_member, "team_remove": self.remove_member, "team_list": self.list_team,
            "claim": self.claim, "waitlist": self.waitlist, "vote": self.vote,
            "seat_assign": self.assign, "seat_accept": self.accept, "seat_status": self.seat_status,
            "remind_on": lambda t: self.reminders(t, True), "remind_off": lambda t: self.reminders(t, False),
        }.get(act or "")
        if handler is None:
            return None
        if act == "team_list" and turn.frame.dates:
            return None  # "wie van mijn team is er donderdag?" is finding colleagues (sharing rules)
        turn.close_question() if act != "waitlist" else None
        return handler(turn)

    # ------------------------------------------------------------------ the team
    def _team(self, turn: Turn) -> tuple[Team | None, tuple[int, ...]]:
        """The asker's managed team, and its people other than the asker (else the room's)."""
        pid = turn.person_id
        team = self.store.team_for(pid)
        if team is not None:
            return team, tuple(m for m in team.everyone() if m != pid)
        prefix = f"{turn.inbound.channel}:"
        keys = [m if m.startswith(prefix) else prefix + m for m in turn.inbound.room_members]  # stable ids -> user keys
        room = list(self.store.person_ids(keys).values()) if keys else []
        ids = tuple(dict.fromkeys(i for i in room if i != pid))
        return None, ids if pid in set(room) else ()

    def _display(self, turn: Turn, names: dict[int, str | None], pid: int) -> str:
        return names.get(pid) or turn.t("team.someone")

    def add_member(self, turn: Turn) -> list[Reply]:
        name = (turn.frame.member or "").strip()
        if not name:
            return [turn.reply(turn.t("team.add.who"), closes=True)]
        _, room = self._team(turn)
        found = tuple(p for p in self.store.find_people(name, among=room) if p != turn.person_id)
        if not found:
            if self.store.find_people(name, among=(turn.person_id,)) == (turn.person_id,):
                return [turn.reply(turn.t("team.add.self"), closes=True)]
            return [turn.reply(turn.t("team.add.unknown", name=name[:60]), closes=True)]
        if len(found) > 1:
            return [turn.reply(turn.t("team.add.ambiguous", name=name[:60]), closes=True)]
        return self._add(turn, found[0])

    def _add(self, turn: Turn, member: int) -> list[Reply]:
        team = self.store.team_for(turn.person_id)
        if team is not None and team.owner_id != turn.person_id:
            return [turn.reply(turn.t("team.not_lead"), closes=True)]
        names = self.store.names([member])
        added = self.store.add_member(turn.person_id, member, turn.now)
        key = "team.add.done" if added else "team.add.already"
        if added:
            self.store.notify([Notice(person_id=member, key="team.notice.added", lang=turn.lang,
                                      values={"lead": self.store.names([turn.person_id]).get(turn.person_id) or ""})],
                              turn.now)
        return [turn.reply(turn.t(key, name=self._display(turn, names, member)), closes=True)]

    def _add_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        turn.close_question()
        return self._add(turn, int(option["person_id"]))

    def remove_member(self, turn: Turn) -> list[Reply]:
        name = (turn.frame.member or "").strip()
        team = self.store.team_for(turn.person_id)
        if team is None:
            return [turn.reply(turn.t("team.remove.unknown", name=name[:60]), closes=True)]
        if team.owner_id != turn.person_id:
            return [turn.reply(turn.t("team.not_lead"), closes=True)]
        found = tuple(p for p in self.store.find_people(name, among=team.members) if p in team.members)
        if len(found) != 1:
            return [turn.reply(turn.t("team.remove.unknown", name=name[:60]), closes=True)]
        names = self.store.names(found)
        self.store.remove_member(turn.person_id, found[0])
        return [turn.reply(turn.t("team.remove.done", name=self._display(turn, names, found[0])), closes=True)]

    def list_team(self, turn: Turn) -> list[Reply]:
        team, others = self._team(turn)
        if not others:
            return [turn.reply(turn.t("team.list.empty"), closes=True)]
        names = self.store.names(others[:MAX_LISTED])
        shown = [self._display(turn, names, p) for p in others[:MAX_LISTED]]
        if team is not None and team.owner_id is not None and team.owner_id != turn.person_id:
            lead = self._display(turn, names, team.owner_id)
            shown = [turn.t("team.list.lead", name=lead) if s == lead else s for s in shown]
        key = "team.list.managed" if team is not None else "team.list.room"
        return [turn.reply(turn.t(key, count=len(others)), *("- " + s for s in shown), closes=True)]

    # ------------------------------------------------------------------ booking for the team
    def _team_want(self, turn: Turn, want: dict[str, Any]) -> list[str]:
        """Complete a team request: the count from the team's size; seats assigned when the
        count equals the team (the booker included), else open to claim. Returns prefix lines."""
        _, others = self._team(turn)
        size = len(others) + 1
        if not others:
            return [turn.t("team.book.no_team")] if not want.get("count") else []
        if not want.get("count"):
            want["count"] = size
        if int(want["count"]) == size:
            want["assign"] = [turn.person_id, *others]
            names = self.store.names(others)
            return [turn.t("team.book.assigned", names=join(
                [self._display(turn, names, p) for p in others], turn.lang))]
        return [turn.t("team.book.open", count=int(want["count"]))]

    def book_start(self, turn: Turn) -> list[Reply]:
        want = wants.from_frame(turn.frame)
        prefix: list[str] = []
        if want.get("team"):
            prefix = self._team_want(turn, want)
        if getattr(turn.frame, "recurring", False) and len(wants.dates(want)) > 1:
            want["series"] = True
        if not prefix or turn.frame.raw_location:
            return self._run(turn, want, lambda: booking_flow.start(turn, want))
        return self._run(turn, want, lambda: booking_flow.proceed(turn, want, prefix))

    def _wrapped(self, handler: Callable[..., list[Reply]]) -> Callable[..., list[Reply]]:
        def run(turn: Turn, q: Question, *rest: Any) -> list[Reply]:
            return self._run(turn, q.want, lambda: handler(turn, q, *rest))
        return run

    def _run(self, turn: Turn, want: dict[str, Any], step: Callable[[], list[Reply]]) -> list[Reply]:
        inner = turn.booking
        rec = _Recording(inner, want.get("assign"))
        turn.booking = rec  # type: ignore[assignment]
        try:
            replies = step()
        finally:
            turn.booking = inner
        if rec.last is None or not replies:
            return replies
        return self._after(turn, rec.last, want, replies)

    def _after(self, turn: Turn, result: BookingResult, want: dict[str, Any], replies: list[Reply]) -> list[Reply]:
        last = replies[-1]
        extra: list[str] = []
        choices = tuple(last.choices)
        if result.ok and result.bookings:
            if want.get("team"):
                extra += self._told_team(turn, result, want)
            if want.get("series") or len({b.day for b in result.bookings}) > 1:
                extra.append(turn.t("series.booked", count=len({b.day for b in result.bookings})))
        elif result.refusal in (Refusal.NOTHING_FREE, Refusal.TAKEN) and not want.get("team") \
                and len(wants.dates(want)) == 1:
            wish = {"location": want.get("location") or (result.alternatives[0].building_id
                                                         if result.alternatives else None),
                    "dates": want.get("dates"), "time": want.get("time"), "features": want.get("features")}
            if wish["location"] and not str(wish["location"]).startswith(wants.CITY_PREFIX):
                if turn.state.question is not None:
                    # Alternatives are offered: the waitlist is one more button.
                    turn.state.question.want = dict(turn.state.question.want, waitlist=wish)
                    label, utter = turn.t("choice.waitlist"), turn.t("utter.waitlist")
                    choices = choices + (Choice(label, utter),)
                    turn.state.question.choices.append([label, utter])
                else:
                    q = Question(kind="confirm", action="team_waitlist", want=wish)
                    extra.append(turn.t("waitlist.offer"))
                    choices = render.yes_no(turn)
                    turn.state.question = q
                    q.prompt, q.choices = turn.t("waitlist.offer"), [[c.label, c.utterance] for c in choices]
        if not extra and choices == tuple(last.choices):
            return replies
        body = "\n".join([last.text, *extra]) if extra else last.text
        asks = turn.state.question is not None and turn.state.question.action == "team_waitlist"
        replies[-1] = Reply(text=body, lang=last.lang, choices=choices, card=last.card, attachments=last.attachments,
                            kind=last.kind, closes_question=last.closes_question and not asks, meta=last.meta)
        return replies

    def _told_team(self, turn: Turn, result: BookingResult, want: dict[str, Any]) -> list[str]:
        bookings = result.bookings
        first = bookings[0]
        building = render.place(turn, first.building_id)
        days = sorted({b.day for b in bookings})
        _, others = self._team(turn)
        lines: list[str] = []
        deadline = claim_deadline(days[0], self.claim_at)
        when = render.when(turn, days)
        booker = self.store.names([turn.person_id]).get(turn.person_id) or ""
        notices = []
        if result.group_id:
            self.store.record_group(result.group_id, turn.person_id, turn.lang, days[-1], turn.now)
        if want.get("assign"):
            lines.append(turn.t("team.booked.assigned"))
            for p in others:
                notices.append(Notice(person_id=p, key="team.notice.seat", lang=turn.lang,
                                      values={"booker": booker, "building": building, "days": when},
                                      choices=(("choice.accept_seat", turn.t("utter.accept_seat_days", days=when)),
                                               ("choice.decline_seat", turn.t("utter.cancel_days", days=when)))))
        else:
            lines.append(turn.t("team.booked.open", time=deadline.strftime("%H:%M"),
                                day=render.one_day(turn, deadline.date())))
            lines.append(turn.t("team.booked.assign_hint"))
            for p in others:
                notices.append(Notice(person_id=p, key="team.notice.open", lang=turn.lang,
                                      values={"booker": booker, "building": building, "days": when,
                                              "time": deadline.strftime("%H:%M")},
                                      choices=(("choice.claim", turn.t("utter.claim_day",
                                                                       day=render.one_day(turn, days[0]))),)))
        if notices:
            self.store.notify(notices, turn.now)
            lines.append(turn.t("team.booked.told", count=len(notices)))
        return lines

    # ------------------------------------------------------------------ claiming an open seat
    def claim(self, turn: Turn) -> list[Reply]:
        pid = turn.person_id
        _, others = self._team(turn)
        seats = self.store.open_seats((pid, *others), turn.today)
        if turn.frame.dates:
            seats = tuple(s for s in seats if s.day in set(turn.frame.dates))
        if not seats:
            return [turn.reply(turn.t("team.claim.none"), closes=True)]
        days = sorted({s.day for s in seats})
        if len(days) > 1:
            options = [{"day": d.isoformat()} for d in days[:4]]
            labels = [turn.t("team.claim.option", day=render.one_day(turn, d),
                             building=render.place(turn, next(s.building_id for s in seats if s.day == d)))
                      for d in days[:4]]
            q = Question(kind="pick", action="team_claim", options=options)
            return [turn.ask(q, turn.t("team.claim.which"), choices=render.numbered(labels))]
        return self._claim_day(turn, seats, days[0])

    def _claim_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        turn.close_question()
        _, others = self._team(turn)
        seats = self.store.open_seats((turn.person_id, *others), turn.today)
        return self._claim_day(turn, seats, date.fromisoformat(option["day"]))

    def _claim_day(self, turn: Turn, seats: tuple[Seat, ...], day: date) -> list[Reply]:
        outcome = Claim.NONE_OPEN
        for seat in (s for s in seats if s.day == day):
            result = self.store.claim(turn.person_id, seat, turn.now)
            outcome = result.outcome
            if outcome is Claim.CLAIMED:
                self.store.accept(turn.person_id, [result.seat or seat], turn.now)  # claiming is accepting
                building = render.place(turn, seat.building_id)
                if seat.booked_by_id is not None and seat.booked_by_id != turn.person_id:
                    me = self.store.names([turn.person_id]).get(turn.person_id) or ""
                    self.store.notify([Notice(person_id=seat.booked_by_id, key="team.notice.claimed", lang=turn.lang,
                                              values={"name": me, "desk": seat.desk_code,
                                                      "day": render.one_day(turn, day)})], turn.now)
                return [turn.reply(turn.t("team.claim.done", desk=seat.desk_code, building=building,
                                          day=render.one_day(turn, day)), closes=True)]
            if outcome is not Claim.TAKEN:
                break  # already seated that day, or the store is busy: trying another seat won't help
        key = {Claim.ALREADY_SEATED: "team.claim.already", Claim.UNAVAILABLE: "refusal.unavailable",
               Claim.TAKEN: "team.claim.taken"}.get(outcome, "team.claim.none")
        return [turn.reply(turn.t(key, day=render.one_day(turn, day)), closes=True)]

    # ------------------------------------------------------------------ assigning an open seat
    def assign(self, turn: Turn) -> list[Reply]:
        """The booker gives an open seat of their group booking to a named member of the team."""
        name = (turn.frame.member or "").strip()
        if not name:
            return [turn.reply(turn.t("team.assign.who"), closes=True)]
        pid = turn.person_id
        _, others = self._team(turn)
        days = set(turn.frame.dates)
        mine = [s for s in self.store.open_seats((pid,), turn.today) if not days or s.day in days]
        if not mine:
            theirs = [s for s in self.store.open_seats(others, turn.today) if not days or s.day in days]
            return [turn.reply(turn.t("team.assign.not_booker" if theirs else "team.assign.none_open"), closes=True)]
        found = tuple(p for p in self.store.find_people(name, among=others) if p in others)
        if not found:
            if self.store.find_people(name, among=(pid,)) == (pid,):
                return [turn.reply(turn.t("team.assign.self"), closes=True)]
            return [turn.reply(turn.t("team.assign.unknown", name=name[:60]), closes=True)]
        wanted = sorted(d.isoformat() for d in days)
        if len(found) > 1:
            names = self.store.names(found[:MAX_DAY_OPTIONS])
            labels = [self._display(turn, names, p) for p in found[:MAX_DAY_OPTIONS]]
            q = Question(kind="pick", action="team_assign", want={"dates": wanted},
                         options=[{"person_id": p} for p in found[:MAX_DAY_OPTIONS]])
            return [turn.ask(q, turn.t("team.assign.which_person", name=name[:60]), choices=render.numbered(labels))]
        return self._assign(turn, found[0], wanted)

    def _assign_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        turn.close_question()
        member = int(option["person_id"])
        _, others = self._team(turn)
        if member not in others:  # left the team meanwhile
            return [turn.reply(turn.t("team.assign.unknown", name=turn.t("team.someone")), closes=True)]
        return self._assign(turn, member, [option["day"]] if option.get("day") else list(q.want.get("dates") or []))

    def _assign(self, turn: Turn, member: int, wanted: list[str]) -> list[Reply]:
        days = {date.fromisoformat(d) for d in wanted}
        seats = [s for s in self.store.open_seats((turn.person_id,), turn.today) if not days or s.day in days]
        names = self.store.names([member, turn.person_id])
        who = self._display(turn, names, member)
        open_days = sorted({s.day for s in seats})
        if not open_days:
            return [turn.reply(turn.t("team.assign.none_open"), closes=True)]
        if len(open_days) > 1:
            labels = [turn.t("team.claim.option", day=render.one_day(turn, d),
                             building=render.place(turn, next(s.building_id for s in seats if s.day == d)))
                      for d in open_days[:4]]
            q = Question(kind="pick", action="team_assign",
                         options=[{"person_id": member, "day": d.isoformat()} for d in open_days[:4]])
            return [turn.ask(q, turn.t("team.assign.which_day", name=who), choices=render.numbered(labels))]
        day = open_days[0]
        outcome = Claim.NONE_OPEN
        for seat in (s for s in seats if s.day == day):
            outcome = self.store.claim(member, seat, turn.now).outcome  # the same one conditional UPDATE
            if outcome is Claim.CLAIMED:
                self._tell_assigned(turn, member, seat, names.get(turn.person_id) or "")
                return [turn.reply(turn.t("team.assign.done", name=who, desk=seat.desk_code,
                                          building=render.place(turn, seat.building_id),
                                          day=render.one_day(turn, day)), closes=True)]
            if outcome is not Claim.TAKEN:
                break
        key = {Claim.ALREADY_SEATED: "team.assign.seated", Claim.UNAVAILABLE: "refusal.unavailable"}.get(
            outcome, "team.assign.none_open")
        return [turn.reply(turn.t(key, name=who, day=render.one_day(turn, day)), closes=True)]

    def _tell_assigned(self, turn: Turn, member: int, seat: Seat, booker: str) -> None:
        """The member hears of their seat in their own language (what the store knows of it),
        else the language of the conversation that assigned it."""
        lang = self.store.langs([member]).get(member, turn.lang)
        b = turn.building(seat.building_id)
        when = say_day(seat.day, lang, turn.today)
        self.store.notify([Notice(person_id=member, key="team.notice.assigned", lang=lang,
                                  values={"booker": booker, "desk": seat.desk_code,
                                          "building": b.name if b else seat.building_id, "day": when},
                                  choices=(("choice.accept_seat", text(lang, "utter.accept_seat_day", day=when)),
                                           ("choice.decline_seat", text(lang, "utter.cancel_day", day=when))))],
                          turn.now)

    # ------------------------------------------------------------------ accepting one's seat
    def accept(self, turn: Turn) -> list[Reply]:
        """A member accepts the seat booked for them ("ik neem de plek aan", the notice's button);
        declining is cancelling it ("Ik kan niet")."""
        held = self._held(turn, set(turn.frame.dates))
        if not held:
            _, others = self._team(turn)
            claimable = self.store.open_seats((turn.person_id, *others), turn.today)
            return [turn.reply(turn.t("team.accept.none_but_open" if claimable else "team.accept.none"), closes=True)]
        waiting = [h for h in held if h.state is SeatState.WAITING]
        if not waiting:
            return [turn.reply(turn.t("team.accept.already", days=render.when(turn, [h.seat.day for h in held])),
                               closes=True)]
        days = sorted({h.seat.day for h in waiting})
        if len(days) > 1 and not turn.frame.dates:
            labels = [turn.t("team.claim.option", day=render.one_day(turn, d),
                             building=render.place(turn, next(h.seat.building_id for h in waiting if h.seat.day == d)))
                      for d in days[:4]] + [turn.t("team.accept.all")]
            q = Question(kind="pick", action="team_accept",
                         options=[{"days": [d.isoformat()]} for d in days[:4]]
                         + [{"days": [d.isoformat() for d in days]}])
            return [turn.ask(q, turn.t("team.accept.which"), choices=render.numbered(labels))]
        return self._accept(turn, waiting)

    def _held(self, turn: Turn, days: set[date]) -> list[SeatStatus]:
        return [h for h in self.store.held_seats(turn.person_id, turn.today) if not days or h.seat.day in days]

    def _accept_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        turn.close_question()
        days = {date.fromisoformat(d) for d in option.get("days") or ()}
        waiting = [h for h in self._held(turn, days) if h.state is SeatState.WAITING]
        if not waiting:
            return [turn.reply(turn.t("team.accept.none"), closes=True)]
        return self._accept(turn, waiting)

    def _accept(self, turn: Turn, waiting: list[SeatStatus]) -> list[Reply]:
        self.store.accept(turn.person_id, [h.seat for h in waiting], turn.now)
        self._tell_bookers(turn, [h.seat for h in waiting], "team.notice.accepted")
        lines = [turn.t("team.accept.done", desk=h.seat.desk_code, building=render.place(turn, h.seat.building_id),
                        day=render.one_day(turn, h.seat.day)) for h in sorted(waiting, key=lambda h: h.seat.day)]
        return [turn.reply(*lines, closes=True)]

    def _declining(self, handler: Callable[..., list[Reply]]) -> Callable[..., list[Reply]]:
        """The cancel flow, telling the booker when someone cancels a seat booked for them
        (declining it: "Ik kan niet")."""
        def run(turn: Turn, *rest: Any) -> list[Reply]:
            held = {(h.seat.group_id, h.seat.day): h.seat for h in self.store.held_seats(turn.person_id, turn.today)}
            if not held:
                return handler(turn, *rest)
            inner = turn.booking
            rec = _Cancels(inner)
            turn.booking = rec  # type: ignore[assignment]
            try:
                replies = handler(turn, *rest)
            finally:
                turn.booking = inner
            gone = [held[(b.group_id, b.day)] for b in rec.cancelled if (b.group_id, b.day) in held]
            self._tell_bookers(turn, gone, "team.notice.declined")
            return replies
        return run

    def _tell_bookers(self, turn: Turn, seats: list[Seat], key: str) -> None:
        """Tell the booker of each seat (when that is someone else) what this person did with it,
        in the language the group was booked in, else the one the booker last used."""
        bookers = {s.booked_by_id for s in seats if s.booked_by_id is not None and s.booked_by_id != turn.person_id}
        if not bookers:
            return
        group_lang = self.store.group_langs(s.group_id for s in seats)
        known = self.store.langs(bookers)
        me = self.store.names([turn.person_id]).get(turn.person_id) or ""
        notices = []
        for s in seats:
            if s.booked_by_id not in bookers:
                continue
            lang = group_lang.get(s.group_id) or known.get(s.booked_by_id, turn.lang)
            notices.append(Notice(person_id=s.booked_by_id, key=key, lang=lang,
                                  values={"name": me, "desk": s.desk_code, "day": say_day(s.day, lang, turn.today)}))
        self.store.notify(notices, turn.now)

    # ------------------------------------------------------------------ the booker's overview
    def seat_status(self, turn: Turn) -> list[Reply]:
        """The seats of the group bookings the person made: accepted, waiting, declined, open."""
        seats = self.store.group_seats(turn.person_id, turn.today)
        if turn.frame.dates:
            seats = tuple(s for s in seats if s.seat.day in set(turn.frame.dates))
        if not seats:
            return [turn.reply(turn.t("team.status.none"), closes=True)]
        return [turn.reply(*self._status_lines(turn, seats), closes=True)]

    def list_bookings(self, turn: Turn) -> list[Reply]:
        """"wat heb ik gereserveerd?": the ordinary list; a booker of group bookings also sees
        where their seats stand (one line per group and day)."""
        want = wants.from_frame(turn.frame)
        replies = overview.bookings(turn, want)
        seats = self.store.group_seats(turn.person_id, turn.today)
        asked = set(wants.dates(want))
        seats = tuple(s for s in seats if not asked or s.seat.day in asked)
        if not seats or not replies:
            return replies
        lines = self._status_lines(turn, seats, detail=False)
        last = replies[-1]
        replies[-1] = replace(last, text="\n".join([last.text, *lines, turn.t("team.status.more")]))
        return replies

    def _status_lines(self, turn: Turn, seats: tuple[SeatStatus, ...], detail: bool = True) -> list[str]:
        names = self.store.names({s.seat.holder_id for s in seats if s.seat.holder_id is not None})
        groups: dict[tuple[date, str, str], list[SeatStatus]] = {}
        for s in seats:
            groups.setdefault((s.seat.day, s.seat.building_id, s.seat.group_id), []).append(s)
        lines: list[str] = [turn.t("team.status.intro")]
        order = (SeatState.ACCEPTED, SeatState.WAITING, SeatState.DECLINED, SeatState.OPEN, SeatState.RELEASED)
        for (day, building, _), rows in sorted(groups.items())[:MAX_DAY_OPTIONS]:
            counts = {state: sum(1 for r in rows if r.state is state) for state in order}
            summary = join([turn.t(f"team.status.count.{st.value}", count=n) for st, n in counts.items() if n],
                           turn.lang)
            lines.append(turn.t("team.status.group", day=render.one_day(turn, day),
                                building=render.place(turn, building), summary=summary))
            for r in sorted(rows, key=lambda r: (order.index(r.state), r.seat.desk_code))[:MAX_LISTED if detail else 0]:
                who = self._display(turn, names, r.seat.holder_id) if r.seat.holder_id is not None else ""
                lines.append("- " + turn.t(f"team.status.{r.state.value}", desk=r.seat.desk_code, name=who))
        return lines

    # ------------------------------------------------------------------ waitlist
    def waitlist(self, turn: Turn) -> list[Reply]:
        q = turn.state.question
        wish = dict((q.want.get("waitlist") if q is not None else None) or {})
        if not wish and q is not None and q.action in ("book", "team_waitlist"):
            wish = dict(q.want)
        turn.close_question()
        if not wish.get("dates"):
            frame_want = wants.from_frame(turn.frame)
            wish = {k: frame_want.get(k) for k in ("location", "dates", "time", "features")}
        if not wish.get("location"):
            wish["location"] = turn.booking.last_building(turn.person_id)
        return self._wait(turn, wish)

    def _wait(self, turn: Turn, wish: dict[str, Any]) -> list[Reply]:
        days = wants.dates(wish)
        location = wish.get("location")
        if len(days) != 1 or not location or str(location).startswith(wants.CITY_PREFIX):
            return [turn.reply(turn.t("waitlist.what"), closes=True)]
        day = days[0]
        if day < turn.today:
            return [turn.reply(turn.t("waitlist.past"), closes=True)]
        part, _, _ = wants.timing(wish)
        entry = WaitEntry(id=0, person_id=turn.person_id, building_id=str(location), day=day,
                          part=part.value if part is not None else None,
                          features=tuple(sorted(wish.get("features") or ())), lang=turn.lang)
        self.store.wait(entry, turn.now)
        q = Question(kind="confirm", action="team_waitlist_auto", want={"wish": wish})
        line = turn.t("waitlist.added", building=render.place(turn, str(location)), day=render.one_day(turn, day))
        return [turn.ask(q, line, turn.t("waitlist.auto.ask"), choices=render.yes_no(turn))]

    def _wait_confirmed(self, turn: Turn, q: Question) -> list[Reply]:
        turn.close_question()
        return self._wait(turn, dict(q.want))

    def _wait_declined(self, turn: Turn, q: Question) -> list[Reply]:
        turn.close_question()
        return [turn.reply(turn.t("declined"), closes=True)]

    def _auto(self, turn: Turn, q: Question, auto: bool) -> list[Reply]:
        turn.close_question()
        wish = dict(q.want.get("wish") or {})
        days = wants.dates(wish)
        if days and wish.get("location"):
            part, _, _ = wants.timing(wish)
            self.store.wait(WaitEntry(id=0, person_id=turn.person_id, building_id=str(wish["location"]), day=days[0],
                                      part=part.value if part is not None else None,
                                      features=tuple(sorted(wish.get("features") or ())), auto_book=auto,
                                      lang=turn.lang), turn.now)
        return [turn.reply(turn.t("waitlist.auto.yes" if auto else "waitlist.auto.no"), closes=True)]

    def _auto_confirmed(self, turn: Turn, q: Question) -> list[Reply]:
        return self._auto(turn, q, True)

    def _auto_declined(self, turn: Turn, q: Question) -> list[Reply]:
        return self._auto(turn, q, False)

    # ------------------------------------------------------------------ team day and poll
    def team_day(self, turn: Turn) -> list[Reply]:
        """Candidate days ranked: a cluster for the whole team free in the building first,
        then fewer members booked elsewhere (a count, never names)."""
        _, others = self._team(turn)
        if not others:
            return [turn.reply(turn.t("teamday.no_team"), closes=True)]
        location = turn.frame.location or turn.booking.last_building(turn.person_id)
        if not location or str(location).startswith(wants.CITY_PREFIX):
            return [turn.reply(turn.t("teamday.where"), closes=True)]
        days = [d for d in turn.frame.dates if d > turn.today] or _next_workdays(turn.today, WORKDAYS_AHEAD)
        size = len(others) + 1
        found = turn.booking.availability(AvailabilityQuery(dates=tuple(days), where=Where(building_id=location),
                                                            count=size, together=True), turn.now)
        if found.refusal is not None:
            return [turn.reply(render.refusal(turn, BookingResult(ok=False, refusal=found.refusal,
                                                                  detail=found.detail), {}), closes=True)]
        elsewhere: dict[date, int] = {}
        for m in others:
            for d in {b.day for b in turn.booking.upcoming(m, turn.now) if b.building_id != location}:
                elsewhere[d] = elsewhere.get(d, 0) + 1
        options = rank(DayOption(day=d.day, fits=d.fits, free_desks=d.free_desks,
                                 booked_elsewhere=elsewhere.get(d.day, 0), closed_reason=d.closed_reason)
                       for d in found.days)[:MAX_DAY_OPTIONS]
        building = render.place(turn, location)
        if not options:
            return [turn.reply(turn.t("teamday.none", building=building), closes=True)]
        labels = [self._day_label(turn, o, size) for o in options]
        labels.append(turn.t("teamday.poll"))
        want = {"location": location, "members": list(others), "days": [o.day.isoformat() for o in options]}
        q = Question(kind="pick", action="team_day", want=want,
                     options=[{"day": o.day.isoformat()} for o in options] + [{"poll": True}])
        card = render.card(turn, "choices", "open", items=[{"label": l} for l in labels])
        return [turn.ask(q, turn.t("teamday.intro", building=building, count=size), turn.t("teamday.pick"),
                         choices=render.numbered(labels), card=card)]

    def _day_label(self, turn: Turn, o: DayOption, size: int) -> str:
        head = turn.t("teamday.fits" if o.fits else "teamday.not_together", day=render.one_day(turn, o.day),
                      count=size, free=o.free_desks)
        if o.booked_elsewhere:
            head += " " + turn.t("teamday.elsewhere", count=o.booked_elsewhere)
        return head

    def _team_day_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        turn.close_question()
        if option.get("poll"):
            return self._start_poll(turn, q.want)
        return self._book_day(turn, q.want, date.fromisoformat(option["day"]), [])

    def _book_day(self, turn: Turn, spec: dict[str, Any], day: date, prefix: list[str]) -> list[Reply]:
        members = [int(m) for m in spec.get("members") or []]
        want = {"team": True, "together": True, "count": len(members) + 1, "location": spec["location"],
                "dates": [day.isoformat()], "assign": [turn.person_id, *members]}
        return [booking_flow.confirm(turn, want, prefix)]

    def _start_poll(self, turn: Turn, spec: dict[str, Any]) -> list[Reply]:
        days = tuple(date.fromisoformat(d) for d in spec.get("days") or ())
        members = tuple(int(m) for m in spec.get("members") or ())
        deadline = poll_deadline(turn.now, days, self.claim_at)
        poll_id = self.store.create_poll(Poll(id=0, organiser_id=turn.person_id, building_id=spec["location"],
                                              days=days, members=members, lang=turn.lang, deadline=deadline),
                                         turn.now)
        building = render.place(turn, spec["location"])
        labels = [render.one_day(turn, d) for d in days]
        until = render.one_day(turn, deadline.date()) + " " + deadline.astimezone(turn.now.tzinfo).strftime("%H:%M")
        organiser = self.store.names([turn.person_id]).get(turn.person_id) or ""
        votes = tuple((label, turn.t("utter.vote", n=i)) for i, label in enumerate(labels, 1))
        lines = [turn.t("poll.question", building=building, until=until)]
        self.store.notify([Notice(person_id=m, key="poll.notice", lang=turn.lang,
                                  values={"organiser": organiser, "building": building, "until": until,
                                          "days": "; ".join(f"{i}. {v[0]}" for i, v in enumerate(votes, 1))},
                                  choices=tuple((f"{i}. {v[0]}", v[1]) for i, v in enumerate(votes, 1)))
                           for m in members],
                          turn.now)
        q = Question(kind="pick", action="team_poll", want={"poll_id": poll_id, **spec},
                     options=[{"day": d.isoformat()} for d in days])
        choices = tuple(Choice(label, utter) for label, utter in votes)
        card = render.card(turn, "choices", "open", items=[{"label": v[0]} for v in votes])
        card["poll"] = {"id": poll_id, "until": deadline.isoformat()}
        reply = turn.ask(q, *lines, turn.t("poll.how", count=len(members)),
                         choices=choices, card=card)
        # Anyone in the room may answer a poll (not only the organiser): channels that tie
        # reactions/buttons to the asker can read this mark.
        return [replace(reply, meta={**(reply.meta or {}), "poll": poll_id, "answerable_by": "room"})]

    def _poll_picked(self, turn: Turn, q: Question, option: dict[str, Any]) -> list[Reply]:
        """The organiser picks the day: the poll closes and the cluster is proposed for booking."""
        turn.close_question()
        poll = self.store.poll(int(q.want.get("poll_id") or 0))
        if poll is None or not self.store.close_poll(poll.id, "booked"):
            return [turn.reply(turn.t("poll.closed"), closes=True)]
        return self._book_day(turn, q.want, date.fromisoformat(option["day"]), [turn.t("poll.picked")])

    def vote(self, turn: Turn) -> list[Reply]:
        poll = self.store.poll_for(turn.person_id)
        if poll is None:
            return [turn.reply(turn.t("poll.none"), closes=True)]
        if poll.status != "open" or poll.deadline <= turn.now:
            return [turn.reply(turn.t("poll.closed"), closes=True)]
        try:
            n = int(turn.frame.member or "0")
        except ValueError:
            n = 0
        if not 1 <= n <= len(poll.days):
            return [turn.reply(turn.t("pick_range", max=len(poll.days)), closes=True)]
        if not self.store.vote(poll.id, turn.person_id, n - 1, turn.now):
            return [turn.reply(turn.t("poll.closed"), closes=True)]
        return [turn.reply(turn.t("poll.voted", day=render.one_day(turn, poll.days[n - 1])), closes=True)]

    # ------------------------------------------------------------------ reminders
    def reminders(self, turn: Turn, on: bool) -> list[Reply]:
        changed = self.store.set_reminders(turn.person_id, on, turn.now, lang=turn.lang)
        key = ("reminders.on" if on else "reminders.off") if changed else (
            "reminders.already_on" if on else "reminders.already_off")
        return [turn.reply(turn.t(key), closes=True)]


def _next_workdays(today: date, n: int) -> list[date]:
    out: list[date] = []
    d = today
    while len(out) < n:
        d = date.fromordinal(d.toordinal() + 1)
        if d.weekday() < 5:
            out.append(d)
    return out


def team_parts(store: TeamStore, claim_at: time = DEFAULT_CLAIM_DEADLINE) -> tuple[dict[str, Flow], Any]:
    """The flows and the hook for ``Dialog(..., flows=flows, hooks=[hook])``."""
    flows = TeamFlows(store=store, claim_at=claim_at)
    return flows.flows(), flows.hook


__all__ = ["TeamFlows", "team_parts"]

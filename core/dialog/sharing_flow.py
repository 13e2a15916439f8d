"""Location sharing in chat: share, see and stop sharing, find colleagues, "who looked me up".

The rules are in :mod:`core.privacy.sharing`. The one rule this module must keep itself:
for a named colleague the answer is *the same text* whether the colleague does not exist,
does not share with the asker, or shares but has no booking on the asked days (it is built
only from what the asker typed and the days asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.booking.model import Booking
from core.dialog.turn import Flow, Turn
from core.i18n import day, days as phrase_days, join
from core.messages import Choice, Reply
from core.privacy.sharing import (
    LOOKUP_LOG_DAYS,
    MAX_NAME_CHARS,
    Grant,
    SharingPort,
    Sighting,
    TeamPort,
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

MAX_LOOKUP_LINES = 20
MAX_MATCHES = 5
"""More colleagues than this matching one typed name (all sharing with the asker): ask for the full name."""


@dataclass
class SharingFlows:
    """The sharing flows, bound to their ports (built by ``core.dialog.privacy_flow``)."""

    sharing: SharingPort
    teams: TeamPort

    def flows(self) -> dict[str, Flow]:
        return {
            "share_location": Flow(start=self.share),
            "stop_sharing": Flow(start=self.stop),
            "find_colleague": Flow(start=self.find),
        }

    # ------------------------------------------------------------------ helpers
    def _room_keys(self, turn: Turn) -> tuple[str, ...]:
        return tuple(f"{turn.inbound.channel}:{m}" for m in turn.inbound.room_members if isinstance(m, str) and m)

    def _me(self, turn: Turn) -> int | None:
        pid = turn.person_id
        return pid if pid else None

    def _failed(self, turn: Turn) -> list[Reply]:
        return [turn.reply(turn.t("error"))]

    # ------------------------------------------------------------------ share
    def share(self, turn: Turn) -> list[Reply]:
        target = (turn.frame.share_with or "").strip()
        address = find_email(turn.inbound.text or "")
        if address:  # "share with jan.devries@minbzk.nl": the parser may keep only "jan"
            target = address
        if not target:
            return self.ask_whom(turn)
        if target.lower() in ("everyone", "team"):
            return self.share_scope(turn, target.lower())
        return self.share_named(turn, target)

    def ask_whom(self, turn: Turn) -> list[Reply]:
        choices = (Choice(turn.t("share.choice.team"), turn.t("share.utterance.team")),
                   Choice(turn.t("share.choice.everyone"), turn.t("share.utterance.everyone")))
        return [turn.reply(turn.t("share.whom"), turn.t("share.whom.named"), choices=choices)]

    def share_scope(self, turn: Turn, scope: str) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        new = self.sharing.grant(pid, scope, None, turn.now)  # type: ignore[arg-type]
        head = turn.t(f"share.done.{scope}" if new else f"share.already.{scope}")
        lines = [head, turn.t("share.what"), turn.t("share.stop_hint")]
        if scope == "team" and turn.inbound.is_group:
            lines.insert(1, turn.t("share.team_room"))
        return [turn.reply(*lines)]

    def share_named(self, turn: Turn, typed: str) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        name = typed.strip()[:MAX_NAME_CHARS]
        if not normalise_name(name):
            return self.ask_whom(turn)
        found = self.sharing.find_people(name)
        others = [p for p in found if p != pid]
        if not others:
            key = "share.self" if found else "share.unknown"
            return [turn.reply(turn.t(key, name=name))]
        if len(others) > 1:
            # Several people with exactly this name: ask for the e-mail address the asker knows,
            # without showing anything about them.
            return [turn.reply(turn.t("share.ambiguous", name=name))]
        new = self.sharing.grant(pid, "person", others[0], turn.now)
        head = turn.t("share.done.person" if new else "share.already.person", name=name)
        return [turn.reply(head, turn.t("share.what"), turn.t("share.stop_hint"))]

    # ------------------------------------------------------------------ stop / status
    def stop(self, turn: Turn) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        removed = self.sharing.revoke(pid)
        return [turn.reply(turn.t("share.stopped" if removed else "share.stop.none"))]

    def stop_with(self, turn: Turn, typed: str) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        name = typed.strip()[:MAX_NAME_CHARS]
        word = normalise_name(name)
        scopes = {w: s for s in ("team", "everyone") for w in turn.t(f"share.words.{s}").split("|")}
        if word in scopes:
            removed = self.sharing.revoke(pid, scope=scopes[word])  # type: ignore[arg-type]
            key = f"share.stopped.{scopes[word]}" if removed else "share.stop.not_shared"
            return [turn.reply(turn.t(key, name=name))]
        named = [g.viewer_id for g in self.sharing.grants_of(pid) if g.scope == "person" and g.viewer_id]
        address = find_email(name)
        if address:
            by_address = set(self.sharing.find_people(address))
            hits = [v for v in named if v in by_address]
        else:
            names = self.sharing.names(named)
            hits = [v for v in named if loose_match(name, names.get(v))]
        removed = sum(self.sharing.revoke(pid, scope="person", viewer_id=v) for v in hits)
        if not removed:
            return [turn.reply(turn.t("share.stop.not_shared", name=name))]
        left = self.sharing.grants_of(pid)
        tail = turn.t("share.still_sharing") if left else turn.t("share.nothing_left")
        return [turn.reply(turn.t("share.stopped.person", name=name), tail)]

    def status(self, turn: Turn) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        everyone, team, named = summary(self.sharing.grants_of(pid))
        if not (everyone or team or named):
            return [turn.reply(turn.t("share.status.none"), turn.t("share.status.how"))]
        lines = [turn.t("share.status.intro")]
        if everyone:
            lines.append(turn.t("share.status.everyone"))
        if team:
            lines.append(turn.t("share.status.team"))
        if named:
            names = self.sharing.names(named)
            shown = sorted(n for n in (names.get(v) for v in named) if n)
            unnamed = len(named) - len(shown)
            if shown:
                lines.append(turn.t("share.status.named", names=join(shown, turn.lang)))
            if unnamed:
                lines.append(turn.t("share.status.unnamed", count=unnamed))
        lines += [turn.t("share.what"), turn.t("share.stop_hint")]
        return [turn.reply(*lines)]

    def lookups(self, turn: Turn) -> list[Reply]:
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        seen = self.sharing.lookups_of(pid, turn.now - timedelta(days=LOOKUP_LOG_DAYS))
        if not seen:
            return [turn.reply(turn.t("lookups.none", days=LOOKUP_LOG_DAYS))]
        lines = [turn.t("lookups.intro", days=LOOKUP_LOG_DAYS)]
        from core.clock import local

        for item in seen[:MAX_LOOKUP_LINES]:
            at = local(item.at)
            lines.append(turn.t("lookups.line", name=item.viewer_name or turn.t("lookups.someone"),
                                day=day(at.date(), turn.lang), time=at.strftime("%H:%M")))
        if len(seen) > MAX_LOOKUP_LINES:
            lines.append(turn.t("lookups.more", count=len(seen) - MAX_LOOKUP_LINES))
        return [turn.reply(*lines)]

    # ------------------------------------------------------------------ find
    def _visible(self, turn: Turn, pid: int) -> dict[int, str]:
        """The colleagues this viewer may see, by id, with their names.

        In a group room the answer is read by everyone there: only sharers that every member
        of the room may see are shown (members unknown to the bot count as "not named")."""
        grants: dict[int, list[Grant]] = {}
        for g in self.sharing.sharers_for(pid):
            grants.setdefault(g.sharer_id, []).append(g)
        if not grants:
            return {}
        room = self._room_keys(turn)
        viewers = [pid]
        unknown_member = False
        if turn.inbound.is_group:
            members = self.sharing.person_ids(room)
            viewers += [v for v in members.values() if v != pid]
            unknown_member = len(members) < len(set(room))
        visible = []
        for sid, gs in grants.items():
            team: frozenset[int] | None = None
            ok = True
            for viewer in viewers:
                if any(g.scope == "team" for g in gs) and team is None:
                    team = self.teams.team_of(sid, room) if room else frozenset()
                if not may_view(gs, sid, viewer, in_team=viewer in (team or frozenset())):
                    ok = False
                    break
            if ok and unknown_member and not any(g.scope == "everyone" for g in gs):
                ok = any(g.scope == "team" for g in gs) and sid in self.sharing.person_ids(room).values()
            if ok:
                visible.append(sid)
        names = self.sharing.names(visible)
        return {sid: n for sid, n in names.items() if n}

    def _where(self, turn: Turn, sid: int, name: str, days: tuple) -> list[str]:
        bookings: tuple[Booking, ...] = turn.booking.upcoming(sid, turn.now)
        seen: tuple[Sighting, ...] = sightings(bookings, days, turn.today)
        lines = []
        for s in seen:
            b = turn.building(s.building_id)
            place = b.name if b is not None else s.building_id
            if s.floor is not None and s.zone:
                where = turn.t("find.place.floor_zone", building=place, floor=s.floor, zone=s.zone)
            elif s.floor is not None:
                where = turn.t("find.place.floor", building=place, floor=s.floor)
            else:
                where = place
            lines.append(turn.t("find.line", name=name, day=day(s.day, turn.lang), where=where))
        return lines

    def _when(self, turn: Turn, days: tuple, asked: bool) -> str:
        if not asked:
            return turn.t("find.when.week")
        return turn.t("find.when.days", days=phrase_days(days, turn.lang))

    def find(self, turn: Turn, names: str | None = None) -> list[Reply]:
        """Where colleagues sit: ``names`` (several, as written) or the frame's colleague or team."""
        f = turn.frame
        days, past = window(f.dates, turn.today)
        if not days:
            return [turn.reply(turn.t("find.past"))]
        pid = self._me(turn)
        if pid is None:
            return self._failed(turn)
        asked = bool(f.dates)
        note = [turn.t("find.past_note")] if past else []
        typed = split_names(names if names is not None else f.colleague)
        if not typed:
            if f.team:
                return self._find_team(turn, pid, days, asked, note)
            return [turn.reply(turn.t("find.no_listing"))]
        visible = self._visible(turn, pid)
        lines: list[str] = []
        answered = 0
        for name in typed:
            hits = [sid for sid, full in visible.items() if loose_match(name, full)]
            exact = [sid for sid in hits if exact_match(name, visible[sid])]
            hits = exact or hits
            if len(hits) > MAX_MATCHES:
                # Only colleagues who chose to be visible to the asker are counted here: asking
                # for the full name tells nothing about anyone else.
                lines.append(turn.t("find.too_many", name=name))
                answered += 1
                continue
            found_any = False
            for sid in hits:
                self.sharing.log_lookup(sid, pid, turn.now)
                where = self._where(turn, sid, visible[sid], days)
                lines += where
                found_any = found_any or bool(where)
            answered += found_any
        when = self._when(turn, days, asked)
        if not lines:
            # The one answer for "unknown", "doesn't share with you" and "no booking".
            return [turn.reply(*note, turn.t("find.nothing", name=join(typed, turn.lang), when=when),
                               turn.t("find.why"))]
        if answered < len(typed):
            lines.append(turn.t("find.others"))
        return [turn.reply(*note, *lines, turn.t("find.only_place"))]

    def _find_team(self, turn: Turn, pid: int, days: tuple, asked: bool, note: list[str]) -> list[Reply]:
        team = self.teams.team_of(pid, self._room_keys(turn))
        visible = {sid: n for sid, n in self._visible(turn, pid).items() if sid in team}
        lines: list[str] = []
        for sid in sorted(visible, key=lambda s: normalise_name(visible[s])):
            self.sharing.log_lookup(sid, pid, turn.now)
            lines += self._where(turn, sid, visible[sid], days)
        when = self._when(turn, days, asked)
        if not lines:
            return [turn.reply(*note, turn.t("find.team_nothing", when=when), turn.t("find.team_why"))]
        return [turn.reply(*note, turn.t("find.team_intro", when=when), *lines, turn.t("find.team_why"))]


__all__ = ["SharingFlows"]

"""The user's rights in chat and the gate that keeps them first.

:func:`privacy_parts` builds what the dialog needs: the flows (``privacy``, ``export_data``,
``delete_data``, sharing's ``share_location``, ``stop_sharing``, ``find_colleague``) and a
*hook* the engine runs before anything else on every message. The hook

1. reads the rights and sharing phrases the frame has no intent for (correct a field, pause,
   resume, "who looked me up", "with whom do I share", requests about another person's data;
   :mod:`core.privacy.phrases`);
2. answers this module's own free-text question (the new value of a profile field);
3. keeps a paused person (restriction of processing) from everything but their rights.

Every action is keyed by the sender's own person id (from the Inbound's stable user key):
nobody can act for someone else. Export, erasure and corrections are refused in group rooms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from core.dialog.sharing_flow import SharingFlows
from core.dialog.state import Question, State
from core.dialog.turn import Flow, Turn
from core.i18n import day
from core.messages import Attachment, Choice, Reply
from core.privacy.phrases import Phrase, recognise
from core.privacy.rights import (
    ALLOWED_WHILE_PAUSED,
    ERASURE_PLAN,
    EXPORT_MEDIA_TYPE,
    Invalid,
    PrivacyTexts,
    RightsPort,
    check_rectification,
    export_filename,
)
from core.privacy.sharing import SharingPort, TeamPort, find_email

Hook = Callable[[Turn], "list[Reply] | None"]

OWN_ACTIONS = ("delete_data", "rectify")
"""Questions this module asks (answers to them pass the pause gate)."""

_PHRASE_INTENT = {"rectify": "rectify", "rectify_ask": "rectify", "restrict": "restrict", "resume": "resume",
                  "lookups": "lookups", "sharing_status": "sharing_status", "share_everyone": "share_location",
                  "share_team": "share_location", "share_named": "share_location", "find_named": "find_colleague",
                  "stop_with": "stop_sharing", "other_data": "privacy"}


@dataclass
class PrivacyFlows:
    """The rights flows, bound to the store's ports and the operator's texts."""

    rights: RightsPort
    sharing_flows: SharingFlows
    texts: PrivacyTexts

    def flows(self) -> dict[str, Flow]:
        return {
            **self.sharing_flows.flows(),
            "privacy": Flow(start=self.statement),
            "export_data": Flow(start=self.export),
            "delete_data": Flow(start=self.erase_ask, confirmed=self.erase_confirmed, declined=self.erase_declined),
            "rectify": Flow(),
        }

    # ------------------------------------------------------------------ the hook
    def before(self, turn: Turn) -> list[Reply] | None:
        phrase = recognise(turn.inbound.text or "", turn.lang)
        q = turn.state.question
        if phrase is None and q is not None and q.action == "rectify" and q.kind == "slot":
            if turn.frame.intent == "deny":
                turn.close_question()
                return [turn.reply(turn.t("okay_dropped"), closes=True)]
            # Only a message that means nothing else is the value: "boek morgen een plek" is a new
            # request, not a name ("mijn naam is ..." always works).
            if turn.frame.intent == "unknown":
                turn.close_question()
                if turn.state.lang:  # a bare value ("Sam de Boer") keeps the conversation's language
                    turn.lang = turn.state.lang
                return self.rectify(turn, q.slot or "", turn.inbound.text or "")
        intent = _PHRASE_INTENT[phrase.kind] if phrase else turn.frame.intent
        answering_own = q is not None and q.action in OWN_ACTIONS and phrase is None
        if intent not in ALLOWED_WHILE_PAUSED and not answering_own and self._paused(turn):
            return [turn.reply(turn.t("restrict.blocked"), turn.t("restrict.how_resume"))]
        if phrase is None:
            return None
        if q is not None:
            turn.close_question()
        return self._dispatch(turn, phrase)

    def _paused(self, turn: Turn) -> bool:
        pid = turn.person_id
        # A person created by this very turn cannot have asked for a restriction yet.
        return bool(pid) and not turn.person_is_new and self.rights.paused_since(pid) is not None

    def _dispatch(self, turn: Turn, phrase: Phrase) -> list[Reply]:
        s = self.sharing_flows
        if phrase.kind == "rectify":
            return self.rectify(turn, phrase.field or "", phrase.value or "")
        if phrase.kind == "rectify_ask":
            return self.rectify_ask(turn, phrase.field or "")
        if phrase.kind == "restrict":
            return self.pause(turn)
        if phrase.kind == "resume":
            return self.resume(turn)
        if phrase.kind == "lookups":
            return s.lookups(turn)
        if phrase.kind == "sharing_status":
            return s.status(turn)
        if phrase.kind == "share_everyone":
            return s.share_scope(turn, "everyone")
        if phrase.kind == "share_team":
            return s.share_scope(turn, "team")
        if phrase.kind == "share_named":
            return s.share_named(turn, find_email(phrase.name or "") or phrase.name or "")
        if phrase.kind == "find_named":
            return s.find(turn, names=phrase.name or "")
        if phrase.kind == "stop_with":
            return s.stop_with(turn, phrase.name or "")
        return [turn.reply(turn.t("rights.only_own"))]  # other_data

    def _private_only(self, turn: Turn) -> list[Reply] | None:
        if turn.inbound.is_group:
            return [turn.reply(turn.t("rights.private_only"))]
        return None

    def _failed(self, turn: Turn) -> list[Reply]:
        return [turn.reply(turn.t("error"))]

    # ------------------------------------------------------------------ statement
    def statement(self, turn: Turn) -> list[Reply]:
        t, x = turn.t, self.texts
        lines = [
            t("privacy.title"),
            t("privacy.controller", controller=x.controller or t("privacy.default.controller")),
            t("privacy.purpose", purpose=x.purpose or t("privacy.default.purpose")),
            t("privacy.basis", basis=x.legal_basis or t("privacy.default.basis")),
            t("privacy.categories"),
            t("privacy.retention", profile_days=x.retention_profile_days, lookups_days=x.retention_lookups_days),
            t("privacy.sharing"),
            t("privacy.eea"),
            t("privacy.rights"),
            t("privacy.dpo", dpo=x.dpo_contact or t("privacy.default.dpo")),
        ]
        if x.complaints:
            lines.append(t("privacy.complaints", complaints=x.complaints))
        choices = (Choice(t("privacy.choice.export"), t("privacy.utterance.export")),
                   Choice(t("privacy.choice.sharing"), t("privacy.utterance.sharing")))
        return [turn.reply(*lines, choices=choices)]

    # ------------------------------------------------------------------ export
    def export(self, turn: Turn) -> list[Reply]:
        refused = self._private_only(turn)
        if refused:
            return refused
        pid = turn.person_id
        doc = self.rights.export(pid, turn.now) if pid else None
        if doc is None:
            return self._failed(turn)
        data = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
        attachment = Attachment(filename=export_filename(turn.today), media_type=EXPORT_MEDIA_TYPE, data=data)
        body = "\n".join([turn.t("export.done", reservations=len(doc.get("reservations") or [])),
                          turn.t("export.contents"), turn.t("export.not_kept")])
        # ``error`` keeps the runtime from recording this reply (the export would otherwise be
        # stored with the handled message): a retried message makes a fresh export.
        return [Reply(text=body, lang=turn.lang, attachments=(attachment,),
                      meta={"ephemeral": True, "error": True})]

    # ------------------------------------------------------------------ erasure
    def erase_ask(self, turn: Turn) -> list[Reply]:
        refused = self._private_only(turn)
        if refused:
            return refused
        pid = turn.person_id
        if not pid:
            return self._failed(turn)
        counts = self.rights.erasure_counts(pid, turn.now)
        lines = [turn.t("erase.ask")]
        for item in ERASURE_PLAN:
            lines.append(turn.t(f"erase.plan.{item}", count=counts.get(item, 0)))
        lines.append(turn.t("erase.irreversible"))
        choices = (Choice(turn.t("erase.choice.yes"), turn.t("erase.utterance.yes")),
                   Choice(turn.t("erase.choice.no"), turn.t("erase.utterance.no")))
        return [turn.ask(Question(kind="confirm", action="delete_data"), *lines, choices=choices)]

    def erase_confirmed(self, turn: Turn, q: Question) -> list[Reply]:
        turn.close_question()
        if turn.inbound.is_group:
            return [turn.reply(turn.t("rights.private_only"))]
        pid = turn.person_id
        if not pid:
            return self._failed(turn)
        report = self.rights.erase(pid, turn.now)
        # Nothing of the person may survive in this conversation's state either (the engine
        # saves it after the turn): keep only the language.
        fresh = State(lang=turn.state.lang, welcomed=True)
        turn.state.question, turn.state.undo, turn.state.person_id = fresh.question, fresh.undo, None
        turn._person_id = None
        if not report.profile:
            return [turn.reply(turn.t("erase.nothing"), closes=True)]
        lines = [turn.t("erase.done"),
                 turn.t("erase.done.reservations", count=report.future_reservations),
                 turn.t("erase.done.sharing", grants=report.grants, lookups=report.lookups),
                 turn.t("erase.done.rest"), turn.t("erase.done.bye")]
        return [Reply(text="\n".join(lines), lang=turn.lang, closes_question=True, meta={"erased": True})]

    def erase_declined(self, turn: Turn, q: Question) -> list[Reply]:
        turn.close_question()
        return [turn.reply(turn.t("erase.kept"), closes=True)]

    # ------------------------------------------------------------------ rectification
    def rectify_ask(self, turn: Turn, field: str) -> list[Reply]:
        refused = self._private_only(turn)
        if refused:
            return refused
        q = Question(kind="slot", action="rectify", slot=field)
        return [turn.ask(q, turn.t(f"rectify.ask.{field}"))]

    def rectify(self, turn: Turn, field: str, value: str) -> list[Reply]:
        refused = self._private_only(turn)
        if refused:
            return refused
        checked = check_rectification(field, value)
        if isinstance(checked, Invalid):
            label = turn.t(f"rectify.field.{checked.field}") if checked.field in ("name", "email", "phone",
                                                                                  "department") else ""
            return [turn.reply(turn.t(f"rectify.invalid.{checked.reason}", field=label),
                               turn.t(f"rectify.example.{field}") if label else "")]
        pid = turn.person_id
        if not pid:
            return self._failed(turn)
        label = turn.t(f"rectify.field.{checked.field}")
        if self.rights.current(pid, checked.field) == checked.value:
            return [turn.reply(turn.t("rectify.same", field=label, value=checked.value))]
        if not self.rights.rectify(pid, checked, turn.now):
            return self._failed(turn)
        lines = [turn.t("rectify.done", field=label, value=checked.value)]
        if checked.field in ("name", "email", "phone"):
            lines.append(turn.t("rectify.channel_note"))
        return [turn.reply(*lines)]

    # ------------------------------------------------------------------ restriction
    def pause(self, turn: Turn) -> list[Reply]:
        pid = turn.person_id
        if not pid:
            return self._failed(turn)
        turn.close_question()
        turn.state.undo = None
        if not self.rights.pause(pid, turn.now):
            return [turn.reply(turn.t("restrict.already"), turn.t("restrict.how_resume"))]
        return [turn.reply(turn.t("restrict.done"), turn.t("restrict.what"), turn.t("restrict.how_resume"))]

    def resume(self, turn: Turn) -> list[Reply]:
        pid = turn.person_id
        if not pid:
            return self._failed(turn)
        since = self.rights.paused_since(pid)
        if since is None or not self.rights.resume(pid):
            return [turn.reply(turn.t("resume.not_paused"))]
        return [turn.reply(turn.t("resume.done", since=day(since.date(), turn.lang)))]


def privacy_parts(*, rights: RightsPort, sharing: SharingPort, teams: TeamPort,
                  texts: PrivacyTexts | None = None) -> tuple[dict[str, Flow], Hook]:
    """The flows and the hook for ``Dialog(..., flows=flows, hooks=[hook])``."""
    flows = PrivacyFlows(rights=rights, sharing_flows=SharingFlows(sharing=sharing, teams=teams),
                         texts=texts or PrivacyTexts())
    return flows.flows(), flows.before


__all__ = ["OWN_ACTIONS", "PrivacyFlows", "privacy_parts"]

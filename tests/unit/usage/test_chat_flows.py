"""The usage flows the dialog plugs in: check-in/out replies, the facility manager's question
and the role check, with a fake UsagePort (no store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core.dialog.state import State
from core.dialog.turn import Flow, Turn
from core.messages import Attachment, Inbound, Reply, Sender
from core.nlu.frame import Frame
from core.usage.chat import report_period, usage_flows
from core.usage.port import CheckInResult, CheckOutResult, UsageSummary
from core.usage.presence import CheckInOutcome, CheckOutOutcome
from core.usage.request import ReportProblem
from core.usage.roles import is_facility_manager

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
MANAGER = "@fm:example.org"
MANAGERS = ("matrix:@fm:example.org",)


@dataclass
class FakeUsage:
    calls: list = field(default_factory=list)

    def check_in(self, person, now):  # type: ignore[no-untyped-def]
        self.calls.append(("check_in", person))
        return CheckInResult(CheckInOutcome.CHECKED_IN, "T-1.01", "turfmarkt-147", "Turfmarkt 147")

    def check_out(self, person, now):  # type: ignore[no-untyped-def]
        self.calls.append(("check_out", person))
        return CheckOutResult(CheckOutOutcome.NOT_CHECKED_IN)

    def summary(self, requester, building, start, end, now, lang="nl"):  # type: ignore[no-untyped-def]
        self.calls.append(("summary", requester, building, start, end))
        if not is_facility_manager(requester, MANAGERS):
            return UsageSummary(problem=ReportProblem.NOT_ALLOWED)
        return UsageSummary(lines=("Turfmarkt 147: 62%",), chart=Attachment("c.png", "image/png", b"\x89PNG"))


ORDINARY = {"availability": Flow(start=lambda turn: [Reply(text="ordinary availability", lang=turn.lang)])}


def turn(text: str, user: str, frame: Frame, lang: str = "nl") -> Turn:
    inbound = Inbound(channel="matrix", conversation_id="!r:example.org", message_id="$1",
                      sender=Sender(user_id=user), text=text)
    return Turn(inbound=inbound, now=NOW, lang=lang, frame=frame, state=State(), booking=None,  # type: ignore[arg-type]
                parse=None)  # type: ignore[arg-type]


def test_check_in_and_out_use_the_senders_own_key() -> None:
    usage = FakeUsage()
    flows = usage_flows(usage, MANAGERS, base=ORDINARY)
    (r,) = flows["check_in"].start(turn("ik ben er", "@jan:example.org", Frame(intent="check_in")))
    assert "T-1.01" in r.text and "Turfmarkt 147" in r.text and r.lang == "nl"
    (r,) = flows["check_out"].start(turn("check me out", "@jan:example.org", Frame(lang="en", intent="check_out"),
                                         lang="en"))
    assert "not checked in" in r.text
    assert usage.calls == [("check_in", "matrix:@jan:example.org"), ("check_out", "matrix:@jan:example.org")]


def test_manager_gets_summary_and_chart() -> None:
    usage = FakeUsage()
    flows = usage_flows(usage, MANAGERS, base=ORDINARY)
    frame = Frame(intent="availability", location="turfmarkt-147")
    (r,) = flows["availability"].start(turn("hoe druk was het vorige week op de Turfmarkt?", MANAGER, frame))
    assert r.text == "Turfmarkt 147: 62%" and r.attachments[0].media_type == "image/png"
    assert usage.calls == [("summary", "matrix:@fm:example.org", "turfmarkt-147", date(2026, 11, 16),
                            date(2026, 11, 22))]


def test_non_manager_gets_a_clear_no_and_no_figures() -> None:
    usage = FakeUsage()
    flows = usage_flows(usage, MANAGERS, base=ORDINARY)
    frame = Frame(intent="availability", location="turfmarkt-147")
    (r,) = flows["availability"].start(turn("hoe druk was het vorige week op de Turfmarkt?", "@jan:example.org",
                                            frame))
    assert "facilitair" in r.text and not r.attachments
    assert usage.calls == []  # not even asked


def test_future_questions_keep_the_ordinary_flow() -> None:
    flows = usage_flows(FakeUsage(), MANAGERS, base=ORDINARY)
    frame = Frame(intent="availability", location="turfmarkt-147", dates=[date(2026, 11, 26)])
    (r,) = flows["availability"].start(turn("is er donderdag plek op de Turfmarkt?", MANAGER, frame))
    assert r.text == "ordinary availability"


def test_report_periods() -> None:
    today = date(2026, 11, 23)
    assert report_period("hoe druk was het vorige week op de Turfmarkt?", today) == (date(2026, 11, 16),
                                                                                     date(2026, 11, 22))
    assert report_period("How busy was Spark last month?", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert report_period("gisteren", today) == (date(2026, 11, 22), date(2026, 11, 22))
    assert report_period("de afgelopen 2 weken", today) == (date(2026, 11, 9), date(2026, 11, 22))
    assert report_period("is er morgen plek?", today) is None
    assert report_period("hoe druk is het deze week op de Turfmarkt?", today) is None  # availability

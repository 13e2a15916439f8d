"""Property: parse never raises, always returns a valid frame, and stays under 50 ms.

The 50 ms bound is the one time limit the issue asks to show; it is measured inside
the property as the maximum over all generated inputs (not a wall-clock sleep test), in
CPU time of the calling thread (``time.thread_time``): on a loaded, shared machine the
wall time also counts the time other processes had the CPU, which says nothing about
the parser.
Inputs include 20 kB texts (refused before parsing: over MAX_MESSAGE_CHARS) and word salad
of almost 4,000 characters (of which the parser reads the first ANALYSED_CHARS, 600).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.nlu import parse
from core.nlu.frame import INTENTS

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=1)))
SLOWEST: list[float] = [0.0]

WORDS = st.sampled_from([
    "boek", "book", "morgen", "tomorrow", "donderdag", "do", "di", "zo", "ma", "Turfmarkt",
    "Spark", "Den Haag", "Utrecht", "twee", "2", "bureaus", "desks", "naast elkaar", "together",
    "voor mijn team", "van", "naar", "to", "from", "t/m", "9", "tot", "13", "uur", "half 10",
    "'s middags", "morning", "cancel", "annuleer", "verzet", "waar zit", "Jan de Vries", "is",
    "deel", "met", "iedereen", "stop", "ja", "nee", "2026-12-01", "26/11", "31-02", "99/99",
    "elke", "every", "december", "volgende week", "next week", "👍", "😀", "'; DROP TABLE x;--",
    "<script>", "\x00", "\u200b", "ﬁ", "İ", "ß", "É", "\n", ",", "?", "!",
])
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=40).map(" ".join),
    st.binary(max_size=2000).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=50),
    st.integers(min_value=3900, max_value=20_000).map(lambda n: ("boek morgen een plek op de Turfmarkt " * 600)[:n]),
    st.lists(WORDS, min_size=200, max_size=600).map(" ".join).map(lambda s: s[:3999]),
)
LOCALE = st.sampled_from([None, "nl-NL", "en-US", "en", "xx", "", "de-DE"])
DAYS = st.integers(min_value=-400, max_value=400)


def _valid(frame: dict) -> None:
    assert frame["lang"] in ("nl", "en")
    assert frame["intent"] in INTENTS
    for key in ("dates", "to_dates"):
        if key in frame:
            assert frame[key] == sorted(set(frame[key]))
    if "count" in frame:
        assert isinstance(frame["count"], int) and frame["count"] >= 1
    if "features" in frame:
        assert set(frame["features"]) <= {"dual_screen", "single_screen", "sit_stand", "quiet"}
    if "time" in frame:
        assert set(frame["time"]) <= {"part_of_day", "start", "end"}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, locale=LOCALE, days=DAYS)
def test_parse_never_raises_and_is_fast(text: str, locale: str | None, days: int) -> None:
    now = NOW + timedelta(days=days)
    parse("warm-up", now)  # tables are built once, at first use
    # CPU time of this thread, best of three runs: a descheduled process says nothing
    # about the parser
    elapsed = float("inf")
    for _ in range(3):
        start = time.thread_time()
        frame = parse(text, now, locale)
        elapsed = min(elapsed, time.thread_time() - start)
    SLOWEST[0] = max(SLOWEST[0], elapsed)
    _valid(frame.to_json())
    assert SLOWEST[0] < 0.050, f"slowest parse {SLOWEST[0] * 1000:.1f} ms"


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(TEXT.filter(lambda t: len(t) < 2000), st.lists(WORDS, max_size=30).map(" ".join)))
def test_prefilter_never_skips_a_rule_that_matches(text: str) -> None:
    from core.nlu.prefilter import grams
    from core.nlu.rules import rules
    from core.nlu.text import fold

    folded = fold(text)
    present = grams(folded)
    r = rules()
    for _, rx, _, begins in r.intents:
        if begins is not None and begins.isdisjoint(present):
            assert rx.search(folded) is None, text[:80]
    for rx, begins in r.colleague_before:
        if begins is not None and begins.isdisjoint(present):
            assert rx.search(folded) is None, text[:80]

"""The date/time recogniser against our corpus (tests/nlu/corpus/when_{nl,en}.jsonl) and bad input."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.nlu.when import DateMention, TimeMention, When, _find, find_when

CORPUS = Path(__file__).parent / "corpus"
NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")


def _cases(lang: str) -> list:
    lines = (CORPUS / f"when_{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [pytest.param(json.loads(x), id=f"{lang}-{n}") for n, x in enumerate(lines, 1) if x.strip()]


def _check(case: dict) -> None:
    now = datetime.fromisoformat(case["now"])
    w = _find(case["text"], now, case.get("lang"))  # without the safety net: errors show up here
    exp = case["expect"]
    assert [d.isoformat() for d in w.all_dates] == exp.get("dates", []), case["text"]
    assert w.time == exp.get("time"), case["text"]
    # without the language hint the answer is the same
    w2 = find_when(case["text"], now)
    assert [d.isoformat() for d in w2.all_dates] == exp.get("dates", []), case["text"]


@pytest.mark.parametrize("case", _cases("nl"))
def test_corpus_nl(case: dict) -> None:
    _check(case)


@pytest.mark.parametrize("case", _cases("en"))
def test_corpus_en(case: dict) -> None:
    _check(case)


def test_corpus_sizes() -> None:
    for lang in ("nl", "en"):
        assert len(_cases(lang)) >= 150


def test_spans_point_into_the_original_text() -> None:
    text = "Verzet DONDERDAG naar vrijdag 's middags"
    w = find_when(text, NOW, "nl")
    assert [text[m.start:m.end] for m in w.dates] == ["DONDERDAG", "vrijdag"]
    assert [m.dates for m in w.dates] == [(date(2026, 11, 26),), (date(2026, 11, 27),)]
    assert [text[t.start:t.end] for t in w.times] == ["'s middags"]
    assert w.time == {"part_of_day": "afternoon"}


def test_a_range_is_one_mention_with_its_ends_as_parts() -> None:
    text = "move my booking from Tuesday to Wednesday"
    w = find_when("book from Tuesday to Thursday", NOW, "en")
    assert len(w.dates) == 1 and w.dates[0].kind == "range"
    assert [p.dates for p in w.dates[0].parts] == [(date(2026, 11, 24),), (date(2026, 11, 26),)]
    moved = find_when(text, NOW, "en")  # a move: "to" separates the old and the new day
    assert [text[m.start:m.end] for m in moved.dates][-1] == "Wednesday"
    assert len(moved.dates) == 2


def test_list_gives_one_mention_per_day() -> None:
    text = "volgende week ma, wo en vr"
    w = find_when(text, NOW, "nl")
    assert len(w.dates) == 3
    assert w.all_dates == [date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 4)]


def test_week_expression_kind() -> None:
    w = find_when("volgende week", NOW, "nl")
    assert w.dates[0].kind == "week" and len(w.all_dates) == 5


def test_whole_day_is_no_time() -> None:
    assert find_when("de hele dag", NOW, "nl").time is None
    assert find_when("all day", NOW, "en").time is None


def test_utc_now_is_read_in_amsterdam() -> None:
    late = datetime.fromisoformat("2026-11-23T23:30:00+00:00")  # already Tuesday in Amsterdam
    assert find_when("morgen", late, "nl").all_dates == [date(2026, 11, 25)]


@pytest.mark.parametrize("text", [
    "", " ", "😀" * 50, "\x00\x01\x02\ufffd", "a" * 20000, "1" * 5000, "-/.:" * 3000,
    "van tot t/m en of , - " * 500, "13-13-13-13-13", "99/99/9999", "31-02", "0/0", "$$$12",
    "elke", "volgende week " * 300, "' ; DROP TABLE bookings; --", "half", "om", "between and",
])
def test_bad_input_never_raises(text: str) -> None:
    w = _find(text, NOW, None)
    assert isinstance(w, When)
    assert all(isinstance(m, DateMention) for m in w.dates)
    assert all(isinstance(t, TimeMention) for t in w.times)


def test_not_a_string_gives_nothing() -> None:
    assert find_when(None, NOW) == When()  # type: ignore[arg-type]


_VOCAB = ("maandag di do vr zo morgen overmorgen vandaag van tot t/m tot en met en of , - / . : "
          "1 2 9 12 13 26 31 2026 26/11 1-12 9-13u 9:30 15.00 half 10 uur u 's middags ochtend "
          "volgende deze week elke in december dec nov the next on at from to until 9am 5pm 3e 21st "
          "twee twenty first de op om tussen between Friday 😀 ë ’s $ 12345 a.s. a.m.").split()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_VOCAB), max_size=40), st.sampled_from(["nl", "en", None]),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)))
def test_any_mix_of_date_words_never_raises(parts: list[str], lang: str | None, now: datetime) -> None:
    text = " ".join(parts)
    w = _find(text, now, lang)
    for m in w.dates:
        assert 0 <= m.start < m.end <= len(text)
        assert list(m.dates) == sorted(set(m.dates))
    for t in w.times:
        assert 0 <= t.start < t.end <= len(text)
        assert set(t.value) <= {"start", "end", "part_of_day"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_raises(text: str) -> None:
    assert isinstance(_find(text, NOW, None), When)


@pytest.mark.parametrize(("text", "hint", "want"), [
    ("ik kom do naar Leiden", "en", [date(2026, 11, 26)]),  # a wrong hint is overruled by the words
    ("do I have a desk tomorrow?", "nl", [date(2026, 11, 24)]),
    ("boek wo en vr", None, [date(2026, 11, 25), date(2026, 11, 27)]),
    ("book a desk op donderdag", None, [date(2026, 11, 26)]),  # mixed languages
])
def test_language_hint_and_mixed_messages(text: str, hint: str | None, want: list[date]) -> None:
    assert find_when(text, NOW, hint).all_dates == want


def test_vocabulary_is_complete_per_language() -> None:
    from core.nlu import timedata

    nl, en = timedata.load("nl"), timedata.load("en")
    for data in (nl, en):
        assert sorted(data["weekdays"].values()) == list(range(7))
        assert sorted(data["months"].values()) == list(range(1, 13))
        assert set(data["numbers"].values()) >= set(range(1, 32))
        assert set(data["ordinals"].values()) >= set(range(1, 32))
        assert set(data["month_abbr"].values()) | {5} >= set(range(1, 13))  # "mei"/"may" are short already
    # both languages describe the same phenomena
    assert set(nl) == set(en)


def _vocab_cases() -> list:
    """Every weekday, month, number and ordinal word of the vocabulary, in a plain date phrase."""
    from core.nlu import timedata

    out = []
    for lang, on, the, of in (("nl", "op", "de", "van"), ("en", "on", "the", "of")):
        data = timedata.load(lang)
        months = {**data["months"], **data["month_abbr"]}
        for word, m in months.items():
            for d in (1, 15, 28):
                want = date(2026 if m >= 11 and not (m == 11 and d < 23) else 2027, m, d)
                out.append(pytest.param(lang, f"{d} {word}", want, id=f"{lang}-{d}-{word}"))
                out.append(pytest.param(lang, f"{word} {d}", want, id=f"{lang}-{word}-{d}"))
        month = "december"
        for word, v in data["numbers"].items():
            if 1 <= v <= 31:
                out.append(pytest.param(lang, f"{word} {month}", date(2026, 12, v), id=f"{lang}-{word}"))
        for word, v in data["ordinals"].items():
            if 1 <= v <= 31:
                out.append(pytest.param(lang, f"{the} {word} {of} {month}", date(2026, 12, v), id=f"{lang}-{word}"))
        for word, wd in {**data["weekdays"], **data["weekday_abbr"]}.items():
            out.append(pytest.param(lang, f"{on} {word}", date(2026, 11, 23 + (wd - 1) % 7 + 1),
                                    id=f"{lang}-{on}-{word}"))
    return out


@pytest.mark.parametrize(("lang", "text", "want"), _vocab_cases())
def test_every_vocabulary_word(lang: str, text: str, want: date) -> None:
    assert _find(text, NOW, lang).all_dates == [want]

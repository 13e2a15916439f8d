"""Rules of the parser that a corpus line cannot show on its own."""

from __future__ import annotations

from datetime import date, datetime

from core.nlu import parse


def test_prefilter_cache_is_current() -> None:
    """Start-up reads the prefilter's beginnings from a file; stale entries would only cost
    time (a pattern not in it is parsed), but keep it current: python -m core.nlu.prefilter"""
    from core.nlu.prefilter import _cached, _key, beginnings
    from core.nlu.rules import rule_sources

    cache = _cached()
    for pattern in rule_sources():
        assert _key(pattern) in cache, "stale: run python -m core.nlu.prefilter"
        begins = cache[_key(pattern)]
        assert (frozenset(begins) if begins is not None else None) == beginnings(pattern)


def test_today_is_the_amsterdam_day_near_midnight_utc() -> None:
    """23:30 UTC on 23 November is already 24 November in Amsterdam."""
    now = datetime.fromisoformat("2026-11-23T23:30:00+00:00")
    assert parse("boek vandaag een plek op de Turfmarkt", now).dates == [date(2026, 11, 24)]
    assert parse("morgen", now).dates == [date(2026, 11, 25)]
    assert parse("check me in today", now).intent == "check_in"
    assert parse("ik ben er vandaag", now).intent == "check_in"


NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")  # a Monday


def test_unknown_place_is_kept_as_written_and_never_the_usual_building() -> None:
    for text, raw in [("boek een plek bij Hogwarts", "Hogwarts"), ("book a desk in Paris", "Paris"),
                      ("boek morgen een plek in groningen", "groningen"),
                      ("reserveer een plek bij het Ministerie van Financien", "Ministerie van Financien"),
                      ("book a desk at New York on Friday", "New York"),
                      ("boek een plek bij de Belastingdienst in Apeldoorn", "Belastingdienst")]:
        frame = parse(text, NOW)
        assert frame.intent == "book" and frame.location is None and frame.raw_location == raw, text
    for text in ["boek morgen een plek in de ochtend", "book a desk at my desk", "ik ben op kantoor, boek een plek",
                 "book a desk in January", "boek een plek in januari", "book a desk in the afternoon",
                 "boek een plek op tijd", "boek een plek bij Spark", "book a desk in Utrecht",
                 "book a desk in advance for Monday", "I'm at home", "boek een plek op dinsdag",
                 "boek een plek bij het raam morgen", "ik wil een plek op de gang", "book a desk at the window",
                 "BOEK EEN PLEK BIJ HET RAAM", "boek een plek naar keuze", "book a desk at least twice"]:
        assert parse(text, NOW).raw_location is None, text


def test_past_days_are_flagged_and_give_no_dates() -> None:
    cases = {
        "gisteren": [date(2026, 11, 22)],
        "yesterday": [date(2026, 11, 22)],
        "eergisteren": [date(2026, 11, 21)],
        "vorige week dinsdag": [date(2026, 11, 17)],
        "dinsdag vorige week": [date(2026, 11, 17)],
        "last Monday": [date(2026, 11, 16)],
        "afgelopen vrijdag": [date(2026, 11, 20)],
        "boek een plek op 3 november 2026": [date(2026, 11, 3)],
    }
    for text, days in cases.items():
        frame = parse(text, NOW)
        assert frame.past is True and frame.past_dates == days, text
        assert all(d < NOW.date() for d in frame.dates), text
    # a date without a year is the next one (SCHEMA), but the one that just passed is offered too
    frame = parse("boek 3 november", NOW)
    assert frame.dates == [date(2027, 11, 3)] and frame.past and frame.past_dates == [date(2026, 11, 3)]
    # a past day besides a coming one is not "past"
    frame = parse("gisteren zat ik bij Spark, boek daar maandag weer een plek", NOW)
    assert frame.dates == [date(2026, 11, 30)] and frame.past is False
    assert parse("boek morgen een plek", NOW).past is False


def test_a_bare_month_gives_no_days_in_either_language() -> None:
    for text in ("in januari", "in January", "boek een plek in januari", "book a desk in January",
                 "plan een teamdag in december", "when can my team sit together in December?"):
        assert parse(text, NOW).dates == [], text
    assert parse("boek 5 januari", NOW).dates == parse("book January 5", NOW).dates == [date(2027, 1, 5)]

"""Our own corpus (tests/nlu/corpus/frames_*.jsonl) is the specification of the parser.

Each line is a message with a fixed ``now`` and the frame SCHEMA.md expects, compared
the way ``../shared/nlu/score.py`` compares (absent = null, count 1 = absent, lists as
sets, names case-insensitive). ``choice`` is checked too when a line gives it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from core.nlu import parse

CORPUS = Path(__file__).parent / "corpus"
KEYS = ("lang", "intent", "dates", "to_dates", "time", "count", "together", "team", "features",
        "location", "colleague", "share_with", "choice")


def _lines(lang: str) -> list[dict]:
    with open(CORPUS / f"frames_{lang}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _norm(key: str, value):
    if value is None or value is False or value == [] or value == {}:
        return None
    if key == "count" and value == 1:
        return None
    if isinstance(value, list):
        return frozenset(value)
    if key in ("colleague", "share_with") and isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, dict):
        return tuple(sorted((k, v) for k, v in value.items() if v is not None)) or None
    return value


EXTRAS = ("act", "member")
"""Team-feature extras (not in SCHEMA.md): checked only when a line gives them; ``"act": null``
says the message is no team act (a near miss)."""


def _check(row: dict) -> None:
    parsed = parse(row["text"], datetime.fromisoformat(row["now"]), row.get("locale"))
    frame = parsed.to_json()
    wrong = {k: (row["expect"].get(k), frame.get(k)) for k in KEYS
             if _norm(k, row["expect"].get(k)) != _norm(k, frame.get(k))}
    if "act" in row["expect"]:
        wrong.update({k: (row["expect"].get(k), getattr(parsed, k)) for k in EXTRAS
                      if _norm("colleague", row["expect"].get(k)) != _norm("colleague", getattr(parsed, k))})
    assert not wrong, f"{row['text']!r}: (expected, got) {wrong}"


@pytest.mark.parametrize("row", _lines("nl"), ids=lambda r: r["id"])
def test_dutch(row: dict) -> None:
    _check(row)


@pytest.mark.parametrize("row", _lines("en"), ids=lambda r: r["id"])
def test_english(row: dict) -> None:
    _check(row)


def test_corpus_covers_every_intent_and_slot() -> None:
    rows = _lines("nl") + _lines("en")
    intents = {r["expect"]["intent"] for r in rows}
    from core.nlu.frame import INTENTS

    assert intents == set(INTENTS)
    for lang in ("nl", "en"):
        slots = {k for r in _lines(lang) for k in r["expect"]}
        assert slots >= {"dates", "to_dates", "time", "count", "together", "team", "features",
                         "location", "colleague", "share_with", "choice"}, lang
        assert len(_lines(lang)) >= 150


def test_long_message_is_refused_before_parsing() -> None:
    from core.messages import MAX_MESSAGE_CHARS

    text = "boek morgen een plek op de Turfmarkt " * (MAX_MESSAGE_CHARS // 30)
    frame = parse(text, datetime.fromisoformat("2026-11-23T09:00:00+01:00"))
    assert frame.to_json() == {"lang": "nl", "intent": "unknown"}


def test_locale_decides_only_for_neutral_messages() -> None:
    now = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    assert parse("ok", now, "en-US").lang == "en"
    assert parse("ok", now, "nl-NL").lang == "nl"
    assert parse("👍", now, "en-GB").to_json() == {"lang": "en", "intent": "confirm"}
    assert parse("boek morgen een plek", now, "en-US").lang == "nl"
    assert parse("book a desk tomorrow", now, "nl-NL").lang == "en"


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = ("import sys, core.nlu; "
            "print(any(m.startswith(('core.nlu.parser', 'rapidfuzz', 'dateparser', 'sqlalchemy')) "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"


def test_a_recogniser_failure_loses_only_the_dates(monkeypatch) -> None:
    from core.nlu import parser

    real = parser.find_when

    def broken(text, now, lang=None):
        if text:
            raise RuntimeError("boom")
        return real(text, now, lang)

    monkeypatch.setattr(parser, "find_when", broken)
    frame = parse("boek een plek op Spark", datetime.fromisoformat("2026-11-23T09:00:00+01:00"))
    assert frame.to_json() == {"lang": "nl", "intent": "book", "location": "spark"}


def test_move_splits_old_and_new_days() -> None:
    now = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    assert parse("verzet donderdag naar vrijdag", now).to_json() == {
        "lang": "nl", "intent": "move", "dates": ["2026-11-26"], "to_dates": ["2026-11-27"]}
    assert parse("move my booking from Tuesday to Wednesday", now).to_json() == {
        "lang": "en", "intent": "move", "dates": ["2026-11-24"], "to_dates": ["2026-11-25"]}
    assert parse("verplaats mijn plek van donderdag naar De Knoop", now).to_json() == {
        "lang": "nl", "intent": "move", "dates": ["2026-11-26"], "location": "de-knoop"}


def test_prefilter_never_skips_a_rule_that_matches_on_the_corpus() -> None:
    from core.nlu.prefilter import grams
    from core.nlu.rules import rules
    from core.nlu.text import fold

    r = rules()
    for row in _lines("nl") + _lines("en"):
        folded = fold(row["text"])
        present = grams(folded)
        for _, rx, _, begins in r.intents:
            if begins is not None and begins.isdisjoint(present):
                assert rx.search(folded) is None, row["text"]


SCHEMA_PLACES = {  # SCHEMA.md, "Locations (the pilot buildings)": every name it lists
    "parnassusplein-5": ["Parnassusplein 5", "SZW", "VWS", "Sociale Zaken", "Volksgezondheid", "Parnassus"],
    "turfmarkt-147": ["Turfmarkt 147", "BZK", "JenV", "Binnenlandse Zaken", "Justitie en Veiligheid", "Turfmarkt"],
    "prinses-beatrixlaan-2": ["Prinses Beatrixlaan 2", "RVO", "NVWA", "Beatrixlaan"],
    "griffioenlaan-2": ["Griffioenlaan 2", "RWS", "Rijkswaterstaat", "Griffioenlaan", "griffioen laan"],
    "de-knoop": ["Rijksontmoetingsplein De Knoop", "De Knoop", "Knoop"],
    "spark": ["Rijksontmoetingsplein Spark", "Spark", "Amsterdam"],
    "kop-van-zuid": ["Rijksontmoetingsplein Kop van Zuid", "Kop van Zuid", "Rotterdam"],
    "fellenoord": ["Rijksontmoetingsplein Fellenoord", "Fellenoord", "Eindhoven"],
    "hub-leiden": ["Hub Leiden", "Leiden"],
    "hub-assen": ["Hub Assen", "Assen"],
    "city:den-haag": ["Den Haag", "The Hague"],
    "city:utrecht": ["Utrecht"],
}


@pytest.mark.parametrize("place", sorted(SCHEMA_PLACES))
def test_every_schema_name_of_a_place_resolves(place: str) -> None:
    now = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    for name in SCHEMA_PLACES[place]:
        assert parse(f"boek morgen een plek bij {name}", now).location == place, name
        assert parse(f"book a desk at {name} tomorrow", now).location == place, name


def test_both_lexicons_cover_the_same_intents() -> None:
    from core.nlu.frame import INTENTS
    from core.nlu.lexicon import en, nl

    assert set(nl.INTENTS) == set(en.INTENTS) == set(INTENTS)
